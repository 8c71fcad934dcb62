#!/usr/bin/env bash
# Re-record the stored outputs of every notebook (for a maintainer who upgraded a package on purpose, or
# changed a library function a notebook shows). Runs each notebook top to bottom in the project's .venv,
# in place; nbval then compares against these outputs.
#   scripts/rerecord_notebooks.sh                        # every notebook, saved results reused
#   scripts/rerecord_notebooks.sh project.ipynb          # only the ones named
#   RETRAIN=1 scripts/rerecord_notebooks.sh              # also retrain every saved network and experiment
#                                                        # (slow: chapter 5's search alone takes about 20 min)
# Afterwards run ./test.sh, and OPENBLAS_CORETYPE=Sandybridge ./test.sh -m "notebook or accuracy" to check
# that the new outputs hold under another BLAS kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh requirements-dev.txt
if [ "$#" -eq 0 ]; then
    set -- chapter1_logistic_regression.ipynb chapter2_shallow_network.ipynb project.ipynb \
           optimization_code.ipynb chapter5_softmax_digits.ipynb playground.ipynb
fi
for notebook in "$@"; do
    echo "re-recording $notebook ..."
    jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 \
        --ExecutePreprocessor.kernel_name=python3 "$notebook"
done
