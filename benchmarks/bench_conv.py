"""Training time per epoch of the library's convolutional networks against PyTorch.

    .venv/bin/python benchmarks/bench_conv.py                   # 3 interleaved rounds of 5 epochs, about 75 s
    .venv/bin/python benchmarks/bench_conv.py --quick           # 1 round of 2 epochs: a smoke test
    .venv/bin/python benchmarks/bench_conv.py --only cats --only cats-torch --rounds 5
    .venv/bin/python benchmarks/bench_conv.py --torch-threads 1 # PyTorch on one thread, as the library trains
    .venv/bin/python benchmarks/bench_conv.py --quick --torch-pool-ties all   # check: the same costs as the library

Contenders (--only NAME), each run in a fresh process of its own:

  digits        NeuralNetwork(layers=[Image(28, 28, 1), Conv2D(8, 3), relu, Pool2D(2), Conv2D(16, 3), relu,
                Pool2D(2), Flatten()], output="softmax", optimizer="adam", learning_rate=0.001, batch_size=64,
                initialization="he", seed=1, dtype=np.float32).fit(X, y) on the 3,200 training digits of
                chapter 5's split (the other 800 are the validation digits);
  digits-torch  the same network in PyTorch (nn.Conv2d, nn.MaxPool2d, nn.Linear), float32, torch.optim.Adam
                (the library's betas and eps), CrossEntropyLoss: the same initial weights and the same batches
                in the same order (np.random.RandomState(seed + epoch).permutation, the last batch partial);
  cats          [Image(64, 64, 3), Conv2D(16, 3), relu, Pool2D(2), Conv2D(32, 3), relu, Pool2D(2), Flatten()],
                then Dense(1) and a sigmoid, Adam lr 0.001, batch 32, float32, on the 609 training photos of
                cats_vs_noncats at 64 x 64 (the 131 validation photos for the accuracy);
  cats-torch    the same in PyTorch, BCEWithLogitsLoss.

Time per epoch: the library's is taken by fit's callback (after each epoch), PyTorch's at the end of each epoch of
its loop. The first epoch includes warm-up in both (the library's also fit's checks, the initial weights and the
cost before training on the whole set; PyTorch's its first allocations), so the figure is the median of epochs
2..E; the whole fit time is printed too. Each round runs every contender once (the starting contender rotates), so
load from other jobs hits all of them alike; the summary gives each contender's median and the median of the
per-round ratios library / torch. The library computes each step's batch in parts on two threads, each part's
products on one BLAS thread (utils/layers/stack.py, utils/blas.py); PyTorch runs on its default threads unless
--torch-threads is given.

Max-pooling's gradient: the library's Pool2D gives a window's gradient to every entry equal to its maximum (the
course's create_mask_from_window, x == max(x)); nn.MaxPool2d gives it to one. A convolution of saturated pixels (a
stroke of 255s) makes exact ties, so the two trainings drift apart from the first step (about 5e-4 in the first
epoch's cost). `--torch-pool-ties all` runs PyTorch with the library's rule (a custom autograd function, slower:
not for timing), to check that both compute the same numbers.
"""

from __future__ import annotations

import argparse
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

SEED = 1
LEARNING_RATE = 0.001
BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8   # the library's Adam defaults (utils/optimizers.py)

#: network: (image shape (H, W, C), conv filters, output classes (1: sigmoid), batch size)
NETWORKS = {
    "digits": ((28, 28, 1), (8, 16), 10, 64),
    "cats": ((64, 64, 3), (16, 32), 1, 32),
}

CONTENDERS = {
    "digits": "library, digits 28x28x1, conv 8-16, softmax, batch 64, float32",
    "digits-torch": "PyTorch CPU, the same digits network, float32",
    "cats": "library, cats 64x64x3, conv 16-32, sigmoid, batch 32, float32",
    "cats-torch": "PyTorch CPU, the same cats network, float32",
}


# ------------------------------------------------------------------ data and the network

def load(network):
    """(X (n_x, m) float32, labels, X_val, labels_val): columns are images flattened row-major over (H, W, C)."""
    from utils.datasets import load_cats_vs_noncats, load_digits, stratified_holdout
    from utils.preprocessing import images_to_matrix
    if network == "cats":
        train_x, train_y, val_x, val_y, *_ = load_cats_vs_noncats(64)
        return images_to_matrix(train_x), train_y, images_to_matrix(val_x), val_y
    digits_x, digits_y, _, _ = load_digits(test_fraction=0.2, seed=0)   # chapter 5's split
    train, val = stratified_holdout(digits_y, 0.2, np.random.default_rng(0))
    return (images_to_matrix(digits_x[train]), digits_y[train], images_to_matrix(digits_x[val]), digits_y[val])


