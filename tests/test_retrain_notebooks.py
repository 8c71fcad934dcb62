"""A learner who retrains reads the lesson they read before: every notebook, run with RETRAIN=1, matches its
committed outputs under nbval's comparison.

Each notebook runs top to bottom in its own pytest process, with ``RETRAIN=1`` and ``PARAMETERS_DIR`` /
``EXPERIMENTS_DIR`` pointing at temporary copies of the committed folders: every saved network and cached
experiment the notebook makes is trained or computed again and written there (the committed files are never
written; a network of an earlier chapter that a notebook only reads, as optimization_code.ipynb reads
project.ipynb's, comes from the copy, as it would for a learner who retrains one chapter). nbval compares every
cell with the committed outputs, through the same sanitizer (nbval_sanitize.cfg: its `provenance` section
makes "<file>: loaded (RETRAIN=1 ...)" and "<file>: trained now and saved" the same line). Slow, marked `retrain`, deselected by `./test.sh`:

    ./test.sh -m retrain tests/test_retrain_notebooks.py                  # every notebook, this machine's kernel
    ./test.sh -m retrain tests/test_retrain_notebooks.py -k chapter5      # one of them
    OPENBLAS_CORETYPE=Sandybridge ./test.sh -m retrain tests/test_retrain_notebooks.py   # another kernel

Measured times (2 cores) are in benchmarks/README.md ("Retraining every notebook"). `.ci/run` sets
RETRAIN_NOTEBOOKS=ci, which retrains the notebooks in IN_CI (those that fit CI's time budget) under the forced
kernel; RETRAIN_NOTEBOOKS=a.ipynb,b.ipynb picks others, unset means all.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in ROOT.glob("*.ipynb"))

pytestmark = pytest.mark.retrain

#: The notebooks `.ci/run` retrains (RETRAIN_NOTEBOOKS=ci); together they fit CI's time budget.
IN_CI = ("chapter1_logistic_regression.ipynb", "chapter2_shallow_network.ipynb", "chapter5_softmax_digits.ipynb",
         "playground.ipynb")

#: Notebooks known not to read the same after a retrain, and why (an expected failure: when one passes, strict
#: xfail fails and it comes off this list).
KNOWN_TO_DIFFER = {
    "project.ipynb": "its search and nested cross-validation train 130 networks by gradient descent at learning "
                     "rate 0.0075 for 2,500 steps, many through cost spikes: retrained under the SkylakeX kernel instead "
                     "of Haswell, 30 of their 260 accuracies changed (the 48 px candidate's seed-1 validation 77.9 -> "
                     "76.3 %, the ranking, the folds' choices, the nested estimate 76.4 -> 76.5 %), though never the "
                     "network kept. Open in issue 26: the figures need the ranges they are known to fall in.",
}


def selected(name):
    wanted = os.environ.get("RETRAIN_NOTEBOOKS", "")
    if wanted == "ci":
        return name in IN_CI
    return not wanted or name in wanted.split(",")


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_TO_DIFFER[name]))
                                  if name in KNOWN_TO_DIFFER else name for name in NOTEBOOKS])
def test_notebook_retrained_from_scratch_matches_its_committed_outputs(name, tmp_path):
    if not selected(name):
        pytest.skip(f"RETRAIN_NOTEBOOKS={os.environ['RETRAIN_NOTEBOOKS']} leaves {name} out")
    env = {**os.environ, "RETRAIN": "1", "PARAMETERS_DIR": str(tmp_path / "parameters_saved"),
           "EXPERIMENTS_DIR": str(tmp_path / "experiments_saved")}
    for folder in ("parameters_saved", "experiments_saved"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    before = {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*.npz")}
    env.pop("PYTEST_ADDOPTS", None)
    run = subprocess.run([sys.executable, "-m", "pytest", name, "-q"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, (f"{name} retrained (RETRAIN=1, PARAMETERS_DIR and EXPERIMENTS_DIR copies) does "
                                 f"not match its committed outputs:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}")
    after = {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*.npz")}
    new = sorted(path.name for path in after.keys() - before.keys())
    assert not new, f"{name} retrained wrote files that are not committed: {new}"
    rewritten = [path for path in before if after.get(path) != before[path]]
    uses_saved = any(token in (ROOT / name).read_text() for token in ("load_saved", "cached_experiment"))
    assert rewritten or not uses_saved, f"{name} ran with RETRAIN=1 but retrained nothing: it only read the copies"
