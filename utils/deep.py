"""A deep fully-connected network, step by step, under the course's names.

Notation (course): layer l = 1..L has n_l units; A0 = X of shape (n_0, m).

    forward   Z_l = W_l A_{l-1} + b_l          (n_l, m)
              A_l = g_l(Z_l)                   (n_l, m)
    cost      J = cross-entropy(A_L, Y)        (+ lambd/(2m) sum ||W_l||^2)
    backward  dZ_L = A_L - Y                   (sigmoid + BCE and softmax + CCE)
              dZ_l = dA_l * g_l'(Z_l)
              dW_l = 1/m dZ_l A_{l-1}^T        (n_l, n_{l-1})
              db_l = 1/m sum_j dZ_l[:, j]      (n_l, 1)
              dA_{l-1} = W_l^T dZ_l            (n_{l-1}, m)
    update    W_l <- W_l - alpha dW_l,  b_l <- b_l - alpha db_l

A layer's cache is ``(linear_cache, activation_cache)`` = ``((A_prev, W, b), Z)``;
when dropout was applied to that layer's output it is
``(linear_cache, activation_cache, (D, keep_prob))``.

Activations are given per layer as a list of L names, or as one name for the
hidden layers (the output is then sigmoid); None means the course's
relu, ..., relu, sigmoid.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS, get_activation
from .costs import (check_finite, check_labels, compute_cost, compute_cost_from_logits)
from .initializers import check_layer_dims, initialize_parameters, initialize_parameters_deep
from .regularization import check_keep_prob, dropout_backward, dropout_forward

FUSED_OUTPUTS = ("sigmoid", "softmax")


# ------------------------------------------------------------------ helpers

def num_layers(parameters):
    """L, the number of layers (W1 .. WL) in a parameters dict."""
    L = 0
    while f"W{L + 1}" in parameters:
        L += 1
    return L


def layer_dims_of(parameters):
    """[n_0, n_1, ..., n_L] read from the weight shapes."""
    L = num_layers(parameters)
    return [int(parameters["W1"].shape[1])] + [int(parameters[f"W{l}"].shape[0]) for l in range(1, L + 1)]


def resolve_activations(activations, L):
    """A list of L activation names from None, one hidden-layer name, or a list of L names."""
    if activations is None:
        names = ["relu"] * (L - 1) + ["sigmoid"]
    elif isinstance(activations, str):
        names = [activations] * (L - 1) + ["sigmoid"]
    else:
        names = list(activations)
        if len(names) != L:
            raise ValueError(
                f"activations: expected {L} names (one per layer) for a {L}-layer network, "
                f"got {len(names)}: {names}"
            )
    for name in names:
        get_activation(name)  # raises ValueError on unknown names
    return names


def check_parameters(parameters, n_x=None):
    """Validate a parameters dict: W_l (n_l, n_{l-1}), b_l (n_l, 1), chained, finite."""
    if not isinstance(parameters, dict) or "W1" not in parameters:
        got = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(f"parameters: expected a dict with keys W1, b1, ..., WL, bL, got {got}")
    L = num_layers(parameters)
    prev = parameters["W1"].shape[1] if n_x is None else n_x
    for l in range(1, L + 1):
        W, b = np.asarray(parameters[f"W{l}"]), parameters.get(f"b{l}")
        if b is None:
            raise ValueError(f"parameters: expected key 'b{l}' next to 'W{l}', got keys {sorted(parameters)}")
        b = np.asarray(b)
        if W.ndim != 2 or W.shape[1] != prev:
            raise ValueError(f"parameters['W{l}']: expected shape (n_{l}, {prev}), got {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"parameters['b{l}']: expected shape ({W.shape[0]}, 1), got {b.shape}")
        check_finite(W, f"parameters['W{l}']")
        check_finite(b, f"parameters['b{l}']")
        prev = W.shape[0]
    return L


def check_X(X, n_x=None, name="X"):
    """X must be a finite 2-D array (n_x, m) with m >= 1."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array of shape (n_x, m), one column per example, got shape {X.shape}")
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(f"{name}: expected {n_x} rows (n_x features, one column per example), got shape {X.shape}"
                         + ("; did you pass (m, n_x)? use X.T" if X.shape[1] == n_x else ""))
    if X.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one example (column), got an empty batch of shape {X.shape}")
    check_finite(X, name)
    return X


