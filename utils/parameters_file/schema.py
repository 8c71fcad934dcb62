"""The parameters-file schema: format constants and limits, `SCHEMA`, and the checks on the weights."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..npz import ArchiveError

#: Format 1: a dense network (W1, b1, ..., WL, bL; `save_parameters`), which every copy of the course reads.
#: Format 2: a network as a list of layers (`utils.layers`) in metadata["layers"] (`save_network`).
FORMAT_VERSION = 1
STACK_FORMAT_VERSION = 2
READABLE_VERSIONS = (FORMAT_VERSION, STACK_FORMAT_VERSION)
METADATA_KEY = "__metadata__"
ARRAY_PREFIX = "meta."
ARRAY_REF = "__array__"

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_METADATA_CHARS = 4 * 1024**2
MAX_METADATA_DEPTH = 32
MAX_ABS_WEIGHT = 1e6
MAX_MEMBERS = 10_000

#: Accepted weight dtypes (any byte order).
WEIGHT_DTYPES = ("float16", "float32", "float64")
#: Kinds of numpy arrays that may be stored inside the metadata (bool, ints, floats, unicode).
METADATA_ARRAY_KINDS = "biufU"


def _dense_shapes(n_in: int, n_out: int) -> dict:
    return {"W": (n_out, n_in), "b": (n_out, 1)}


#: Layer kind -> function (n_{l-1}, n_l) -> {member letter: shape}. Only dense layers exist so far.
LAYER_KINDS = {"dense": _dense_shapes}


#: The output layer's activation a classifier of C classes needs: one sigmoid unit gives P(class 1) of
#: two classes; C >= 2 softmax units give one probability per class. Any other output (relu, tanh, a
#: sigmoid over several units, a softmax over one) does not give class probabilities.
def output_activation_for(n_out: int) -> str:
    """The output activation a classifier with `n_out` output units must have: "sigmoid" for 1, else "softmax"."""
    return "sigmoid" if n_out == 1 else "softmax"


def check_output_layer(n_out: int, activation, where: str = "metadata['activations']") -> None:
    """Refuse an output layer whose activation does not turn its `n_out` units into class probabilities.

    The one rule for every saved network, whatever its layers: a dense stack today, a stack of layer
    kinds later (call it with the last layer's width and activation).
    """
    wanted = output_activation_for(n_out)
    if activation != wanted:
        classes = "two classes" if n_out == 1 else f"{n_out} classes"
        _fail(f"{where}: the output layer has {n_out} unit(s), so it must be {wanted!r} to give the probabilities "
              f"of {classes}, got {activation!r}; a classifier's file must record the activations it was trained "
              "with")


class ParametersFileError(ArchiveError):
    """A parameters file, or what is about to be saved as one, breaks the format."""


@dataclass(frozen=True)
class Field:
    """One metadata entry: the JSON types it may take, what it holds, whether it must be there."""

    types: tuple
    doc: str
    required: bool = False


#: The metadata schema, format_versions 1 and 2. Types: "int", "number" (int or float), "str", "list",
#: "dict", "null", "array" (a numpy array stored as a meta.* member). Other keys are free-form.
SCHEMA = {
    "format_version": Field(("int",), "1 (a dense network) or 2 (with 'layers'); files written before it was "
                                      "recorded have none and are read as 1"),
    "layers": Field(("list",), "format 2 only: the network's layers in order, each {'kind': a utils.layers.LAYERS "
                               "name, its settings}; the arrays are named by the dense layer they follow: W3, b3, "
                               "gamma3, beta3, running_mean3, running_var3"),
    "layer_dims": Field(("list",), "[n_0, n_1, ..., n_L], positive integers matching the weight shapes", True),
    "layer_kinds": Field(("list", "null"), "one LAYER_KINDS name per layer; absent: every layer is dense"),
    "version": Field(("str",), "the utils version that wrote the file"),
    "activations": Field(("list", "str", "null"), "L names from utils.activations (or one hidden-layer name)"),
    "preprocessing": Field(("dict", "null"), "how photos become X, see PREPROCESSING_SCHEMA; null: not images"),
    "dataset": Field(("str",), "the data set's name or description"),
    "class_names": Field(("list",), "class names, max(2, n_L) strings, index = class label"),
    "classes": Field(("list",), "the old name of class_names (train command before 2026-11); read as class_names"),
    "n_classes": Field(("int",), "number of classes: max(2, n_L)"),
    "accuracies": Field(("dict",), "split name -> accuracy in [0, 1], or null for a missing split"),
    "history": Field(("dict",), "series name -> list of numbers, array, number (e.g. every: 100) or null"),
    "hyperparameters": Field(("dict", "null"), "the training settings, free-form"),
    "expected_accuracy": Field(("dict", "null"), "the accuracy to expect on new examples of the same source, "
                                                 "see EXPECTED_ACCURACY_SCHEMA"),
}

#: The schema of metadata["expected_accuracy"]: an honest range, low <= estimate <= high, fractions in [0, 1].
EXPECTED_ACCURACY_SCHEMA = {
    "estimate": Field(("number",), "the expected accuracy on new examples, in [0, 1]", True),
    "low": Field(("number",), "lower end of the stated range, in [0, 1]", True),
    "high": Field(("number",), "upper end of the stated range, in [0, 1]", True),
    "method": Field(("str",), "how the range was obtained, e.g. 'repeated 5-fold CV, mean +- 2 sd'", True),
}

#: Keys renamed since format_version 1 was introduced: old name -> name. Readers see only the new name.
RENAMED_KEYS = {"classes": "class_names"}

#: The schema of metadata["preprocessing"] (see utils.preprocessing). No other key is accepted:
#: a reader that does not understand a preprocessing step cannot reproduce it.
PREPROCESSING_SCHEMA = {
    "image_size": Field(("int",), "photos are resized to image_size x image_size", True),
    "channels": Field(("int",), "3 (RGB, the default) or 1 (grey); image_size**2 * channels = n_0"),
    "scaling": Field(("str",), "'unit' (X / 255, the default) or 'standardize'"),
    "mean": Field(("array",), "(n_0, 1) float training mean; required with scaling 'standardize'"),
    "std": Field(("array",), "(n_0, 1) float training standard deviation (> 0); with 'standardize'"),
    "description": Field(("str",), "free text"),
}


# ------------------------------------------------------------------ small helpers

def _json_type(value) -> str:
    """The schema type name of a parsed JSON value ("array" for an array reference)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "array" if ARRAY_REF in value else "dict"
    return {str: "str", list: "list"}.get(type(value), type(value).__name__)


def _where(path) -> str:
    """('preprocessing', 'mean') -> "metadata['preprocessing']['mean']"."""
    return "metadata" + "".join(f"[{p!r}]" for p in path)


def _fail(message: str):
    raise ParametersFileError(message)


def _is_real_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f" and dtype.itemsize in (2, 4, 8)


# ------------------------------------------------------------------ weights

#: The members of a format 2 file that are arrays of the network (trainable or running statistics).
STACK_MEMBER = re.compile(r"(?:W|b|gamma|beta|running_mean|running_var)[1-9][0-9]*")


def stack_of(layers, n_x: int, where: str = "metadata['layers']"):
    """The `utils.layers.Stack` a format 2 file's layers describe, or ParametersFileError naming what is wrong."""
    from ..layers import Stack, layers_from_descriptions
    try:
        return Stack(layers_from_descriptions(layers, where), n_x)
    except ValueError as error:
        message = str(error)
        _fail(message if message.startswith(where) else f"{where}: {message}")


def check_stack_members(stack, members: dict, where: str = "file") -> None:
    """Every array the stack's layers imply is there, real floating point, of its shape; no extra array."""
    expected = {**stack.parameter_shapes(), **stack.state_shapes()}
    _check_members(expected, members, where,
                   missing=f"the layers {[layer.kind for layer in stack.layers]} need {sorted(expected)}; save the "
                           "complete parameters (and state) dict",
                   source="the layers", disagree="the arrays and the recorded layers disagree",
                   is_array=STACK_MEMBER.fullmatch, extra=f"arrays {{}}: the layers need {sorted(expected)}")


def _check_members(expected, members, where, missing, source, disagree, is_array, extra):
    """The one rule for a file's arrays: each of `expected` ({name: shape}) in `members` ({name: (shape, dtype)}),
    real floating point and of its shape, and no other name `is_array` accepts. The texts say what implied them."""
    for name, shape in expected.items():
        if name not in members:
            _fail(f"{where}: missing {name}: {missing}")
        found, dtype = members[name]
        label = f"{where}['{name}']" if where == "parameters" else name
        if not _is_real_float(np.dtype(dtype)):
            _fail(f"{label}: expected real floating-point weights ({', '.join(WEIGHT_DTYPES)}), got dtype "
                  f"{np.dtype(dtype)}; convert with .astype(np.float32)")
        if tuple(found) != tuple(shape):
            _fail(f"{label}: expected shape {tuple(shape)} from {source}, found shape {tuple(found)}; {disagree}")
    unexpected = sorted(n for n in members if is_array(n) and n not in expected)
    if unexpected:
        _fail(f"{where}: unexpected {extra.format(unexpected)}")


def check_weights(parameters, layers=None) -> dict:
    """Check a parameters dict before saving; return its arrays {"W1": ..., "b1": ..., ...}.

    Exactly the keys W1, b1, ..., WL, bL; real floating-point arrays (float16/32/64)
    with W_l (n_l, n_{l-1}) and b_l (n_l, 1); finite, |w| <= MAX_ABS_WEIGHT.
    With `layers` (format 2), exactly the arrays those layers imply (`check_stack_members`).
    """
    if layers is not None:
        if not isinstance(parameters, dict) or "W1" not in parameters:
            _fail(f"parameters: expected a dict with W1 and the arrays of the layers, got "
                  f"{sorted(map(str, parameters)) if isinstance(parameters, dict) else type(parameters).__name__}")
        arrays = {str(name): _as_array(value, f"parameters['{name}']") for name, value in parameters.items()}
        from ..layers import input_size
        try:
            n_x = input_size(layers, arrays["W1"].shape)
        except ValueError as error:
            _fail(str(error))
        if not n_x:
            _fail(f"parameters['W1']: expected a 2-D array (n_1, n_0) (or an Image layer first), got shape "
                  f"{arrays['W1'].shape}")
        stack = stack_of(layers, n_x, "layers")
        unknown = sorted(n for n in arrays if not STACK_MEMBER.fullmatch(n))
        if unknown:
            _fail(f"parameters: unexpected keys {unknown}; the layers need "
                  f"{sorted({**stack.parameter_shapes(), **stack.state_shapes()})}")
        check_stack_members(stack, {k: (a.shape, a.dtype) for k, a in arrays.items()}, "parameters")
        check_weight_values(arrays)
        return arrays
    if not isinstance(parameters, dict) or "W1" not in parameters:
        got = sorted(map(str, parameters)) if isinstance(parameters, dict) else type(parameters).__name__
        _fail(f"parameters: expected a dict with keys W1, b1, ..., WL, bL, got {got}")
    L = sum(1 for k in parameters if re.fullmatch(r"W[1-9][0-9]*", str(k)))
    names = [f"{x}{l}" for l in range(1, L + 1) for x in "Wb"]
    if set(parameters) != set(names):
        _fail(f"parameters: expected exactly the keys W1, b1, ..., W{L}, b{L}; missing "
              f"{sorted(set(names) - set(parameters))}, unexpected {sorted(map(str, set(parameters) - set(names)))}")
    arrays = {name: _as_array(parameters[name], f"parameters['{name}']") for name in names}
    for l in range(1, L + 1):
        if arrays[f"W{l}"].ndim != 2:
            _fail(f"parameters['W{l}']: expected a 2-D array of shape (n_{l}, n_{l - 1}), got shape "
                  f"{arrays[f'W{l}'].shape}")
    dims = [arrays["W1"].shape[1]] + [arrays[f"W{l}"].shape[0] for l in range(1, L + 1)]
    check_weight_members(dims, None, {k: (a.shape, a.dtype) for k, a in arrays.items()}, "parameters")
    check_weight_values(arrays)
    return arrays


def _as_array(value, label: str) -> np.ndarray:
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as error:
        _fail(f"{label}: expected a numeric array, got {type(value).__name__} ({error})")


def check_weight_members(layer_dims, layer_kinds, members: dict, where: str = "file") -> None:
    """Every member the layers imply is there, real floating point, of the implied shape; no extra W/b.

    members: {name: (shape, dtype)}, from the .npy headers (load) or the arrays (save).
    """
    kinds = layer_kinds or ["dense"] * (len(layer_dims) - 1)
    expected = {}
    for l, kind in enumerate(kinds, start=1):
        for letter, shape in LAYER_KINDS[kind](layer_dims[l - 1], layer_dims[l]).items():
            expected[f"{letter}{l}"] = shape
    _check_members(expected, members, where,
                   missing=f"layer_dims {list(layer_dims)} has {len(kinds)} layers, each with W and b; save the "
                           "complete parameters dict",
                   source=f"layer_dims {list(layer_dims)}",
                   disagree="the weights and the recorded layer sizes disagree",
                   is_array=lambda n: re.fullmatch(r"[Wb][0-9]+", n) or STACK_MEMBER.fullmatch(n),
                   extra=f"weights {{}}: layer_dims {list(layer_dims)} has {len(kinds)} layers")


def check_weight_values(arrays: dict) -> None:
    """Every weight finite and |w| <= MAX_ABS_WEIGHT."""
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            bad = int(array.size - np.count_nonzero(np.isfinite(array)))
            _fail(f"parameters['{name}']: expected finite values, got {bad} NaN or inf entries out of "
                  f"{array.size}; the training diverged: retrain with a smaller learning rate")
        if name.startswith("running_var") and np.any(array < 0):
            _fail(f"parameters['{name}']: expected a running variance >= 0, got a smallest value of "
                  f"{float(array.min()):.3g}; the file is damaged: save the network again")
        biggest = float(np.max(np.abs(array), initial=0.0))
        if biggest > MAX_ABS_WEIGHT:
            _fail(f"parameters['{name}']: expected |w| <= {MAX_ABS_WEIGHT:g}, got a weight of magnitude "
                  f"{biggest:.3g}; such weights overflow float32 predictions: retrain the network")
