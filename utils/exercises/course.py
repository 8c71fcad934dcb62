"""An nbgrader course directory made from the project, for a teacher: ``python -m utils.exercises course DIR``.

    DIR/
      nbgrader_config.py        course id, a per-cell timeout that fits the slowest cell, the exchange folder
      source/<assignment>/      one assignment per chapter with exercises (the notebook's name without .ipynb):
                                the solution notebook, with its nbgrader metadata, and real copies (not links:
                                nbgrader copies real files only) of everything it reads: utils/,
                                explanations_utils/, Datasets/, parameters_saved/, experiments_saved/

nbgrader runs a notebook in the folder it copied it to (``release/``, ``autograded/<student>/`` ...); the
notebooks read their data, saved networks and experiment caches by paths relative to their own folder, and
import `utils` from it, so these copies make every path work wherever nbgrader executes them. Then, from DIR,
the teacher runs nbgrader as its documentation says (README, "For teachers"): ``nbgrader generate_assignment
ASSIGNMENT``, ``release_assignment``, ``collect``, ``autograde``, ``generate_feedback``.

Nothing is overwritten: an existing ``source/<assignment>/`` or ``nbgrader_config.py`` stops the command
before anything is copied (the teacher may have edited them); ``--force`` replaces them.
"""

from __future__ import annotations

import math
import shutil
import sys
from datetime import datetime
from pathlib import Path

import nbformat

from ..cli import ArgumentParser, display_path, one_line
from ..paths import PROJECT_ROOT
from .generate import solution_notebooks

#: What a notebook reads besides itself, copied into every assignment folder.
COPIED = ("utils", "explanations_utils", "Datasets", "parameters_saved", "experiments_saved")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".download.lock", "mlruns", ".*.tmp")
COURSE_ID = "nn-from-scratch"
#: The per-cell time limit is this many times the slowest cell as recorded in the committed notebooks (their
#: execution timestamps), and at least MIN_TIMEOUT seconds: room for a busy 2-core machine and a student's
#: slower code (nbgrader's own default, 30 s, was too short for a chapter 1 cell on such a machine).
TIMEOUT_FACTOR, MIN_TIMEOUT = 20, 300


class CourseError(Exception):
    """A problem the teacher can fix, printed as one line."""


def assignments(root: Path = PROJECT_ROOT) -> dict:
    """{assignment name: solution notebook} for every chapter with exercises."""
    return {path.stem: path for path in solution_notebooks(root)}


def slowest_cell_seconds(path: Path) -> float:
    """The longest time one code cell of the notebook at `path` took when its outputs were recorded (0 if unknown)."""
    slowest = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        times = cell.metadata.get("execution", {})
        start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
        if start and end:
            seconds = (datetime.fromisoformat(end.rstrip("Z")) - datetime.fromisoformat(start.rstrip("Z")))
            slowest = max(slowest, seconds.total_seconds())
    return slowest


def cell_timeout(paths) -> int:
    """Seconds nbgrader gives one cell: TIMEOUT_FACTOR x the slowest recorded cell, at least MIN_TIMEOUT."""
    return max(MIN_TIMEOUT, math.ceil(TIMEOUT_FACTOR * max((slowest_cell_seconds(p) for p in paths), default=0)))


CONFIG = '''\
# nbgrader's configuration for this course, written by `python -m utils.exercises course`.
# Run every nbgrader command from this folder. https://nbgrader.readthedocs.io/
c = get_config()  # noqa: F821  (nbgrader provides it)

c.CourseDirectory.course_id = {course_id!r}
# Seconds one cell may run while nbgrader executes a notebook (validate, autograde): {factor} x the slowest
# cell of these notebooks as recorded, at least {minimum} s.
c.ExecutePreprocessor.timeout = {timeout}
# Where release_assignment puts the assignments and students submit them (every user must be able to write it).
c.Exchange.root = {exchange!r}
'''


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def make_course(directory, names=None, exchange="/srv/nbgrader/exchange", course_id=COURSE_ID, force=False,
                root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the nbgrader course directory `directory` (see the module's docstring); return the folders made."""
    available = assignments(root)
    names = list(available) if not names else list(dict.fromkeys(names))
    unknown = [name for name in names if name not in available]
    if unknown:
        raise CourseError(f"assignment {unknown[0]!r}: expected one of {', '.join(available)} (the chapters with "
                          "exercises)")
    missing = [name for name in COPIED if not (root / name).is_dir()]
    if missing:
        hint = "; fetch the data sets first: python -m utils download" if "Datasets" in missing else ""
        raise CourseError(f"{root / missing[0]} is missing: a notebook reads it{hint}")
    directory = Path(directory)
    inside = next((root / name for name in COPIED if _is_within(directory, root / name)), None)
    if inside is not None:
        raise CourseError(f"{directory} is inside {inside}, which the course copies into every assignment; give a "
                          "folder outside it")
    for folder in (directory, *directory.parents):
        if folder.exists() and not folder.is_dir():
            raise CourseError(f"{folder} is a file; give a folder for the course (it is created if needed)")
    targets = [directory / "source" / name for name in names]
    config = directory / "nbgrader_config.py"
    for path in (directory / "source", *targets):
        if path.exists() and not path.is_dir():
            raise CourseError(f"{path} is a file where the course needs a folder; move it away")
    if config.is_dir():
        raise CourseError(f"{config} is a folder where the course writes its configuration; move it away")
    existing = [p for p in (config, *targets) if p.exists()]
    if existing and not force:
        raise CourseError(f"{existing[0]} exists already and may hold your edits; use another folder, remove it, "
                          "or pass --force to replace it")
    directory.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG.format(course_id=course_id, timeout=cell_timeout(available[n] for n in names),
                                    factor=TIMEOUT_FACTOR, minimum=MIN_TIMEOUT, exchange=str(exchange)),
                      encoding="utf-8")
    for name, target in zip(names, targets):
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copy2(available[name], target / available[name].name)
        for folder in COPIED:
            shutil.copytree(root / folder, target / folder, ignore=IGNORED, symlinks=False)
    return targets


def main(argv=None) -> int:
    """``python -m utils.exercises course DIR [--assignment NAME ...] [--exchange DIR] [--force]``."""
    parser = ArgumentParser(prog="python -m utils.exercises course",
                            description="Make an nbgrader course directory from the project's chapters "
                            "with exercises (see the README, 'For teachers').")
    parser.add_argument("directory", type=Path, help="the course folder (created if needed)")
    parser.add_argument("--assignment", "-a", action="append", metavar="NAME",
                        help=f"one chapter (repeat for several); default: all of {', '.join(assignments())}")
    parser.add_argument("--exchange", default="/srv/nbgrader/exchange", metavar="DIR",
                        help="nbgrader's exchange folder (default: nbgrader's /srv/nbgrader/exchange)")
    parser.add_argument("--course-id", default=COURSE_ID, help=f"the course's id (default: {COURSE_ID})")
    parser.add_argument("--force", action="store_true", help="replace an existing nbgrader_config.py and assignments")
    args = parser.parse_args(argv)
    try:
        made = make_course(args.directory, args.assignment, args.exchange, args.course_id, args.force)
    except (CourseError, OSError) as error:
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 1
    for target in made:
        print(f"made {display_path(target)}")
    print(f"next, in {display_path(args.directory)}: nbgrader generate_assignment {made[0].name} (README, "
          "'For teachers')")
    return 0
