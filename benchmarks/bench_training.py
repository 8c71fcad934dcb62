"""Training time and peak memory: this library against PyTorch and the course's original code style.

    .venv/bin/python benchmarks/bench_training.py                 # 3 interleaved rounds, ~5 minutes
    .venv/bin/python benchmarks/bench_training.py --quick         # 300 iterations, 2 epochs: a smoke test
    .venv/bin/python benchmarks/bench_training.py --only library --only torch --rounds 5
    OPENBLAS_CORETYPE=Sandybridge .venv/bin/python benchmarks/bench_training.py   # a forced NumPy kernel

Contenders (--only NAME), each run in a fresh process of its own:

  library     NeuralNetwork(hidden_layers=(20, 7, 5), initialization="xavier", learning_rate=0.0075,
              epochs=2500, dtype=np.float64).fit(X, Y) on catvnoncat: the course's network in the
              course's float64, which fit trains through X^T X (utils/span.py); its costs at
              iterations 2400 and 2499 are checked against the course's (0.092878, 0.088440);
  plain32     utils.L_layer_model(..., dtype=np.float32): the same training on the plain path
              (W1 @ X and dZ1 @ X.T every iteration), float32;
  torch       PyTorch on the CPU, float32, the natural implementation: X as (n_x, m), the same
              initial weights, autograd, torch.optim.SGD, BCEWithLogitsLoss;
  seed        a reference re-implementation of the course's original code style, below: parameters
              in a dict, float64, np.dot, caches as tuples, dA0 computed, and update_parameters
              starting with copy.deepcopy(parameters) as the course's does;
  adam        mini-batch Adam on the digits (784-128-10, softmax, batch 64, lr 0.001, float32):
              NeuralNetwork(hidden_layers=(128,), optimizer="adam", batch_size=64, output="softmax");
  adam-torch  the same in PyTorch: same initial weights, same batches in the same order
              (np.random.RandomState(seed + epoch).permutation), torch.optim.Adam.

Each round runs every contender once (the starting contender rotates), so load from other jobs
hits all of them alike; the summary gives the median time of each and the median of the
per-round ratios. Memory: `ru_maxrss` inside the contender's process, after training, minus
`ru_maxrss` after its imports and data loading (the baseline); both are printed. On Linux the
peak is first reset to the resident size (/proc/self/clear_refs), so that a passing peak of the
data loading does not hide the training's.
"""

from __future__ import annotations

import argparse
import copy
import importlib.metadata
import importlib.util
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import harness   # benchmarks/harness.py, beside this script
from harness import machine_lines, mb, reset_peak_memory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAYERS = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075
SEED = 1
COURSE_COSTS = {2400: 0.092878, 2499: 0.088440}   # the course's printed costs (float64)
DIGITS_LAYERS = [784, 128, 10]
DIGITS_BATCH, DIGITS_LR = 64, 0.001

CONTENDERS = {
    "library": "NeuralNetwork, course network, float64 (X^T X fast path)",
    "plain32": "L_layer_model, float32 (plain path)",
    "torch": "PyTorch CPU, float32, autograd + SGD",
    "seed": "course's original code style (reference), float64",
    "adam": "NeuralNetwork, digits, Adam, batch 64, float32",
    "adam-torch": "PyTorch CPU, digits, Adam, batch 64, float32",
}


# ------------------------------------------------------------------ data

def catvnoncat(dtype):
    """The course's X = flatten / 255 (12288, 209), Fortran-ordered as the course's reshape(m, -1).T makes it."""
    from utils.datasets import load_catvnoncat
    train_x, train_y, *_ = load_catvnoncat()
    return (train_x.reshape(train_x.shape[0], -1).T / 255.0).astype(dtype, copy=False), train_y


def digits():
    """(X (784, 4000) float32, labels (4000,), X_test, labels_test) of utils.datasets.load_digits."""
    from utils.datasets import load_digits
    from utils.preprocessing import images_to_matrix
    train_x, train_y, test_x, test_y = load_digits()
    return images_to_matrix(train_x), train_y, images_to_matrix(test_x), test_y


# ------------------------------------------------------------------ the course's code style (reference)
# A faithful, compact copy of how the course's notebooks write it (Deep Learning Specialization,
# course 1, week 4): not used by the library, kept here only to measure the library against it.

