"""Print the cat probability of photos, with parameters saved by the notebooks or `python -m utils train`.

    python -m utils predict my_cat.jpg holiday.png
    python -m utils predict --parameters parameters_saved/catvnoncat_20-7-5.npz photos/*.jpg

Each photo is read and resized exactly as at training time (the preprocessing
recorded in the parameters file: image size, scaling, mean / std). One line
per photo: P(cat), the predicted class (cat when P(cat) > 0.5) and the file.

Parameters made for other inputs (digits, 2-D points, another image size),
files that are not valid parameter files (see `utils.parameters_file`) and
predictions that overflow to NaN are refused with a one-line error (exit
status 1). Unreadable photos are reported on stderr, one line each, the
other photos are still predicted, and the exit status is 1 if any file
failed (0 when every photo was predicted): whatever makes a photo
undecodable, it costs that photo alone (see `utils.images`).

Text from files -- the photos' names, the data set and class names a
parameters file records -- is printed through `utils.text.printable`:
control characters (an ESC sequence, a newline that would forge a result
line), bidi overrides, the surrogates of a non-UTF-8 file name and the
characters the terminal's encoding lacks are shown as backslash escapes.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from .. import cli
from ..deep import labels_from_probabilities, layer_dims_of
from ..images import load_image
from ..parameters_file import class_names
from ..persistence import load_parameters, predict_images
from ..text import echo, printable, stream_encoding

#: What project.ipynb saves; the default of --parameters.
DEFAULT_PARAMETERS = cli.PARAMETERS_DIR / "cats_vs_noncats_mlp.npz"


def build_parser():
    """The argparse parser of ``python -m utils predict``."""
    p = cli.parser("predict", __doc__)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files (JPEG, PNG, ...)")
    p.add_argument("--parameters", "-p", type=Path, default=DEFAULT_PARAMETERS, metavar="FILE",
                   help="parameters file (.npz) of a cat / non-cat network")
    return p


def load_cat_classifier(path: Path):
    """(parameters, metadata) of a cat / non-cat network for photos; CLIError for anything else."""
    shown = cli.display_path(path)
    try:
        parameters, metadata = load_parameters(path)
    except FileNotFoundError:
        raise cli.CLIError(f"no parameters file at {shown}; make one by running project.ipynb, or with: "
                           f"python -m utils train --dataset cats_vs_noncats --output {shown}") from None
    check_cat_classifier(parameters, metadata, shown)
    return parameters, metadata


def check_cat_classifier(parameters: dict, metadata: dict, shown: str) -> None:
    """Refuse parameters that are not a one-output network for RGB photos.

    (`load_parameters` has already checked that the recorded image size matches W1.)
    """
    dims = network_dims(parameters, metadata)
    dataset = "'" + printable(metadata.get("dataset", "an unknown data set")) + "'"
    preprocessing = metadata.get("preprocessing") or {}
    if "image_size" not in preprocessing:
        raise cli.CLIError(f"{shown} records no image preprocessing (data set {dataset}, layer_dims {dims}): it "
                           "was not made for photos; use parameters trained on catvnoncat or cats_vs_noncats")
    size = preprocessing["image_size"]
    if preprocessing.get("channels", 3) != 3:
        raise cli.CLIError(f"{shown} was trained on {dataset} ({size}x{size} grey images, "
                           f"{dims[-1]} outputs), not on colour cat photos")
    if dims[-1] != 1:
        raise cli.CLIError(f"{shown} has {dims[-1]} output units (data set {dataset}); predict needs a cat / "
                           "non-cat network with one sigmoid output")


def read_photos(paths, image_size: int):
    """(images (k, S, S, 3) uint8 of the readable files, their paths, [one-line error per unreadable file],
    [one-line warning per warning a predicted photo gave, e.g. Pillow's "Corrupt EXIF data"]).

    `load_image` turns every failure to decode a photo into a ValueError naming it; a missing
    or unreadable file is an OSError. Warnings are caught per photo (this command reads its
    photos in one thread) and become "warning: <file>: <message>" lines instead of
    Python's two-line warning text.
    """
    images, readable, failures, notes = [], [], [], []
    for path in paths:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                images.append(load_image(path, image_size))
                readable.append(path)
            except (ValueError, OSError) as error:
                failures.append(cli.one_line(error))
                continue  # its one error line says enough
        for message in dict.fromkeys(cli.one_line(w.message) for w in caught
                                     if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))):
            notes.append(f"warning: {printable(path, stream_encoding(sys.stderr))}: {message}")
    return images, readable, failures, notes


def network_dims(parameters: dict, metadata: dict) -> list:
    """[n_x, units of each dense layer, ..., n_y]: read off the weights (format 1), or the file's recorded
    layer_dims (format 2, whose weights may be convolutions' 4-D filters)."""
    if "layers" in metadata and isinstance(metadata.get("layer_dims"), list):
        return metadata["layer_dims"]
    return layer_dims_of(parameters)


def describe(shown: str, metadata: dict, dims, encoding: str | None = None) -> str:
    """One line about the parameters used: data set (`printable` for `encoding`), layer dims, test accuracy."""
    test = (metadata.get("accuracies") or {}).get("test")
    accuracy = f", test accuracy {test * 100:.1f} %" if isinstance(test, (int, float)) else ""
    dataset = printable(metadata.get("dataset", "unknown data"), encoding)
    return f"parameters {printable(shown, encoding)}: trained on {dataset}, layer_dims {dims}{accuracy}"


def main(argv=None) -> int:
    """Entry point of ``python -m utils predict``."""
    return cli.run(_main, argv)


def _main(argv) -> int:
    args = build_parser().parse_args(argv)
    parameters, metadata = load_cat_classifier(args.parameters)
    size = int(metadata["preprocessing"]["image_size"])
    images, readable, failures, notes = read_photos(args.paths, size)
    encoding = stream_encoding(sys.stdout)
    echo(describe(cli.display_path(args.parameters), metadata, network_dims(parameters, metadata), encoding))
    classes = [printable(name, encoding) for name in class_names(metadata) or ["non-cat", "cat"]]
    if images:
        probabilities = np.atleast_1d(predict_images(np.stack(images), parameters, metadata))
        echo(f"{'P(cat)':>6}  {'class':<8} file")
        for path, p in zip(readable, probabilities):
            label = classes[int(labels_from_probabilities(np.array([[p]]))[0, 0])]
            echo(f"{p:6.3f}  {label:<8} {printable(path, encoding)}")
    for message in notes:
        echo(message, sys.stderr)
    for message in failures:
        echo(f"error: {message}", sys.stderr)
    if failures:
        echo(f"error: {len(failures)} of {len(args.paths)} file(s) could not be read", sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
