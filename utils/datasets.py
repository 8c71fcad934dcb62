"""The project's data sets: where they live, how to fetch them, how to load them.

(The data-layer work extends this module: download command, manifests,
cats_vs_noncats split loader, digits.)
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLASSES = ["non-cat", "cat"]


def datasets_dir() -> Path:
    """The folder the loaders read: $DATASETS_DIR if set, else `Datasets/` in the project."""
    return Path(os.environ.get("DATASETS_DIR", PROJECT_ROOT / "Datasets"))


def _missing(name: str, path: Path) -> FileNotFoundError:
    return FileNotFoundError(
        f"data set {name!r} not found at {path}. Fetch it with: python -m utils.datasets download {name}"
    )


def load_catvnoncat(root: str | os.PathLike | None = None):
    """The course's 64x64 cat / non-cat photos (209 train, 50 test).

    Returns (train_x_orig, train_y, test_x_orig, test_y, classes):
    images (m, 64, 64, 3) uint8, labels (1, m) int64 with 1 = cat,
    classes = ["non-cat", "cat"].
    """
    folder = Path(root) if root is not None else datasets_dir() / "catvnoncat"
    arrays = []
    for split in ("train", "test"):
        path = folder / f"{split}_catvnoncat.h5"
        if not path.is_file():
            raise _missing("catvnoncat", path)
        with h5py.File(path, "r") as f:
            x = np.asarray(f[f"{split}_set_x"][:], dtype=np.uint8)
            y = np.asarray(f[f"{split}_set_y"][:], dtype=np.int64).reshape(1, -1)
        arrays += [x, y]
    return (*arrays, list(CLASSES))
