#!/usr/bin/env bash
# Run every test: the library's unit tests, the data checks (including the
# loopback HTTP download tests), every notebook against its stored outputs
# (nbval) and the JupyterLab browser test. Extra arguments go to pytest.
#   ./test.sh                                  # data from the public addresses
#   DATASETS_MIRROR=../shared/datasets ./test.sh   # data from a local mirror (what CI does)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh requirements-dev.txt
python -m utils.datasets download
python -m pytest "$@"
