"""The parameters-file format: what a `.npz` written by `save_parameters` holds, and every check on it.

`utils.persistence` writes and reads the files in a few lines; the rules live
here, once, and the same rules run when a file is saved and when it is loaded.

Members of the zip archive (``numpy.savez``, read with ``allow_pickle=False``)::

    W1.npy, b1.npy, ..., WL.npy, bL.npy   the weights (float16, float32 or float64)
    __metadata__.npy                       0-d unicode array: the metadata as JSON
    meta.<path>.npy                        numpy arrays found in the metadata, replaced in
                                           the JSON by {"__array__": "meta.<path>"}

Any other member makes the file "not a parameters file" (e.g. the notebooks'
experiment caches, which are plain ``np.savez`` results: read those with
``np.load``). The metadata follows `SCHEMA` (format_version 1): a JSON object
whose known keys must have the documented types and agree with the weights;
other keys are free-form JSON (or numpy arrays) and are kept as they are.

Layers: ``layer_kinds`` (absent = every layer "dense") names each layer's kind;
`LAYER_KINDS` gives the member shapes a kind implies. A dense layer l has
W_l (n_l, n_{l-1}) and b_l (n_l, 1).

Limits, checked from the zip directory and the .npy headers before any array is read:

- `MAX_ARCHIVE_BYTES` (2 GiB): the file, and the sum of its members' uncompressed sizes;
- `MAX_METADATA_CHARS` (4 Mi characters of JSON: the largest file of the project
  holds 222 k, the history of 2,500 epochs) and `MAX_METADATA_DEPTH` (32 levels
  of nesting, checked by a scan before the JSON is parsed);
- `MAX_ABS_WEIGHT` (1e6): every weight must be finite with |w| <= 1e6. Trained
  networks stay far below (|w| < 100); larger values come from corrupt or
  hand-made files, and they overflow float32 (3.4e38) after a few layers.
  `utils.persistence.predict_images` still refuses any prediction that comes out
  NaN or infinite.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import signal
import stat
import threading
import zipfile
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .deep import resolve_activations
from .preprocessing import SCALINGS

FORMAT_VERSION = 1
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


class ParametersFileError(ValueError):
    """A parameters file, or what is about to be saved as one, breaks the format."""


@dataclass(frozen=True)
class Field:
    """One metadata entry: the JSON types it may take, what it holds, whether it must be there."""

    types: tuple
    doc: str
    required: bool = False


#: The metadata schema, format_version 1. Types: "int", "number" (int or float), "str", "list",
#: "dict", "null", "array" (a numpy array stored as a meta.* member). Other keys are free-form.
SCHEMA = {
    "format_version": Field(("int",), "1; files written before it was recorded have none and are read as 1"),
    "layer_dims": Field(("list",), "[n_0, n_1, ..., n_L], positive integers matching the weight shapes", True),
    "layer_kinds": Field(("list", "null"), "one LAYER_KINDS name per layer; absent: every layer is dense"),
    "version": Field(("str",), "the utils version that wrote the file"),
    "activations": Field(("list", "str", "null"), "L names from utils.activations (or one hidden-layer name)"),
    "preprocessing": Field(("dict", "null"), "how photos become X, see PREPROCESSING_SCHEMA; null: not images"),
    "dataset": Field(("str",), "the data set's name or description"),
    "classes": Field(("list",), "class names, max(2, n_L) strings (utils.train writes this key)"),
    "class_names": Field(("list",), "the same, under the name the notebooks write"),
    "n_classes": Field(("int",), "number of classes: max(2, n_L)"),
    "accuracies": Field(("dict",), "split name -> accuracy in [0, 1], or null for a missing split"),
    "history": Field(("dict",), "series name -> list of numbers, array, number (e.g. every: 100) or null"),
    "hyperparameters": Field(("dict", "null"), "the training settings, free-form"),
}

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

def check_weights(parameters) -> dict:
    """Check a parameters dict before saving; return its arrays {"W1": ..., "b1": ..., ...}.

    Exactly the keys W1, b1, ..., WL, bL; real floating-point arrays (float16/32/64)
    with W_l (n_l, n_{l-1}) and b_l (n_l, 1); finite, |w| <= MAX_ABS_WEIGHT.
    """
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
    for name, shape in expected.items():
        if name not in members:
            _fail(f"{where}: missing {name}: layer_dims {list(layer_dims)} has {len(kinds)} layers, "
                  f"each with W and b; save the complete parameters dict")
        found, dtype = members[name]
        label = f"{where}['{name}']" if where == "parameters" else name
        if not _is_real_float(np.dtype(dtype)):
            _fail(f"{label}: expected real floating-point weights ({', '.join(WEIGHT_DTYPES)}), got dtype "
                  f"{np.dtype(dtype)}; convert with .astype(np.float32)")
        if tuple(found) != tuple(shape):
            _fail(f"{label}: expected shape {tuple(shape)} from layer_dims {list(layer_dims)}, found shape "
                  f"{tuple(found)}; the weights and the recorded layer sizes disagree")
    extra = sorted(n for n in members if re.fullmatch(r"[Wb][0-9]+", n) and n not in expected)
    if extra:
        _fail(f"{where}: unexpected weights {extra}: layer_dims {list(layer_dims)} has {len(kinds)} layers")


def check_weight_values(arrays: dict) -> None:
    """Every weight finite and |w| <= MAX_ABS_WEIGHT."""
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            bad = int(array.size - np.count_nonzero(np.isfinite(array)))
            _fail(f"parameters['{name}']: expected finite values, got {bad} NaN or inf entries out of "
                  f"{array.size}; the training diverged: retrain with a smaller learning rate")
        biggest = float(np.max(np.abs(array), initial=0.0))
        if biggest > MAX_ABS_WEIGHT:
            _fail(f"parameters['{name}']: expected |w| <= {MAX_ABS_WEIGHT:g}, got a weight of magnitude "
                  f"{biggest:.3g}; such weights overflow float32 predictions: retrain the network")


# ------------------------------------------------------------------ metadata: encoding (save)

def encode_metadata(metadata: dict, weights: dict) -> dict:
    """Check `metadata` and turn it into members: {"__metadata__": JSON text, "meta.<path>": array, ...}.

    Refused: non-string keys, the reserved key "__array__", keys that would give two arrays the
    same member name (e.g. "a.b" beside {"a": {"b": ...}}), object or complex values, nesting
    deeper than MAX_METADATA_DEPTH, JSON longer than MAX_METADATA_CHARS, and anything SCHEMA refuses.
    """
    arrays, origins = {}, {}
    tree = _to_json(metadata, arrays, origins, ())
    try:
        text = json.dumps(tree, allow_nan=True)
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        _fail(f"metadata: cannot be written as JSON ({error})")
    if len(text) > MAX_METADATA_CHARS:
        _fail(f"metadata: {len(text):,} characters of JSON, more than the {MAX_METADATA_CHARS:,} a parameters file "
              "may hold; store long series as numpy arrays (e.g. np.asarray(history['cost'])), not lists")
    members = {k: (a.shape, a.dtype) for k, a in {**weights, **arrays}.items()}
    check_metadata(tree, members)
    check_metadata_arrays(resolve_arrays(tree, arrays))
    total = sum(a.nbytes for a in weights.values()) + sum(a.nbytes for a in arrays.values()) + len(text) * 4
    if total > MAX_ARCHIVE_BYTES:
        _fail(f"parameters: {total:,} bytes, more than the {MAX_ARCHIVE_BYTES:,} a parameters file may hold")
    return {METADATA_KEY: np.array(text), **arrays}


def _to_json(value, arrays: dict, origins: dict, path: tuple):
    """Metadata -> a JSON-able tree; numpy arrays go to `arrays` as 'meta.<path>'."""
    container = isinstance(value, (dict, list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0)
    if container and len(path) >= MAX_METADATA_DEPTH:  # as JSON it would open bracket number len(path) + 1
        _fail(f"{_where(path[:3])}...: nested deeper than {MAX_METADATA_DEPTH} levels; flatten the metadata")
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                _fail(f"{_where(path)}: expected string keys, got {key!r} ({type(key).__name__}); use str(key)")
            if key == ARRAY_REF:
                _fail(f"{_where(path)}: the key {ARRAY_REF!r} is reserved by the file format (it marks a stored "
                      "array); rename it")
        return {k: _to_json(v, arrays, origins, path + (k,)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v, arrays, origins, path + (i,)) for i, v in enumerate(value)]
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return _store_array(value, arrays, origins, path)
    if isinstance(value, (np.generic, np.ndarray)):
        if np.dtype(value.dtype).kind not in METADATA_ARRAY_KINDS:
            _fail(f"{_where(path)}: expected a number, bool or string, got a {value.dtype} scalar")
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    _fail(f"{_where(path)}: expected JSON-compatible values (dict, list, str, number, bool, None) or numpy "
          f"arrays, got {type(value).__name__}")


def _store_array(array: np.ndarray, arrays: dict, origins: dict, path: tuple) -> dict:
    """Put `array` in `arrays` under its member name; return the JSON reference to it."""
    if array.dtype.kind not in METADATA_ARRAY_KINDS:
        _fail(f"{_where(path)}: expected a numeric or string array, got dtype {array.dtype}")
    name = ARRAY_PREFIX + ".".join(map(str, path))
    if name in arrays:
        _fail(f"{_where(path)} and {_where(origins[name])} would both be stored as the member {name!r}; "
              "rename one of the keys (avoid '.' in key names)")
    arrays[name], origins[name] = array, path
    return {ARRAY_REF: name}


# ------------------------------------------------------------------ metadata: parsing (load)

_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.S)


def parse_metadata(text: str):
    """JSON text -> Python structure, refusing oversized or too deeply nested text before parsing."""
    if len(text) > MAX_METADATA_CHARS:
        _fail(f"metadata: {len(text):,} characters of JSON, more than the {MAX_METADATA_CHARS:,} allowed")
    depth = 0
    for token in _JSON_TOKEN.finditer(text):  # strings are skipped whole: their brackets do not count
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(token.group(), 0)
        if depth > MAX_METADATA_DEPTH:
            _fail(f"metadata: JSON nested deeper than {MAX_METADATA_DEPTH} levels; this is not a file "
                  "written by save_parameters")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except ParametersFileError:
        raise
    except RecursionError:
        _fail(f"metadata: JSON nested deeper than {MAX_METADATA_DEPTH} levels")
    except ValueError as error:
        _fail(f"metadata: not valid JSON ({error}); the file is corrupt: save it again")


def _no_duplicate_keys(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        counts = Counter(k for k, _ in pairs)
        _fail(f"metadata: a JSON object repeats keys {sorted(k for k, n in counts.items() if n > 1)}")
    return result


def array_references(tree) -> list:
    """The member names that {"__array__": name} entries of a parsed metadata tree refer to."""
    found = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if ARRAY_REF in node:
                found.append(node[ARRAY_REF])
            else:
                stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def resolve_arrays(tree, arrays: dict):
    """Replace every {"__array__": name} of `tree` with arrays[name]."""
    if isinstance(tree, dict):
        if ARRAY_REF in tree:
            return arrays[tree[ARRAY_REF]]
        return {k: resolve_arrays(v, arrays) for k, v in tree.items()}
    if isinstance(tree, list):
        return [resolve_arrays(v, arrays) for v in tree]
    return tree


# ------------------------------------------------------------------ metadata: the schema (save and load)

def check_metadata(tree, members: dict) -> None:
    """Check parsed metadata against SCHEMA and the members' (shape, dtype): weights and meta.* arrays."""
    if not isinstance(tree, dict) or ARRAY_REF in tree:
        _fail(f"metadata: expected a JSON object (dict), got {_json_type(tree)}")
    _check_references(tree, members, ())
    _check_fields(tree, SCHEMA, ())
    version = tree.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        _fail(f"metadata['format_version']: this version of utils reads format_version {FORMAT_VERSION}, got "
              f"{version}; update the project (git pull) to read this file")
    dims = _check_layer_dims(tree["layer_dims"])
    kinds = _check_layer_kinds(tree.get("layer_kinds"), len(dims) - 1)
    check_weight_members(dims, kinds, members)
    _check_activations(tree.get("activations"), len(dims) - 1)
    _check_preprocessing(tree.get("preprocessing"), dims[0], members)
    _check_classes(tree, dims[-1])
    _check_numbers(tree)


