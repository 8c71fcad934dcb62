"""The argument groups of the entry points (training, forward, backward, cost, mini-batches, gradient
check) and of pictures, each checked once."""

from __future__ import annotations

import numbers

import numpy as np

from ..activations import ACTIVATIONS, default_activations, get_activation
from .arrays import as_array, check_finite, check_labels, check_parameters, check_real_array, check_X
from .values import (MAX_SEED, check_arguments, check_choice, check_hidden_layers, check_keep_prob, check_layer_dims,
                     check_non_negative, check_number, check_seed, got)


# ---------------------------------------------------------------- the network's functions

def check_activations(activations, L):
    """None, one activation name (hidden layers; the output is then sigmoid) or a list of L names -> list of L names."""
    if activations is None:
        return default_activations(L)
    if isinstance(activations, str):
        return default_activations(L, activations)
    if not isinstance(activations, (list, tuple, np.ndarray)) or np.ndim(activations) != 1:
        raise ValueError(f"activations: expected None, one name or a list of {L} names (one per layer), "
                         f"got {got(activations)}")
    names = list(activations)
    if len(names) != L:
        raise ValueError(f"activations: expected {L} names (one per layer) for a {L}-layer network, "
                         f"got {len(names)}: {names}")
    for name in names:
        get_activation(name)  # "activation: expected one of [...], got 'gelu'"
    return names


def check_training_arguments(X, Y, layer_dims, name="layer_dims", length=None, **options):
    """The arguments of `two_layer_model` / `L_layer_model`, checked once -> (X, Y cast to dtype, layer_dims).

    X (n_x, m) and Y (n_L, m) against layer_dims = [n_x, ..., n_L]; `options` by name (see ARGUMENTS).
    """
    dims = check_layer_dims(layer_dims, name, length)
    options = check_arguments(**options)
    X = check_X(X, dims[0])
    Y = check_labels(Y, (dims[-1], X.shape[1]), "the output layer (n_L, m)")
    dtype = options.get("dtype", np.float64)
    return X.astype(dtype, copy=False), Y.astype(dtype, copy=False), dims


def check_forward_arguments(X, parameters, keep_prob=1.0, rng=0, masks=None):
    """`L_model_forward`'s arguments -> (L, X as an array)."""
    L = check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    check_keep_prob(keep_prob)
    check_seed(rng, "rng", generators=True)
    if masks is not None and (not isinstance(masks, (list, tuple)) or len(masks) != L - 1):
        raise ValueError(f"masks: expected {L - 1} masks (one per hidden layer), "
                         f"got {len(masks) if isinstance(masks, (list, tuple)) else got(masks)}")
    return L, X


def check_output(AL, name="AL"):
    """AL, a network's output: a finite 2-D array (n_L, m) of real numbers."""
    AL = check_real_array(AL, name)
    if AL.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (n_L, m), one column per example, got shape {AL.shape}")
    return AL


def check_cost_arguments(AL, Y, parameters=None, lambd=0.0):
    """`compute_cost`'s arguments -> (AL, Y) as arrays: AL probabilities, Y labels of AL's shape."""
    AL = check_output(AL)
    Y = check_labels(Y, AL.shape, "AL")
    check_finite(AL, "AL")
    if np.any((AL < 0) | (AL > 1)):
        raise ValueError(f"AL: expected probabilities in [0, 1] (the output layer's activations), "
                         f"got values from {AL.min()} to {AL.max()}")
    if check_non_negative(lambd, "lambd"):
        if parameters is None:
            raise ValueError("parameters: expected the parameters dict when lambd > 0, got None")
        check_parameters(parameters)
    return AL, Y


def check_backward_arguments(AL, Y, caches, lambd=0.0):
    """`L_model_backward`'s arguments -> (AL, Y) as arrays, Y checked against AL (n_L, m)."""
    AL = check_output(AL)
    check_finite(AL, "AL")
    if not isinstance(caches, (list, tuple)) or not caches or not all(
            isinstance(c, tuple) and len(c) in (2, 3) for c in caches):
        raise ValueError(f"caches: expected the list of L caches returned by L_model_forward, got {got(caches)}")
    if np.shape(caches[-1][1]) != AL.shape:
        raise ValueError(f"caches: expected the caches of the forward pass that gave AL {AL.shape}, "
                         f"got an output layer of shape {np.shape(caches[-1][1])}")
    check_non_negative(lambd, "lambd")
    return AL, check_labels(Y, AL.shape)


def check_linear_inputs(A, W, b):
    """Z = W A + b needs A (n_{l-1}, m), W (n_l, n_{l-1}), b (n_l, 1) NumPy arrays (shapes only: a per-layer step)."""
    for name, value in (("A", A), ("W", W), ("b", b)):
        if not isinstance(value, np.ndarray):
            raise ValueError(f"{name}: expected a NumPy array, got {got(value)}")
    if A.ndim != 2 or W.ndim != 2 or A.shape[0] != W.shape[1]:
        raise ValueError(f"A: expected shape ({W.shape[1] if W.ndim == 2 else 'n_prev'}, m) to match W {W.shape}, "
                         f"got {A.shape}")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b: expected shape ({W.shape[0]}, 1) to match W {W.shape}, got {b.shape}")


