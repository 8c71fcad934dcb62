"""Trained parameters to and from `.npz` files, never pickle.

File layout (`numpy.savez`, read with ``allow_pickle=False``):

    W1, b1, ..., WL, bL          the parameters, one array each
    __metadata__                 0-d str array: JSON of the metadata
    meta.<path>                  arrays found inside the metadata (e.g. the
                                 preprocessing mean / std), replaced in the JSON
                                 by {"__array__": "meta.<path>"}

Metadata always holds ``layer_dims`` and ``version``; callers add e.g.
``activations``, ``preprocessing``, ``dataset``, ``accuracies``, ``history``.
The file is written to a temporary file in the same folder, then
``os.replace``-d over the target, so a failed write never destroys a good file.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .deep import L_model_forward, check_parameters, layer_dims_of, num_layers
from .preprocessing import preprocess_images

METADATA_KEY = "__metadata__"
ARRAY_PREFIX = "meta."


def _library_version():
    from . import __version__
    return __version__


def _to_json(value, arrays, path):
    """Metadata -> JSON-able structure; numpy arrays go to `arrays` under 'meta.<path>'."""
    if isinstance(value, dict):
        return {str(k): _to_json(v, arrays, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, np.ndarray) and v.ndim > 0 for v in value):
            return [_to_json(v, arrays, f"{path}.{i}") for i, v in enumerate(value)]
        return [_to_json(v, arrays, path) for v in value]
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.dtype == object:
            raise ValueError(f"metadata[{path!r}]: expected a numeric array, got an object array")
        key = ARRAY_PREFIX + path
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, (np.generic, np.ndarray)):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise ValueError(f"metadata[{path!r}]: expected JSON-compatible values or numpy arrays, "
                     f"got {type(value).__name__}")


def _from_json(value, data):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return data[value["__array__"]]
        return {k: _from_json(v, data) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v, data) for v in value]
    return value


def save_parameters(path, parameters, **metadata):
    """Write `parameters` and `metadata` to `path` (.npz) atomically.

    metadata: any JSON-compatible values and numpy arrays, e.g.
    activations=[...], preprocessing={...}, dataset="catvnoncat",
    accuracies={"train": 0.98, "test": 0.8}, history={...}.
    layer_dims and the library version are added. Returns the Path written.
    """
    check_parameters(parameters)
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"path: expected a file name ending in .npz, got {str(path)!r}")
    L = num_layers(parameters)
    meta = {"layer_dims": layer_dims_of(parameters), "version": _library_version(), **metadata}
    arrays = {}
    meta_json = json.dumps(_to_json(meta, arrays, ""), allow_nan=True)
    for l in range(1, L + 1):
        arrays[f"W{l}"] = np.asarray(parameters[f"W{l}"])
        arrays[f"b{l}"] = np.asarray(parameters[f"b{l}"])
    arrays[METADATA_KEY] = np.array(meta_json)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a parameters file is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def load_parameters(path, expected_layer_dims=None):
    """Read a file written by `save_parameters`: returns (parameters, metadata).

    With `expected_layer_dims`, shapes are compared layer by layer and any
    difference raises ValueError naming the expected and found shapes.
    A missing file raises FileNotFoundError; a corrupt or non-npz file ValueError.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path: no parameters file at {str(path)!r}")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single .npy array, not an .npz archive")
        with data:
            contents = {key: data[key] for key in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ValueError(f"path: {str(path)!r} is not a readable .npz parameters file ({error})") from None
    if METADATA_KEY not in contents or "W1" not in contents:
        raise ValueError(f"path: {str(path)!r} is an .npz file but not one written by save_parameters "
                         f"(keys {sorted(contents)})")
    metadata = _from_json(json.loads(str(contents[METADATA_KEY])), contents)
    parameters = {k: v for k, v in contents.items() if k[0] in "Wb" and k[1:].isdigit()}
    check_parameters(parameters)
    if expected_layer_dims is not None:
        check_shapes(parameters, expected_layer_dims)
    return parameters, metadata


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
    recorded activations. A softmax network returns the (C, m) probabilities.
    """
    if "preprocessing" not in metadata:
        raise ValueError(f"metadata: expected a 'preprocessing' entry, got keys {sorted(metadata)}")
    recipe = metadata["preprocessing"]
    size, channels = int(recipe.get("image_size", 0)), int(recipe.get("channels", 3))
    n_x = parameters["W1"].shape[1]
    if n_x != size * size * channels:
        raise ValueError(f"parameters: W1 expects n_x = {n_x} inputs, but the recorded preprocessing makes "
                         f"{size}x{size}x{channels} = {size * size * channels}; the metadata does not belong "
                         "to these parameters")
    X = preprocess_images(images, recipe, dtype=parameters["W1"].dtype)
    AL, _ = L_model_forward(X, parameters, metadata.get("activations"))
    return AL[0] if AL.shape[0] == 1 else AL