def _check_references(node, members: dict, path: tuple) -> None:
    """Every {"__array__": name} is exactly that one key and names an existing meta.* member."""
    if isinstance(node, list):
        for i, v in enumerate(node):
            _check_references(v, members, path + (i,))
    elif isinstance(node, dict):
        if ARRAY_REF not in node:
            for k, v in node.items():
                _check_references(v, members, path + (k,))
            return
        name = node[ARRAY_REF]
        if len(node) != 1 or not isinstance(name, str) or not name.startswith(ARRAY_PREFIX):
            _fail(f"{_where(path)}: {ARRAY_REF!r} is reserved for references to stored arrays, "
                  f"{{{ARRAY_REF!r}: 'meta.<path>'}}; got {node!r}")
        if name not in members:
            _fail(f"{_where(path)}: refers to the array {name!r}, which the file does not contain; "
                  "the file is incomplete: save it again")
        if np.dtype(members[name][1]).kind not in METADATA_ARRAY_KINDS:
            _fail(f"{_where(path)}: the array {name!r} has dtype {np.dtype(members[name][1])}; metadata arrays "
                  "hold numbers or strings only")


def _check_fields(tree: dict, schema: dict, path: tuple) -> None:
    """Required keys present; every key of `schema` found has one of its types."""
    for key, field in schema.items():
        if key not in tree:
            if field.required:
                _fail(f"{_where(path + (key,))}: missing; expected {field.doc}")
            continue
        kind = _json_type(tree[key])
        if kind not in field.types and not (kind == "int" and "number" in field.types):
            _fail(f"{_where(path + (key,))}: expected {' or '.join(field.types)} ({field.doc}), got {kind} "
                  f"{_short(tree[key])}")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_layer_dims(dims) -> list:
    if len(dims) < 2 or not all(_json_type(n) == "int" and n >= 1 for n in dims):
        _fail(f"metadata['layer_dims']: expected a list of at least 2 positive integers [n_0, ..., n_L], "
              f"got {_short(dims)}")
    return dims


