"""The project's commands: ``python -m utils COMMAND [ARGS ...]``.

    python -m utils train --dataset catvnoncat      # train a network, print its accuracies, save its parameters
    python -m utils compare                         # the course's 2-layer vs 4-layer comparison
    python -m utils predict -p FILE photo.jpg       # P(cat) of your own photos
    python -m utils download                        # fetch the data sets (= python -m utils.datasets download)
    python -m utils COMMAND --help                  # the flags of one command

Each command is a module of this package with ``main(argv) -> exit status``
(`train`, `compare`, `predict`; ``download`` is the command of `utils.datasets`),
also run as ``python -m utils.commands.train`` ...; what they share is in
`utils.cli`. `main` here picks the command; a command's module is imported
only when it runs.

The commands live here, not as ``utils/train.py`` ..., because a module ``utils.predict``,
once imported, would hide the course's function ``utils.predict`` (`utils.deep.predict`)
behind the same name. The old names ``python -m utils.train``, ``utils.compare`` and
``utils.predict`` were removed in December 2026, after their notice period.
"""

from __future__ import annotations

import difflib
import importlib
import sys

PROG = "python -m utils"

#: command -> (module with its main, relative to this package; one-line summary)
COMMANDS = {
    "train": (".train", "train a network on one of the project's data sets, save its parameters"),
    "compare": (".compare", "the course's comparison: a 2-layer against a 4-layer network on cat photos"),
    "predict": (".predict", "print the cat probability of photos with saved parameters"),
    "download": ("..datasets", "fetch and verify the data sets (python -m utils.datasets download)"),
}


def usage() -> str:
    """The text of ``python -m utils --help``: the commands, one line each."""
    width = max(map(len, COMMANDS))
    lines = [f"usage: {PROG} COMMAND [ARGS ...]", "",
             "Neural networks from scratch in NumPy: the project's commands.", "", "commands:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items()]
    lines += ["", f"'{PROG} COMMAND --help' shows the flags of a command, "
                  f"e.g. {PROG} train --help."]
    return "\n".join(lines)


def run_command(name: str, argv) -> int:
    """Run command `name` (a key of COMMANDS) with the arguments `argv`; returns its exit status."""
    module = importlib.import_module(COMMANDS[name][0], __name__)
    if name == "download":
        return module.main(["download", *argv], prog=PROG)
    return module.main(list(argv))


def _unknown(name: str) -> str:
    known = ", ".join(COMMANDS)
    if name.startswith("-"):
        return f"expected a command ({known}) before the option {name!r}"
    close = difflib.get_close_matches(name, COMMANDS, n=1)
    guess = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown command {name!r}: the commands are {known}{guess}"


def main(argv=None) -> int:
    """Entry point of ``python -m utils``: run the command named by the first argument."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(usage())
        return 0
    if not argv:
        message = f"expected a command: {', '.join(COMMANDS)}"
    elif argv[0] not in COMMANDS:
        message = _unknown(argv[0])
    else:
        return run_command(argv[0], argv[1:])
    print(f"error: {message} (see {PROG} --help)", file=sys.stderr)
    return 2

