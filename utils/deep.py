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

`NeuralNetwork` trains through `compute_gradients`, whose loop (`forward_backward`) does the same
arithmetic as `L_model_forward` and `L_model_backward` (equal to the last bit, tested) without
their per-layer caches and checks.

Activations are given per layer as a list of L names, or as one name for the
hidden layers (the output is then sigmoid); None means the course's
relu, ..., relu, sigmoid.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS, get_activation
from .checks import (check_activations, check_backward_arguments, check_bool, check_forward_arguments,  # noqa: F401
                     check_finite, check_iterations, check_keep_prob, check_labels, check_layer_dims,
                     check_learning_rate, check_linear_inputs, check_parameters, check_training_arguments,
                     check_X, to_labels)  # check_* re-exported: they were defined here
from .costs import compute_cost, compute_cost_from_logits, l2_cost
from .initializers import initialize_parameters, initialize_parameters_deep
from .regularization import dropout_backward, dropout_forward, l2_gradient

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
    if type(activations) is list and len(activations) == L and all(type(name) is str and name in ACTIVATIONS
                                                                   for name in activations):
        return activations  # already resolved: what the training loops pass on at every step
    names = check_activations(activations, L)
    for name in names:
        get_activation(name)  # raises ValueError on unknown names
    return names


# ------------------------------------------------------------------ forward

