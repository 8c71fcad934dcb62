"""The course's classic comparison: a 2-layer against a 4-layer network on cat photos.

    python -m utils compare                          # the course: 2500 iterations, lr 0.0075, both data sets
    python -m utils compare --datasets catvnoncat    # only the course's photos
    python -m utils compare --quick                  # 100 iterations on 32x32 photos: a smoke test
    python -m utils compare --track                  # also log every run to MLflow (./mlruns)

Models, trained exactly as in the course with the library's `two_layer_model`
(weights randn * 0.01) and `L_layer_model` (weights randn / sqrt(n_prev)),
full-batch gradient descent, seed 1:

    2-layer  [n_x, 7, 1]            LINEAR -> RELU -> LINEAR -> SIGMOID
    4-layer  [n_x, 20, 7, 5, 1]     [LINEAR -> RELU] x 3 -> LINEAR -> SIGMOID

Prints one row per data set and model, as soon as it is trained: train /
validation / test accuracy and training time. catvnoncat has no validation
split ("n/a"); cats_vs_noncats has its own. Every line goes out through
`utils.text.echo` (control characters and what the terminal's encoding lacks
shown as backslash escapes); errors, which may quote file names, through
`utils.cli.one_line`.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from .. import cli
from ..checks import check_arguments, check_image_size, check_parameter_count
from ..costs import compute_cost_from_logits
from ..deep import (DivergenceError, L_layer_model, L_model_forward_with_dropout, check_divergence, explain_divergence, predict,
                    two_layer_model)
from ..metrics import accuracy
from ..preprocessing import SCALINGS
from ..datasets import EXAMPLES, IMAGE_SETS, Data, load_dataset
from ..text import echo, printable

#: name -> hidden layer sizes
MODELS = {"2-layer": [7], "4-layer": [20, 7, 5]}
COURSE = {"iterations": 2500, "learning_rate": 0.0075, "image_size": 64}
QUICK = {"iterations": 100, "image_size": 32}


def build_parser():
    """The argparse parser of ``python -m utils compare``."""
    p = cli.parser("compare", __doc__)
    p.add_argument("--datasets", nargs="+", choices=IMAGE_SETS, default=list(IMAGE_SETS), metavar="NAME",
                   help=f"data sets to compare on: {', '.join(IMAGE_SETS)}")
    p.add_argument("--iterations", "--epochs", type=cli.positive_int, metavar="N",
                   help=f"gradient-descent iterations per model (default {COURSE['iterations']}, "
                        f"{QUICK['iterations']} with --quick)")
    p.add_argument("--learning-rate", "--lr", type=cli.positive_float, default=COURSE["learning_rate"],
                   metavar="ALPHA")
    p.add_argument("--image-size", type=cli.positive_int, metavar="S",
                   help=f"photos resized to SxS (default {COURSE['image_size']}, {QUICK['image_size']} with --quick)")
    p.add_argument("--scaling", choices=SCALINGS, default="unit", help="unit: X/255 (the course); standardize")
    p.add_argument("--seed", type=cli.seed, default=1, help="initialisation seed")
    p.add_argument("--quick", action="store_true",
                   help=f"a fast smoke test: --iterations {QUICK['iterations']} --image-size {QUICK['image_size']} "
                        "unless given")
    cli.add_tracking_arguments(p, "compare")
    return p


def resolve(args):
    """Fill --iterations and --image-size from the course's values, or the quick ones with --quick."""
    defaults = COURSE | QUICK if args.quick else COURSE
    for key in ("iterations", "image_size"):
        if getattr(args, key) is None:
            setattr(args, key, defaults[key])
    return args


def check_values(args) -> None:
    """The library's checks of the values the flags give, before any work (ValueError naming the argument):
    what the course's functions check (learning_rate, num_iterations <= MAX_ITERATIONS, seed) and the size
    of the 4-layer network on photos of --image-size (MAX_PARAMETERS)."""
    check_arguments(learning_rate=args.learning_rate, num_iterations=args.iterations, seed=args.seed)
    check_image_size(args.image_size)
    try:
        check_parameter_count([3 * args.image_size ** 2, *MODELS["4-layer"], 1], "image_size")
    except ValueError as error:
        raise ValueError(f"{error}; use a smaller --image-size") from None


def parse(argv):
    """The flags, resolved (`resolve`) and checked (`check_values`) before any work: a bad one exits with 2."""
    parser = build_parser()
    args = resolve(parser.parse_args(argv))
    cli.check_flags(parser, lambda: check_values(args))
    return args


def memory_needed(args) -> dict:
    """`cli.memory_estimate` of the largest run: the 4-layer network in float64 (the course's) on the largest set."""
    layer_dims = [3 * args.image_size ** 2, *MODELS["4-layer"], 1]
    return cli.memory_estimate(layer_dims, max(EXAMPLES[name] for name in args.datasets), itemsize=8)


