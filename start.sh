#!/usr/bin/env bash
# Set everything up and open the main notebook in JupyterLab.
#   ./start.sh                      # downloads the data sets from their public addresses
#   DATASETS_MIRROR=/path ./start.sh   # or copies them from a local mirror
# Extra arguments go to `jupyter lab` (for example --no-browser --port=8899).
# As root (the usual user in a container) JupyterLab refuses to start without
# --allow-root; this script adds it and says so. On a shared machine, run it as
# your own user instead: a server started by root can read and change every file.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh requirements-dev.txt
python -m utils.datasets download
ROOT_FLAGS=()
if [ "$(id -u)" -eq 0 ]; then
    echo "start.sh: running as root (as in a container), so JupyterLab is started with --allow-root" >&2
    ROOT_FLAGS=(--allow-root)
fi
exec jupyter lab project.ipynb "${ROOT_FLAGS[@]}" "$@"
