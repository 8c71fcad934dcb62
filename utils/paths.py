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


def provenance(path, loaded, made="trained", saved_in=None) -> str:
    """The one line a notebook prints about where a saved network or cached experiment came from.

    ``<path>: loaded (RETRAIN=1 trains it again)`` when it was read from `path`, ``<path>: trained now and
    saved`` when it was `made` ("trained" or "computed") in this run (``<path>: trained now, saved in
    section 9`` when the notebook writes it later: `saved_in` says where). Both forms are one rule so that a
    notebook run with RETRAIN=1 reads like the committed one: nbval_sanitize.cfg's `provenance` section
    turns either into the same text (tests/test_retrain_notebooks.py).
    """
    from .text import printable

    if made not in ("trained", "computed"):
        raise ValueError(f"made: expected 'trained' or 'computed', got {made!r}")
    where = printable(Path(path).as_posix())
    verb = "trains" if made == "trained" else "computes"
    if loaded:
        return f"{where}: loaded (RETRAIN=1 {verb} it again)"
    return f"{where}: {made} now, saved in {printable(saved_in)}" if saved_in else f"{where}: {made} now and saved"


__all__ = ["PROJECT_ROOT", "PARAMETERS_DIR", "retrain_requested", "parameters_dir", "experiments_dir", "provenance"]