def linear_forward(A, W, b):
    """Z = W A + b.  A: (n_{l-1}, m), W: (n_l, n_{l-1}), b: (n_l, 1) -> Z: (n_l, m).

    Returns (Z, cache) with cache = (A, W, b) for the backward pass.
    """
    check_linear_inputs(A, W, b)
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
    L, X = check_forward_arguments(X, parameters, keep_prob, rng, masks) if validate else (num_layers(parameters), X)
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
    (dA_l * D_l / keep_prob); lambd > 0 adds `l2_gradient` (lambd/m W_l) to dW_l.
    need_dA0=False skips dA0 = W_1^T dZ_1 (training never uses it).
    """
    AL, Y = check_backward_arguments(AL, Y, caches, lambd) if validate else (AL, Y)
    L = len(caches)
    names = resolve_activations(activations, L)
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
            grads[f"dW{l}"] += l2_gradient(caches[l - 1][0][1], lambd, m)
    if not need_dA0:
        grads.pop("dA0", None)
    return grads


def forward_backward(X, Y, Ws, bs, names, keep_prob=1.0, rng=0, masks=None, need_dA0=False):
    """The training step's arithmetic on lists: Ws, bs = [W_1 .. W_L], [b_1 .. b_L], names = L activations.

    Operation for operation what `L_model_forward`, the cross-entropy of `compute_cost_from_logits`
    (sigmoid or softmax output; `compute_cost` otherwise) and `L_model_backward` compute (the tests
    compare them to the last bit), without L2 and without their per-layer checks, caches and key
    names, which take most of a step's time when the layers are small.
    Returns (cost, AL, dWs, dbs, dA0): the cross-entropy, AL (n_L, m), the lists of dW_l (n_l, n_{l-1})
    and db_l (n_l, 1), and dA0 = W_1^T dZ_1 (n_0, m) if need_dA0 (else None).
    """
    L = len(Ws)
    dropout = keep_prob < 1
    if dropout and masks is None and not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    As, Zs, Ds = [X], [], []
    for l in range(L):
        Z = Ws[l] @ As[l]
        Z += bs[l]
        A, _ = ACTIVATIONS[names[l]][0](Z)
        if dropout and l < L - 1:
            A, D = dropout_forward(A, keep_prob, rng, None if masks is None else masks[l])
            Ds.append(D)
        Zs.append(Z)
        As.append(A)
    AL, ZL = As[L], Zs[L - 1]
    fused = names[-1] in FUSED_OUTPUTS
    cost = compute_cost_from_logits(ZL, Y) if fused else compute_cost(AL, Y)
    Y = Y.astype(AL.dtype, copy=False)
    if fused:
        dZ = AL - Y
    else:
        eps = np.finfo(AL.dtype).eps
        ALc = np.clip(AL, eps, 1 - eps)
        dZ = ACTIVATIONS[names[-1]][1](-(Y / ALc - (1 - Y) / (1 - ALc)), ZL)
    m = AL.shape[1]
    dWs, dbs, dA0 = [None] * L, [None] * L, None
    for l in range(L - 1, -1, -1):  # layer l + 1 of the course's numbering
        dW = dZ @ As[l].T
        dW *= 1.0 / m
        db = dZ.sum(axis=1, keepdims=True)
        db *= 1.0 / m
        dWs[l], dbs[l] = dW, db
        if l == 0:
            dA0 = Ws[0].T @ dZ if need_dA0 else None
            break
        dA = Ws[l].T @ dZ
        if dropout:
            dA = dropout_backward(dA, Ds[l - 1], keep_prob)
        dZ = ACTIVATIONS[names[l - 1]][1](dA, Zs[l - 1])
    return cost, AL, dWs, dbs, dA0


def compute_gradients(X, Y, parameters, activations=None, lambd=0.0, keep_prob=1.0, rng=0, masks=None,
                      need_dA0=False):
    """One forward + cost + backward pass without input checks (the training step).

    The same numbers as `L_model_forward`, `compute_cost_from_logits` (or `compute_cost` when the
    output is neither sigmoid nor softmax) and `L_model_backward`, computed by `forward_backward`.
    Returns (cost, AL, grads) with grads {"dW1", "db1", ..., "dWL", "dbL"} (+ "dA0" if need_dA0);
    lambd > 0 adds lambd/(2m) sum ||W_l||^2 to the cost and lambd/m W_l to each dW_l.
    """
    L = num_layers(parameters)
    names = resolve_activations(activations, L)
    Ws = [parameters[f"W{l}"] for l in range(1, L + 1)]
    bs = [parameters[f"b{l}"] for l in range(1, L + 1)]
    cost, AL, dWs, dbs, dA0 = forward_backward(X, Y, Ws, bs, names, keep_prob, rng, masks, need_dA0)
    m = AL.shape[1]
    if lambd:
        cost += l2_cost(parameters, lambd, Y.shape[1])
        for W, dW in zip(Ws, dWs):
            dW += l2_gradient(W, lambd, m)
    grads = {}
    for l in range(1, L + 1):
        grads[f"dW{l}"], grads[f"db{l}"] = dWs[l - 1], dbs[l - 1]
    if need_dA0:
        grads["dA0"] = dA0
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

class DivergenceError(ValueError):
    """Training diverged (see `is_diverging`): the learning rate is too large for this network and data."""


def is_diverging(cost, first_cost):
    """True when a training cost shows divergence: it is NaN / inf, or it has grown far past its start.

    "Far past" is ``cost > max(10 * first_cost, first_cost + 10)``. Training that works lowers
    the cost; noise (mini-batches, dropout) or a learning rate at the edge of stability makes it
    bounce by a fraction of where it started, not tenfold, while a learning rate that is too
    large makes it grow by orders of magnitude (0.69 -> 7.5e29) long before it overflows. The
    "+ 10" spares a small start (an easy problem, a warm start): 10 nats more of mean
    cross-entropy means the right class gets, on geometric average, e^-10 (1 / 22,000) of the
    probability it got at the start.

    `NeuralNetwork` and the commands stop on this rule. The course-named lesson functions
    (`gradient_descent`, `two_layer_model`, `L_layer_model`) stop only on NaN / inf, so a
    notebook can still show a cost that climbs.
    """
    return not math.isfinite(cost) or cost > max(10 * first_cost, first_cost + 10)


def check_divergence(cost, first_cost, where, learning_rate):
    """Raise `DivergenceError` if `is_diverging(cost, first_cost)`; `where` says when, e.g. "epoch 3"."""
    if is_diverging(cost, first_cost):
        grew = f"grew from {first_cost:.4g} to {cost:.4g}" if math.isfinite(cost) else \
            f"became {cost} (it started at {first_cost:.4g})"
        raise DivergenceError(f"learning_rate: training diverged at {where}: the cost {grew}. "
                              f"Try a smaller learning_rate than {learning_rate}.")


def diverged(cost, iteration, learning_rate):
    """The error raised when the cost stops being finite (a `DivergenceError`)."""
    return DivergenceError(
        f"learning_rate: training diverged at iteration {iteration}: the cost is {cost}. "
        f"Try a smaller learning_rate than {learning_rate}."
    )


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
    X, Y, (n_x, n_h, n_y) = check_training_arguments(X, Y, layers_dims, "layers_dims", 3, learning_rate=learning_rate,
                                                     num_iterations=num_iterations, print_cost=print_cost, seed=seed,
                                                     dtype=dtype)
    parameters = initialize_parameters(n_x, n_h, n_y, seed=seed, dtype=dtype)
    return gradient_descent(X, Y, parameters, resolve_activations(activations, 2), learning_rate, num_iterations,
                            print_cost)


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
    X, Y, dims = check_training_arguments(X, Y, layers_dims, learning_rate=learning_rate, num_iterations=num_iterations,
                                          print_cost=print_cost, initialization=initialization, seed=seed,
                                          lambd=lambd, keep_prob=keep_prob, dtype=dtype)
    names = resolve_activations(activations, len(dims) - 1)
    parameters = initialize_parameters_deep(dims, initialization, seed=seed, dtype=dtype)
    return gradient_descent(X, Y, parameters, names, learning_rate, num_iterations, print_cost, lambd, keep_prob, seed)


# ------------------------------------------------------------------ prediction

def predict(X, y, parameters, activations=None, print_accuracy=True):
    """Predicted labels p of shape (1, m): 1 where AL > 0.5 (sigmoid), argmax over classes (softmax).

    As in the course, when labels y are given (y may be None) the accuracy is
    printed ("Accuracy: 0.98..."); pass print_accuracy=False to silence it.
    y: (1, m) labels, or (C, m) one-hot for a softmax output (see `utils.checks` for the label layouts).
    """
    check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    labels = None if y is None else to_labels(y, "y", X.shape[1])
    if labels is not None and labels.size != X.shape[1]:
        raise ValueError(f"y: expected {X.shape[1]} labels to match X, got shape {np.shape(y)}")
    X = X.astype(parameters["W1"].dtype, copy=False)
    AL, _ = L_model_forward(X, parameters, activations, validate=False)
    p = labels_from_probabilities(AL)
    if labels is not None and check_bool(print_accuracy, "print_accuracy"):
        print("Accuracy: " + str(float(np.mean(p[0] == labels))))
    return p


def labels_from_probabilities(AL):
    """Class labels (1, m) from probabilities: 1 where AL > 0.5 for a (1, m) sigmoid output,
    else the argmax over the C rows of a (C, m) softmax output (a one-hot Y gives back its labels)."""
    return (AL > 0.5).astype(np.int64) if AL.shape[0] == 1 else AL.argmax(axis=0)[None, :]


def n_correct(AL, Y):
    """How many of the m columns AL classifies right: `labels_from_probabilities` of AL and of Y agree."""
    if AL.shape[0] == 1:  # the same as comparing the two labels, without casting them to integers
        return int(np.count_nonzero((AL > 0.5) == (Y > 0.5)))
    return int(np.count_nonzero(labels_from_probabilities(AL) == labels_from_probabilities(Y)))


def plot_costs(costs, learning_rate=0.0075):
    """The course's cost plot: cost every 100 iterations. Returns the matplotlib Axes."""
    from .plots import plot_cost_curve
    return plot_cost_curve(costs, learning_rate=learning_rate, every=100)


__all__ = [
    "linear_forward", "linear_activation_forward", "L_model_forward", "linear_backward",
    "linear_activation_backward", "L_model_backward", "update_parameters", "two_layer_model",
    "L_layer_model", "predict", "plot_costs", "compute_gradients", "forward_backward", "ACTIVATIONS",
    "labels_from_probabilities", "n_correct",
]
