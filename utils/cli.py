"""What the three commands (`utils.train`, `utils.compare`, `utils.predict`) share.

- `ArgumentParser`: argparse, but a bad flag prints *one* line,
  ``error: --epochs: expected a positive integer, got '0' (see --help)``, and exits with 2.
- Flag types (`positive_int`, `positive_float`, `probability`, `fraction`) whose
  messages follow the library's style: what was expected, what was given.
- `run(main, argv)`: calls ``main(argv)`` and turns the errors a user can cause
  (bad values, missing data sets or files, unreadable images, a diverging
  training) into one line ``error: ...`` on stderr and exit status 1, never a
  traceback; Ctrl-C gives exit status 130. A programming error still shows
  its traceback: that is a bug to report, not a user mistake.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .datasets import PROJECT_ROOT, DatasetError

#: Where trained parameters go by default (the notebooks write there too).
PARAMETERS_DIR = PROJECT_ROOT / "parameters_saved"


class CLIError(Exception):
    """A problem the user can fix; its message is printed as ``error: <message>``."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block) and exit status 2."""

    def error(self, message):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parser(prog: str, doc: str) -> ArgumentParser:
    """An `ArgumentParser` for ``python -m <prog>`` whose --help starts with `doc` (line breaks kept)."""
    return ArgumentParser(prog=f"python -m {prog}", description=doc.strip(),
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


def run(main, argv=None) -> int:
    """Call ``main(argv)``; report user errors on one line. Returns the exit status."""
    try:
        return main(argv) or 0
    except (CLIError, DatasetError, ValueError, OSError) as error:  # OSError: missing file, disk full, ...
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
