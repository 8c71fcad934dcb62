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

The course-named functions are the course's code, as the lessons show it: `L_model_forward` and
`L_model_backward` know nothing of dropout and L2. The regularised passes, taught in
`optimization_code.ipynb`, are `L_model_forward_with_dropout` and `L_model_backward_with_regularization`
(tested equal to the plain ones when keep_prob = 1 and lambd = 0).

`NeuralNetwork` trains through `compute_gradients`, whose loop (`forward_backward`) does the same
arithmetic as `L_model_forward` and `L_model_backward` (equal to the last bit, tested) without
their per-layer caches and checks.

Activations are given per layer as a list of L names, or as one name for the
hidden layers (the output is then sigmoid); None means the course's
relu, ..., relu, sigmoid.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .activations import ACTIVATIONS, get_activation
# check_* re-exported: they were defined here
from .checks import (check_activations, check_backward_arguments, check_bool, check_class_labels,  # noqa: F401
                     check_forward_arguments, check_finite, check_iterations, check_keep_prob, check_labels,
                     check_layer_dims, check_learning_rate, check_linear_inputs, check_parameters,
                     check_training_arguments, check_X, read_labels, to_labels)
from .checks.values import _finite, shown
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
    Z = W @ A + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W A_prev + b) for activation g in {"sigmoid", "tanh", "relu", "leaky_relu", "softmax"}.

    Returns (A, cache) with cache = (linear_cache, activation_cache) = ((A_prev, W, b), Z).
    """
    forward, _ = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = forward(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters, activations=None):
    """Forward pass through L layers: X (n_0, m) -> AL (n_L, m), the course's [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID.

    activations: None (relu hidden, sigmoid output), a name for the hidden
    layers, or a list of L names.
    Returns (AL, caches), one cache ((A_prev, W, b), Z) per layer.
    """
    L, X = check_forward_arguments(X, parameters)
    names = resolve_activations(activations, L)
    caches = []
    A = X
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], names[l - 1])
        caches.append(cache)
    return A, caches


def L_model_forward_with_dropout(X, parameters, keep_prob=1.0, activations=None, rng=0, masks=None, validate=True):
    """`L_model_forward` with inverted dropout on the hidden layers' outputs A_1 .. A_{L-1}.

    A_l <- A_l * D_l / keep_prob with D_l a (n_l, m) mask, True with probability keep_prob. The masks
    are drawn from `rng` unless `masks` gives them (a list of L-1 boolean arrays). An int `rng` is a
    seed, so every call draws the same masks; pass one np.random.Generator to a training loop to get
    fresh masks each iteration. A layer with dropout keeps (D_l, keep_prob) as a third part of its
    cache, for `L_model_backward_with_regularization`. keep_prob = 1 is `L_model_forward` (tested).
    validate=False skips the argument checks (callers that checked once: training, prediction).
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

def linear_backward(dZ, cache):
    """Gradients of the linear step Z = W A_prev + b, averaged over the m examples.

    dZ: (n_l, m), cache = (A_prev, W, b) ->
    dA_prev = W^T dZ (n_{l-1}, m), dW = 1/m dZ A_prev^T (n_l, n_{l-1}), db = 1/m sum_j dZ (n_l, 1).
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * (dZ @ A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """dZ = dA * g'(Z), then `linear_backward`. cache = ((A_prev, W, b), Z). Returns (dA_prev, dW, db)."""
    _, backward = get_activation(activation)
    linear_cache, activation_cache = cache[0], cache[1]
    dZ = backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches, activations=None):
    """Backpropagation through the L layers: grads {"dA{l-1}", "dW{l}", "db{l}"} for l = L .. 1.

    Output layer: for sigmoid + binary cross-entropy and softmax + categorical
    cross-entropy the two Jacobians collapse to dZ_L = AL - Y (n_L, m). Any
    other output activation uses dAL = -(Y/AL - (1-Y)/(1-AL)) and its backward.
    Hidden layers: `linear_activation_backward`, from layer L-1 down to 1.
    """
    AL, Y = check_backward_arguments(AL, Y, caches)
    L = len(caches)
    names = resolve_activations(activations, L)
    Y = Y.astype(AL.dtype, copy=False)
    grads = {}
    if names[-1] in ("sigmoid", "softmax"):
        dZ = AL - Y
        dA_prev, dW, db = linear_backward(dZ, caches[-1][0])
    else:
        eps = np.finfo(AL.dtype).eps
        AL = np.clip(AL, eps, 1 - eps)       # keeps Y / AL finite
        dAL = -(Y / AL - (1 - Y) / (1 - AL))
        dA_prev, dW, db = linear_activation_backward(dAL, caches[-1], names[-1])
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA_prev, dW, db
    for l in range(L - 1, 0, -1):
        dA = grads[f"dA{l}"]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], names[l - 1])
    return grads


