"""Project-wide pytest configuration.

`utils/` is imported from the project root (pytest.ini's `pythonpath = .`), so tests and notebooks import it the
same way a learner's notebook does. Every nbval item (a notebook cell) gets the `notebook` marker, so
`-m "notebook or accuracy"` selects the notebooks and the accuracy tests (what .ci/run reruns under a forced
BLAS kernel).

With ROUNDING_NUDGE=1 or -1 (`utils.rounding`: the notebooks rerun with their inputs and initial weights one
ulp off), a notebook whose figures move might decide that its saved network or cached experiment is out of date
and write a new one. That pass must never change `parameters_saved/` or `experiments_saved/`: their files are
read before the session and compared after it; any change is undone and fails the run, naming the files.
"""
from pathlib import Path

import pytest

from utils.rounding import nudge_enabled

ROOT = Path(__file__).resolve().parent
#: The folders of committed saved networks and experiment caches, which the nudged pass must leave as they are.
GUARDED_FOLDERS = ("parameters_saved", "experiments_saved")
_BEFORE = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)


def _guarded_files():
    """{path: bytes} of every file in GUARDED_FOLDERS (a few MB)."""
    return {path: path.read_bytes() for folder in GUARDED_FOLDERS
            for path in sorted((ROOT / folder).rglob("*")) if path.is_file()}


def pytest_sessionstart(session):
    if nudge_enabled():
        session.config.stash[_BEFORE] = _guarded_files()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _guarded_files()
    changed = sorted(str(path.relative_to(ROOT)) for path in before.keys() | after.keys()
                     if before.get(path) != after.get(path))
    if not changed:
        return
    for path in after.keys() - before.keys():
        path.unlink()
    for path, data in before.items():
        if after.get(path) != data:
            path.write_bytes(data)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (f"ROUNDING_NUDGE: the run wrote {', '.join(changed)}; the nudged pass must not change "
               f"{' or '.join(f + '/' for f in GUARDED_FOLDERS)} (restored). A figure the notebook compares with "
               f"its saved file moved under the nudge: print it with fewer digits or as a range.")
    if reporter is not None:
        reporter.write("\n")
        reporter.write_line(message, red=True, bold=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
