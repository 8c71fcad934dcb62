"""Layers: a network as an ordered list of them (`Stack`), one module per kind, and the registry `LAYERS`.

| kind | module | trainable | state |
|---|---|---|---|
| "dense" | `dense.py` | W (n_l, n_{l-1}), b (n_l, 1) | |
| "activation" | `activation.py` | | |
| "dropout" | `dropout.py` | | |
| "batchnorm" | `batchnorm.py` | gamma, beta (n_l, 1) | running_mean, running_var (n_l, 1) |
| "layernorm" | `batchnorm.py` | gamma, beta (n_l, 1) | |
| "image" | `conv.py` | | |
| "conv" | `conv.py` | W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C) | |
| "pool" | `conv.py` | | |
| "flatten" | `conv.py` | | |

Between layers a shape is an integer n_l (columns, (n_l, m)) or a tuple (n_H, n_W, n_C) (pictures,
(m, n_H, n_W, n_C)): a network on pictures starts with `Image` and reaches the dense layers through `Flatten`.

A new kind is a frozen dataclass on `Layer` (base.py: its settings, shapes, forward, backward) in its own module
and one line in `LAYERS`; `Stack`, `NeuralNetwork`'s training loop, the parameters file and `predict` need no
change (tests/test_layers.py gradient-checks every registered kind).
"""

from __future__ import annotations

from dataclasses import fields

from .activation import Activation
from .base import Layer, shown
from .batchnorm import BatchNorm, LayerNorm
from .conv import Conv2D, Flatten, Image, Pool2D
from .dense import Dense
from .dropout import Dropout
from .stack import Stack

#: The most layers a network (or a parameters file) may list.
MAX_LAYERS = 1000

#: kind -> layer class; `from_description` reads a parameters file's layers through it.
LAYERS = {cls.kind: cls for cls in (Dense, Activation, Dropout, BatchNorm, LayerNorm, Image, Conv2D, Pool2D, Flatten)}


def hidden_block(width, activation="relu", batchnorm=False, depth=1):
    """`depth` hidden layers of `width` units: Dense(width) [-> BatchNorm()] -> Activation(activation), repeated.

    With batchnorm the dense layers have no bias (the stack drops it: BatchNorm's beta takes its place).
    """
    one = [Dense(width), *([BatchNorm()] if batchnorm else []), Activation(activation)]
    return one * depth


def from_description(description, where="layers"):
    """A layer from its JSON description {"kind": ..., settings} (what `Layer.describe` writes), or a Layer as is."""
    if isinstance(description, Layer):
        return description
    kind = description.get("kind") if isinstance(description, dict) else description
    if not isinstance(description, dict) or not isinstance(kind, str) or kind not in LAYERS:
        raise ValueError(f"{where}: expected a layer (Dense(64), BatchNorm(), ...) or its description "
                         f"{{'kind': one of {sorted(LAYERS)}, ...}}, got {shown(kind)}")
    cls = LAYERS[description["kind"]]
    settings = {k: v for k, v in description.items() if k != "kind"}
    allowed = {f.name for f in fields(cls)}
    unknown = sorted(map(str, set(settings) - allowed))
    if unknown:
        raise ValueError(f"{where}: a {kind!r} layer has the settings {sorted(allowed)}, got unknown "
                         f"{shown(unknown)}")
    try:
        return cls(**settings)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None


def input_size(layers, W1_shape):
    """n_x of a network given as layers (or descriptions): height * width * channels of its `Image` layer, else the
    columns of its first dense layer's W1."""
    first = layers[0] if isinstance(layers, (list, tuple)) and layers else None
    if isinstance(first, dict) and first.get("kind") == "image":
        first = from_description(first, "layers[0]")
    if isinstance(first, Image):
        return first.height * first.width * first.channels
    return int(W1_shape[1]) if len(W1_shape) == 2 else 0


def layers_from_descriptions(descriptions, where="layers"):
    """A list of layers from a list of descriptions or layers."""
    if not isinstance(descriptions, (list, tuple)):
        raise ValueError(f"{where}: expected a list of layers, got {type(descriptions).__name__}")
    if len(descriptions) > MAX_LAYERS:
        raise ValueError(f"{where}: expected at most {MAX_LAYERS} layers, got {len(descriptions)}")
    return [from_description(d, f"{where}[{i}]") for i, d in enumerate(descriptions)]


__all__ = ["Layer", "Dense", "Activation", "Dropout", "BatchNorm", "LayerNorm", "Image", "Conv2D", "Pool2D",
           "Flatten", "Stack", "input_size", "LAYERS", "hidden_block",
           "from_description", "layers_from_descriptions"]