def L_model_backward_with_regularization(AL, Y, caches, activations=None, lambd=0.0, validate=True):
    """`L_model_backward` with the regularised network's two extra terms.

    Dropout: a hidden layer whose cache holds a mask (from `L_model_forward_with_dropout`) passes back
    dA_l * D_l / keep_prob (`dropout_backward`), the same units switched off as in the forward pass.
    L2: lambd > 0 adds `l2_gradient` (lambd/m W_l) to every dW_l.
    With neither (keep_prob = 1, lambd = 0) it is `L_model_backward` (tested).
    validate=False skips the argument checks.
    """
    AL, Y = check_backward_arguments(AL, Y, caches, lambd) if validate else (AL, Y)
    L = len(caches)
    names = resolve_activations(activations, L)
    Y = Y.astype(AL.dtype, copy=False)
    m = AL.shape[1]
    grads = {}
    if names[-1] in FUSED_OUTPUTS:
        dZ = AL - Y
        dA_prev, dW, db = linear_backward(dZ, caches[-1][0])
    else:
        eps = np.finfo(AL.dtype).eps
        ALc = np.clip(AL, eps, 1 - eps)
        dAL = -(Y / ALc - (1 - Y) / (1 - ALc))
        dA_prev, dW, db = linear_activation_backward(dAL, caches[-1], names[-1])
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA_prev, dW, db
    for l in range(L - 1, 0, -1):
        cache = caches[l - 1]
        dA = grads[f"dA{l}"]
        if len(cache) == 3:
            D, keep_prob = cache[2]
            dA = dropout_backward(dA, D, keep_prob)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, cache, names[l - 1])
    if lambd:
        for l in range(1, L + 1):
            grads[f"dW{l}"] += l2_gradient(caches[l - 1][0][1], lambd, m)
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
    """Training diverged (see `is_diverging`); the message starts with the argument to change.

    That is the learning rate unless `divergence_cause` finds a likelier cause (the inputs' scale,
    keep_prob, lambd, the initial weights, a hyperparameter that is not a finite number).
    Attributes: `argument` (the one named), `cost`, `first_cost` (None if unknown), `where`
    ("epoch 3", "iteration 12 (epoch 3)") and `updates` (weight updates made before that cost,
    None if unknown), so that a caller that knows more can explain it again (`explain_divergence`).
    """

    def __init__(self, message, argument="learning_rate", cost=math.nan, first_cost=None, where="", updates=None):
        super().__init__(message)
        self.argument, self.cost, self.first_cost, self.where, self.updates = \
            argument, cost, first_cost, where, updates


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


#: Inputs whose root mean square is above this are not scaled (raw pixels: about 100; X / 255 or
#: standardised inputs: 0.5 to 1; the 2-D sets: about 2).
X_SCALE_LIMIT = 10.0
#: A cost before training above this (in nats: the right class gets e^-100 of the probability, on
#: geometric average) comes from too large inputs or initial weights, not from training.
HUGE_START_COST = 100.0
#: Learning rates up to this are the usual ones (the course: 0.0075 to 1.2; flower still trains at 10):
#: with one of them, unscaled inputs are the likelier cause of a divergence.
USUAL_LEARNING_RATE = 10.0
#: Dropout scales the kept units by 1 / keep_prob: below this keep_prob (a factor above 10) it is a likely cause.
LOW_KEEP_PROB = 0.1


def _not_finite(value):
    """A real number (not a bool) that is NaN or infinite (or an int too large for a float)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and not _finite(value)


def _root_mean_square(X):
    """sqrt(mean(X^2)) computed in float64 (inf if it overflows that too)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(np.mean(np.square(np.asarray(X, dtype=np.float64)))))