def seed_initialize_parameters_deep(layer_dims):
    np.random.seed(SEED)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def seed_linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    A = 1 / (1 + np.exp(-Z)) if activation == "sigmoid" else np.maximum(0, Z)
    return A, ((A_prev, W, b), Z)


def seed_L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L):
        A, cache = seed_linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = seed_linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def seed_compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (1. / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


def seed_linear_activation_backward(dA, cache, activation):
    (A_prev, W, b), Z = cache
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def seed_L_model_backward(AL, Y, caches):
    grads, L = {}, len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        seed_linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = seed_linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def seed_update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(len(parameters) // 2):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def seed_L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000):
    costs = {}
    parameters = seed_initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = seed_L_model_forward(X, parameters)
        cost = seed_compute_cost(AL, Y)
        grads = seed_L_model_backward(AL, Y, caches)
        parameters = seed_update_parameters(parameters, grads, learning_rate)
        if i % 100 == 0 or i == num_iterations - 1:
            costs[i] = float(cost)
    return parameters, costs


# ------------------------------------------------------------------ contenders (each in its own process)

def setup(name, torch_threads=None):
    """Imports and data for contender `name`; returns a function that trains and returns its result dict."""
    if name in ("torch", "adam-torch"):
        import torch  # imported before the memory baseline
        if torch_threads:
            torch.set_num_threads(torch_threads)
    if name == "library":
        from utils import NeuralNetwork
        from utils.blas import MAX_SINGLE_THREAD_MACS, largest_product
        X, Y = catvnoncat(np.float64)

        def run(iterations, epochs):
            model = NeuralNetwork(hidden_layers=tuple(LAYERS[1:-1]), initialization="xavier",
                                  learning_rate=LEARNING_RATE, epochs=iterations, dtype=np.float64).fit(X, Y)
            cost = model.history_["cost"]
            threads = 1 if largest_product(model.layer_dims_, X.shape[1]) < MAX_SINGLE_THREAD_MACS else "default"
            return {"costs": {i: cost[i] for i in COURSE_COSTS if i < len(cost)} | {len(cost) - 1: cost[-1]},
                    "final_cost": cost[-1], "train_accuracy": model.score(X, Y), "blas_threads": threads}
        return run
    if name == "plain32":
        from utils import L_layer_model
        X, Y = catvnoncat(np.float32)

        def run(iterations, epochs):
            _, costs = L_layer_model(X, Y, LAYERS, LEARNING_RATE, iterations, dtype=np.float32)
            return {"costs": {100 * i: c for i, c in enumerate(costs)}, "final_cost": costs[-1],
                    "cost_at": f"it {100 * (len(costs) - 1)}"}  # L_layer_model records every 100 iterations
        return run
    if name == "seed":
        X, Y = catvnoncat(np.float64)

        def run(iterations, epochs):
            _, costs = seed_L_layer_model(X, Y, LAYERS, LEARNING_RATE, iterations)
            return {"costs": costs, "final_cost": costs[iterations - 1]}
        return run
    if name == "torch":
        X, Y = catvnoncat(np.float32)
        return lambda iterations, epochs: torch_course(X, Y, iterations)
    if name == "adam":
        from utils import NeuralNetwork
        X, y, X_test, y_test = digits()

        def run(iterations, epochs):
            model = NeuralNetwork(hidden_layers=(DIGITS_LAYERS[1],), optimizer="adam", batch_size=DIGITS_BATCH,
                                  output="softmax", initialization="he", learning_rate=DIGITS_LR, epochs=epochs,
                                  seed=SEED, dtype=np.float32).fit(X, y)
            return {"final_cost": model.history_["cost"][-1], "test_accuracy": model.score(X_test, y_test)}
        return run
    if name == "adam-torch":
        X, y, X_test, y_test = digits()
        return lambda iterations, epochs: torch_digits(X, y, X_test, y_test, epochs)
    raise ValueError(f"--only: expected one of {', '.join(CONTENDERS)}, got {name!r}")


def torch_course(X, Y, iterations):
    """The course's network in PyTorch: X (n_x, m), the library's initial weights, autograd, plain SGD."""
    import torch
    from utils import initialize_parameters_deep
    params = initialize_parameters_deep(LAYERS, "xavier", seed=SEED, dtype=np.float32)
    L = len(LAYERS) - 1
    Ws = [torch.tensor(params[f"W{l}"], requires_grad=True) for l in range(1, L + 1)]
    bs = [torch.tensor(params[f"b{l}"], requires_grad=True) for l in range(1, L + 1)]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y.astype(np.float32))
    optimizer = torch.optim.SGD(Ws + bs, lr=LEARNING_RATE)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    costs = {}
    for i in range(iterations):
        A = Xt
        for l in range(L - 1):
            A = torch.relu(Ws[l] @ A + bs[l])
        loss = loss_fn(Ws[-1] @ A + bs[-1], Yt)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if i % 100 == 0 or i == iterations - 1:
            costs[i] = loss.item()
    return {"costs": costs, "final_cost": costs[iterations - 1], "torch_threads": torch.get_num_threads()}


def torch_digits(X, y, X_test, y_test, epochs):
    """784-128-10 with Adam in PyTorch: the library's initial weights and mini-batches, X (n_x, m)."""
    import torch
    from utils import initialize_parameters_deep
    params = initialize_parameters_deep(DIGITS_LAYERS, "he", seed=SEED, dtype=np.float32)
    W1, b1, W2, b2 = (torch.tensor(params[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2"))
    optimizer = torch.optim.Adam([W1, b1, W2, b2], lr=DIGITS_LR, betas=(0.9, 0.999), eps=1e-8)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    m = X.shape[1]
    for epoch in range(epochs):
        order = torch.from_numpy(np.random.RandomState(SEED + epoch).permutation(m))  # the library's batches
        Xs, ys = Xt[:, order], yt[order]
        total = 0.0
        for k in range(0, m, DIGITS_BATCH):
            Xb, yb = Xs[:, k:k + DIGITS_BATCH], ys[k:k + DIGITS_BATCH]
            logits = W2 @ torch.relu(W1 @ Xb + b1) + b2
            loss = torch.nn.functional.cross_entropy(logits.T, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * yb.shape[0]
    with torch.no_grad():
        predicted = (W2 @ torch.relu(W1 @ torch.from_numpy(X_test) + b1) + b2).argmax(dim=0).numpy()
    return {"final_cost": total / m, "test_accuracy": float(np.mean(predicted == y_test)),
            "torch_threads": torch.get_num_threads()}


def worker(name, iterations, epochs, torch_threads=None):
    """Run one contender once in this process; print its result as one JSON line."""
    run = setup(name, torch_threads)
    reset = reset_peak_memory()
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # after imports and data loading
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = run(iterations, epochs)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result.update(name=name, seconds=elapsed, baseline_kb=baseline_kb, peak_reset=reset, peak_kb=peak_kb,
                  load=load)
    print("RESULT " + json.dumps(result))


# ------------------------------------------------------------------ the parent

def header(args):
    lines = machine_lines()
    lines.append("NeuralNetwork.fit (library, adam) trains on 1 BLAS thread below 3e8 multiply-adds per product "
                 "(utils/blas.py); plain32 and seed use the BLAS default")
    lines.append(f"{args.iterations} iterations (catvnoncat {LAYERS}, lr {LEARNING_RATE}); digits {DIGITS_LAYERS}, "
                 f"{args.epochs} epochs of batch {DIGITS_BATCH}; {args.rounds} interleaved rounds")
    return "\n".join(lines)


def run_worker(name, args):
    arguments = ["--iterations", str(args.iterations), "--epochs", str(args.epochs)]
    if args.torch_threads:
        arguments += ["--torch-threads", str(args.torch_threads)]
    return harness.run_worker(Path(__file__).resolve(), name, arguments, ROOT)


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3; the median counts)")
    parser.add_argument("--quick", action="store_true", help="300 iterations and 2 digits epochs: a smoke test")
    parser.add_argument("--only", action="append", choices=list(CONTENDERS), metavar="NAME",
                        help=f"run only this contender (repeatable): {', '.join(CONTENDERS)}")
    parser.add_argument("--iterations", type=int, help="catvnoncat iterations (default 2500)")
    parser.add_argument("--epochs", type=int, help="digits epochs (default 20)")
    parser.add_argument("--torch-threads", type=int, help="PyTorch threads (torch.set_num_threads; default: torch's own)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.iterations = args.iterations or (300 if args.quick else 2500)
    args.epochs = args.epochs or (2 if args.quick else 20)
    if args.worker:
        return worker(args.worker, args.iterations, args.epochs, args.torch_threads)

    names = args.only or list(CONTENDERS)
    # torch is not imported here: a worker starts (vfork + exec) with this process's peak RSS as its ru_maxrss.
    if importlib.util.find_spec("torch") is None:
        names = [n for n in names if "torch" not in n]
    print(header(args), flush=True)
    results = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            res = run_worker(name, args)
            results[name].append(res)
            print(f"  round {r + 1}  {name:10} {res['seconds']:8.2f} s  cost {res['final_cost']:.6f}  "
                  f"peak RSS +{mb(res['peak_kb'] - res['baseline_kb']):.1f} MB  load {res['load']:.2f}",
                  flush=True)
    summarize(results, args)


def summarize(results, args):
    n = args.iterations
    print(f"\nload average now {os.getloadavg()}")
    print(f"\n| contender | median time | min-max | per step | peak RSS above baseline (baseline) | cost (when) |")
    print("|---|---|---|---|---|---|")
    steps = {"adam": args.epochs, "adam-torch": args.epochs}
    for name, runs in results.items():
        times = [r["seconds"] for r in runs]
        per = median(times) / steps.get(name, n)
        unit = "epoch" if name in steps else "it"
        threads = runs[-1].get("torch_threads") or runs[-1].get("blas_threads")
        label = CONTENDERS[name] + (f", {threads} thread{'s' * (threads != 1)}" if threads else "")
        print(f"| {name}: {label} | {median(times):.2f} s | {min(times):.2f}-{max(times):.2f} s | "
              f"{per * 1e3:.2f} ms/{unit} | {median([mb(r['peak_kb'] - r['baseline_kb']) for r in runs]):.1f} MB "
              f"({median([mb(r['baseline_kb']) for r in runs]):.0f} MB) | {runs[-1]['final_cost']:.6f} "
              f"({runs[-1].get('cost_at', f'epoch {args.epochs}' if name in steps else f'it {n - 1}')}) |")

    def ratio(a, b):
        if a in results and b in results:
            return median([x["seconds"] / y["seconds"] for x, y in zip(results[a], results[b])])
        return None

    print()
    checks = []
    if "library" in results:
        costs = results["library"][-1]["costs"]
        course = {int(i): round(c, 6) for i, c in costs.items() if int(i) in COURSE_COSTS}
        if course:
            ok = all(course[i] == COURSE_COSTS[i] for i in course)
            print(f"course's costs: library {course}, course {COURSE_COSTS}: {'equal' if ok else 'DIFFERENT'}")
        if "seed" in results:
            a, b = results["library"][-1]["final_cost"], results["seed"][-1]["final_cost"]
            print(f"final cost, library {a:.12f} vs course's code style {b:.12f} (both float64)")
        if "torch" in results:
            checks.append(("library / torch", ratio("library", "torch"), "<=", 0.1))
        if "seed" in results:
            checks.append(("seed / library (speed-up)", ratio("seed", "library"), ">=", 30))
        budget = 3 * LAYERS[0] * 209 * 8 + sum(a * b + b for a, b in zip(LAYERS, LAYERS[1:])) * 8
        peak = median([mb(r["peak_kb"] - r["baseline_kb"]) for r in results["library"]])
        print(f"memory: library's peak above baseline {peak:.1f} MB, budget 3 x X + parameters = "
              f"{budget / 1e6:.1f} MB: {'met' if peak * 1e6 <= budget else 'NOT met'}")
    if "plain32" in results and "torch" in results:
        checks.append(("plain32 / torch", ratio("plain32", "torch"), None, None))
    if "adam" in results and "adam-torch" in results:
        checks.append(("adam / adam-torch", ratio("adam", "adam-torch"), "<=", 1.0))
        print(f"digits: final epoch cost {results['adam'][-1]['final_cost']:.4f} (library) vs "
              f"{results['adam-torch'][-1]['final_cost']:.4f} (torch); test accuracy "
              f"{results['adam'][-1]['test_accuracy']:.1%} vs {results['adam-torch'][-1]['test_accuracy']:.1%}")
    for label, value, op, target in checks:
        verdict = ""
        if target is not None:
            met = value <= target if op == "<=" else value >= target
            verdict = f"  (target {op} {target}: {'met' if met else 'NOT met'})"
        print(f"median ratio {label}: {value:.3f}{verdict}")


if __name__ == "__main__":
    main()
