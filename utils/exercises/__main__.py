"""python -m utils.exercises generate [--check]: write (or check) the learner's notebooks in exercises/ and the
nbgrader metadata of the solution notebooks; python -m utils.exercises course DIR: an nbgrader course directory."""

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
                                                 "solution notebooks at the top level.")
    parser.add_argument("command", choices=["generate", "course"],
                        help="generate: the learner's notebooks; course DIR: an nbgrader course directory "
                             "(python -m utils.exercises course --help)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files if exercises/ is stale")
    args = parser.parse_args(argv)
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