def check_mini_batch_arguments(X, Y, mini_batch_size, seed):
    """`random_mini_batches`'s arguments -> (X, Y) as arrays with the same number m >= 1 of columns."""
    X, Y = check_real_array(X, "X"), check_real_array(Y, "Y", allow_bool=True)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"Y: expected (n_y, m) with the same m as X {X.shape}, got {Y.shape}")
    if X.shape[1] == 0:
        raise ValueError(f"X: expected at least one example, got an empty batch of shape {X.shape}")
    check_arguments(mini_batch_size=mini_batch_size, seed=seed)
    return X, Y


def check_gradients(gradients, parameters, name="gradients"):
    """grads {"dW1", "db1", ...}: finite arrays of the shapes of the parameters W1, b1, ..."""
    if not isinstance(gradients, dict):
        raise ValueError(f"{name}: expected a dict with keys dW1, db1, ..., dWL, dbL, got {got(gradients)}")
    for key, value in parameters.items():
        if key[:1] not in ("W", "b") or not key[1:].isdigit():
            continue
        grad = gradients.get(f"d{key}")
        if not isinstance(grad, np.ndarray) or grad.shape != value.shape:
            raise ValueError(f"{name}['d{key}']: expected an array of shape {value.shape} (like {key}), "
                             f"got {got(grad)}")
        check_finite(check_real_array(grad, f"{name}['d{key}']"), f"{name}['d{key}']")


def check_gradient_check_arguments(parameters, gradients, X, Y, epsilon, activations, lambd, keep_prob, masks, seed):
    """`gradient_check_n`'s arguments -> (parameters, X, Y) as float64 arrays."""
    L = check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    Y = check_labels(Y, (parameters[f"W{L}"].shape[0], X.shape[1]), "the output layer (n_L, m)")
    check_arguments(epsilon=epsilon, lambd=lambd, keep_prob=keep_prob, seed=seed)
    check_activations(activations, L)
    if gradients is not None:
        check_gradients(gradients, parameters)
        if keep_prob < 1 and masks is None:
            raise ValueError("masks: expected the dropout masks used to compute `gradients` when keep_prob < 1, "
                             "got None (or pass gradients=None)")
    if masks is not None:
        shapes = [(parameters[f"W{l}"].shape[0], X.shape[1]) for l in range(1, L)]
        if not isinstance(masks, (list, tuple)) or [np.shape(D) for D in masks] != shapes:
            raise ValueError(f"masks: expected {L - 1} boolean masks of shapes {shapes} (one per hidden layer), "
                             f"got {got(masks)}")
    return ({key: np.asarray(value, dtype=np.float64) for key, value in parameters.items()},
            X.astype(np.float64), Y.astype(np.float64))


# ---------------------------------------------------------------- pictures

def check_images(images) -> np.ndarray:
    """Validate a batch: uint8 of shape (m, H, W, 3) (colour) or (m, H, W) (grey), with m >= 1."""
    images = as_array(images, "images")
    if images.ndim == 3 and images.shape[-1] == 3:
        raise ValueError(
            f"images: expected a batch of shape (m, H, W, 3), got one image of shape {images.shape}; "
            "wrap it as images[None] or np.stack([image])"
        )
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)):
        raise ValueError(f"images: expected shape (m, H, W, 3) for colour or (m, H, W) for grey, got {images.shape}")
    if images.shape[0] == 0:
        raise ValueError("images: expected at least one image, got an empty batch (m = 0)")
    if images.dtype != np.uint8:
        raise ValueError(
            f"images: expected dtype uint8 (values 0..255), got {images.dtype}; "
            "pass the raw photos, not already-scaled floats"
        )
    return images


#: The largest side, in pixels, a photo is resized to. Each photo becomes image_size x image_size x 3 inputs and the
#: loaders cache the resized photos (Datasets/cache/): 256 is 196,608 inputs a photo and a 171 MB cache of
#: cats_vs_noncats, four times the course's 64 a side; 609 would be a 0.97 GB cache.
MAX_IMAGE_SIZE = 256


def check_image_size(image_size, name="image_size") -> int:
    """A positive integer number of pixels, at most MAX_IMAGE_SIZE."""
    size = int(check_number(image_size, name, "a positive integer number of pixels", lambda v: v >= 1, integer=True))
    if size > MAX_IMAGE_SIZE:
        raise ValueError(f"{name}: expected at most {MAX_IMAGE_SIZE} pixels a side (a photo of S x S pixels becomes "
                         f"3 S^2 inputs, and the loaders cache the resized photos; the course uses 64), got {size}")
    return size


# ------------------------------------------------------------------ NeuralNetwork's constructor

#: The output layers NeuralNetwork offers ("auto": sigmoid for two classes given as labels, softmax otherwise).
OUTPUTS = ("auto", "sigmoid", "softmax")

