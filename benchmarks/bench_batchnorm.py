"""What batch normalization costs per epoch: the same deep network with and without it.

    .venv/bin/python benchmarks/bench_batchnorm.py              # 5 interleaved rounds, about 2 minutes
    .venv/bin/python benchmarks/bench_batchnorm.py --quick      # 1 round of 2 epochs: a smoke test

The networks of chapter 6 (chapter6_deeper_networks.ipynb): nine hidden ReLU layers and the output layer,
He initialisation, mini-batch SGD with momentum 0.9, batches of 64 reshuffled every epoch; "with" puts a
`BatchNorm()` between every hidden dense layer and its ReLU (the dense layer then has no bias), "without" is the
same stack without it. Both run on the plain path (`fast_path=False`: every layer walked; the X^T X shortcut does
not apply to batch normalization), with the same data, dtype, seed and batches:

  cats     32 x 32 photos of cats_vs_noncats (3072 inputs, 609 training photos), 9 x 32 units, sigmoid output;
  digits   the 3,200 training digits of chapter 5's split (784 inputs), 9 x 64 units, softmax output.

Each round trains every contender once (the starting one rotates) for --epochs epochs; a contender's time per epoch
is its training time divided by the epochs, and the summary gives the median over the rounds and the median of the
per-round ratios (with / without). Issue 24's target: the ratio at most 1.5.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils import NeuralNetwork  # noqa: E402
from utils.layers import hidden_block  # noqa: E402


def load(name):
    """(X, labels, width) of a benchmark's data set."""
    from utils.datasets import load_cats_vs_noncats, load_digits, stratified_holdout
    from utils.preprocessing import images_to_matrix
    if name == "cats":
        train_x, train_y, *_ = load_cats_vs_noncats(32)
        return images_to_matrix(train_x), train_y, 32
    digits_x, digits_y, _, _ = load_digits(test_fraction=0.2, seed=0)
    train, _ = stratified_holdout(digits_y, 0.2, np.random.default_rng(0))
    return images_to_matrix(digits_x[train]), digits_y[train], 64


def time_per_epoch(X, y, width, batchnorm, dtype, epochs):
    model = NeuralNetwork(layers=hidden_block(width, "relu", batchnorm, depth=9), initialization="he", optimizer="momentum",
                          learning_rate=0.01, batch_size=64, epochs=epochs, seed=1, dtype=dtype, fast_path=False)
    X = X.astype(dtype)
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / epochs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="1 round of 2 epochs")
    args = parser.parse_args(argv)
    rounds, epochs = (1, 2) if args.quick else (args.rounds, args.epochs)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(not set)')}; {rounds} rounds of {epochs} epochs")
    contenders = [(data, dtype, bn) for data in ("cats", "digits") for dtype in (np.float32, np.float64)
                  for bn in (False, True)]
    loaded = {name: load(name) for name in ("cats", "digits")}
    times = {c: [] for c in contenders}
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for data, dtype, bn in order:
            X, y, width = loaded[data]
            times[(data, dtype, bn)].append(time_per_epoch(X, y, width, bn, dtype, epochs))
    print(f"{'network':<28} {'without BN':>12} {'with BN':>12} {'ratio':>7}")
    for data in ("cats", "digits"):
        for dtype in (np.float32, np.float64):
            plain, normed = times[(data, dtype, False)], times[(data, dtype, True)]
            ratio = statistics.median(b / a for a, b in zip(plain, normed))
            label = f"{data}, {np.dtype(dtype).name}"
            print(f"{label:<28} {statistics.median(plain) * 1000:>9.1f} ms {statistics.median(normed) * 1000:>9.1f} ms "
                  f"{ratio:>6.2f}x")


if __name__ == "__main__":
    main()