def _check_layer_kinds(kinds, L: int):
    if kinds is None:
        return None
    if len(kinds) != L or not all(k in LAYER_KINDS for k in kinds):
        _fail(f"metadata['layer_kinds']: expected {L} names from {sorted(LAYER_KINDS)} (one per layer), got "
              f"{_short(kinds)}; a file with other layer kinds needs a newer utils")
    return kinds


def _check_activations(activations, L: int) -> None:
    if activations is None:
        return
    try:
        resolve_activations(activations if isinstance(activations, str) else list(activations), L)
    except (ValueError, TypeError) as error:
        _fail(f"metadata['activations']: {error}")


def _check_preprocessing(recipe, n_x: int, members: dict) -> None:
    """image_size / channels / scaling / mean / std consistent with each other and with n_0."""
    if recipe is None:
        return
    path = ("preprocessing",)
    unknown = sorted(set(recipe) - set(PREPROCESSING_SCHEMA))
    if unknown:
        _fail(f"{_where(path)}: unknown keys {unknown} (known: {sorted(PREPROCESSING_SCHEMA)}); this utils "
              "cannot reproduce that preprocessing")
    _check_fields(recipe, PREPROCESSING_SCHEMA, path)
    size, channels = recipe["image_size"], recipe.get("channels", 3)
    scaling = recipe.get("scaling", "unit")
    if size < 1 or channels not in (1, 3) or scaling not in SCALINGS:
        _fail(f"{_where(path)}: expected image_size >= 1, channels 1 or 3 and scaling 'unit' or 'standardize', "
              f"got image_size {size}, channels {channels}, scaling {scaling!r}")
    if size * size * channels != n_x:
        _fail(f"{_where(path)}: photos of {size}x{size}x{channels} make n_0 = {size * size * channels} inputs, "
              f"but W1 takes n_0 = {n_x}; save the preprocessing the network was trained with")
    stats = {k for k in ("mean", "std") if k in recipe}
    if (scaling == "standardize") != bool(stats) or (stats and stats != {"mean", "std"}):
        _fail(f"{_where(path)}: scaling 'standardize' needs both 'mean' and 'std' (and only it uses them); "
              f"got scaling {scaling!r} with {sorted(stats) or 'neither'}")
    for key in sorted(stats):
        shape, dtype = members[recipe[key][ARRAY_REF]]
        if tuple(shape) != (n_x, 1) or not _is_real_float(np.dtype(dtype)):
            _fail(f"{_where(path + (key,))}: expected a float array of shape ({n_x}, 1) (one value per input), "
                  f"got {np.dtype(dtype)} of shape {tuple(shape)}")