#: NeuralNetwork's arguments checked by their conventional name (utils.checks.ARGUMENTS).
_CHECKED_BY_NAME = ("initialization", "learning_rate", "epochs", "optimizer", "batch_size", "lambd", "keep_prob",
                    "beta", "beta1", "beta2", "epsilon", "lr_schedule", "decay_rate", "time_interval",
                    "early_stopping", "patience", "seed", "dtype", "progress", "print_cost", "init_scale",
                    "weight_decay")


def check_hyperparameters(params):
    """NeuralNetwork's constructor arguments (a dict), checked -> the attributes to set.

    The same names, normalised (floats, ints, lists, np.dtype), plus `_hidden_activations`
    (one name per hidden layer). Every refusal is a ValueError naming the argument.
    """
    checked = dict(params)
    if params.get("layers") is not None:
        return _check_layers(checked)
    hidden = check_hidden_layers(params["hidden_layers"])
    activations = params["activations"]
    if isinstance(activations, str):
        names = [activations] * len(hidden)
    elif isinstance(activations, (list, tuple, np.ndarray)) and np.ndim(activations) == 1:
        names = activations = list(activations)
    else:
        raise ValueError(f"activations: expected one name or a list of names (one per hidden layer), "
                         f"got {got(activations)}")
    if len(names) != len(hidden):
        raise ValueError(f"activations: expected one name or {len(hidden)} names "
                         f"(one per hidden layer), got {names}")
    for name in names:
        check_choice(name, tuple(ACTIVATIONS), "activations")
    checked.update(hidden_layers=hidden, activations=activations, _hidden_activations=names)
    return _check_training_settings(checked)


def _check_layers(checked):
    """`layers` given: a list of `utils.layers` (or descriptions) starting with a Dense layer; hidden_layers is
    read off it, activations are its Activation layers, dropout its Dropout layers (keep_prob stays 1)."""
    from ..layers import Dense, Image, layers_from_descriptions
    from ..layers.stack import resolve_bias
    checked = _check_training_settings(checked)
    layers = resolve_bias(layers_from_descriptions(checked["layers"]))
    if not layers or not isinstance(layers[0], (Dense, Image)):
        raise ValueError(f"layers: expected the hidden layers as a list starting with a Dense layer, e.g. "
                         f"[Dense(64), BatchNorm(), Activation('relu')], or with Image(height, width, channels) for "
                         f"a network on pictures, got {[layer.kind for layer in layers]}")
    if checked["keep_prob"] != 1:
        raise ValueError(f"keep_prob: expected 1 with layers=[...] (put Dropout({checked['keep_prob']}) layers in the "
                         f"list where units are dropped), got {checked['keep_prob']!r}")
    hidden = [layer.units for layer in layers if isinstance(layer, Dense)]
    given = checked["hidden_layers"]
    if not (isinstance(given, (list, tuple)) and list(given) in ([20, 7, 5], hidden)):
        raise ValueError(f"hidden_layers: expected the default with layers=[...] (the Dense layers' units, {hidden}, "
                         f"are the hidden layers), got {got(given)}")
    if checked["activations"] != "relu":
        raise ValueError(f"activations: expected the default with layers=[...] (put Activation layers in the list), "
                         f"got {got(checked['activations'])}")
    checked.update(layers=layers, hidden_layers=check_hidden_layers(hidden), _hidden_activations=None)
    return checked


def _check_training_settings(checked):
    """The arguments every network shares: numbers by name, output, fast_path, weight decay, dtype, seed."""
    checked.update(check_arguments(**{name: checked[name] for name in _CHECKED_BY_NAME}))
    checked.update(output=check_choice(checked["output"], OUTPUTS, "output"),
                   fast_path=check_fast_path(checked["fast_path"]))
    if checked["weight_decay"] and checked["optimizer"] != "adamw":
        raise ValueError(f"weight_decay: expected 0 unless optimizer='adamw' (decoupled weight decay is AdamW's; "
                         f"with the other optimisers use lambd, the L2 term), got weight_decay="
                         f"{checked['weight_decay']!r} with optimizer={checked['optimizer']!r}")
    if checked["dtype"].name not in ("float16", "float32", "float64"):  # what a parameters file stores
        raise ValueError(f"dtype: expected np.float32 or np.float64 (or float16): a trained network is saved in one "
                         f"of them, got {checked['dtype'].name}")
    if checked["batch_size"] is not None and checked["seed"] + checked["epochs"] > MAX_SEED + 1:
        seed, epochs = checked["seed"], checked["epochs"]
        raise ValueError(f"seed, epochs: expected seed + epochs <= 2**32 with mini-batches (epoch e shuffles with "
                         f"seed + e, and a seed is below 2**32), got seed {seed} + epochs {epochs} = {seed + epochs}; "
                         f"give a seed of at most {MAX_SEED + 1 - epochs} or at most {MAX_SEED + 1 - seed} epochs")
    return checked


def check_fast_path(fast_path):
    """fast_path: True, False or "auto"."""
    if fast_path is True or fast_path is False or fast_path == "auto":
        return fast_path
    raise ValueError(f"fast_path: expected True, False or 'auto', got {fast_path!r}")
