"""Train a network on one of the project's data sets from the command line.

    python -m utils.train --dataset catvnoncat                       # the course: [12288, 20, 7, 5, 1], 2500 epochs
    python -m utils.train --dataset cats_vs_noncats --layers 7 --epochs 1000 --scaling standardize
    python -m utils.train --dataset digits                           # softmax over 10 digits
    python -m utils.train --dataset flower --layers 4 --activation tanh --learning-rate 1.2
    python -m utils.train --dataset catvnoncat --val-fraction 0.2 --track   # log to MLflow (./mlruns)

Prints train / validation / test accuracy and saves the parameters with
their metadata (layer dims, activations, preprocessing incl. mean / std,
data set, accuracies, history, hyperparameters, library version) to
parameters_saved/<data set>_<hidden layers>.npz, or --output PATH.

Validation: cats_vs_noncats has its own validation split; catvnoncat, digits
and the 2-D sets have none ("n/a") unless --val-fraction F carves one from the
training set (a fixed, seeded draw, so runs stay comparable). Flags left out
take the data set's defaults (listed below).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

from . import cli
from .activations import ACTIVATIONS
from .initializers import METHODS
from .network import NeuralNetwork
from .optimizers import OPTIMIZERS
from .preprocessing import SCALINGS, fit_standardizer, images_to_matrix, preprocess_images, resize_images

IMAGE_SETS = ("catvnoncat", "cats_vs_noncats")
#: Activations offered for hidden layers (softmax belongs to the output layer).
HIDDEN_ACTIVATIONS = tuple(sorted(name for name in ACTIVATIONS if name != "softmax"))
PLANAR_SETS = ("flower", "moons", "circles", "spirals")
DATASETS = IMAGE_SETS + ("digits",) + PLANAR_SETS
#: Points generated for a 2-D set, and the share held out as its test set.
PLANAR_POINTS, PLANAR_TEST_FRACTION = 400, 0.2
#: Seed of every split this module draws (validation carve, 2-D test split): fixed, so that
#: changing --seed changes only the initialisation and the mini-batches, never the data.
SPLIT_SEED = 0

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


@dataclasses.dataclass
class Data:
    """A data set ready for a network: X (n_x, m) and labels per split (val may be None)."""

    name: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray | None
    Y_val: np.ndarray | None
    X_test: np.ndarray
    Y_test: np.ndarray
    preprocessing: dict | None
    classes: list
    description: str
    no_val_reason: str = ""

    def sizes(self) -> dict:
        """Number of examples per split (None for a missing validation split)."""
        return {"train": self.X_train.shape[1], "val": None if self.X_val is None else self.X_val.shape[1],
                "test": self.X_test.shape[1]}


# ---------------------------------------------------------------- data

def split_off(X, Y, fraction: float, seed: int = SPLIT_SEED):
    """Hold out `fraction` of the examples (last axis of X and Y), drawn with `seed`.

    Returns (X_kept, Y_kept, X_held, Y_held); at least one example on each side.
    """
    m = X.shape[-1]
    n_held = min(max(1, int(round(fraction * m))), m - 1)
    order = np.random.default_rng(seed).permutation(m)
    held, kept = np.sort(order[:n_held]), np.sort(order[n_held:])
    return X[..., kept], Y[..., kept], X[..., held], Y[..., held]


def _image_data(name, train, val, test, image_size, scaling, description, no_val_reason=""):
    """Raw (images, labels) splits -> `Data`, with the preprocessing fitted on the training photos only."""
    preprocessing = {"image_size": image_size, "scaling": scaling}
    if scaling == "standardize":
        preprocessing.update(fit_standardizer(images_to_matrix(resize_images(train[0], image_size))))
    prepare = [None if split is None else (preprocess_images(split[0], preprocessing), split[1])
               for split in (train, val, test)]
    (X_train, Y_train), (X_test, Y_test) = prepare[0], prepare[2]
    X_val, Y_val = prepare[1] if prepare[1] is not None else (None, None)
    return Data(name, X_train, Y_train, X_val, Y_val, X_test, Y_test, preprocessing, ["non-cat", "cat"],
                description, no_val_reason)


def _no_val(name: str) -> str:
    return f"{name} has no validation split; --val-fraction 0.2 carves one from the training set"


def _carve(train, val_fraction, name):
    """(train, val, reason): raw (images, labels) with a validation split carved off when asked, else none and why."""
    if not val_fraction:
        return train, None, _no_val(name)
    images, labels = train
    index = np.arange(len(images))
    keep, _, held, _ = split_off(index, index, val_fraction)
    return (images[keep], labels[..., keep]), (images[held], labels[..., held]), ""


def _catvnoncat(image_size, scaling, val_fraction):
    from .datasets import load_catvnoncat

    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    train, val, reason = _carve((train_x, train_y), val_fraction, "catvnoncat")
    return _image_data("catvnoncat", train, val, (test_x, test_y), image_size, scaling,
                       "64x64 photos" + (f" resized to {image_size}x{image_size}" if image_size != 64 else ""), reason)


def _cats_vs_noncats(image_size, scaling, val_fraction):
    from .datasets import load_cats_vs_noncats

    if val_fraction:
        raise cli.CLIError("--val-fraction: cats_vs_noncats has its own validation split; leave the flag out")
    train_x, train_y, val_x, val_y, test_x, test_y, _ = load_cats_vs_noncats(image_size)
    return _image_data("cats_vs_noncats", (train_x, train_y), (val_x, val_y), (test_x, test_y), image_size,
                       scaling, f"photos resized to {image_size}x{image_size}")


def _digits(image_size, scaling, val_fraction):
    """MNIST digits (m, 28, 28) -> X (784, m) in [0, 1]; labels (m,) 0..9."""
    from .datasets import load_digits

    train_x, train_y, test_x, test_y = load_digits()
    train, val, reason = _carve((train_x, train_y), val_fraction, "digits")
    flat = [None if split is None else (images_to_matrix(split[0]), split[1])
            for split in (train, val, (test_x, test_y))]
    X_val, Y_val = flat[1] if flat[1] is not None else (None, None)
    return Data("digits", *flat[0], X_val, Y_val, *flat[2],
                {"image_size": 28, "scaling": "unit", "channels": 1}, [str(d) for d in range(10)],
                "28x28 grayscale MNIST digits, 10 classes", reason)


def _planar(name, val_fraction):
    """PLANAR_POINTS generated 2-D points; PLANAR_TEST_FRACTION of them held out as the test set."""
    from . import planar

    generate = {"flower": planar.load_planar_dataset, "moons": planar.make_moons,
                "circles": planar.make_circles, "spirals": planar.make_spirals}[name]
    X, Y = generate(m=PLANAR_POINTS)
    X, Y, X_test, Y_test = split_off(X, Y, PLANAR_TEST_FRACTION)
    X_val = Y_val = None
    if val_fraction:
        X, Y, X_val, Y_val = split_off(X, Y, val_fraction)
    return Data(name, X, Y, X_val, Y_val, X_test, Y_test, None, ["class 0", "class 1"],
                f"{PLANAR_POINTS} generated 2-D points, {PLANAR_TEST_FRACTION:.0%} held out as test",
                "" if val_fraction else _no_val(name))


def load_data(name: str, image_size: int | None = None, scaling: str | None = None,
              val_fraction: float | None = None) -> Data:
    """Load and prepare data set `name` (see DATASETS) with the library's loaders and preprocessing.

    image_size and scaling apply to the photo sets; val_fraction carves a validation split
    (seeded with SPLIT_SEED) from the training set of the sets that have none.
    """
    loaders = {"catvnoncat": _catvnoncat, "cats_vs_noncats": _cats_vs_noncats, "digits": _digits}
    if name in loaders:
        return loaders[name](image_size, scaling, val_fraction)
    if name in PLANAR_SETS:
        return _planar(name, val_fraction)
    raise ValueError(f"name: expected one of {DATASETS}, got {name!r}")


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
    """The argparse parser of ``python -m utils.train``."""
    p = cli.parser("utils.train", __doc__ + "\ndefaults per data set:\n" + "\n".join(
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
    net.add_argument("--seed", type=int, default=1, help="initialisation and mini-batch shuffling (default: 1)")
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
    """Fill the flags left out with the data set's defaults; refuse flags that do not apply to it."""
    defaults = DEFAULTS[args.dataset]
    if args.dataset not in IMAGE_SETS:
        for flag, value in (("--image-size", args.image_size), ("--scaling", args.scaling)):
            if value is not None:
                raise cli.CLIError(f"{flag}: applies to the photo sets {', '.join(IMAGE_SETS)}, not {args.dataset}")
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


