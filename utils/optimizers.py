"""Optimisers (gradient descent, momentum, RMSprop, Adam, AdamW), learning-rate schedules, mini-batches, and the
course's mini-batch training loop with Adam (`train_mini_batch_adam`).

Every update takes the parameters dict and the grads dict {"dW1", "db1", ...}
and returns new dicts (the arrays passed in are not modified).

    momentum  v = beta v + (1 - beta) dW;                 W -= alpha v
    RMSprop   s = beta2 s + (1 - beta2) dW^2;             W -= alpha dW / (sqrt(s) + eps)
    Adam      v = beta1 v + (1 - beta1) dW;  s = beta2 s + (1 - beta2) dW^2
              v^ = v / (1 - beta1^t);  s^ = s / (1 - beta2^t)   (bias correction, t = 1, 2, ...)
              W -= alpha v^ / (sqrt(s^) + eps)
    AdamW     Adam's step, then W -= alpha weight_decay W  (decoupled weight decay, Loshchilov & Hutter:
              the decay is not divided by sqrt(s^), as an L2 term in dW would be; weights only, not biases)

`OPTIMIZERS` maps each name to its `Optimizer` (init, step) with one signature,
for code that picks the rule by name (`SCHEDULES` does the same for the learning-rate schedules):

    rule = OPTIMIZERS["adam"]
    state = rule.init(parameters)
    parameters, state = rule.step(parameters, grads, state, t, learning_rate, beta1=0.9, beta2=0.999)
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

import numpy as np

from .checks import check_mini_batch_arguments, check_optimizer, lookup  # noqa: F401  (check_optimizer re-exported)
from .costs import compute_cost
from .deep import L_model_backward, L_model_forward, num_layers, update_parameters
from .initializers import initialize_parameters_deep

def update_parameters_with_gd(parameters, grads, learning_rate):
    """W_l <- W_l - alpha dW_l, b_l <- b_l - alpha db_l (same as `deep.update_parameters`)."""
    return update_parameters(parameters, grads, learning_rate)


def _zeros_like_grads(parameters):
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()
            if key[0] in "Wb" and key[1:].isdigit()}


def initialize_velocity(parameters):
    """v = {"dW1": zeros like W1, "db1": zeros like b1, ...} for momentum."""
    return _zeros_like_grads(parameters)


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """Momentum step: v = beta v + (1 - beta) grad; param -= alpha v. Returns (parameters, v)."""
    new, v = dict(parameters), dict(v)
    for l in range(1, num_layers(parameters) + 1):
        for p in ("W", "b"):
            key = f"d{p}{l}"
            v[key] = beta * v[key] + (1 - beta) * grads[key]
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v[key]
    return new, v


def initialize_rmsprop(parameters):
    """s = {"dW1": zeros like W1, ...}: the running mean of squared gradients."""
    return _zeros_like_grads(parameters)


def update_parameters_with_rmsprop(parameters, grads, s, beta2=0.999, learning_rate=0.001, epsilon=1e-8):
    """RMSprop step: s = beta2 s + (1 - beta2) grad^2; param -= alpha grad / (sqrt(s) + eps).

    Returns (parameters, s).
    """
    new, s = dict(parameters), dict(s)
    for l in range(1, num_layers(parameters) + 1):
        for p in ("W", "b"):
            key, g = f"d{p}{l}", grads[f"d{p}{l}"]
            s[key] = beta2 * s[key] + (1 - beta2) * (g * g)
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * g / (np.sqrt(s[key]) + epsilon)
    return new, s


def initialize_adam(parameters):
    """(v, s): two dicts of zeros like the grads, for Adam's first and second moments."""
    return _zeros_like_grads(parameters), _zeros_like_grads(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    """Adam step number t (t >= 1, counts updates) with bias correction.

    Returns (parameters, v, s, v_corrected, s_corrected) like the course.
    """
    if not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t: expected the Adam step count, an integer >= 1, got {t!r}")
    new, v, s = dict(parameters), dict(v), dict(s)
    v_corrected, s_corrected = {}, {}
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
    for l in range(1, num_layers(parameters) + 1):
        for p in ("W", "b"):
            key, g = f"d{p}{l}", grads[f"d{p}{l}"]
            v[key] = beta1 * v[key] + (1 - beta1) * g
            s[key] = beta2 * s[key] + (1 - beta2) * (g * g)
            v_corrected[key] = v[key] / c1
            s_corrected[key] = s[key] / c2
            new[f"{p}{l}"] = parameters[f"{p}{l}"] - learning_rate * v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
    return new, v, s, v_corrected, s_corrected


def update_parameters_with_adamw(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8, weight_decay=0.01):
    """AdamW step number t: Adam's step on the gradients, then every weight shrinks by learning_rate * weight_decay.

    W_l <- W_l - alpha (v^ / (sqrt(s^) + eps) + weight_decay W_l), b_l <- b_l - alpha v^ / (sqrt(s^) + eps).
    Unlike an L2 term added to dW (which Adam divides by sqrt(s^), so weights with large gradients are barely
    shrunk), the decay is the same fraction of every weight. weight_decay = 0 is `update_parameters_with_adam`.
    Returns (parameters, v, s, v_corrected, s_corrected) like the course's Adam.
    """
    new, v, s, v_corrected, s_corrected = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate,
                                                                      beta1, beta2, epsilon)
    if weight_decay:
        for l in range(1, num_layers(parameters) + 1):
            new[f"W{l}"] = new[f"W{l}"] - learning_rate * weight_decay * parameters[f"W{l}"]
    return new, v, s, v_corrected, s_corrected


