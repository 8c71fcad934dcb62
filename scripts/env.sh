# Sourced by start.sh and test.sh: create the virtual environment in .venv
# (Python 3.11 or newer) and install what the project needs into it.
# Usage: source scripts/env.sh [requirements-file]
set -euo pipefail
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" - <<'PY' || { echo "error: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
  echo "Creating the virtual environment in .venv ..."
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
fi
REQUIREMENTS=${1:-requirements.txt}
# constraints.txt pins the versions the committed notebook outputs were recorded
# with, so every machine runs the same packages. pip is quick when everything
# is already installed; only its warnings about this machine's optional local
# package folders are filtered out.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" -c constraints.txt 2>&1 \
  | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import numpy, h5py, PIL, matplotlib, tqdm, ipywidgets" \
  || { echo "error: installing $REQUIREMENTS failed; see pip's messages above" >&2; exit 1; }
# matplotlib's font cache, one per environment and built now: otherwise a notebook's first figure may print
# "Matplotlib is building the font cache" on stderr (which nbval compares), or use a cache another environment left
# with fonts that are gone (a figure then warns on stderr too).
export MPLCONFIGDIR="$PWD/.venv/matplotlib"
.venv/bin/python -c "import matplotlib.font_manager" 2>/dev/null \
  || { echo "error: matplotlib cannot build its font cache in $MPLCONFIGDIR" >&2; exit 1; }
# nbgrader (development requirements) brings JupyterLab menus a learner does not need: hidden unless TEACHER=1.
if .venv/bin/python -c "import nbgrader" 2>/dev/null; then
  .venv/bin/python scripts/nbgrader_ui.py "$([ "${TEACHER:-0}" = 1 ] && echo on || echo off)"
fi
export PATH="$PWD/.venv/bin:$PATH"
export VIRTUAL_ENV="$PWD/.venv"
