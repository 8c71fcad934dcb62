"""Activation functions g(Z) and their backward passes dZ = dA * g'(Z).

Course-style API: every forward returns ``(A, cache)`` with ``cache = Z``, every
backward takes ``(dA, cache)`` and returns ``dZ``. All arrays are ``(n_l, m)``
(one column per example); softmax normalises over axis 0 (the C classes).

All functions are stable for |z| up to 1e4 and beyond: no overflow warnings,
no NaN. ``get_activation(name)`` maps a name to its (forward, backward) pair.
"""

from __future__ import annotations

import numpy as np

LEAKY_SLOPE = 0.01


def sigmoid(Z):
    """sigma(z) = 1 / (1 + e^-z), computed as (1 + tanh(z/2)) / 2 (never overflows).

    Z: (n, m) -> A: (n, m) in [0, 1]; cache = Z.
    """
    A = np.tanh(Z * 0.5)
    A += 1
    A *= 0.5
    return A, Z


def sigmoid_backward(dA, cache):
    """dZ = dA * s * (1 - s) with s = sigma(Z)."""
    s, _ = sigmoid(cache)
    return dA * s * (1 - s)


def tanh(Z):
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z). Z: (n, m) -> A: (n, m); cache = Z."""
    return np.tanh(Z), Z


def tanh_backward(dA, cache):
    """dZ = dA * (1 - tanh(Z)^2)."""
    t = np.tanh(cache)
    return dA * (1 - t * t)


def relu(Z):
    """relu(z) = max(0, z). Z: (n, m) -> A: (n, m); cache = Z."""
    return np.maximum(Z, 0), Z


def relu_backward(dA, cache):
    """dZ = dA * [Z > 0] (the derivative at 0 is taken as 0, like the course)."""
    return dA * (cache > 0)


def leaky_relu(Z, slope=LEAKY_SLOPE):
    """leaky_relu(z) = z if z > 0 else slope * z (slope 0.01). cache = Z."""
    return np.where(Z > 0, Z, Z * slope).astype(Z.dtype, copy=False), Z


def leaky_relu_backward(dA, cache, slope=LEAKY_SLOPE):
    """dZ = dA * (1 if Z > 0 else slope)."""
    return np.where(cache > 0, dA, dA * slope).astype(dA.dtype, copy=False)


def softmax(Z):
    """softmax(Z)[i, j] = e^{Z_ij} / sum_k e^{Z_kj}, over axis 0 (classes).

    The column maximum is subtracted first, so exp never overflows.
    Z: (C, m) -> A: (C, m), every column sums to 1; cache = Z.
    """
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    E /= E.sum(axis=0, keepdims=True)
    return E, Z


def softmax_backward(dA, cache):
    """Jacobian-vector product of softmax, column by column.

    dZ_j = diag(a_j) dA_j - a_j (a_j . dA_j) = a * (dA - sum_i(a * dA)).
    (With cross-entropy the product simplifies to A - Y; `L_model_backward` uses that.)
    """
    A, _ = softmax(cache)
    return A * (dA - np.sum(A * dA, axis=0, keepdims=True))


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "relu": (relu, relu_backward),
    "leaky_relu": (leaky_relu, leaky_relu_backward),
    "softmax": (softmax, softmax_backward),
}


def default_activations(L, hidden="relu"):
    """The course's activations for an L-layer network: `hidden` for layers 1..L-1, sigmoid for the output."""
    return [hidden] * (L - 1) + ["sigmoid"]


def get_activation(name):
    """Return (forward, backward) for an activation name; unknown names raise ValueError."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation: expected one of {sorted(ACTIVATIONS)}, got {name!r}"
        ) from None
