"""What the commands of `utils.commands` (``python -m utils train``, ``compare``, ``predict``) share.

- `ArgumentParser`: argparse, but a bad flag prints *one* line,
  ``error: --epochs: expected a positive integer, got '0' (see --help)``, and exits with 2.
- Flag types (`positive_int`, `positive_float`, `probability`, `fraction`, `seed`) whose
  messages follow the library's style: what was expected, what was given.
- Checks run before any work: `check_output_path` (the output file can be written) and
  `check_memory` (the run fits in the memory the machine has, see `memory_estimate`).
- `run(main, argv)`: calls ``main(argv)`` and turns the errors a user can cause
  (bad values, missing data sets or files, unreadable images, a diverging
  training, running out of memory) into one line ``error: ...`` on stderr and exit
  status 1, never a traceback; Ctrl-C gives exit status 130 and SIGTERM 143, after
  the clean-up code has run (no temporary file is left). A programming error still
  shows its traceback: that is a bug to report, not a user mistake.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .datasets.registry import DatasetError
from .deep import DivergenceError
from .paths import PARAMETERS_DIR, PROJECT_ROOT  # noqa: F401  (re-exported; PARAMETERS_DIR: where trained parameters go)


class CLIError(Exception):
    """A problem the user can fix; its message is printed as ``error: <message>``."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block) and exit status 2."""

    def error(self, message):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parser(command: str, doc: str) -> ArgumentParser:
    """An `ArgumentParser` for ``python -m utils <command>`` whose --help starts with `doc` (line breaks kept)."""
    return ArgumentParser(prog=f"python -m utils {command}", description=doc.strip(),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _number(kind, text, ok, expected):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _number(int, text, lambda v: v >= 1, "a positive integer")


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    return _number(float, text, lambda v: 0 < v < float("inf"), "a positive number")


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    return _number(float, text, lambda v: 0 <= v < float("inf"), "a number >= 0")


def probability(text: str) -> float:
    """argparse type: a probability in (0, 1] (dropout keep probability)."""
    return _number(float, text, lambda v: 0 < v <= 1, "a probability in (0, 1]")


def fraction(text: str) -> float:
    """argparse type: a fraction strictly between 0 and 1 (a share of the examples)."""
    return _number(float, text, lambda v: 0 < v < 1, "a fraction strictly between 0 and 1")


def seed(text: str) -> int:
    """argparse type: a random seed, an integer 0..2**32 - 1 (what NumPy accepts)."""
    return _number(int, text, lambda v: 0 <= v < 2**32, f"an integer 0..{2**32 - 1}")


# ---------------------------------------------------------------- checks before any work

def check_output_path(path: Path, flag: str) -> None:
    """Refuse (CLIError) an output file that could not be written, before any training.

    `path` must not be a folder, and its folder must be writable, or creatable: the
    nearest existing ancestor is a folder in which a file can be made (tried with an
    unnamed temporary file, so permissions, ACLs and read-only file systems all count).
    """
    shown, folder = display_path(path), path.parent
    try:
        if path.is_dir():
            raise CLIError(f"{flag}: {shown} is a folder; give a file name ending in .npz")
        folder = next(f for f in (path.parent, *path.parent.parents) if f.exists())
        if not folder.is_dir():
            raise CLIError(f"{flag}: cannot write {shown}: {display_path(folder)} is a file, not a folder")
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise CLIError(f"{flag}: cannot write {shown}: no file can be made in {display_path(folder)} "
                       f"({error.strerror})") from None


def memory_estimate(layer_dims, m: int, batch: int | None = None, itemsize: int = 4,
                    optimizer_copies: int = 0) -> dict:
    """Bytes a training run needs, roughly (a lower bound), per part.

    data: X of every split, n_x x m numbers of `itemsize` bytes;
    weights: the W and b of `layer_dims`, their gradients and the updated copy, plus
    `optimizer_copies` more of optimizer state (momentum and RMSprop 1, Adam 2);
    activations: Z, A, dZ and dA of every layer for a batch of `batch` examples (default: m).
    """
    n_params = sum(n * n_prev + n for n_prev, n in zip(layer_dims, layer_dims[1:]))
    return {"data": layer_dims[0] * m * itemsize,
            "weights": n_params * itemsize * (3 + optimizer_copies),
            "activations": 4 * sum(layer_dims[1:]) * min(batch or m, m) * itemsize}


def available_memory() -> int | None:
    """Bytes of memory available now, as the operating system says; None when it does not.

    Linux: MemAvailable in /proc/meminfo (free memory plus the caches it can give back);
    elsewhere the free pages x the page size (os.sysconf), where the system has them.
    """
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no os.sysconf (Windows) or no such name (macOS)
        return None
    return available if available > 0 else None


def format_bytes(n: int) -> str:
    """12_345_678 -> '12.3 MB' (decimal units; from 1000 PB on, the power of ten)."""
    if n < 1000:
        return f"{n} B"
    if n >= 10**21:  # more than any machine has: only the order of magnitude matters
        return f"10^{math.log10(n):.0f} B"
    power = min(int(math.log10(n)) // 3, 5)
    return f"{n / 1000 ** power:.1f} {('kB', 'MB', 'GB', 'TB', 'PB')[power - 1]}"


def check_memory(parts: dict, advice: str) -> None:
    """Refuse (CLIError) a run whose `memory_estimate` exceeds the `available_memory`; `advice` says what to change."""
    available, total = available_memory(), sum(parts.values())
    if available is not None and total > available:
        detail = ", ".join(f"{name} {format_bytes(n)}" for name, n in parts.items())
        raise CLIError(f"this run would need about {format_bytes(total)} of memory ({detail}); this machine has "
                       f"{format_bytes(available)} available. {advice}")


def add_tracking_arguments(p: argparse.ArgumentParser, default_experiment: str | None) -> None:
    """--track, --tracking-uri, --experiment (MLflow, optional dependency)."""
    group = p.add_argument_group("experiment tracking (MLflow, optional: pip install -r requirements-tracking.txt)")
    group.add_argument("--track", action="store_true",
                       help="log parameters, per-epoch metrics and files to MLflow")
    group.add_argument("--tracking-uri", default="./mlruns", metavar="URI",
                       help="MLflow store: a folder (local file store) or any MLflow tracking URI "
                            "(default: ./mlruns)")
    group.add_argument("--experiment", default=default_experiment, metavar="NAME",
                       help=f"MLflow experiment name (default: {default_experiment or 'the data set'})")


def one_line(error: BaseException) -> str:
    """The message of `error` on a single line (whitespace runs collapsed)."""
    text = " ".join(str(error).split())
    if isinstance(error, KeyError):  # KeyError quotes its message
        text = text.strip("'\"")
    return text or type(error).__name__


def display_path(path: str | os.PathLike) -> str:
    """`path` relative to the current folder when it is inside it, else absolute."""
    try:
        path = Path(path).resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop: show the path as given, made absolute
        path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Terminated(BaseException):
    """SIGTERM arrived while `run` was running (a BaseException, like KeyboardInterrupt)."""


def _raise_terminated(signum, frame):
    raise Terminated


def run(main, argv=None, interrupted: str = "interrupted") -> int:
    """Call ``main(argv)``; report user errors on one line. Returns the exit status.

    `interrupted`: the line printed after Ctrl-C (the download says how to resume).
    """
    catch_sigterm = threading.current_thread() is threading.main_thread()
    if catch_sigterm:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        return main(argv) or 0
    except DivergenceError as error:  # the library names its argument; name the flag
        print(f"error: {one_line(error).replace('learning_rate', '--learning-rate')}", file=sys.stderr)
        return 1
    except (CLIError, DatasetError, ValueError, OSError) as error:  # OSError: missing file, disk full, ...
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 1
    except MemoryError as error:
        print(f"error: out of memory ({one_line(error)}); try a smaller network or data", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    finally:
        if catch_sigterm:
            signal.signal(signal.SIGTERM, previous)
