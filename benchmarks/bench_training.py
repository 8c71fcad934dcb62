"""Time full-batch training of the course's 4-layer network on catvnoncat.

    .venv/bin/python benchmarks/bench_training.py [--iterations 2500]

Prints, for [12288, 20, 7, 5, 1], 2,500 iterations of gradient descent at
lr 0.0075 on the 209 training photos (float32):
  * this library (`utils.L_layer_model`),
  * PyTorch on the CPU, same initial weights, same math (BCE from the logits,
    plain SGD, autograd), if torch is importable (benchmarks/requirements.txt),
  * the two large matrix products alone (W1 @ X forward, dZ1 @ X.T backward),
    the floor no implementation of this math can go below,
and the ratios between them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils import L_layer_model, initialize_parameters_deep, predict  # noqa: E402
from utils.datasets import load_catvnoncat  # noqa: E402

LAYERS = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075


def time_library(X, Y, iterations):
    start = time.perf_counter()
    parameters, costs = L_layer_model(X, Y, LAYERS, LEARNING_RATE, iterations)
    return time.perf_counter() - start, parameters, costs


def time_matmuls(X, iterations):
    """W1 @ X (20, 12288)x(12288, m) and dZ1 @ X.T (20, m)x(m, 12288), `iterations` times each."""
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((LAYERS[1], X.shape[0])).astype(np.float32)
    dZ1 = rng.standard_normal((LAYERS[1], X.shape[1])).astype(np.float32)
    start = time.perf_counter()
    for _ in range(iterations):
        W1 @ X
        dZ1 @ X.T
    return time.perf_counter() - start


def time_torch(X, Y, iterations):
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    params = initialize_parameters_deep(LAYERS, "xavier", seed=1)
    L = len(LAYERS) - 1
    Ws = [torch.tensor(params[f"W{l}"], requires_grad=True) for l in range(1, L + 1)]
    bs = [torch.tensor(params[f"b{l}"], requires_grad=True) for l in range(1, L + 1)]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y.astype(np.float32))
    optimizer = torch.optim.SGD(Ws + bs, lr=LEARNING_RATE)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    for _ in range(iterations):
        A = Xt
        for l in range(L - 1):
            A = torch.relu(Ws[l] @ A + bs[l])
        ZL = Ws[-1] @ A + bs[-1]
        loss = loss_fn(ZL, Yt)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    elapsed = time.perf_counter() - start
    return elapsed, loss.item(), torch.__version__, torch.get_num_threads()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each contender; the fastest counts")
    args = parser.parse_args()
    n = args.iterations

    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    X = (train_x.reshape(train_x.shape[0], -1).T / 255.0).astype(np.float32)
    X_test = (test_x.reshape(test_x.shape[0], -1).T / 255.0).astype(np.float32)
    print(f"network {LAYERS}, {n} iterations, lr {LEARNING_RATE}, m = {X.shape[1]}, float32, "
          f"{os.cpu_count()} CPU cores, numpy {np.__version__}; best of {args.repeats} interleaved runs")
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False

    t_lib = t_mm = t_torch = float("inf")
    for _ in range(args.repeats):  # interleaved, so background load hits every contender alike
        elapsed, parameters, costs = time_library(X, train_y, n)
        t_lib = min(t_lib, elapsed)
        t_mm = min(t_mm, time_matmuls(X, n))
        if have_torch:
            elapsed, loss, version, threads = time_torch(X, train_y, n)
            t_torch = min(t_torch, elapsed)

    train_acc = float(np.mean(predict(X, None, parameters) == train_y))
    test_acc = float(np.mean(predict(X_test, None, parameters) == test_y))
    print(f"library (utils.L_layer_model): {t_lib:7.2f} s  ({t_lib / n * 1e3:.2f} ms/iteration), "
          f"final cost {costs[-1]:.4f}, train {train_acc:.1%}, test {test_acc:.1%}")
    print(f"W1 @ X + dZ1 @ X.T alone:       {t_mm:7.2f} s  ({t_mm / n * 1e3:.2f} ms/iteration)")
    if have_torch:
        print(f"PyTorch {version} CPU ({threads} threads): {t_torch:7.2f} s  ({t_torch / n * 1e3:.2f} ms/iteration), "
              f"final cost {loss:.4f}")
    else:
        print("PyTorch: not installed (pip install -r benchmarks/requirements.txt)")
    print(f"library / matrix products: {t_lib / t_mm:.2f}x")
    if have_torch:
        print(f"library / PyTorch:         {t_lib / t_torch:.2f}x")


if __name__ == "__main__":
    main()