def class_names(metadata: dict):
    """The class names a file records ("classes" or "class_names"), or None."""
    return metadata.get("classes", metadata.get("class_names"))


def _check_classes(tree: dict, n_out: int) -> None:
    n_classes = max(2, n_out)
    for key in ("classes", "class_names"):
        names = tree.get(key)
        if names is not None and (len(names) != n_classes or not all(isinstance(n, str) for n in names)):
            _fail(f"metadata[{key!r}]: expected {n_classes} class names (strings) for an output layer of "
                  f"{n_out} unit(s), got {_short(names)}")
    if "classes" in tree and "class_names" in tree and tree["classes"] != tree["class_names"]:
        _fail("metadata: 'classes' and 'class_names' disagree; record the class names once")
    if "n_classes" in tree and tree["n_classes"] != n_classes:
        _fail(f"metadata['n_classes']: expected {n_classes} for an output layer of {n_out} unit(s), "
              f"got {tree['n_classes']}")


def _check_numbers(tree: dict) -> None:
    """accuracies: numbers in [0, 1] or null; history: series of numbers."""
    for split, value in (tree.get("accuracies") or {}).items():
        if value is not None and not (_json_type(value) in ("int", "number") and 0 <= value <= 1):
            _fail(f"metadata['accuracies'][{split!r}]: expected an accuracy in [0, 1] or null, got {_short(value)}")
    for name, series in (tree.get("history") or {}).items():
        kind = _json_type(series)
        ok = kind in ("int", "number", "null", "array") or (
            kind == "list" and all(_json_type(v) in ("int", "number", "null") for v in series))
        if not ok:
            _fail(f"metadata['history'][{name!r}]: expected a list of numbers, an array or a number, "
                  f"got {_short(series)}")


