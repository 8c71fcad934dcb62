"""Train a network on one of the project's data sets from the command line.

    python -m utils train --dataset catvnoncat                       # the course: [12288, 20, 7, 5, 1], 2500 epochs
    python -m utils train --dataset cats_vs_noncats --layers 7 --epochs 1000 --scaling standardize
    python -m utils train --dataset digits                           # softmax over 10 digits
    python -m utils train --dataset flower --layers 4 --activation tanh --learning-rate 1.2
    python -m utils train --dataset catvnoncat --val-fraction 0.2 --track   # log to MLflow (./mlruns)

Prints train / validation / test accuracy and saves the parameters with
their metadata (layer dims, activations, preprocessing incl. mean / std,
data set, accuracies, history, hyperparameters, library version) to
parameters_saved/<data set>_<hidden layers>.npz, or --output PATH.

Validation: cats_vs_noncats has its own validation split; catvnoncat, digits
and the 2-D sets have none ("n/a") unless --val-fraction F carves one from the
training set (a fixed, seeded draw that keeps each class's share, so runs stay
comparable). Flags left out
take the data set's defaults (listed below).
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path


from .. import cli
from ..datasets import (EXAMPLES, IMAGE_SETS, PLANAR_SETS, SPLIT_SEED, TRAINABLE,  # noqa: F401 (re-exported)
                        Data, load_dataset)
from ..activations import ACTIVATIONS
from ..checks import check_image_size, check_parameter_count
from ..initializers import METHODS
from ..network import NeuralNetwork
from ..optimizers import OPTIMIZERS
from ..preprocessing import SCALINGS

#: Activations offered for hidden layers (softmax belongs to the output layer).
HIDDEN_ACTIVATIONS = tuple(sorted(name for name in ACTIVATIONS if name != "softmax"))
#: The data sets this command trains on (names, sizes and settings: the registry of `utils.datasets`).
DATASETS = TRAINABLE
#: The data sets that come with their own validation split (--val-fraction does not apply).
OWN_VALIDATION = ("cats_vs_noncats",)

#: The course's deep network (L_layer_model): weights randn / sqrt(n_prev) ("xavier"), lr 0.0075, 2500 iterations.
_COURSE = dict(layers=[20, 7, 5], activation=["relu"], learning_rate=0.0075, epochs=2500, optimizer="gd",
               batch_size=None, initialization="xavier", image_size=64, scaling="unit")
#: The course's shallow network: 4 tanh units, weights randn * 0.01, lr 1.2, 10000 iterations.
_PLANAR = dict(layers=[4], activation=["tanh"], learning_rate=1.2, epochs=10000, optimizer="gd", batch_size=None,
               initialization="random")
#: Hyperparameters of each data set when the flag is not given.
DEFAULTS = {
    "catvnoncat": _COURSE,
    "cats_vs_noncats": _COURSE,
    "digits": dict(layers=[64], activation=["relu"], learning_rate=0.001, epochs=20, optimizer="adam",
                   batch_size=64, initialization="he"),
    **{name: _PLANAR for name in PLANAR_SETS},
}


#: `utils.datasets.load_dataset` under the name this module has always used.
load_data = load_dataset


# ---------------------------------------------------------------- command line

def as_flags(defaults: dict) -> str:
    """{"layers": [20, 7], "learning_rate": 0.0075, "batch_size": None} -> "--layers 20 7 --learning-rate 0.0075"."""
    flags = []
    for key, value in defaults.items():
        if value is not None:
            flags.append(f"--{key.replace('_', '-')} " + (" ".join(map(str, value)) if isinstance(value, list)
                                                          else str(value)))
    return " ".join(flags)


def build_parser():
    """The argparse parser of ``python -m utils train``."""
    p = cli.parser("train", __doc__ + "\ndefaults per data set:\n" + "\n".join(
        f"  {name:16s} {as_flags(d)}" for name, d in DEFAULTS.items()))
    p.add_argument("--dataset", "-d", choices=DATASETS, default="catvnoncat", metavar="NAME",
                   help=f"data set to train on: {', '.join(DATASETS)} (default: catvnoncat)")
    net = p.add_argument_group("network and training (default: the data set's, see above)")
    net.add_argument("--layers", type=cli.positive_int, nargs="*", metavar="N",
                     help="hidden layer sizes, e.g. --layers 20 7 5 (none: logistic / softmax regression)")
    net.add_argument("--activation", nargs="+", choices=HIDDEN_ACTIVATIONS, metavar="NAME",
                     help=f"hidden activation, one for all or one per layer: {', '.join(HIDDEN_ACTIVATIONS)}")
    net.add_argument("--learning-rate", "--lr", type=cli.positive_float, metavar="ALPHA")
    net.add_argument("--optimizer", choices=OPTIMIZERS)
    net.add_argument("--epochs", type=cli.positive_int, help="passes over the training set")
    net.add_argument("--batch-size", type=cli.positive_int, metavar="B",
                     help="mini-batch size (default: full batch, except digits)")
    net.add_argument("--lambd", "--lambda", dest="lambd", type=cli.non_negative_float, default=0.0,
                     help="L2 regularisation strength (default: 0)")
    net.add_argument("--keep-prob", type=cli.probability, default=1.0,
                     help="dropout keep probability of hidden units (default: 1, no dropout)")
    net.add_argument("--initialization", choices=METHODS)
    net.add_argument("--seed", type=cli.seed, default=1, help="initialisation and mini-batch shuffling (default: 1)")
    net.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                     help="float64 (default): the same figures on every machine, and with gd or momentum on "
                          "photos the fast first-layer path; float32: half the memory, figures that may move "
                          "by a photo between CPUs")
    data = p.add_argument_group("data")
    data.add_argument("--image-size", type=cli.positive_int, metavar="S",
                      help="photos resized to SxS (catvnoncat, cats_vs_noncats; default 64)")
    data.add_argument("--scaling", choices=SCALINGS, help="unit: X/255; standardize: with the training mean / "
                                                         "std (catvnoncat, cats_vs_noncats; default unit)")
    data.add_argument("--val-fraction", type=cli.fraction, metavar="F",
                      help="carve a validation set of this share from the training set "
                           "(catvnoncat, digits, 2-D sets)")
    out = p.add_argument_group("output")
    out.add_argument("--output", "-o", type=Path, metavar="PATH", help="parameters file (.npz); default "
                     "<output-dir>/<data set>_<hidden layers>.npz")
    out.add_argument("--output-dir", type=Path, default=cli.PARAMETERS_DIR, metavar="DIR",
                     help="folder of the default output file (default: the project's parameters_saved/)")
    bar = out.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show the progress bar (tqdm, on stderr) even when stderr is not a terminal "
                          "(default: only on a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show the progress bar")
    cli.add_tracking_arguments(p, None)
    return p


def resolve(args):
    """Fill the flags left out with the data set's defaults; refuse (CLIError) flags that do not apply to it."""
    defaults = DEFAULTS[args.dataset]
    if args.dataset not in IMAGE_SETS:
        for flag, value in (("--image-size", args.image_size), ("--scaling", args.scaling)):
            if value is not None:
                raise cli.CLIError(f"{flag}: applies to the photo sets {', '.join(IMAGE_SETS)}, not {args.dataset}")
    if args.dataset in OWN_VALIDATION and args.val_fraction is not None:
        raise cli.CLIError(f"--val-fraction: {args.dataset} has its own validation split; leave the flag out")
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.output is not None and args.output.suffix != ".npz":
        raise cli.CLIError(f"--output: expected a file name ending in .npz, got {str(args.output)!r}")
    if len(args.activation) not in (1, len(args.layers)):
        raise cli.CLIError(f"--activation: expected one name or {len(args.layers)} (one per hidden layer), "
                           f"got {len(args.activation)}")
    return args


