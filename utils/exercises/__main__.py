"""python -m utils.exercises generate [--check] | mutants [--exercise NAME] [--beginners] [--list ...] | course DIR

generate: the nbgrader metadata of the solution notebooks, and the learner's notebooks in exercises/ (--check:
          write nothing, exit 1 if either is stale).
mutants:  measure how specific the checks' hints are on wrong variants of every solution (mutants.py).
course:   an nbgrader course directory for a teacher (course.py; python -m utils.exercises course --help).
"""

from __future__ import annotations

import argparse
import sys

from .generate import EXERCISES_DIR, generate, stale, update_sources


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["course"]:
        from .course import main as course
        return course(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m utils.exercises",
                                     description="Generate the learner's notebooks (exercises/) from the "
                                                 "solution notebooks at the top level, or measure the checks' "
                                                 "hints on wrong variants of the solutions (mutants).")
    parser.add_argument("command", choices=["generate", "mutants", "course"],
                        help="course DIR: an nbgrader course directory (python -m utils.exercises course --help)")
    parser.add_argument("--check", action="store_true",
                        help="generate: write nothing; exit 1 and list the files if exercises/ is stale")
    parser.add_argument("--exercise", metavar="NAME", help="mutants: only this exercise")
    parser.add_argument("--beginners", action="store_true",
                        help="mutants: also the hand-written beginner mistakes (beginners.py), reported apart")
    parser.add_argument("--list", choices=["generic", "equivalent", "specific", "all", "none"], default="generic",
                        help="mutants: which variants to list under the table (default: the generic ones)")
    args = parser.parse_args(argv)
    if args.command == "mutants":
        from .mutants import main as mutants_main
        from . import CHECKS
        if args.exercise is not None and args.exercise not in CHECKS:
            parser.error(f"--exercise: expected one of {', '.join(sorted(CHECKS))}, got {args.exercise!r}")
        return mutants_main(args.exercise, args.beginners, args.list)
    if args.check:
        problems = stale()
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run: python -m utils.exercises generate", file=sys.stderr)
            return 1
        print(f"{EXERCISES_DIR.name}/ is up to date")
        return 0
    for path in update_sources():
        print(f"wrote the nbgrader metadata of {path.relative_to(EXERCISES_DIR.parent)}")
    for path in generate():
        print(f"wrote {path.relative_to(EXERCISES_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
