"""Writing a file in place atomically: a temporary file beside it, then one rename.

Readers see the old file or the new one, never half of one; a failed, interrupted
(Ctrl-C) or terminated (SIGTERM) write leaves the old file and no temporary file.
"""

from __future__ import annotations

import os
import secrets
import signal
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


__all__ = ["write_atomically"]
