#!/usr/bin/env bash
# Set everything up and open the main notebook in JupyterLab.
#   ./start.sh                      # downloads the data sets from their public addresses
#   DATASETS_MIRROR=/path ./start.sh   # or copies them from a local mirror
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh requirements-dev.txt
python -m utils.datasets download
exec jupyter lab project.ipynb "$@"
