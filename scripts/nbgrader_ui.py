"""Show or hide nbgrader's JupyterLab menus and server extensions in this project's .venv.

    python scripts/nbgrader_ui.py off   # what scripts/env.sh does for learners (the default)
    python scripts/nbgrader_ui.py on    # TEACHER=1 ./start.sh: the Formgrader, Assignments and Validate UI

nbgrader is installed with the development requirements (the tests grade the exercises as a teacher would),
and it brings a JupyterLab extension and four server extensions. A learner needs none of them: the exercises
check themselves in the notebook. A teacher uses nbgrader's commands (README, "For teachers") and may want its
UI as well. The switch writes two small configuration files of the environment, and only when they change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SERVER_EXTENSIONS = ("formgrader", "validate_assignment", "assignment_list", "course_list")
LAB_EXTENSION = "@jupyter/nbgrader"


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def switch(prefix: Path, on: bool) -> None:
    """Enable (`on`) or disable nbgrader's server and lab extensions in the environment at `prefix`."""
    config = prefix / "etc" / "jupyter"
    # Read after nbgrader's own nbgrader.json (files are read in name order): it has the last word.
    _write_json(config / "jupyter_server_config.d" / "zz_nbgrader_ui.json",
                {"ServerApp": {"jpserver_extensions": {f"nbgrader.server_extensions.{name}": on
                                                       for name in SERVER_EXTENSIONS}}})
    page = config / "labconfig" / "page_config.json"
    data = json.loads(page.read_text(encoding="utf-8")) if page.exists() else {}
    disabled = data.setdefault("disabledExtensions", {})
    if on:
        disabled.pop(LAB_EXTENSION, None)
    else:
        disabled[LAB_EXTENSION] = True
    _write_json(page, data)


if __name__ == "__main__":
    if sys.argv[1:] not in (["on"], ["off"]):
        sys.exit("usage: python scripts/nbgrader_ui.py on|off")
    switch(Path(sys.prefix), sys.argv[1] == "on")