# ------------------------------------------------------------------ forward

def linear_forward(A, W, b):
    """Z = W A + b.  A: (n_{l-1}, m), W: (n_l, n_{l-1}), b: (n_l, 1) -> Z: (n_l, m).

    Returns (Z, cache) with cache = (A, W, b) for the backward pass.
    """
    if A.ndim != 2 or W.ndim != 2 or A.shape[0] != W.shape[1]:
        raise ValueError(f"A: expected shape ({W.shape[1] if W.ndim == 2 else 'n_prev'}, m) to match W {W.shape}, got {A.shape}")
    Z = W @ A
    Z += b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W A_prev + b) for activation g in {"sigmoid", "tanh", "relu", "leaky_relu", "softmax"}.

    Returns (A, cache) with cache = (linear_cache, activation_cache) = ((A_prev, W, b), Z).
    """
    forward, _ = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = forward(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters, activations=None, keep_prob=1.0, rng=0, masks=None, validate=True):
    """Forward pass through L layers: X (n_0, m) -> AL (n_L, m).

    activations: None (relu hidden, sigmoid output), a name for the hidden
    layers, or a list of L names.
    keep_prob < 1 applies inverted dropout to the hidden layers' outputs
    A_1 .. A_{L-1}; masks are drawn from `rng` unless `masks` gives them (a
    list of L-1 boolean arrays, shapes (n_l, m)). An int `rng` is a seed, so
    every call draws the same masks; pass one np.random.Generator to a training
    loop to get fresh masks each iteration (what `L_layer_model` does).
    validate=False skips the shape / finiteness checks (training loops check once).
    Returns (AL, caches), one cache per layer (see the module docstring).
    """
    L = check_parameters(parameters) if validate else num_layers(parameters)
    if validate:
        X = check_X(X, parameters["W1"].shape[1])
        keep_prob = check_keep_prob(keep_prob)
        if masks is not None and len(masks) != L - 1:
            raise ValueError(f"masks: expected {L - 1} masks (one per hidden layer), got {len(masks)}")
    names = resolve_activations(activations, L)
    if keep_prob < 1 and masks is None and not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    caches = []
    A = X
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], names[l - 1])
        if keep_prob < 1 and l < L:
            A, D = dropout_forward(A, keep_prob, rng, None if masks is None else masks[l - 1])
            cache = cache + ((D, keep_prob),)
        caches.append(cache)
    return A, caches


# ------------------------------------------------------------------ backward

def linear_backward(dZ, cache, need_dA_prev=True):
    """Gradients of the linear step Z = W A_prev + b, averaged over the m examples.

    dZ: (n_l, m), cache = (A_prev, W, b) ->
    dA_prev = W^T dZ (n_{l-1}, m), dW = 1/m dZ A_prev^T (n_l, n_{l-1}), db = 1/m sum_j dZ (n_l, 1).
    need_dA_prev=False returns None for dA_prev (the first layer's W^T dZ is never used in training).
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T
    dW *= 1.0 / m
    db = dZ.sum(axis=1, keepdims=True)
    db *= 1.0 / m
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation, need_dA_prev=True):
    """dZ = dA * g'(Z), then `linear_backward`. Returns (dA_prev, dW, db)."""
    _, backward = get_activation(activation)
    linear_cache, activation_cache = cache[0], cache[1]
    dZ = backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache, need_dA_prev)


