"""The project's folders and its environment settings, defined once.

- `PROJECT_ROOT` (the repository) and `PARAMETERS_DIR` (its saved networks, what the commands use);
- the notebooks' settings, read from the environment when a notebook runs:
  ``RETRAIN=1`` (`retrain_requested`: train and compute everything again instead of loading it),
  ``PARAMETERS_DIR=folder`` (`parameters_dir`: where the notebooks read and write saved networks,
  default ``parameters_saved/``) and ``EXPERIMENTS_DIR=folder`` (`experiments_dir`: their experiment
  caches, default ``experiments_saved/``). The notebooks' defaults are relative to the folder the
  notebook runs in (the project's root), so their outputs show no path of the learner's machine.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARAMETERS_DIR = PROJECT_ROOT / "parameters_saved"
DEFAULT_PARAMETERS_DIR = "parameters_saved"
DEFAULT_EXPERIMENTS_DIR = "experiments_saved"


def retrain_requested(retrain=None) -> bool:
    """`retrain` if it is given (True / False), else whether the environment variable RETRAIN is "1"."""
    if retrain is None:
        return os.environ.get("RETRAIN") == "1"
    if not isinstance(retrain, bool):
        raise ValueError(f"retrain: expected True, False or None (None: the environment's RETRAIN=1), got "
                         f"{type(retrain).__name__} {retrain!r}")
    return retrain


def parameters_dir(directory=None) -> Path:
    """Where the notebooks keep saved networks: `directory`, else $PARAMETERS_DIR, else parameters_saved/."""
    return Path(directory if directory is not None else os.environ.get("PARAMETERS_DIR", DEFAULT_PARAMETERS_DIR))


def experiments_dir(directory=None) -> Path:
    """Where cached experiments live: `directory`, else $EXPERIMENTS_DIR, else experiments_saved/ (relative to cwd)."""
    return Path(directory if directory is not None else os.environ.get("EXPERIMENTS_DIR", DEFAULT_EXPERIMENTS_DIR))


__all__ = ["PROJECT_ROOT", "PARAMETERS_DIR", "retrain_requested", "parameters_dir", "experiments_dir"]