def check_metadata_arrays(metadata: dict) -> None:
    """Values of the arrays the schema defines: the standardisation mean finite, std finite and > 0."""
    recipe = metadata.get("preprocessing") or {}
    for key in ("mean", "std"):
        if key in recipe and not np.isfinite(recipe[key]).all():
            _fail(f"metadata['preprocessing'][{key!r}]: expected finite values, got NaN or inf; refit the "
                  "standardiser on the training photos")
    if "std" in recipe and not (recipe["std"] > 0).all():
        _fail("metadata['preprocessing']['std']: expected values > 0 (it divides the inputs), got "
              f"{int((recipe['std'] <= 0).sum())} value(s) <= 0; add a small epsilon, as fit_standardizer does")


# ------------------------------------------------------------------ reading a file

@dataclass(frozen=True)
class Header:
    """What the .npy header of a member says, and how many data bytes the member really stores."""

    shape: tuple
    dtype: np.dtype
    stored: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def check_readable_path(path) -> Path:
    """The path of an existing regular file of at most MAX_ARCHIVE_BYTES, else a one-line error.

    A missing file raises FileNotFoundError; a folder, a symbolic-link loop, a device or
    an unreadable path ParametersFileError (a ValueError).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"path: no parameters file at {str(path)!r}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            _fail(f"path: {str(path)!r} is a symbolic link that loops back on itself; point it at a real .npz file")
        _fail(f"path: {str(path)!r} cannot be read ({error.strerror}); check the name and the permissions")
    if stat.S_ISDIR(info.st_mode):
        _fail(f"path: {str(path)!r} is a folder, not a parameters file; pass one of the .npz files in it")
    if not stat.S_ISREG(info.st_mode):
        _fail(f"path: {str(path)!r} is not a regular file (a device, pipe or socket); pass an .npz file")
    if info.st_size > MAX_ARCHIVE_BYTES:
        _fail(f"path: {str(path)!r} has {info.st_size:,} bytes, more than the {MAX_ARCHIVE_BYTES:,} a parameters "
              "file may hold")
    return path


def read_parameters_file(path):
    """(parameters, metadata) from a file in this format; every problem is one ValueError naming `path`."""
    path = check_readable_path(path)
    shown = str(path)
    try:
        with open(path, "rb") as f:
            if f.read(6) == b"\x93NUMPY":
                raise ValueError("it holds a single .npy array, not an .npz archive")
        with zipfile.ZipFile(path) as archive:
            return _read_archive(archive)
    except ParametersFileError as error:
        raise ParametersFileError(f"path: {shown!r}: {error}") from None
    except (ValueError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error) as error:
        raise ParametersFileError(f"path: {shown!r} is not a readable .npz parameters file ({error}); pass a file "
                                  "written by save_parameters, or save it again if it was cut short") from None


def _read_archive(archive: zipfile.ZipFile):
    members = list_members(archive)
    text = _read_metadata_text(archive, members[METADATA_KEY])
    tree = parse_metadata(text)
    wanted = [n for n in members if n[0] in "Wb"] + [n for n in array_references(tree) if n in members]
    headers = {name: read_header(archive, members[name]) for name in dict.fromkeys(wanted)}
    check_metadata(tree, {name: (h.shape, h.dtype) for name, h in headers.items()})
    arrays = {name: read_member(archive, members[name]) for name in headers}
    parameters = {name: array for name, array in arrays.items() if not name.startswith(ARRAY_PREFIX)}
    check_weight_values(parameters)
    metadata = resolve_arrays(tree, arrays)
    check_metadata_arrays(metadata)
    return parameters, metadata


_MEMBER = re.compile(r"(?P<name>[Wb][1-9][0-9]*|__metadata__|meta\..+)\.npy", re.S)


def list_members(archive: zipfile.ZipFile) -> dict:
    """{member name without .npy: ZipInfo}, refusing archives that are not parameter files or too large."""
    infos = archive.infolist()
    names = [info.filename.removesuffix(".npy") for info in infos]
    if METADATA_KEY not in names:
        listing = sorted(names)[:10] + (["..."] if len(names) > 10 else [])
        _fail(f"an .npz file but not one written by save_parameters (keys {listing}): it has no {METADATA_KEY} "
              "member. Experiment caches (np.savez of results) are not parameter files: read them with np.load")
    if len(infos) > MAX_MEMBERS:
        _fail(f"{len(infos):,} members, more than the {MAX_MEMBERS:,} a parameters file may have")
    unknown = sorted(info.filename for info in infos if not _MEMBER.fullmatch(info.filename))
    if unknown:
        _fail(f"members {unknown[:10]} are not part of the format (W1, b1, ..., {METADATA_KEY}, meta.*); "
              "this is not a file written by save_parameters")
    if len(set(names)) != len(names):
        _fail("some members appear twice in the archive; the file was not written by save_parameters")
    total = sum(info.file_size for info in infos)
    if total > MAX_ARCHIVE_BYTES:
        _fail(f"its members hold {total:,} bytes uncompressed, more than the {MAX_ARCHIVE_BYTES:,} a parameters "
              "file may hold")
    for info in infos:
        if info.flag_bits & 0x61 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _fail(f"member {info.filename!r} is encrypted, patched or compressed with an unsupported method; "
                  "write parameter files with save_parameters")
    return dict(zip(names, infos))


def read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Header:
    """Shape and dtype from a member's .npy header, without reading its data."""
    with archive.open(info) as f:
        version = np.lib.format.read_magic(f)
        readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        if version not in readers:
            _fail(f"member {info.filename!r}: .npy format version {version} is not used by numpy.savez for numbers")
        shape, _, dtype = readers[version](f)
        header = Header(tuple(shape), dtype, info.file_size - f.tell())
    if dtype.hasobject or any(n < 0 for n in header.shape):
        _fail(f"member {info.filename!r}: holds Python objects (dtype {dtype}) or a negative shape "
              f"{header.shape}; parameter files hold numbers only")
    if header.nbytes != header.stored:
        _fail(f"member {info.filename!r}: its header describes {header.nbytes:,} bytes of data ({dtype}, shape "
              f"{header.shape}) but it stores {header.stored:,}; the file is corrupt")
    return header


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """The array of a member, once `read_header` has checked it (never unpickles)."""
    with archive.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _read_metadata_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    header = read_header(archive, info)
    if header.shape != () or header.dtype.kind != "U":
        _fail(f"{METADATA_KEY}: expected a 0-d unicode array (the JSON text), got {header.dtype} of shape "
              f"{header.shape}")
    if header.dtype.itemsize // 4 > MAX_METADATA_CHARS:
        _fail(f"metadata: {header.dtype.itemsize // 4:,} characters of JSON, more than the "
              f"{MAX_METADATA_CHARS:,} allowed")
    return str(read_member(archive, info)[()])