def hidden_layers(network):
    from utils.layers import Activation, Conv2D, Flatten, Image, Pool2D
    shape, (f1, f2), _, _ = NETWORKS[network]
    return [Image(*shape), Conv2D(f1, 3), Activation("relu"), Pool2D(2), Conv2D(f2, 3), Activation("relu"),
            Pool2D(2), Flatten()]


def initial_parameters(network):
    """The weights NeuralNetwork.fit starts from: its stack's init("he", seed 1, float32)."""
    from utils.layers import Activation, Dense, Stack
    shape, _, n_y, _ = NETWORKS[network]
    output = "sigmoid" if n_y == 1 else "softmax"
    stack = Stack(hidden_layers(network) + [Dense(n_y), Activation(output)], int(np.prod(shape)))
    params, _ = stack.init("he", SEED, np.float32)
    return params


# ------------------------------------------------------------------ contenders (each in its own process)

def setup(name, torch_threads=None, pool_ties="one"):
    """Imports and data for contender `name`; returns a function of the epochs that trains and returns a dict."""
    if name.endswith("-torch"):
        import torch  # imported before the memory baseline
        if torch_threads:
            torch.set_num_threads(torch_threads)
    network = name.removesuffix("-torch")
    if network not in NETWORKS:
        raise ValueError(f"--only: expected one of {', '.join(CONTENDERS)}, got {name!r}")
    X, y, X_val, y_val = load(network)
    if name.endswith("-torch"):
        return lambda epochs: torch_fit(network, X, y, X_val, y_val, epochs, pool_ties)
    from utils.network import NeuralNetwork
    from utils.blas import MAX_SINGLE_THREAD_MACS, largest_product
    _, _, n_y, batch = NETWORKS[network]

    def run(epochs):
        marks = []
        model = NeuralNetwork(layers=hidden_layers(network), optimizer="adam", learning_rate=LEARNING_RATE,
                              batch_size=batch, epochs=epochs, output="sigmoid" if n_y == 1 else "softmax",
                              dtype=np.float32, seed=SEED, initialization="he", beta1=BETA1, beta2=BETA2,
                              epsilon=EPSILON)
        start = time.perf_counter()
        model.fit(X, y, callback=lambda epoch, model: marks.append(time.perf_counter()))
        fit_seconds = time.perf_counter() - start
        threads = 1 if largest_product(model.layer_dims_, batch) < MAX_SINGLE_THREAD_MACS else "default"
        return {"epoch_seconds": np.diff([start] + marks).tolist(), "fit_seconds": fit_seconds,
                "costs": list(model.history_["cost"]), "val_accuracy": model.score(X_val, y_val),
                "threads": f"{threads} BLAS"}
    return run


