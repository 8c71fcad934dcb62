"""Writing a parameters file: the path check; the atomic write itself is `utils.atomic.write_atomically`."""

from __future__ import annotations

from pathlib import Path

from ..atomic import DestinationError, check_writable, write_atomically  # noqa: F401  (re-exported)
from .schema import _fail

# ------------------------------------------------------------------ writing a file

def check_save_path(path) -> Path:
    """`path` as a Path ending in .npz that is not a folder, in a folder where it can be written."""
    path = Path(path)
    if path.suffix != ".npz":
        _fail(f"path: expected a file name ending in .npz, got {str(path)!r}")
    try:
        folder = path.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: check_writable says which
        folder = False
    if folder:
        _fail(f"path: {str(path)!r} is a folder; pass a file name ending in .npz")
    try:
        check_writable(path, "save it in a folder you can write (the notebooks: PARAMETERS_DIR=folder)")
    except DestinationError as error:
        _fail(f"path: {error}")
    return path