def default_output(args) -> Path:
    """<output-dir>/<data set>_<hidden sizes joined by '-'>.npz, e.g. catvnoncat_20-7-5.npz."""
    hidden = "-".join(map(str, args.layers)) or "0"
    return args.output_dir / f"{args.dataset}_{hidden}.npz"


def layer_dims(args) -> list:
    """[n_x, *hidden layers, n_y] of the network the flags describe, known before the data are loaded."""
    if args.dataset in IMAGE_SETS:
        n_x = 3 * args.image_size ** 2
    else:
        n_x = 28 * 28 if args.dataset == "digits" else 2
    return [n_x, *args.layers, 10 if args.dataset == "digits" else 1]


def check_values(args) -> None:
    """The library's checks of every value the flags give, before any work (ValueError naming the argument):
    NeuralNetwork's constructor (`utils.checks.check_hyperparameters`: bounds, seed + epochs ...) and
    the size of the photos (MAX_IMAGE_SIZE) and of the network on this data set (MAX_PARAMETERS)."""
    build_model(args)
    if args.dataset in IMAGE_SETS:
        check_image_size(args.image_size)   # before the photos are loaded and cached at that size
    try:
        check_parameter_count(layer_dims(args), "hidden_layers")
    except ValueError as error:  # "hidden_layers: expected ...": on photos, --image-size is at fault too
        if args.dataset in IMAGE_SETS:
            raise ValueError(f"hidden_layers, image_size{str(error).removeprefix('hidden_layers')}; use fewer or "
                             "smaller --layers or a smaller --image-size") from None
        raise ValueError(f"{error}; use fewer or smaller --layers") from None


