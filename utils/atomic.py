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


#: What `write_atomically` adds to a file name for its temporary file: "." + name + ".<12 hex>.tmp".
TEMPORARY_NAME_EXTRA = len(".") + len(".123456789abc.tmp")


def longest_name(folder: Path) -> int:
    """The longest file name (bytes) `write_atomically` can save in `folder`: its file system's NAME_MAX
    (255 if the system does not say) less what the temporary name used while saving adds."""
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, ValueError, OSError):  # no os.pathconf (Windows) or no such name
        name_max = 255
    return (name_max if name_max and name_max > 0 else 255) - TEMPORARY_NAME_EXTRA


def _quoted(path) -> str:
    return repr(str(path))


def check_writable(path, fix: str = "choose a folder you can write", show=_quoted) -> Path:
    """`path` as a Path if `write_atomically(path, ...)` can succeed there, else a one-line DestinationError.

    Checked: `path` is not a folder nor a special file; its folder exists and is a folder, or can be
    created (the nearest existing ancestor is a folder); a file can be made in it (tried with an unnamed
    temporary file, so permissions, ACLs and read-only file systems all count); its name fits the file
    system with the temporary name used while saving (`longest_name`). `fix` ends the message, e.g.
    "set EXPERIMENTS_DIR to a folder you can write"; `show(path)` is how a path is written in it. Run it
    before the work whose result goes to `path`, so that a wrong destination costs a second, not an
    hour of training.
    """
    path = Path(path)
    where = f"cannot write {show(path)}"
    if "\x00" in str(path):
        raise DestinationError(f"{where}: a file name cannot hold a NUL character; {fix}")
    try:
        folder = next((f for f in (path.parent, *path.parent.parents) if os.path.lexists(f)), Path("."))
        if not folder.is_dir():
            raise DestinationError(f"{where}: {show(folder)} is a file, not a folder; {fix}")
        longest, length = longest_name(folder), len(os.fsencode(path.name))
        if length > longest:  # else the save would fail after the work: "File name too long"
            raise DestinationError(f"{where}: its file name is {length} bytes long, more than the {longest} this "
                                   f"file system allows (beside the temporary name used while saving); give a "
                                   "shorter file name")
        info = path.stat() if os.path.exists(path) else None   # a dangling link is replaced, as a missing file
    except OSError as error:  # a symbolic-link loop, a folder name too long ...
        raise DestinationError(f"{where}: {error.strerror}; {fix}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise DestinationError(f"{show(path)} is a folder; give a file name (or remove or rename the folder)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DestinationError(f"{where}: it is not a regular file (a device, pipe or socket); {fix}")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise DestinationError(f"{where}: no file can be made in {show(folder)} ({error.strerror}); {fix}") from None
    return path


__all__ = ["write_atomically", "check_writable", "DestinationError", "longest_name", "TEMPORARY_NAME_EXTRA"]