# ------------------------------------------------------------------ writing a file

def check_save_path(path) -> Path:
    """`path` as a Path ending in .npz that is not a folder."""
    path = Path(path)
    if path.suffix != ".npz":
        _fail(f"path: expected a file name ending in .npz, got {str(path)!r}")
    if path.is_dir():
        _fail(f"path: {str(path)!r} is a folder; pass a file name ending in .npz")
    return path


class _Terminated(BaseException):
    """SIGTERM arrived while a file was being written."""


def write_atomically(path: Path, write) -> None:
    """Call write(file) on a new temporary file beside `path`, then rename it over `path`.

    If writing fails, is interrupted (Ctrl-C) or the process receives SIGTERM meanwhile,
    the temporary file is removed and `path` is left as it was (then SIGTERM ends the
    process as it would have).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(6)}.tmp.npz")
    with _sigterm_raises():
        try:
            with open(tmp, "xb") as f:
                write(f)
            os.chmod(tmp, 0o644)  # a parameters file is meant to be shared
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


@contextmanager
def _sigterm_raises():
    """While inside, SIGTERM raises _Terminated (so `finally` / `except` clean up), then is delivered again."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or previous in (signal.SIG_IGN, None):
        yield
        return

    def on_sigterm(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)  # the default action ends the process here
        raise InterruptedError("saving was interrupted by SIGTERM; the file was not written") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