def training_cost(parameters: dict, X, Y) -> float:
    """The cross-entropy of `parameters` on (X, Y), computed in X's dtype (NaN / inf if they overflow it)."""
    with np.errstate(all="ignore"):
        weights = {key: value.astype(X.dtype) for key, value in parameters.items()}
        _, caches = L_model_forward_with_dropout(X, weights, validate=False)
        return compute_cost_from_logits(caches[-1][1], Y)


def train_model(name: str, data: Data, args):
    """Train model `name` on `data` as the course does; returns (parameters, costs every 100 iterations, seconds).

    The course's functions stop only on a NaN / inf cost; here a cost that grew far past
    its start (`utils.deep.is_diverging`, on the recorded costs and the final one) raises
    DivergenceError too, instead of printing the accuracies of a diverged network. Either names
    the likely cause (`utils.deep.divergence_cause`): the learning rate, or the photos' scale.
    """
    dims = [data.X_train.shape[0], *MODELS[name], 1]
    train = two_layer_model if len(dims) == 3 else L_layer_model
    start = time.perf_counter()
    try:
        parameters, costs = train(data.X_train, data.Y_train, dims, learning_rate=args.learning_rate,
                                  num_iterations=args.iterations, seed=args.seed)
    except DivergenceError as error:  # the lesson functions know only the learning rate: add the photos
        raise explain_divergence(error, args.learning_rate, X=data.X_train) from None
    seconds = time.perf_counter() - start
    final = training_cost(parameters, data.X_train, data.Y_train)
    for iteration, cost in [*zip(range(0, args.iterations, 100), costs), (args.iterations, final)]:
        check_divergence(cost, costs[0], f"iteration {iteration} of {name} on {data.name}", args.learning_rate,
                         updates=iteration, X=data.X_train)
    return parameters, costs, seconds


def accuracies(parameters: dict, data: Data) -> dict:
    """Accuracy on each split (None for a missing validation split)."""
    def score(X, Y):
        return None if X is None else accuracy(Y, predict(X, None, parameters, print_accuracy=False))

    return {"train": score(data.X_train, data.Y_train), "val": score(data.X_val, data.Y_val),
            "test": score(data.X_test, data.Y_test)}


HEADER = f"{'data set':<17}{'model':<9}{'layer dims':<22}{'train':>9}{'val':>9}{'test':>9}{'time':>9}"


def format_row(dataset: str, name: str, dims, acc: dict, seconds: float) -> str:
    """One line of the comparison table."""
    def pct(value):
        return f"{'n/a':>9}" if value is None else f"{value * 100:>7.1f} %"

    return (f"{dataset:<17}{name:<9}{str(dims):<22}{pct(acc['train'])}{pct(acc['val'])}{pct(acc['test'])}"
            f"{seconds:>7.1f} s")


def track(args, dataset: str, name: str, dims, costs, acc: dict, seconds: float) -> str:
    """Log one trained model to MLflow; returns the run id."""
    from matplotlib.figure import Figure

    from .. import tracking
    from ..plots import plot_cost_curve

    with tracking.start_run(args.tracking_uri, args.experiment, f"{dataset} {name}",
                            tags={"dataset": dataset, "command": "python -m utils compare"}) as run:
        run.log_params({"dataset": dataset, "model": name, "layer_dims": dims, "learning_rate": args.learning_rate,
                        "iterations": args.iterations, "image_size": args.image_size, "scaling": args.scaling,
                        "seed": args.seed, "initialization": "course"})
        run.log_series({"cost": costs}, steps=range(0, args.iterations, 100))
        run.log_metrics({f"final_{k}_accuracy": v for k, v in acc.items()} | {"training_seconds": seconds})
        figure = Figure(figsize=(6, 4))
        plot_cost_curve(costs, learning_rate=args.learning_rate, every=100, ax=figure.subplots())
        figure.tight_layout()
        run.log_figure(figure, "cost.png")
    return run.run_id


def main(argv=None) -> int:
    """Entry point of ``python -m utils compare``."""
    return cli.run(_main, argv)


def _main(argv) -> int:
    args = parse(argv)
    cli.check_memory(memory_needed(args), "Use a smaller --image-size")
    if args.track:
        from ..tracking import require_mlflow
        require_mlflow()
    echo(f"{args.iterations} iterations of gradient descent, lr {args.learning_rate}, photos {args.image_size}x"
         f"{args.image_size}, scaling {args.scaling}, seed {args.seed}")
    echo(HEADER, flush=True)
    runs = []
    for dataset in dict.fromkeys(args.datasets):
        data = load_dataset(dataset, args.image_size, args.scaling)
        for name in MODELS:
            parameters, costs, seconds = train_model(name, data, args)
            dims = [data.X_train.shape[0], *MODELS[name], 1]
            acc = accuracies(parameters, data)
            echo(format_row(dataset, name, dims, acc, seconds), flush=True)
            if args.track:
                runs.append(track(args, dataset, name, dims, costs, acc, seconds))
    if args.track:
        from ..tracking import ui_command
        echo(f"tracked {len(runs)} MLflow runs in experiment '{printable(args.experiment)}'; "
             f"view with: {ui_command(args.tracking_uri)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