# ------------------------------------------------------------------ registry

class Optimizer(NamedTuple):
    """One update rule behind one signature (the course-named functions above do the work).

    init(parameters) -> state
    step(parameters, grads, state, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
         weight_decay=0.0)
        -> (new parameters, new state); t >= 1 counts the updates (Adam's bias correction),
        each rule reads the hyperparameters it has and ignores the others.
    """

    init: Callable[[dict], Any]
    step: Callable[..., tuple]


def _no_state(parameters):
    """Plain gradient descent keeps no state between steps."""
    return None


# The registry's steps update every trainable array of the dict, whatever its name (W_l, b_l, and the gamma_l,
# beta_l of batch normalization: `utils.layers`), with the arithmetic of the course-named functions above, which
# walk W_l, b_l only (tests/test_optimizers.py: the same numbers to the last bit on a dense network). Decoupled
# weight decay applies to the weights W_l only.

def _zeros_for_each(parameters):
    """{"d<name>": zeros like the array} for every trainable array: one moment per array."""
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()}


def _moments_for_each(parameters):
    return _zeros_for_each(parameters), _zeros_for_each(parameters)


def _gd_step(parameters, grads, state, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
             weight_decay=0.0):
    return {key: p - learning_rate * grads[f"d{key}"] for key, p in parameters.items()}, state


def _momentum_step(parameters, grads, v, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
                   weight_decay=0.0):
    new, v = {}, dict(v)
    for key, p in parameters.items():
        d = f"d{key}"
        v[d] = beta * v[d] + (1 - beta) * grads[d]
        new[key] = p - learning_rate * v[d]
    return new, v


def _rmsprop_step(parameters, grads, s, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
                  weight_decay=0.0):
    new, s = {}, dict(s)
    for key, p in parameters.items():
        d = f"d{key}"
        g = grads[d]
        s[d] = beta2 * s[d] + (1 - beta2) * (g * g)
        new[key] = p - learning_rate * g / (np.sqrt(s[d]) + epsilon)
    return new, s


def _adam_step(parameters, grads, state, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
               weight_decay=0.0):
    if not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t: expected the Adam step count, an integer >= 1, got {t!r}")
    v, s = dict(state[0]), dict(state[1])
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
    new = {}
    for key, p in parameters.items():
        d = f"d{key}"
        g = grads[d]
        v[d] = beta1 * v[d] + (1 - beta1) * g
        s[d] = beta2 * s[d] + (1 - beta2) * (g * g)
        new[key] = p - learning_rate * (v[d] / c1) / (np.sqrt(s[d] / c2) + epsilon)
    return new, (v, s)


def _adamw_step(parameters, grads, state, t, learning_rate, beta=0.9, beta1=0.9, beta2=0.999, epsilon=1e-8,
                weight_decay=0.0):
    new, state = _adam_step(parameters, grads, state, t, learning_rate, beta, beta1, beta2, epsilon)
    if weight_decay:
        for key in parameters:
            if key.startswith("W"):
                new[key] = new[key] - learning_rate * weight_decay * parameters[key]
    return new, state


