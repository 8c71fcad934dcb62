"""The metadata of a parameters file: encoding it to JSON + arrays (save), parsing it (load), checking it
against `SCHEMA` (both)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from ..deep import resolve_activations
from ..preprocessing import SCALINGS
from .schema import (ARRAY_PREFIX, ARRAY_REF, FORMAT_VERSION, LAYER_KINDS, MAX_ARCHIVE_BYTES,  # noqa: F401
                     MAX_MEMBERS, MAX_METADATA_CHARS, MAX_METADATA_DEPTH, METADATA_ARRAY_KINDS, METADATA_KEY,
                     PREPROCESSING_SCHEMA, READABLE_VERSIONS, SCHEMA, EXPECTED_ACCURACY_SCHEMA, RENAMED_KEYS,
                     ParametersFileError, _fail, _is_real_float, _json_type, _where, check_output_layer,
                     check_stack_members, check_weight_members, stack_of)


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
    if len(weights) + len(arrays) + 1 > MAX_MEMBERS:
        _fail(f"metadata: {len(arrays):,} arrays beside {len(weights):,} weights, more than the {MAX_MEMBERS:,} members "
              "a parameters file may have; store series as one array each, not one array per entry")
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
    if not name.isprintable():
        _fail(f"{_where(path)}: expected printable key names on the way to an array, got {name!r}; the keys "
              "become the name of the array's member in the file")
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
                if isinstance(node[ARRAY_REF], str):  # anything else is refused by check_metadata, by name
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
    if version not in READABLE_VERSIONS:
        _fail(f"metadata['format_version']: this version of utils reads format_version "
              f"{' or '.join(map(str, READABLE_VERSIONS))}, got {version}; update the project (git pull) to read "
              "this file")
    if (version == 2) != ("layers" in tree):
        _fail("metadata['layers']: expected in a format_version 2 file and only there (format 1 is a dense network "
              f"described by layer_dims and activations), got format_version {version} "
              f"{'with' if 'layers' in tree else 'without'} layers; a list of layers is saved by "
              "utils.persistence.save_network")
    if version == 2:
        _check_stack(tree, members)
    else:
        _check_dense(tree, members)
    _check_classes(tree, tree["layer_dims"][-1])
    _check_numbers(tree)
    _check_expected_accuracy(tree.get("expected_accuracy"))


def _check_stack(tree: dict, members: dict) -> None:
    """Format 2: the layers make a classifier whose arrays are the members, whose dense sizes are layer_dims."""
    dims = _check_layer_dims(tree["layer_dims"])
    if "layer_kinds" in tree:
        _fail("metadata['layer_kinds']: a format 1 key; a format 2 file describes its layers in metadata['layers']")
    stack = stack_of(tree["layers"], dims[0])
    if stack.layer_dims != list(dims):
        _fail(f"metadata['layer_dims']: expected {stack.layer_dims}, the inputs and the dense layers' units of "
              f"metadata['layers'], got {_short(dims)}")
    check_stack_members(stack, members)
    if tree.get("activations") is not None and tree["activations"] != stack.activations:
        _fail(f"metadata['activations']: expected the activation layers' names {stack.activations}, got "
              f"{_short(tree['activations'])}")
    check_output_layer(dims[-1], stack.activations[-1], "metadata['layers'] (the last activation)")
    _check_preprocessing(tree.get("preprocessing"), dims[0], members)


def _check_dense(tree: dict, members: dict) -> None:
    """Format 1: W_l, b_l of layer_dims, the activations, the preprocessing."""
    dims = _check_layer_dims(tree["layer_dims"])
    kinds = _check_layer_kinds(tree.get("layer_kinds"), len(dims) - 1)
    check_weight_members(dims, kinds, members)
    _check_activations(tree.get("activations"), len(dims) - 1, dims[-1])
    _check_preprocessing(tree.get("preprocessing"), dims[0], members)


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
    if len(kinds) != L or not all(isinstance(k, str) and k in LAYER_KINDS for k in kinds):
        _fail(f"metadata['layer_kinds']: expected {L} names from {sorted(LAYER_KINDS)} (one per layer), got "
              f"{_short(kinds)}; a file with other layer kinds needs a newer utils")
    return kinds


def _check_activations(activations, L: int, n_out: int) -> None:
    """Known names, one per layer (or one hidden-layer name), and an output layer that fits the classes.

    Absent activations mean the course's relu ... relu, sigmoid, which fits one output unit only.
    """
    if activations is None:
        check_output_layer(n_out, "sigmoid", "metadata['activations'] (absent: relu ..., sigmoid)")
        return
    try:
        names = resolve_activations(activations if isinstance(activations, str) else list(activations), L)
    except (ValueError, TypeError) as error:
        _fail(f"metadata['activations']: {error}")
    check_output_layer(n_out, names[-1])


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
    """The class names a file records, or None (files read by load_parameters have them as "class_names")."""
    return metadata.get("class_names", metadata.get("classes"))


def rename_old_keys(tree: dict) -> dict:
    """The metadata with every old key name of RENAMED_KEYS under its new name (after check_metadata)."""
    tree = dict(tree)
    for old, new in RENAMED_KEYS.items():
        if old in tree:
            value = tree.pop(old)
            tree.setdefault(new, value)
    return tree


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


def _check_expected_accuracy(expected) -> None:
    """estimate, low, high in [0, 1] with low <= estimate <= high, and the method that gave them."""
    if expected is None:
        return
    path = ("expected_accuracy",)
    unknown = sorted(set(expected) - set(EXPECTED_ACCURACY_SCHEMA))
    if unknown:
        _fail(f"{_where(path)}: unknown keys {unknown} (known: {sorted(EXPECTED_ACCURACY_SCHEMA)})")
    _check_fields(expected, EXPECTED_ACCURACY_SCHEMA, path)
    low, estimate, high = expected["low"], expected["estimate"], expected["high"]
    if not 0 <= low <= estimate <= high <= 1:
        _fail(f"{_where(path)}: expected 0 <= low <= estimate <= high <= 1 (fractions), got low {low}, "
              f"estimate {estimate}, high {high}")


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
