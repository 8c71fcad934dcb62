"""Trained parameters to and from `.npz` files, never pickle.

File layout (`numpy.savez`, read with ``allow_pickle=False``):

    W1, b1, ..., WL, bL          the parameters, one array each
    __metadata__                 0-d str array: JSON of the metadata
    meta.<path>                  arrays found inside the metadata (e.g. the
                                 preprocessing mean / std), replaced in the JSON
                                 by {"__array__": "meta.<path>"}

Metadata always holds ``format_version``, ``layer_dims`` and ``version``;
callers add e.g. ``activations``, ``preprocessing``, ``dataset``,
``accuracies``, ``history``. What a file may hold (the metadata schema, the
limits) and every check run on save and on load are in
`utils.parameters_file`. The file is written to a temporary file in the same
folder, then ``os.replace``-d over the target, so a failed or interrupted
write never destroys a good file nor leaves a temporary one behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .deep import L_model_forward, layer_dims_of
from .layers import input_size
from .parameters_file import (FORMAT_VERSION, STACK_FORMAT_VERSION, check_stack_members, stack_of, check_save_path,
                              check_weights, encode_metadata,
                              read_parameters_file, write_atomically)
from .paths import retrain_requested
from .preprocessing import preprocess_images


def _library_version():
    from . import __version__
    return __version__


def save_parameters(path, parameters, **metadata):
    """Write `parameters` and `metadata` to `path` (.npz) atomically.

    metadata: any JSON-compatible values and numpy arrays, e.g.
    activations=[...], preprocessing={...}, dataset="catvnoncat",
    accuracies={"train": 0.98, "test": 0.8}, history={...}.
    The format version, layer_dims and the library version are added; all of
    it is checked against the file format before anything is written.
    Returns the Path written.
    """
    arrays = check_weights(parameters)
    metadata = {"format_version": FORMAT_VERSION, "layer_dims": layer_dims_of(arrays),
                "version": _library_version(), **metadata}
    arrays.update(encode_metadata(metadata, arrays))
    path = check_save_path(path)  # after the contents: a bad argument is named before a bad destination
    write_atomically(path, lambda file: np.savez(file, **arrays))
    return path


def save_network(path, arrays, layers, **metadata):
    """Write a network given as a list of layers (`utils.layers`) to `path` (.npz) atomically: format_version 2.

    arrays: every array the layers imply, named the course's way (W_l, b_l, gamma_l, beta_l, running_mean_l,
    running_var_l: `Stack.parameter_shapes` and `Stack.state_shapes`); layers: the layers, or their descriptions
    (`Layer.describe`), recorded as metadata["layers"]. The rest as `save_parameters`: everything is checked
    against the format before anything is written. Returns the Path written.
    """
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"layers: expected a list of layers or of their descriptions, got {type(layers).__name__}")
    if "layers" in metadata:
        raise ValueError("layers: given twice")
    arrays = check_weights(arrays, layers)
    stack = stack_of(layers, input_size(layers, arrays["W1"].shape), "layers")
    metadata = {"format_version": STACK_FORMAT_VERSION, "layer_dims": stack.layer_dims, "version": _library_version(),
                **metadata, "layers": stack.describe()}
    arrays.update(encode_metadata(metadata, arrays))
    path = check_save_path(path)  # after the contents: a bad argument is named before a bad destination
    write_atomically(path, lambda file: np.savez(file, **arrays))
    return path


def load_parameters(path, expected_layer_dims=None):
    """Read a file written by `save_parameters`: returns (parameters, metadata).

    With `expected_layer_dims`, shapes are compared layer by layer and any
    difference raises ValueError naming the expected and found shapes.
    A missing file raises FileNotFoundError; anything else wrong with the file
    (not an .npz, truncated, too large, weights or metadata breaking the
    format) a ValueError naming the file and the problem.
    """
    parameters, metadata = read_parameters_file(path)
    if expected_layer_dims is not None:
        check_shapes(parameters, expected_layer_dims)
    return parameters, metadata


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: check_save_path says what is wrong
        return False


def load_saved(path, load=None, retrain=None):
    """What `load(path)` reads from the saved network at `path`, to reuse; or None: train it and save it there.

    How the notebooks reuse what they trained before. `load`: `load_parameters` (the default: returns
    (parameters, metadata)), `NeuralNetwork.load`, or any reader raising ValueError on a file it cannot
    use (e.g. ``lambda p: load_parameters(p, expected_layer_dims=[12288, 7, 1])``).
    None when the file does not exist, or when `retrain` (default: the environment's RETRAIN=1) asks to
    train again; then `path` is checked first (`utils.atomic.check_writable`), so a destination that
    cannot be written (a folder, a PARAMETERS_DIR that is a file or read-only) fails now, in a second,
    not after the training. A file that exists but cannot be used (damaged, not a parameters file, other
    layer sizes) is one ValueError naming it and the way out: delete it, or RETRAIN=1, which does not
    read it at all and replaces it with the network trained again.
    """
    path = Path(path)
    load = load_parameters if load is None else load
    if "\x00" in str(path) or len(os.fsencode(path.name)) > 255 or _is_folder(path):
        # a name no file system takes, or a folder: neither usable nor replaceable, whatever RETRAIN says
        check_save_path(path)
    if not retrain_requested(retrain):
        try:
            return load(path)
        except FileNotFoundError:
            pass
        except OSError as error:  # a name too long for the file system, no permission ...: check_save_path names it
            if not error.filename:
                raise
        except ValueError as error:
            raise ValueError(f"{' '.join(str(error).split())}. The saved network {path.as_posix()!r} cannot be "
                             "used: delete it, or run with RETRAIN=1 to train it again and replace it") from None
    check_save_path(path)
    return None


def check_shapes(parameters, expected_layer_dims):
    """Refuse parameters whose shapes differ from a network of `expected_layer_dims`."""
    dims = [int(n) for n in expected_layer_dims]
    found = layer_dims_of(parameters)
    problems = []
    for l in range(1, max(len(dims), len(found))):
        want = (dims[l], dims[l - 1]) if l < len(dims) else None
        got = tuple(parameters[f"W{l}"].shape) if f"W{l}" in parameters else None
        if want != got:
            problems.append(f"W{l}: expected {want or 'no layer'}, found {got or 'no layer'}")
    if problems:
        raise ValueError(f"parameters: expected layer_dims {dims}, found {found} ({'; '.join(problems)})")


def predict_images(images, parameters, metadata):
    """Cat probabilities for raw photos: (m, H, W, 3) uint8 -> (m,) P(cat) (float).

    Applies the recorded `metadata["preprocessing"]` with
    `utils.preprocessing.preprocess_images`, then the forward pass with the
    recorded activations (a format 2 file: its layers, in test mode). A softmax network returns the (C, m)
    probabilities.
    """
    if not isinstance(metadata.get("preprocessing"), dict):
        raise ValueError(f"metadata: expected a 'preprocessing' entry, got keys {sorted(metadata)}")
    recipe = metadata["preprocessing"]
    size, channels = int(recipe.get("image_size", 0)), int(recipe.get("channels", 3))
    n_x = input_size(metadata["layers"], np.shape(parameters["W1"])) if "layers" in metadata else \
        parameters["W1"].shape[1]
    if n_x != size * size * channels:
        raise ValueError(f"parameters: W1 expects n_x = {n_x} inputs, but the recorded preprocessing makes "
                         f"{size}x{size}x{channels} = {size * size * channels}; the metadata does not belong "
                         "to these parameters")
    X = preprocess_images(images, recipe, dtype=parameters["W1"].dtype)
    with np.errstate(all="ignore"):  # an overflow is reported below, as an error
        if "layers" in metadata:  # format 2: a stack of layers, in test mode (running statistics)
            stack = stack_of(metadata["layers"], n_x)
            check_stack_members(stack, {k: (np.shape(v), np.asarray(v).dtype) for k, v in parameters.items()},
                                "parameters")
            ZL, AL, _ = stack.forward(X, *stack.split(parameters))
        else:
            AL, caches = L_model_forward(X, parameters, metadata.get("activations"))
            ZL = caches[-1][1]
    check_predictions(AL, ZL)
    return AL[0] if AL.shape[0] == 1 else AL


def check_predictions(AL, ZL) -> None:
    """Refuse outputs that are NaN or infinite (before or after the output activation)."""
    bad = ~(np.isfinite(AL).all(axis=0) & np.isfinite(ZL).all(axis=0))
    if bad.any():
        raise ValueError(f"predictions: the network's output overflows ({AL.dtype}) to NaN or inf for {int(bad.sum())} "
                         f"of {bad.size} input(s); these parameters are not usable: retrain the network")
