"""The project's data sets: where they live, how to fetch them, how to load them.

Command line (``python -m utils download ...`` is the short form of ``download``)::

    python -m utils.datasets download [NAME ...] [--mirror DIR] [--base-url URL] [--timeout S] [--retries N]
    python -m utils.datasets verify [NAME ...]
    python -m utils.datasets list
    python -m utils.datasets make-split --from DIR      # maintainers only

Errors are reported by `utils.cli.run`: one line ``error: ...``, exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys

from .fetch import DEFAULT_RETRIES, DEFAULT_TIMEOUT, download
from .manifests import entries_for, local_path, make_manifests
from .registry import SOURCES, DatasetError, check_names, datasets_dir
from .verify import verify

PROG = "python -m utils.datasets"
#: What Ctrl-C prints (a rerun resumes from the .partial files).
INTERRUPTED = "interrupted; run the same command again to resume"


def _positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return int(text)


def _parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("download", help="fetch and verify data sets (default: all but the optional ones)")
    d.add_argument("names", nargs="*", metavar="NAME")
    d.add_argument("--mirror", help="copy from this local mirror instead (default: $DATASETS_MIRROR)")
    d.add_argument("--base-url", help="download from this address, laid out like the mirror "
                                      "(default: $DATASETS_BASE_URL, else the pinned public addresses)")
    d.add_argument("--root", help="data folder (default: $DATASETS_DIR, else Datasets/)")
    from ..cli import positive_int  # here: utils.cli imports this package

    d.add_argument("--workers", type=positive_int, default=8, help="parallel downloads (default 8)")
    d.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up an attempt when the server sends nothing for this long "
                        f"(default {DEFAULT_TIMEOUT:g})")
    d.add_argument("--retries", type=_non_negative_int, default=DEFAULT_RETRIES, metavar="N",
                   help=f"retry a failed file N more times, 0.5, 1, 2, 4 ... s apart (default {DEFAULT_RETRIES}); "
                        "a dead or stalled server fails the command within (N + 2) x SECONDS + 2^N / 2 s")
    v = sub.add_parser("verify", help="hash every file and check the split; non-zero exit on any problem")
    v.add_argument("names", nargs="*", metavar="NAME")
    v.add_argument("--root")
    sub.add_parser("list", help="the known data sets")
    m = sub.add_parser("make-split", help="maintainers: regenerate Datasets/files.csv and "
                                          "Datasets/cats_vs_noncats_split.csv from a local copy of the sources")
    m.add_argument("--from", dest="source", default=os.environ.get("DATASETS_MIRROR"),
                   help="folder laid out like the mirror (default: $DATASETS_MIRROR)")
    return parser


def _list(log=print) -> None:
    root = datasets_dir()
    for source in SOURCES.values():
        if source.bundled:
            state = "bundled"
        else:
            files = entries_for([source.name])
            present = sum(local_path(e, root).is_file() for e in files)
            state = f"{present}/{len(files)} files"
        log(f"{source.name:16s} {state:14s} {source.description}")


def main(argv=None, prog: str = PROG) -> int:
    """Entry point of ``python -m utils.datasets``; returns the exit status.

    `prog`: the command name its messages show; ``python -m utils download`` runs
    ``main(["download", ...], prog="python -m utils")``. Errors (a data problem,
    a file that cannot be written ...) are one line through `utils.cli.run`.
    """
    from .. import cli  # here: utils.cli imports this package

    args = _parser(prog).parse_args(argv)
    return cli.run(_run, args, interrupted=INTERRUPTED)


def _run(args) -> int:
    names = check_names(getattr(args, "names", None))
    files = [n for n in names if not SOURCES[n].bundled]
    if args.command in ("download", "verify") and not files:
        print(f"{', '.join(names)}: bundled with the Python packages, nothing to {args.command}")
    elif args.command == "download":
        download(files, root=args.root, mirror=args.mirror, base_url=args.base_url, workers=args.workers,
                 timeout=args.timeout, retries=args.retries)
    elif args.command == "verify":
        problems = verify(files, root=args.root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"error: {len(problems)} problem(s); repair with: python -m utils.datasets download "
                  f"{' '.join(files)}", file=sys.stderr)
            return 1
        print(f"{', '.join(files)}: every file verified, no image in two splits")
    elif args.command == "list":
        _list()
    elif args.command == "make-split":
        if not args.source:
            raise DatasetError("make-split: give the sources with --from DIR (or set $DATASETS_MIRROR)")
        make_manifests(args.source)
    return 0
