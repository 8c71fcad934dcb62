"""The project's folders, defined once: `PROJECT_ROOT` (the repository) and `PARAMETERS_DIR` (saved networks)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARAMETERS_DIR = PROJECT_ROOT / "parameters_saved"

__all__ = ["PROJECT_ROOT", "PARAMETERS_DIR"]
