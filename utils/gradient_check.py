"""Gradient checking: backprop against central differences, in float64.

For every parameter theta_i:

    g_approx_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)
    difference = ||g_approx - g|| / (||g_approx|| + ||g||)

Below ~1e-7 the backward pass is right; above ~1e-3 it is almost surely wrong.
Works for any network of this library: any activations, binary or categorical
cross-entropy, L2 and dropout (the masks are drawn once and held fixed, so J
is a deterministic function of theta).
"""

from __future__ import annotations

import numpy as np

from .checks import check_gradient_check_arguments, check_layer_dims, check_parameters
from .costs import compute_cost_from_logits, compute_cost
from .deep import (FUSED_OUTPUTS, L_model_backward_with_regularization, L_model_forward_with_dropout, num_layers,
                   resolve_activations)
from .regularization import dropout_mask


def numerical_gradient(f, x, h=1e-6):
    """d f() / d x by central differences, entry by entry: (f(x + h e_i) - f(x - h e_i)) / (2 h).

    f: a function of no arguments returning a number that reads the array `x` (float64, changed in place for
    each evaluation and put back). For any layer's check: f = lambda: np.sum(dout * forward()).
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f()
        x[i] = old - h
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def _keys(parameters):
    L = num_layers(parameters)
    return [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}")]


def dictionary_to_vector(parameters):
    """Stack W1, b1, ..., WL, bL (each flattened row by row) into one column (n, 1).

    Returns (theta, keys) where keys[i] names the parameter entry i comes from.
    """
    check_parameters(parameters)
    keys, columns = [], []
    for key in _keys(parameters):
        value = np.asarray(parameters[key])
        columns.append(value.reshape(-1, 1))
        keys += [key] * value.size
    return np.concatenate(columns, axis=0), keys


def vector_to_dictionary(theta, layer_dims):
    """Inverse of `dictionary_to_vector` for layer_dims = [n_0, ..., n_L]."""
    layer_dims = check_layer_dims(layer_dims)
    theta = np.asarray(theta).ravel()
    expected = sum(layer_dims[l] * (layer_dims[l - 1] + 1) for l in range(1, len(layer_dims)))
    if theta.size != expected:
        raise ValueError(f"theta: expected {expected} entries for layer_dims {list(layer_dims)}, got {theta.size}")
    parameters, start = {}, 0
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = theta[start:start + n * n_prev].reshape(n, n_prev)
        start += n * n_prev
        parameters[f"b{l}"] = theta[start:start + n].reshape(n, 1)
        start += n
    return parameters


def gradients_to_vector(gradients):
    """Stack dW1, db1, ..., dWL, dbL in the order of `dictionary_to_vector`; shape (n, 1)."""
    L = num_layers({k[1:]: v for k, v in gradients.items() if k.startswith("dW")})
    return np.concatenate([np.asarray(gradients[f"d{p}{l}"]).reshape(-1, 1)
                           for l in range(1, L + 1) for p in ("W", "b")], axis=0)


def relative_error(approx, exact):
    """||approx - exact|| / (||approx|| + ||exact||) (0 when both are zero)."""
    denominator = np.linalg.norm(approx) + np.linalg.norm(exact)
    return float(np.linalg.norm(approx - exact) / denominator) if denominator else 0.0


def draw_masks(X, parameters, keep_prob, seed=0):
    """Fixed dropout masks for the hidden layers: a list of L-1 boolean (n_l, m) arrays."""
    rng = np.random.default_rng(seed)
    L = num_layers(parameters)
    return [dropout_mask((parameters[f"W{l}"].shape[0], X.shape[1]), keep_prob, rng) for l in range(1, L)]


def network_cost(parameters, X, Y, activations=None, lambd=0.0, keep_prob=1.0, masks=None):
    """J(theta): the network's cost with fixed dropout masks (stable, from the logits)."""
    AL, caches = L_model_forward_with_dropout(X, parameters, keep_prob, activations, masks=masks, validate=False)
    names = resolve_activations(activations, len(caches))
    if names[-1] in FUSED_OUTPUTS:
        return compute_cost_from_logits(caches[-1][1], Y, parameters, lambd)
    return compute_cost(AL, Y, parameters, lambd)


def backprop_gradients(parameters, X, Y, activations=None, lambd=0.0, keep_prob=1.0, masks=None):
    """The grads dict from `L_model_backward_with_regularization` (L2, dropout with the same fixed masks)."""
    AL, caches = L_model_forward_with_dropout(X, parameters, keep_prob, activations, masks=masks, validate=False)
    return L_model_backward_with_regularization(AL, Y, caches, activations, lambd)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False, activations=None,
                     lambd=0.0, keep_prob=1.0, masks=None, seed=0):
    """Relative error between backprop `gradients` and central differences of the cost.

    Everything is converted to float64. gradients=None computes them with
    `L_model_backward_with_regularization`. With keep_prob < 1, pass the `masks` used to compute
    `gradients` (or gradients=None and masks are drawn once from `seed`).
    Cost per check: 2 forward passes per parameter, so use small networks.
    """
    parameters, X, Y = check_gradient_check_arguments(parameters, gradients, X, Y, epsilon, activations, lambd,
                                                      keep_prob, masks, seed)
    if keep_prob < 1 and masks is None:
        masks = draw_masks(X, parameters, keep_prob, seed)
    if gradients is None:
        gradients = backprop_gradients(parameters, X, Y, activations, lambd, keep_prob, masks)
    grad = gradients_to_vector(gradients).astype(np.float64).ravel()
    theta, _ = dictionary_to_vector(parameters)
    theta = theta.ravel()
    layer_dims = [parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in range(1, num_layers(parameters) + 1)]
    approx = np.empty_like(theta)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for i in range(theta.size):
            saved = theta[i]
            theta[i] = saved + epsilon
            J_plus = network_cost(vector_to_dictionary(theta, layer_dims), X, Y, activations, lambd, keep_prob, masks)
            theta[i] = saved - epsilon
            J_minus = network_cost(vector_to_dictionary(theta, layer_dims), X, Y, activations, lambd, keep_prob, masks)
            theta[i] = saved
            approx[i] = (J_plus - J_minus) / (2 * epsilon)
    difference = relative_error(approx, grad)
    if print_msg:
        if difference > 2e-7:
            print(f"\033[93mThere is a mistake in the backward propagation! difference = {difference}\033[0m")
        else:
            print(f"\033[92mYour backward propagation works perfectly fine! difference = {difference}\033[0m")
    return difference
