"""What the commands of `utils.commands` (``python -m utils train``, ``compare``, ``predict``) share.

- `ArgumentParser`: argparse, but a bad flag prints *one* line,
  ``error: --epochs: expected a positive integer, got '0' (see --help)``, and exits with 2.
- `check_flags`: the library's own checks of what the flags give (`utils.checks`: bounds such
  as MAX_ITERATIONS, the network's size, seed + epochs ...), run before any work; their
  messages name the argument, which `name_flags` turns into the flag (`FLAGS`), and a refusal
  exits with 2 like any bad flag.
- Flag types (`positive_int`, `positive_float`, `probability`, `fraction`, `seed`) whose
  messages follow the library's style: what was expected, what was given.
- Checks run before any work: `check_output_path` (the output file can be written) and
  `check_memory` (the run fits in the memory the machine has, see `memory_estimate`).
- `run(main, argv)`: calls ``main(argv)`` and turns the errors a user can cause
  (bad values, missing data sets or files, unreadable images, a diverging
  training, running out of memory) into one line ``error: ...`` on stderr and exit
  status 1, never a traceback (a diverging training names the flag to change: `name_flags`);
  Ctrl-C gives exit status 130 and SIGTERM 143, after
  the clean-up code has run (no temporary file is left). A programming error still
  shows its traceback: that is a bug to report, not a user mistake.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sys
import threading
from pathlib import Path

from .atomic import DestinationError, check_writable
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


# ---------------------------------------------------------------- the library's argument names as flags

#: The library's argument names (`utils.checks.ARGUMENTS`, NeuralNetwork's) -> the flags that give them.
FLAGS = {"hidden_layers": "--layers", "activations": "--activation", "learning_rate": "--learning-rate",
         "optimizer": "--optimizer", "epochs": "--epochs", "num_iterations": "--iterations",
         "batch_size": "--batch-size", "lambd": "--lambd", "keep_prob": "--keep-prob",
         "initialization": "--initialization", "seed": "--seed", "dtype": "--dtype", "image_size": "--image-size",
         "scaling": "--scaling", "val_fraction": "--val-fraction"}


def name_flags(message: str, flags: dict | None = None) -> str:
    """A library message that starts with the arguments it is about ("seed, epochs: ...") with those
    arguments written as their flags (`flags`, default `FLAGS`): in that head, and where the text
    names them again as identifiers ("Try a smaller learning_rate than 1.0"; names with an
    underscore, so that prose such as "seed + e" stays; not after "/", as in "1/keep_prob")."""
    flags = FLAGS if flags is None else flags
    head, sep, rest = message.partition(": ")
    names = [name.strip() for name in head.split(",")] if sep else []
    if not names or not all(name in flags for name in names):
        return message
    again = [name for name in names if "_" in name]
    if again:
        pattern = re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, again)) + r")(?![\w-])")
        rest = pattern.sub(lambda found: flags[found[1]], rest)
    return ", ".join(flags[name] for name in names) + sep + rest


def check_flags(parser: argparse.ArgumentParser, check, flags: dict | None = None) -> None:
    """Run `check()` (the library's checks of the flags' values, before any work); a ValueError or
    CLIError it raises is a bad flag: one line naming the flag (`name_flags`), exit status 2."""
    try:
        check()
    except (ValueError, CLIError) as error:
        parser.error(name_flags(one_line(error), flags))


# ---------------------------------------------------------------- checks before any work

def check_output_path(path: Path, flag: str) -> None:
    """Refuse (CLIError) an output file that could not be written, before any training.

    The rule is `utils.atomic.check_writable` (not a folder; its folder writable or creatable; a
    name that fits the file system with the temporary name used while saving: a default name grows
    with --layers); the message names `flag`.
    """
    fix = "give another --output" if flag == "--output" else "give another --output-dir, or a file name with --output"
    try:
        check_writable(path, fix, show=display_path)
    except DestinationError as error:
        text = str(error)
        if text.endswith("give a shorter file name") and flag != "--output":
            text = text.removesuffix("give a shorter file name") + "give a file name with --output"
        if text.endswith("is a folder; give a file name (or remove or rename the folder)"):
            text = text.removesuffix("give a file name (or remove or rename the folder)") + \
                "give a file name ending in .npz"
        raise CLIError(f"{flag}: {text}") from None


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


def one_line(error: BaseException, encoding: str | None = None) -> str:
    """The message of `error` on a single line, safe to print (`utils.text.printable`).

    A line break followed by indentation (how a multi-line message or an array's repr is laid
    out) becomes one space; every other character a terminal must not receive -- a line break
    or tab quoted from a file name, ESC, NUL, U+202E, a surrogate, ... -- and every character
    `encoding` (default: that of sys.stderr, where the commands print their errors) cannot
    represent is shown as a backslash escape, so the result is always one line.
    """
    import re

    from .text import printable, stream_encoding

    text = re.sub(r"[ \t]*(?:\r?\n)+[ \t]+", " ", str(error).strip())
    if isinstance(error, KeyError):  # KeyError quotes its message
        text = text.strip("'\"")
    return printable(text or type(error).__name__, encoding or stream_encoding(sys.stderr))


def display_path(path: str | os.PathLike) -> str:
    """`path` relative to the current folder when it is inside it, else absolute; shown with
    `utils.text.printable` for sys.stdout's encoding (control characters, surrogates of a
    non-UTF-8 name, ... as backslash escapes). For messages and output only, never to open.
    """
    from .text import printable, stream_encoding

    try:
        path = Path(path).resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop: show the path as given, made absolute
        path = Path(os.path.abspath(path))
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return printable(shown, stream_encoding(sys.stdout))


class Terminated(BaseException):
    """SIGTERM arrived while `run` was running (a BaseException, like KeyboardInterrupt)."""


def _raise_terminated(signum, frame):
    raise Terminated


def run(main, argv=None, interrupted: str = "interrupted", flags: dict | None = None) -> int:
    """Call ``main(argv)``; report user errors on one line. Returns the exit status.

    `interrupted`: the line printed after Ctrl-C (the download says how to resume).
    `flags`: the command's argument names -> flags (default `FLAGS`), for a diverging training,
    whose message starts with the argument to change (the learning rate, keep_prob, ...).
    """
    catch_sigterm = threading.current_thread() is threading.main_thread()
    if catch_sigterm:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        return main(argv) or 0
    except DivergenceError as error:  # the library names the likely cause's argument; name its flag
        print(f"error: {name_flags(one_line(error), flags)}", file=sys.stderr)
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
