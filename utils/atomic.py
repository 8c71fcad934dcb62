"""Writing a file in place atomically: a temporary file beside it, then one rename.

Readers see the old file or the new one, never half of one; a failed, interrupted
(Ctrl-C) or terminated (SIGTERM) write leaves the old file and no temporary file.
`check_writable(path)` tells, before any long work, whether the write will be possible.
"""

from __future__ import annotations

import os
import secrets
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path


class _Terminated(BaseException):
    """SIGTERM arrived while a file was being written."""


def write_atomically(path, write, mode: int = 0o644) -> None:
    """Call write(file) on a new temporary file beside `path`, then rename it over `path`.

    `file` is open for binary reading and writing (``"x+b"``: numpy.savez and h5py both
    accept it). The result gets permissions `mode` (default: readable by everyone).
    If writing fails, is interrupted (Ctrl-C) or the process receives SIGTERM meanwhile,
    the temporary file is removed and `path` is left as it was (then SIGTERM ends the
    process as it would have).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    with _sigterm_raises():
        try:
            with open(tmp, "x+b") as f:
                write(f)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


@contextmanager
def _sigterm_raises():
    """While inside, SIGTERM raises _Terminated (so `finally` / `except` clean up), then is delivered again."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or previous in (signal.SIG_IGN, None):
        yield
        return

    def on_sigterm(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)  # the default action ends the process here
        raise InterruptedError("saving was interrupted by SIGTERM; the file was not written") from None
    finally:
        signal.signal(signal.SIGTERM, previous)


class DestinationError(ValueError):
    """A file cannot be written where it is asked for: said before the work that would produce it."""


def check_writable(path, fix: str = "choose a folder you can write") -> Path:
    """`path` as a Path if `write_atomically(path, ...)` can succeed there, else a one-line DestinationError.

    Checked: `path` is not a folder nor a special file; its folder exists and is a folder, or can be
    created (the nearest existing ancestor is a folder); a file can be made in it (tried with an unnamed
    temporary file, so permissions, ACLs and read-only file systems all count). `fix` ends the message,
    e.g. "set EXPERIMENTS_DIR to a folder you can write". Run it before the work whose result goes to
    `path`, so that a wrong destination costs a second, not an hour of training.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:  # a symbolic-link loop, a component that is a file, no permission ...
        raise DestinationError(f"cannot write {str(path)!r}: {error.strerror}; {fix}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise DestinationError(f"cannot write {str(path)!r}: it is a folder; remove or rename it, or {fix}")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DestinationError(f"cannot write {str(path)!r}: it is not a regular file (a device, pipe or socket); "
                               f"{fix}")
    folder = next((f for f in (path.parent, *path.parent.parents) if os.path.lexists(f)), Path("."))
    if not folder.is_dir():
        raise DestinationError(f"cannot write {str(path)!r}: {str(folder)!r} is a file, not a folder; {fix}")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise DestinationError(f"cannot write {str(path)!r}: no file can be made in {str(folder)!r} "
                               f"({error.strerror}); {fix}") from None
    return path


__all__ = ["write_atomically", "check_writable", "DestinationError"]