def build_model(args) -> NeuralNetwork:
    """The NeuralNetwork the flags describe."""
    activations = args.activation[0] if len(args.activation) == 1 else args.activation
    return NeuralNetwork(hidden_layers=args.layers, activations=activations, learning_rate=args.learning_rate,
                         epochs=args.epochs, optimizer=args.optimizer, batch_size=args.batch_size,
                         lambd=args.lambd, keep_prob=args.keep_prob, initialization=args.initialization,
                         seed=args.seed)


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
            f"{args.keep_prob}, seed {args.seed}")


def metadata(args, data: Data, accuracies: dict, seconds: float) -> dict:
    """What is saved next to the parameters (besides what NeuralNetwork.save adds)."""
    return {"dataset": args.dataset, "classes": data.classes, "preprocessing": data.preprocessing,
            "accuracies": accuracies, "split_sizes": data.sizes(), "val_fraction": args.val_fraction,
            "training_seconds": round(seconds, 3), "command": "python -m utils.train " + " ".join(sys.argv[1:])}


def track(args, model: NeuralNetwork, data: Data, accuracies: dict, seconds: float, path: Path) -> None:
    """Log the run to MLflow: parameters, per-epoch metrics, final accuracies, the .npz and the curves."""
    from . import tracking

    experiment = args.experiment or args.dataset
    with tracking.start_run(args.tracking_uri, experiment, path.stem,
                            tags={"dataset": args.dataset, "command": "utils.train"}) as run:
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
    """Entry point of ``python -m utils.train``."""
    return cli.run(_main, argv)


def _main(argv) -> int:
    args = resolve(build_parser().parse_args(argv))
    if args.track:
        from .tracking import require_mlflow
        require_mlflow()  # fail before a long training, not after
    data = load_data(args.dataset, args.image_size, args.scaling, args.val_fraction)
    model = build_model(args)
    print(describe(data, model, args), flush=True)
    start = time.perf_counter()
    with ProgressBar(args.epochs, args.progress) as bar:
        model.fit(data.X_train, data.Y_train, data.X_val, data.Y_val, callback=bar)
    seconds = time.perf_counter() - start
    accuracies = evaluate(model, data)
    print(f"trained   {model.n_epochs_} epochs in {seconds:.1f} s, final cost {model.history_['cost'][-1]:.4f}")
    print(format_accuracies(accuracies, data.sizes(), data.no_val_reason))
    path = model.save(args.output or default_output(args), **metadata(args, data, accuracies, seconds))
    print(f"saved     {cli.display_path(path)}")
    if args.track:
        track(args, model, data, accuracies, seconds, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