def L_model_backward(AL, Y, caches, activations=None, lambd=0.0, need_dA0=True, validate=True):
    """Backpropagation through the L layers: grads {"dA{l-1}", "dW{l}", "db{l}"}.

    Output layer: for sigmoid + binary cross-entropy and softmax + categorical
    cross-entropy the two Jacobians collapse to dZ_L = AL - Y (n_L, m). Any
    other output activation uses dAL = -(Y/AL - (1-Y)/(1-AL)) and its backward.
    Hidden layers: dropout masks in the caches are applied to dA_l
    (dA_l * D_l / keep_prob); lambd > 0 adds lambd/m W_l to dW_l.
    need_dA0=False skips dA0 = W_1^T dZ_1 (training never uses it).
    """
    L = len(caches)
    names = resolve_activations(activations, L)
    Y = check_labels(Y, AL.shape) if validate else Y
    Y = Y.astype(AL.dtype, copy=False)
    m = AL.shape[1]
    grads = {}
    if names[-1] in FUSED_OUTPUTS:
        dZ = AL - Y
        dA_prev, dW, db = linear_backward(dZ, caches[-1][0], need_dA0 or L > 1)
    else:
        eps = np.finfo(AL.dtype).eps
        ALc = np.clip(AL, eps, 1 - eps)
        dAL = -(Y / ALc - (1 - Y) / (1 - ALc))
        dA_prev, dW, db = linear_activation_backward(dAL, caches[-1], names[-1], need_dA0 or L > 1)
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA_prev, dW, db
    for l in range(L - 1, 0, -1):
        cache = caches[l - 1]
        dA = grads[f"dA{l}"]
        if len(cache) == 3:
            D, keep_prob = cache[2]
            dA = dropout_backward(dA, D, keep_prob)
        need = need_dA0 or l > 1
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, cache, names[l - 1], need)
    if lambd:
        for l in range(1, L + 1):
            grads[f"dW{l}"] += (lambd / m) * caches[l - 1][0][1]
    if not need_dA0:
        grads.pop("dA0", None)
    return grads


def compute_gradients(X, Y, parameters, activations=None, lambd=0.0, keep_prob=1.0, rng=0, masks=None,
                      need_dA0=False):
    """One forward + cost + backward pass without input checks (the training step).

    Returns (cost, AL, grads). The cost is computed from the output logits Z_L
    when the output is sigmoid or softmax (stable), else from AL.
    """
    AL, caches = L_model_forward(X, parameters, activations, keep_prob, rng, masks, validate=False)
    names = resolve_activations(activations, len(caches))
    if names[-1] in FUSED_OUTPUTS:
        cost = compute_cost_from_logits(caches[-1][1], Y, parameters, lambd)
    else:
        cost = compute_cost(AL, Y, parameters, lambd)
    grads = L_model_backward(AL, Y, caches, names, lambd, need_dA0, validate=False)
    return cost, AL, grads