def memory_needed(args) -> dict:
    """`cli.memory_estimate` of the run the flags describe (at --dtype's size)."""
    layer_dims_ = layer_dims(args)
    optimizer_copies = {"momentum": 1, "rmsprop": 1, "adam": 2}.get(args.optimizer, 0)
    itemsize = 8 if args.dtype == "float64" else 4
    return cli.memory_estimate(layer_dims_, EXAMPLES[args.dataset], args.batch_size, itemsize, optimizer_copies)


def build_model(args) -> NeuralNetwork:
    """The NeuralNetwork the flags describe."""
    activations = args.activation[0] if len(args.activation) == 1 else args.activation
    return NeuralNetwork(hidden_layers=args.layers, activations=activations, learning_rate=args.learning_rate,
                         epochs=args.epochs, optimizer=args.optimizer, batch_size=args.batch_size,
                         lambd=args.lambd, keep_prob=args.keep_prob, initialization=args.initialization,
                         seed=args.seed, dtype=args.dtype)


class ProgressBar:
    """A tqdm bar over the epochs, driven by NeuralNetwork.fit's callback; shows the cost and accuracies.

    show: True (always), False (never) or None (only when stderr is a terminal).
    """

    def __init__(self, epochs: int, show: bool | None = None):
        from tqdm import tqdm

        self.bar = tqdm(total=epochs, desc="training", unit="epoch", disable=None if show is None else not show,
                        file=sys.stderr)

    def __call__(self, epoch: int, model: NeuralNetwork) -> None:
        h = model.history_
        postfix = {"cost": f"{h['cost'][-1]:.4f}", "train": f"{h['train_accuracy'][-1]:.1%}"}
        if h["val_accuracy"]:
            postfix["val"] = f"{h['val_accuracy'][-1]:.1%}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()


def evaluate(model: NeuralNetwork, data: Data) -> dict:
    """Accuracy on each split, None where the split is missing."""
    val = None if data.X_val is None else model.score(data.X_val, data.Y_val)
    return {"train": model.score(data.X_train, data.Y_train), "val": val,
            "test": model.score(data.X_test, data.Y_test)}


def format_accuracies(accuracies: dict, sizes: dict, no_val_reason: str = "") -> str:
    """The table of examples and accuracy per split ("n/a" for a missing validation split)."""
    lines = [f"{'split':<12}{'examples':>9}{'accuracy':>11}"]
    for key, label in (("train", "train"), ("val", "validation"), ("test", "test")):
        if accuracies[key] is None:
            note = f"   ({no_val_reason})" if no_val_reason else ""
            lines.append(f"{label:<12}{'-':>9}{'n/a':>11}{note}")
        else:
            lines.append(f"{label:<12}{sizes[key]:>9}{accuracies[key] * 100:>9.2f} %")
    return "\n".join(lines)