#: name -> `Optimizer` (init, step). Its keys are the optimizer names every ``optimizer=`` argument accepts.
#: A new rule is one step function with the signature above and one line here (AdamW was added that way).
OPTIMIZERS = {
    "gd": Optimizer(_no_state, _gd_step),
    "momentum": Optimizer(_zeros_for_each, _momentum_step),
    "rmsprop": Optimizer(_zeros_for_each, _rmsprop_step),
    "adam": Optimizer(_moments_for_each, _adam_step),
    "adamw": Optimizer(_moments_for_each, _adamw_step),
}


def get_optimizer(name):
    """OPTIMIZERS[name]; an unknown name is a ValueError listing the known ones."""
    return lookup(OPTIMIZERS, name, "optimizer")


# ------------------------------------------------------------------ schedules

def update_lr(learning_rate0, epoch_num, decay_rate):
    """Inverse-time decay: alpha = alpha0 / (1 + decay_rate * epoch_num)."""
    return learning_rate0 / (1 + decay_rate * epoch_num)


def exponential_lr(learning_rate0, epoch_num, decay_rate):
    """Exponential decay: alpha = alpha0 * exp(-decay_rate * epoch_num)."""
    return learning_rate0 * math.exp(-decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Step (fixed-interval) decay: alpha = alpha0 / (1 + decay_rate * floor(epoch_num / time_interval))."""
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


#: name -> schedule(learning_rate0, epoch_num, decay_rate, time_interval) -> the epoch's learning rate,
#: one signature for all (each reads what it needs). Its keys are what every ``lr_schedule=`` accepts.
SCHEDULES = {
    None: lambda learning_rate0, epoch_num, decay_rate, time_interval: learning_rate0,
    "inverse_time": lambda learning_rate0, epoch_num, decay_rate, time_interval: update_lr(
        learning_rate0, epoch_num, decay_rate),
    "exponential": lambda learning_rate0, epoch_num, decay_rate, time_interval: exponential_lr(
        learning_rate0, epoch_num, decay_rate),
    "step": schedule_lr_decay,
}


def learning_rate_at(schedule, learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """The learning rate of epoch `epoch_num` under `schedule`, a key of SCHEDULES (None: constant)."""
    return lookup(SCHEDULES, schedule, "lr_schedule")(learning_rate0, epoch_num, decay_rate, time_interval)


# ------------------------------------------------------------------ mini-batches

def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the m columns of (X, Y) and cut them into mini-batches.

    X: (n_x, m), Y: (n_y, m) -> [(X_1, Y_1), ...], each of mini_batch_size
    columns except possibly the last (m mod mini_batch_size). The permutation
    is ``np.random.RandomState(seed).permutation(m)``, the course's order.
    """
    X, Y = check_mini_batch_arguments(X, Y, mini_batch_size, seed)
    m = X.shape[1]
    permutation = np.random.RandomState(seed).permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


# ------------------------------------------------------------------ the mini-batch training loop

def train_mini_batch_adam(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1,
                          beta1=0.9, beta2=0.999, epsilon=1e-8):
    """The course's training loop with mini-batches and Adam: relu hidden layers, a sigmoid output.

    Start from `initialize_parameters_deep(layers_dims, "he", seed)` and Adam's zero moments; every epoch
    shuffles the m examples (`random_mini_batches(X, Y, mini_batch_size, seed + epoch)`, epochs counted from 0),
    and every mini-batch takes one Adam step (t = 1, 2, ... counts the steps over the whole training):

        AL, caches = L_model_forward(X_b, parameters);  grads = L_model_backward(AL, Y_b, caches)
        parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, ...)

    X (n_x, m), Y (1, m). Returns (parameters, costs): costs[e] is epoch e's cost, the mean over its m examples
    of the cross-entropy each mini-batch had before its step. The same steps as
    `NeuralNetwork(optimizer="adam", batch_size=mini_batch_size, initialization="he", fast_path=False)` (tested).
    """
    parameters = initialize_parameters_deep(layers_dims, "he", seed=seed, dtype=X.dtype)
    v, s = initialize_adam(parameters)
    m, t, costs = X.shape[1], 0, []
    for epoch in range(num_epochs):
        total_cost = 0.0
        for X_b, Y_b in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            AL, caches = L_model_forward(X_b, parameters)
            total_cost += compute_cost(AL, Y_b) * X_b.shape[1]
            grads = L_model_backward(AL, Y_b, caches)
            t += 1
            parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1,
                                                                 beta2, epsilon)
        costs.append(total_cost / m)
    return parameters, costs