def update_parameters(parameters, grads, learning_rate):
    """Gradient descent step W_l - alpha dW_l, b_l - alpha db_l; returns a new dict.

    The arrays passed in are not modified (a learner can keep the old ones).
    """
    L = num_layers(parameters)
    new = dict(parameters)
    for l in range(1, L + 1):
        new[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        new[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new


# ------------------------------------------------------------------ training

def check_learning_rate(learning_rate):
    if not (isinstance(learning_rate, (int, float, np.floating)) and math.isfinite(learning_rate)
            and learning_rate > 0):
        raise ValueError(f"learning_rate: expected a positive finite number, got {learning_rate!r}")
    return float(learning_rate)


def check_iterations(num_iterations, name="num_iterations"):
    if not isinstance(num_iterations, (int, np.integer)) or isinstance(num_iterations, bool) or num_iterations < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {num_iterations!r}")
    return int(num_iterations)


def diverged(cost, iteration, learning_rate):
    """The error raised when the cost stops being finite."""
    return ValueError(
        f"learning_rate: training diverged at iteration {iteration}: the cost is {cost}. "
        f"Try a smaller learning_rate than {learning_rate}."
    )


def _check_training_inputs(X, Y, layer_dims, dtype):
    X = check_X(X, layer_dims[0])
    Y = check_labels(Y, (layer_dims[-1], X.shape[1]), "the output layer (n_L, m)")
    return X.astype(dtype, copy=False), Y.astype(dtype, copy=False)


def gradient_descent(X, Y, parameters, activations=None, learning_rate=0.0075, num_iterations=3000,
                     print_cost=False, lambd=0.0, keep_prob=1.0, seed=1, print_every=100):
    """Full-batch gradient descent from `parameters`; X, Y already checked and cast.

    Returns (parameters, costs) with the cost recorded every `print_every` iterations.
    """
    rng = np.random.default_rng(seed)
    costs = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(num_iterations):
            cost, _, grads = compute_gradients(X, Y, parameters, activations, lambd, keep_prob, rng)
            if not math.isfinite(cost):
                raise diverged(cost, i, learning_rate)
            parameters = update_parameters(parameters, grads, learning_rate)
            if i % print_every == 0 or i == num_iterations - 1:
                if print_cost:
                    print(f"Cost after iteration {i}: {cost}")
                if i % print_every == 0:
                    costs.append(cost)
    return parameters, costs


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
                    activations=("relu", "sigmoid"), seed=1, dtype=np.float64):
    """LINEAR -> RELU -> LINEAR -> SIGMOID, trained by full-batch gradient descent.

    X: (n_x, m); Y: (1, m) labels in {0, 1}; layers_dims = (n_x, n_h, n_y).
    Initialised with `initialize_parameters` (course: randn * 0.01, seed 1).
    float64 by default, the course's precision: the same costs on every machine.
    Returns (parameters, costs), costs every 100 iterations.
    """
    n_x, n_h, n_y = check_layer_dims(layers_dims) if len(layers_dims) == 3 else (None,) * 3
    if n_x is None:
        raise ValueError(f"layers_dims: expected (n_x, n_h, n_y), got {layers_dims!r}")
    X, Y = _check_training_inputs(X, Y, [n_x, n_h, n_y], dtype)
    parameters = initialize_parameters(n_x, n_h, n_y, seed=seed, dtype=dtype)
    return gradient_descent(X, Y, parameters, resolve_activations(list(activations), 2),
                            check_learning_rate(learning_rate), check_iterations(num_iterations), print_cost)


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
                  activations=None, initialization="xavier", seed=1, lambd=0.0, keep_prob=1.0,
                  dtype=np.float64):
    """[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID, trained by full-batch gradient descent.

    X: (n_x, m); Y: (n_L, m); layers_dims = [n_x, n_1, ..., n_L].
    Defaults reproduce the course: init randn / sqrt(n_{l-1}) with seed 1
    ("xavier"), lr 0.0075, float64 (the course's precision, so the costs are
    the same on every machine). X and Y are checked once and cast to `dtype`.
    Returns (parameters, costs), costs every 100 iterations.
    Raises ValueError if the cost becomes NaN / inf (learning rate too large).
    """
    dims = check_layer_dims(layers_dims)
    X, Y = _check_training_inputs(X, Y, dims, dtype)
    names = resolve_activations(activations, len(dims) - 1)
    parameters = initialize_parameters_deep(dims, initialization, seed=seed, dtype=dtype)
    return gradient_descent(X, Y, parameters, names, check_learning_rate(learning_rate),
                            check_iterations(num_iterations), print_cost, lambd, check_keep_prob(keep_prob), seed)


# ------------------------------------------------------------------ prediction

def predict(X, y, parameters, activations=None, print_accuracy=True):
    """Predicted labels p of shape (1, m): 1 where AL > 0.5 (sigmoid), argmax over classes (softmax).

    As in the course, when labels y are given (y may be None) the accuracy is
    printed ("Accuracy: 0.98..."); pass print_accuracy=False to silence it.
    y: (1, m) labels, or (C, m) one-hot for a softmax output.
    """
    check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    X = X.astype(parameters["W1"].dtype, copy=False)
    AL, _ = L_model_forward(X, parameters, activations, validate=False)
    p = (AL > 0.5).astype(np.int64) if AL.shape[0] == 1 else AL.argmax(axis=0)[None, :]
    if y is not None and print_accuracy:
        y = np.asarray(y)
        labels = y.argmax(axis=0)[None, :] if y.ndim == 2 and y.shape[0] > 1 else y.reshape(1, -1)
        if labels.shape != p.shape:
            raise ValueError(f"y: expected {p.shape[1]} labels to match X, got shape {y.shape}")
        print("Accuracy: " + str(float(np.mean(p == labels))))
    return p


def plot_costs(costs, learning_rate=0.0075):
    """The course's cost plot: cost every 100 iterations. Returns the matplotlib Axes."""
    from .plots import plot_cost_curve
    return plot_cost_curve(costs, learning_rate=learning_rate, every=100)


__all__ = [
    "linear_forward", "linear_activation_forward", "L_model_forward", "linear_backward",
    "linear_activation_backward", "L_model_backward", "update_parameters", "two_layer_model",
    "L_layer_model", "predict", "plot_costs", "compute_gradients", "ACTIVATIONS",
]