def torch_fit(network, X, y, X_val, y_val, epochs, pool_ties="one"):
    """The network in PyTorch: the library's initial weights, its mini-batches in its order, torch.optim.Adam.

    pool_ties "one": nn.MaxPool2d, which sends a window's gradient to one of its maxima; "all": `CoursePool`, the
    library's (the course's) rule, every entry equal to the maximum (a check of the arithmetic, not for timing)."""
    import torch
    from torch import nn
    CoursePool = course_pool_module() if pool_ties == "all" else None
    (H, W, C), (f1, f2), n_y, batch = NETWORKS[network]
    params = initial_parameters(network)   # numpy, before the clock: the library's weights

    def images(X):   # columns (H W C, m), row-major over (H, W, C) -> (m, C, H, W) as torch wants them
        return torch.from_numpy(np.ascontiguousarray(X.T.reshape(-1, H, W, C).transpose(0, 3, 1, 2)))

    Xt, Xv = images(X), images(X_val)
    if n_y == 1:
        yt = torch.from_numpy(np.asarray(y, np.float32).reshape(-1, 1))
        loss_fn = nn.BCEWithLogitsLoss()   # mean reduction, as the library's cost
    else:
        yt = torch.from_numpy(np.asarray(y, np.int64).reshape(-1))
        loss_fn = nn.CrossEntropyLoss()
    m = Xt.shape[0]

    start = time.perf_counter()
    pool = nn.MaxPool2d if pool_ties == "one" else CoursePool
    model = nn.Sequential(nn.Conv2d(C, f1, 3, padding=1), nn.ReLU(), pool(2),
                          nn.Conv2d(f1, f2, 3, padding=1), nn.ReLU(), pool(2), nn.Flatten(),
                          nn.Linear(f2 * (H // 4) * (W // 4), n_y))
    with torch.no_grad():
        for layer, l in ((model[0], 1), (model[3], 2)):   # W_l (f, f, n_C_prev, n_C) -> (n_C, n_C_prev, f, f)
            layer.weight.copy_(torch.from_numpy(params[f"W{l}"].transpose(3, 2, 0, 1).copy()))
            layer.bias.copy_(torch.from_numpy(params[f"b{l}"].reshape(-1)))
        # W3's columns run over the flattened maps in (H, W, C) order; torch flattens (C, H, W)
        W3 = params["W3"].reshape(n_y, H // 4, W // 4, f2).transpose(0, 3, 1, 2).reshape(n_y, -1)
        model[7].weight.copy_(torch.from_numpy(np.ascontiguousarray(W3)))
        model[7].bias.copy_(torch.from_numpy(params["b3"].reshape(-1)))
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPSILON)
    marks, costs = [], []
    for epoch in range(epochs):
        order = torch.from_numpy(np.random.RandomState(SEED + epoch).permutation(m))   # the library's batches
        Xs, ys = Xt[order], yt[order]
        total = 0.0
        for k in range(0, m, batch):
            Xb, yb = Xs[k:k + batch], ys[k:k + batch]
            loss = loss_fn(model(Xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * yb.shape[0]
        costs.append(total / m)
        marks.append(time.perf_counter())
    fit_seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(Xv[k:k + 256]) for k in range(0, Xv.shape[0], 256)]).numpy()
    predicted = (logits[:, 0] > 0) if n_y == 1 else logits.argmax(axis=1)
    accuracy = float(np.mean(predicted == np.asarray(y_val).reshape(-1)))
    return {"epoch_seconds": np.diff([start] + marks).tolist(), "fit_seconds": fit_seconds, "costs": costs,
            "val_accuracy": accuracy, "threads": f"{torch.get_num_threads()} torch", "pool_ties": pool_ties}


def course_pool_module():
    """A max-pooling module (f x f windows side by side) whose backward pass gives a window's gradient to every
    entry equal to its maximum, as the library's Pool2D and the course's create_mask_from_window do (x == max(x)).
    nn.MaxPool2d gives it to one of them: the two differ where a window holds its maximum twice, which a
    convolution over saturated pixels (255 next to 255) does, exactly."""
    import torch

    class CourseMaxPool(torch.autograd.Function):
        @staticmethod
        def forward(ctx, A, f):
            out = torch.nn.functional.max_pool2d(A, f)
            ctx.save_for_backward(A, out)
            ctx.f = f
            return out

        @staticmethod
        def backward(ctx, dA):
            A, out = ctx.saved_tensors
            f = ctx.f

            def spread(t):
                return t.repeat_interleave(f, 2).repeat_interleave(f, 3)
            return (A == spread(out)).to(dA.dtype) * spread(dA), None

    class CoursePool(torch.nn.Module):
        def __init__(self, f):
            super().__init__()
            self.f = f

        def forward(self, A):
            return CourseMaxPool.apply(A, self.f)
    return CoursePool


def worker(name, epochs, torch_threads=None, pool_ties="one"):
    """Run one contender once in this process; print its result as one JSON line."""
    run = setup(name, torch_threads, pool_ties)
    reset_peak_memory()
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # after imports and data loading
    load_average = os.getloadavg()[0]
    result = run(epochs)
    result.update(name=name, baseline_kb=baseline_kb, peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  load=load_average, load_after=os.getloadavg()[0])
    print("RESULT " + json.dumps(result))


# ------------------------------------------------------------------ the parent

def header(args, names):
    lines = machine_lines()
    lines.append(f"epochs: digits {args.digits_epochs}, cats {args.cats_epochs}; {args.rounds} interleaved rounds of "
                 f"{', '.join(names)}; time per epoch = median of epochs 2..E (epoch 1 includes warm-up)")
    return "\n".join(lines)


def epochs_for(name, args):
    return args.cats_epochs if name.startswith("cats") else args.digits_epochs


def run_worker(name, args):
    arguments = ["--epochs", str(epochs_for(name, args)), "--torch-pool-ties", args.torch_pool_ties]
    if args.torch_threads:
        arguments += ["--torch-threads", str(args.torch_threads)]
    return harness.run_worker(Path(__file__).resolve(), name, arguments, ROOT)


def per_epoch(result):
    """The median time of epochs 2..E (epoch 1 if there is only one)."""
    times = result["epoch_seconds"]
    return statistics.median(times[1:] or times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="1 round of 2 epochs: a smoke test")
    parser.add_argument("--only", action="append", choices=list(CONTENDERS), metavar="NAME",
                        help=f"run only this contender (repeatable): {', '.join(CONTENDERS)}")
    parser.add_argument("--digits-epochs", type=int, help="epochs of the digits network (default 5)")
    parser.add_argument("--cats-epochs", type=int, help="epochs of the cats network (default 5)")
    parser.add_argument("--torch-threads", type=int, help="PyTorch threads (torch.set_num_threads; default: torch's own)")
    parser.add_argument("--torch-pool-ties", choices=("one", "all"), default="one",
                        help="PyTorch's max-pooling gradient: 'one' (nn.MaxPool2d, default) or 'all' (the library's "
                             "rule, every tied maximum: a check that both train the same numbers, slower)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, help=argparse.SUPPRESS)   # the worker's
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.epochs, args.torch_threads, args.torch_pool_ties)
    default_epochs = 2 if args.quick else 5
    args.digits_epochs = args.digits_epochs or default_epochs
    args.cats_epochs = args.cats_epochs or default_epochs
    args.rounds = args.rounds or (1 if args.quick else 3)

    names = args.only or list(CONTENDERS)
    # torch is not imported here: a worker starts (vfork + exec) with this process's peak RSS as its ru_maxrss.
    if importlib.util.find_spec("torch") is None:
        names = [n for n in names if not n.endswith("-torch")]
    print(header(args, names), flush=True)
    results = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            res = run_worker(name, args)
            results[name].append(res)
            print(f"  round {r + 1}  {name:12} {per_epoch(res) * 1e3:8.0f} ms/epoch (epoch 1 "
                  f"{res['epoch_seconds'][0] * 1e3:.0f} ms)  fit {res['fit_seconds']:6.2f} s  "
                  f"cost {res['costs'][-1]:.6f}  val {res['val_accuracy']:.1%}  {res['threads']} threads  "
                  f"load {res['load']:.2f}-{res['load_after']:.2f}", flush=True)
    summarize(results, args)


def summarize(results, args):
    median = statistics.median
    print(f"\nload average now {os.getloadavg()}")
    print("\n| contender | per epoch (median of epochs 2..E) | min-max over rounds | epoch 1 | whole fit | "
          "final cost | validation accuracy | peak RSS above baseline |")
    print("|---|---|---|---|---|---|---|---|")
    for name, runs in results.items():
        times = [per_epoch(r) for r in runs]
        print(f"| {name}: {CONTENDERS[name]}, {runs[-1]['threads']} thread(s) | {median(times) * 1e3:.0f} ms | "
              f"{min(times) * 1e3:.0f}-{max(times) * 1e3:.0f} ms | "
              f"{median([r['epoch_seconds'][0] for r in runs]) * 1e3:.0f} ms | "
              f"{median([r['fit_seconds'] for r in runs]):.2f} s ({epochs_for(name, args)} epochs) | "
              f"{runs[-1]['costs'][-1]:.6f} | {runs[-1]['val_accuracy']:.1%} | "
              f"{median([mb(r['peak_kb'] - r['baseline_kb']) for r in runs]):.1f} MB |")
    print()
    for network in NETWORKS:
        lib, ref = results.get(network), results.get(network + "-torch")
        if not lib or not ref:
            continue
        a, b = lib[-1]["costs"], ref[-1]["costs"]
        if network == "digits" or len(results) < 3:
            ties = ref[-1].get("pool_ties", "one")
            print("PyTorch's max-pooling gradient: " + ("nn.MaxPool2d, to one maximum per window (the library's, as "
                  "the course's mask, goes to every entry equal to the maximum: the costs drift apart where a "
                  "window holds its maximum twice; --torch-pool-ties all to check)" if ties == "one" else
                  "to every entry equal to the maximum, the library's rule (--torch-pool-ties all)"))
        print(f"{network}: epoch costs, library {[round(c, 6) for c in a]}")
        print(f"{' ' * len(network)}                torch   {[round(c, 6) for c in b]}")
        print(f"{' ' * len(network)}  first epoch's cost: |library - torch| = {abs(a[0] - b[0]):.2e} "
              f"(relative {abs(a[0] - b[0]) / abs(b[0]):.1e}); last epoch's {abs(a[-1] - b[-1]):.2e}")
    for network in NETWORKS:
        lib, ref = results.get(network), results.get(network + "-torch")
        if not lib or not ref:
            continue
        epoch_ratio = median([per_epoch(x) / per_epoch(y) for x, y in zip(lib, ref)])
        fit_ratio = median([x["fit_seconds"] / y["fit_seconds"] for x, y in zip(lib, ref)])
        print(f"median ratio library / torch, {network}: {epoch_ratio:.2f} per epoch "
              f"({'<= 1.0: the library is as fast or faster' if epoch_ratio <= 1.0 else '> 1.0: PyTorch is faster'}), "
              f"{fit_ratio:.2f} over the whole fit")


if __name__ == "__main__":
    main()