def divergence_cause(learning_rate, first_cost=None, updates=None, X=None, keep_prob=1.0, lambd=0.0, m=None,
                     optimizer="gd", initialization=None, init_scale=None, **hyperparameters):
    """The likely cause of a divergence, as (argument, advice); the first of these that applies:

    1. a hyperparameter that is not a finite number (e.g. learning_rate = nan set on a model);
    2. X, when the inputs are not scaled (root mean square above X_SCALE_LIMIT) and either the cost
       before training is already huge (above HUGE_START_COST) or not finite, the cost stopped
       being finite before any update, or the learning rate is a usual one (<= USUAL_LEARNING_RATE);
    3. lambd, when with gd / momentum the L2 step learning_rate * lambd / m is above 2
       (2 (1 + beta) with momentum): W <- (1 - learning_rate lambd / m) W then flips sign and grows;
    4. keep_prob, with dropout, when the cost stopped being finite before any update while the cost
       without dropout (first_cost) was finite, or when keep_prob < LOW_KEEP_PROB: the kept
       units are scaled by 1 / keep_prob;
    5. the initial weights (init_scale with initialization="random", else initialization; X when
       neither is known) when the cost before training is already huge or not finite, or the cost
       stopped being finite before any update;
    6. otherwise the learning rate.

    first_cost: the cost before training (None if unknown); updates: weight updates made before
    the diverging cost (None if unknown); m: the examples of a batch (for the L2 step);
    X is only read (one pass, in float64) when the earlier rules do not apply.
    """
    named = {"learning_rate": learning_rate, "keep_prob": keep_prob, "lambd": lambd, "init_scale": init_scale,
             **hyperparameters}
    for name, value in named.items():
        if _not_finite(value):
            return name, f"{name} is {shown(value)}, not a finite number: give a finite {name}."
    start_bad = first_cost is not None and (not math.isfinite(first_cost) or first_cost > HUGE_START_COST)
    at_once = updates == 0
    if X is not None and (start_bad or at_once or learning_rate <= USUAL_LEARNING_RATE):
        scale = _root_mean_square(X)
        if scale > X_SCALE_LIMIT:
            return "X", (f"The inputs are not scaled (root mean square {scale:.3g}): scale them, e.g. divide "
                         "by 255 or standardise.")
    if lambd and m and optimizer in ("gd", "momentum", None):
        limit = 2 * (1 + hyperparameters.get("beta", 0.0)) if optimizer == "momentum" else 2
        step = learning_rate * lambd / m
        if step > limit:
            return "lambd", (f"The L2 step (learning rate x lambd / batch size = {step:.3g}) is above {limit:g}, "
                             f"so the weights flip sign and grow: try a smaller lambd than {lambd}.")
    if keep_prob < 1 and ((at_once and (first_cost is None or math.isfinite(first_cost)))
                          or keep_prob < LOW_KEEP_PROB):
        return "keep_prob", (f"Dropout scales the kept units by 1/keep_prob = {1 / keep_prob:.3g}: "
                             "try a keep_prob of 0.5 or more (1: no dropout).")
    if start_bad or at_once:
        start = "stopped being finite before any update" if first_cost is None else \
            f"was already {first_cost:.4g} before training"
        if initialization == "random" and init_scale is not None:
            return "init_scale", (f"The cost {start}: the initial weights are too large; try a smaller "
                                  f"init_scale than {init_scale}.")
        if initialization is not None:
            return "initialization", (f"The cost {start}: the initial weights are too large; try "
                                      f"initialization 'he' or 'xavier' (not {initialization!r}).")
        return "X", (f"The cost {start}: the inputs or the initial weights are too large; scale the "
                     "inputs, e.g. divide by 255 or standardise.")
    return "learning_rate", f"Try a smaller learning_rate than {learning_rate}."


def divergence_error(cost, first_cost, where, learning_rate, updates=None, **context):
    """The `DivergenceError` of a cost that diverged at `where`, naming its likely cause (`divergence_cause`).

    One line: "<argument>: training diverged at <where>: the cost <what happened>. <advice>".
    """
    if first_cost is None:
        what = f"is {cost}"
    elif math.isfinite(cost):
        what = f"grew from {first_cost:.4g} to {cost:.4g}"
    else:
        what = f"became {cost} (it started at {first_cost:.4g})"
    argument, advice = divergence_cause(learning_rate, first_cost, updates, **context)
    return DivergenceError(f"{argument}: training diverged at {where}: the cost {what}. {advice}", argument, cost,
                           first_cost, where, updates)


def check_divergence(cost, first_cost, where, learning_rate, updates=None, **context):
    """Raise `DivergenceError` if `is_diverging(cost, first_cost)`; `where` says when, e.g. "epoch 3".

    `updates` and `context` (X, keep_prob, lambd, m, ...: see `divergence_cause`) let the
    message name a likelier cause than the learning rate.
    """
    if is_diverging(cost, first_cost):
        raise divergence_error(cost, first_cost, where, learning_rate, updates, **context)


def diverged(cost, iteration, learning_rate, first_cost=None, **context):
    """The error raised when the cost stops being finite (a `DivergenceError`).

    `iteration`: the weight updates made before this cost, an int or a text that starts with it
    ("12 (epoch 3)"); 0 means the cost was not finite before any update, which the learning
    rate cannot cause. `context`: see `divergence_cause`.
    """
    head = str(iteration).split(" ", 1)[0]
    updates = int(head) if head.isdigit() else None
    return divergence_error(cost, first_cost, f"iteration {iteration}", learning_rate, updates, **context)


