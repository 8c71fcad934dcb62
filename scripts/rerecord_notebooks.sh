#!/usr/bin/env bash
# Re-record the stored outputs of every notebook (for a maintainer who upgraded a package on purpose, or
# changed a library function a notebook shows). Runs each notebook top to bottom in the project's .venv,
# in place; nbval then compares against these outputs.
#   scripts/rerecord_notebooks.sh                        # every notebook, saved results reused
#   scripts/rerecord_notebooks.sh project.ipynb          # only the ones named
#   RETRAIN=1 scripts/rerecord_notebooks.sh              # also retrain every saved network and experiment
#                                                        # (minutes per notebook: benchmarks/README.md measures them)
# The committed outputs are recorded under OPENBLAS_CORETYPE=Haswell (README, "Re-recording the notebooks").
# After a retrain, run it again without RETRAIN=1, so that the committed outputs say "loaded" as a learner's
# first run will. Then run ./test.sh, OPENBLAS_CORETYPE=Sandybridge ./test.sh -m "notebook or accuracy" (the new
# outputs hold under another BLAS kernel) and ./test.sh -m retrain (a retrain reads the same).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh requirements-dev.txt
if [ "$#" -eq 0 ]; then
    set -- chapter1_logistic_regression.ipynb chapter2_shallow_network.ipynb project.ipynb \
           optimization_code.ipynb chapter5_softmax_digits.ipynb chapter6_deeper_networks.ipynb \
           chapter7_convolution.ipynb playground.ipynb
fi
for notebook in "$@"; do
    echo "re-recording $notebook ..."
    jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 \
        --ExecutePreprocessor.kernel_name=python3 "$notebook"
done
