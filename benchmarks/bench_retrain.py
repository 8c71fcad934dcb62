"""How long each notebook takes to run top to bottom with RETRAIN=1 (everything trained again), and from the
saved files. Prints one line per notebook; no test times anything (issue: under ten minutes a chapter on 2 cores).

    .venv/bin/python benchmarks/bench_retrain.py                          # every notebook, both ways
    .venv/bin/python benchmarks/bench_retrain.py chapter5_softmax_digits.ipynb --retrain-only
    OPENBLAS_CORETYPE=Sandybridge .venv/bin/python benchmarks/bench_retrain.py

Each run executes a copy of the notebook with nbclient in a fresh kernel, with PARAMETERS_DIR and
EXPERIMENTS_DIR pointing at temporary copies of parameters_saved/ and experiments_saved/ (the committed files
are never written). Run it on an otherwise idle machine: the trainings use every core (utils.blas.map_in_parallel).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["chapter1_logistic_regression.ipynb", "chapter2_shallow_network.ipynb", "project.ipynb",
             "optimization_code.ipynb", "chapter5_softmax_digits.ipynb", "chapter6_deeper_networks.ipynb",
             "chapter7_convolution.ipynb", "playground.ipynb"]


def run(name, retrain):
    """Seconds to execute notebook `name` top to bottom (RETRAIN=1 if `retrain`) in a fresh kernel."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for saved in ("parameters_saved", "experiments_saved"):
            shutil.copytree(ROOT / saved, folder / saved)
        env = {"PARAMETERS_DIR": str(folder / "parameters_saved"), "EXPERIMENTS_DIR": str(folder / "experiments_saved"),
               "RETRAIN": "1" if retrain else "0"}
        old = {key: os.environ.get(key) for key in env}
        os.environ.update(env)   # the kernel inherits the environment
        try:
            notebook = nbformat.read(ROOT / name, as_version=4)
            client = NotebookClient(notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
            start = time.perf_counter()
            client.execute()
            return time.perf_counter() - start
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def minutes(seconds):
    return f"{int(seconds // 60)} min {seconds % 60:04.1f} s"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=NOTEBOOKS, help="notebooks to time (default: all)")
    parser.add_argument("--retrain-only", action="store_true", help="skip the run from the saved files")
    args = parser.parse_args(argv)
    unknown = [name for name in args.notebooks if not (ROOT / name).is_file()]
    if unknown:
        parser.error(f"no such notebook in {ROOT.name}/: {', '.join(unknown)}")
    print(f"cores: {os.cpu_count()}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(default)')}, "
          f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    for name in args.notebooks:
        retrained = run(name, retrain=True)
        line = f"{name:<38} RETRAIN=1 {minutes(retrained):>14}"
        if not args.retrain_only:
            line += f"   from the saved files {minutes(run(name, retrain=False)):>14}"
        print(line + f"   (load average {os.getloadavg()[0]:.2f})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