def explain_divergence(error, learning_rate, **context):
    """`error` (a `DivergenceError`) explained again with what the caller knows (`context`: X, first_cost,
    keep_prob, ... see `divergence_cause`); an error without the attributes is returned as it is."""
    if not isinstance(error, DivergenceError) or not error.where:
        return error
    first_cost = context.pop("first_cost", None)
    first_cost = first_cost if error.first_cost is None else error.first_cost
    return divergence_error(error.cost, first_cost, error.where, learning_rate, error.updates, **context)


def gradient_descent(X, Y, parameters, activations=None, learning_rate=0.0075, num_iterations=3000,
                     print_cost=False, print_every=100):
    """Full-batch gradient descent from `parameters`: forward, cost, backward, update, `num_iterations` times.

    X (n_x, m), Y (n_L, m) already checked and cast. `compute_gradients` is `L_model_forward`,
    the cost and `L_model_backward` in one pass (the same numbers, tested).
    Returns (parameters, costs) with the cost recorded every `print_every` iterations.
    """
    costs = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging run stops below, not in warnings
        for i in range(num_iterations):
            cost, _, grads = compute_gradients(X, Y, parameters, activations)
            if not math.isfinite(cost):
                raise diverged(cost, i, learning_rate)
            parameters = update_parameters(parameters, grads, learning_rate)
            if i % print_every == 0 or i == num_iterations - 1:
                if print_cost:
                    print(f"Cost after iteration {i}: {cost}")
                if i % print_every == 0:
                    costs.append(cost)
    return parameters, costs


def gradient_descent_with_regularization(X, Y, parameters, activations=None, learning_rate=0.0075,
                                         num_iterations=3000, print_cost=False, lambd=0.0, keep_prob=1.0, seed=1,
                                         print_every=100):
    """`gradient_descent` on the regularised cost: L2 (lambd) and dropout (keep_prob, fresh masks from `seed`).

    With lambd = 0 and keep_prob = 1 it takes the same steps as `gradient_descent` (tested).
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
    Raises `DivergenceError` (a ValueError) if the cost becomes NaN / inf, naming its likely cause.
    """
    X, Y, dims = check_training_arguments(X, Y, layers_dims, learning_rate=learning_rate, num_iterations=num_iterations,
                                          print_cost=print_cost, initialization=initialization, seed=seed,
                                          lambd=lambd, keep_prob=keep_prob, dtype=dtype)
    names = resolve_activations(activations, len(dims) - 1)
    parameters = initialize_parameters_deep(dims, initialization, seed=seed, dtype=dtype)
    try:
        if lambd == 0 and keep_prob == 1:
            return gradient_descent(X, Y, parameters, names, learning_rate, num_iterations, print_cost)
        return gradient_descent_with_regularization(X, Y, parameters, names, learning_rate, num_iterations, print_cost,
                                                    lambd, keep_prob, seed)
    except DivergenceError as error:  # name the likely cause: the inputs, keep_prob, lambd, the weights or the rate
        raise explain_divergence(error, learning_rate, X=X, keep_prob=keep_prob, lambd=lambd, m=X.shape[1],
                                 initialization=initialization) from None


# ------------------------------------------------------------------ prediction

def predict(X, y, parameters, activations=None, print_accuracy=True):
    """Predicted labels p of shape (1, m): 1 where AL > 0.5 (sigmoid), argmax over classes (softmax).

    As in the course, when labels y are given (y may be None) the accuracy is
    printed ("Accuracy: 0.98..."); pass print_accuracy=False to silence it.
    y: (1, m) labels, or (C, m) one-hot for a softmax output (see `utils.checks` for the label layouts).
    """
    L = check_parameters(parameters)
    X = check_X(X, parameters["W1"].shape[1])
    labels = None
    if y is not None:
        labels, one_hot_rows = read_labels(y, "y", X.shape[1])
        if labels.size != X.shape[1]:
            raise ValueError(f"y: expected {X.shape[1]} labels to match X, got shape {np.shape(y)}")
        n_L = parameters[f"W{L}"].shape[0]  # labels the output layer can give: the rule of NeuralNetwork.score
        check_class_labels(labels, one_hot_rows, max(2, n_L), "y", "{0, 1} (the output layer has one unit)"
                           if n_L == 1 else f"0..{n_L - 1} (the output layer has {n_L} units)")
    X = X.astype(parameters["W1"].dtype, copy=False)
    AL, _ = L_model_forward_with_dropout(X, parameters, activations=activations, validate=False)
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