def describe(data: Data, model: NeuralNetwork, args) -> str:
    """Two lines: the data and the network about to be trained."""
    s = data.sizes()
    val = f"{s['val']} validation, " if s["val"] else ""
    batch = f"mini-batches of {args.batch_size}" if args.batch_size else "full batch"
    return (f"data set  {data.name}: {s['train']} train, {val}{s['test']} test; {data.description}, "
            f"n_x = {data.X_train.shape[0]}\n"
            f"network   hidden layers {args.layers or 'none'} ({', '.join(args.activation)}), {args.optimizer} "
            f"lr {args.learning_rate}, {args.epochs} epochs, {batch}, lambda {args.lambd}, keep_prob "
            f"{args.keep_prob}, seed {args.seed}, {args.dtype}")


def metadata(args, data: Data, accuracies: dict, seconds: float, argv=()) -> dict:
    """What is saved next to the parameters (besides what NeuralNetwork.save adds); `argv`: the flags given."""
    return {"dataset": args.dataset, "class_names": data.classes, "preprocessing": data.preprocessing,
            "accuracies": accuracies, "split_sizes": data.sizes(), "val_fraction": args.val_fraction,
            "training_seconds": round(seconds, 3), "command": shlex.join(["python", "-m", "utils", "train", *argv])}


def track(args, model: NeuralNetwork, data: Data, accuracies: dict, seconds: float, path: Path) -> None:
    """Log the run to MLflow: parameters, per-epoch metrics, final accuracies, the .npz and the curves."""
    from .. import tracking

    experiment = args.experiment or args.dataset
    with tracking.start_run(args.tracking_uri, experiment, path.stem,
                            tags={"dataset": args.dataset, "command": "python -m utils train"}) as run:
        preprocessing = {k: v for k, v in (data.preprocessing or {}).items() if k not in ("mean", "std")}
        run.log_params({"dataset": args.dataset, "layer_dims": model.layer_dims_, "activations": model.activations_,
                        "val_fraction": args.val_fraction, "preprocessing": preprocessing,
                        **{k: v for k, v in model.get_params().items() if k not in ("hidden_layers", "activations")}})
        run.log_series({k: v for k, v in model.history_.items() if len(v)})
        run.log_metrics({f"final_{k}_accuracy": v for k, v in accuracies.items()} | {"training_seconds": seconds})
        run.log_artifact(path)
        run.log_figure(tracking.curves_figure(model.history_, f"{args.dataset} {model.layer_dims_}"), "curves.png")
    print(f"tracked   MLflow run {run.run_id} in experiment {experiment!r}; "
          f"view with: {tracking.ui_command(args.tracking_uri)}")


def main(argv=None) -> int:
    """Entry point of ``python -m utils train``."""
    return cli.run(_main, argv)


def parse(argv):
    """The flags, resolved (`resolve`) and checked (`check_values`) before any work: a bad one exits with 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    cli.check_flags(parser, lambda: check_values(resolve(args)))
    return parser, args


def _main(argv) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, args = parse(argv)
    output = args.output or default_output(args)
    cli.check_output_path(output, "--output" if args.output else "--output-dir")
    cli.check_memory(memory_needed(args), "Use fewer or smaller --layers" +
                     (" or a smaller --image-size" if args.dataset in IMAGE_SETS else ""))
    if args.track:
        from ..tracking import require_mlflow
        require_mlflow()  # fail before a long training, not after
    try:
        data = load_data(args.dataset, args.image_size, args.scaling, args.val_fraction)
    except ValueError as error:  # a flag that does not fit the data (--val-fraction too small ...): exit 2
        if not str(error).startswith("--"):
            raise
        parser.error(cli.one_line(error))
    model = build_model(args)
    print(describe(data, model, args), flush=True)
    start = time.perf_counter()
    with ProgressBar(args.epochs, args.progress) as bar:
        model.fit(data.X_train, data.Y_train, data.X_val, data.Y_val, callback=bar)
    seconds = time.perf_counter() - start
    accuracies = evaluate(model, data)
    print(f"trained   {model.n_epochs_} epochs in {seconds:.1f} s, final cost {model.history_['cost'][-1]:.4f}")
    print(format_accuracies(accuracies, data.sizes(), data.no_val_reason))
    path = model.save(output, **metadata(args, data, accuracies, seconds, argv))
    print(f"saved     {cli.display_path(path)}")
    if args.track:
        track(args, model, data, accuracies, seconds, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
