"""Cost functions: binary and categorical cross-entropy, the L2 term, one-hot labels.

Shapes: predictions / logits and labels are (1, m) for a binary output and
(C, m) one-hot for a C-class softmax output. Costs are averaged over the m
examples and returned as Python floats (natural log, so the unit is nats).
"""

from __future__ import annotations

import numpy as np

from .checks import check_cost_arguments, check_finite, check_labels, check_one_hot_arguments  # noqa: F401


def one_hot(labels, num_classes=None, dtype=np.float32):
    """Integer labels (m,) or (1, m) in 0..C-1 -> one-hot matrix Y of shape (C, m).

    Y[c, j] = 1 if labels[j] == c else 0. `num_classes` defaults to max(labels) + 1.
    """
    labels, num_classes = check_one_hot_arguments(labels, num_classes, dtype)
    Y = np.zeros((num_classes, labels.size), dtype=dtype)
    Y[labels, np.arange(labels.size)] = 1
    return Y


def binary_cross_entropy(AL, Y):
    """J = -1/m * sum(Y log(AL) + (1 - Y) log(1 - AL)), AL and Y of shape (1, m).

    AL is clipped to [eps, 1 - eps] (eps of its dtype) so a saturated sigmoid
    gives a large finite cost rather than inf. Prefer `binary_cross_entropy_from_logits`.
    """
    eps = np.finfo(AL.dtype).eps if AL.dtype.kind == "f" else 1e-15
    AL = np.clip(AL, eps, 1 - eps)
    m = Y.shape[1]
    return float(-(np.dot(np.log(AL).ravel(), Y.ravel()) + np.dot(np.log1p(-AL).ravel(), 1 - Y.ravel())) / m)


def binary_cross_entropy_from_logits(Z, Y):
    """BCE of sigma(Z) computed from the logits Z without ever forming sigma(Z).

    -[y log s(z) + (1-y) log(1-s(z))] = max(z, 0) - z*y + log(1 + e^-|z|),
    exact for every z (no overflow, no log(0)). Z, Y: (1, m).
    """
    loss = np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    return float(loss.sum() / Y.shape[1])


def categorical_cross_entropy(AL, Y):
    """J = -1/m * sum_j sum_c Y[c, j] log(AL[c, j]); AL softmax output, Y one-hot, both (C, m)."""
    eps = np.finfo(AL.dtype).tiny if AL.dtype.kind == "f" else 1e-300
    return float(-np.sum(Y * np.log(np.maximum(AL, eps))) / Y.shape[1])


def categorical_cross_entropy_from_logits(Z, Y):
    """CCE of softmax(Z) from the logits: J = 1/m sum_j (logsumexp(Z_j) - Z_j . Y_j).

    logsumexp subtracts the column maximum, so it never overflows. Z, Y: (C, m).
    """
    Zmax = Z.max(axis=0, keepdims=True)
    lse = np.log(np.exp(Z - Zmax).sum(axis=0, keepdims=True)) + Zmax
    return float((lse.sum() - np.sum(Z * Y)) / Y.shape[1])


def l2_cost(parameters, lambd, m):
    """L2 penalty lambd / (2m) * sum_l ||W_l||_F^2 (biases are not penalised)."""
    if not lambd:
        return 0.0
    total = sum(float(np.vdot(W, W)) for key, W in parameters.items() if key.startswith("W"))
    return lambd / (2 * m) * total


def compute_cost(AL, Y, parameters=None, lambd=0.0):
    """Cross-entropy cost of the network output AL against labels Y (+ optional L2 term).

    AL, Y: (1, m) -> binary cross-entropy (sigmoid output);
    AL, Y: (C, m) with C > 1 -> categorical cross-entropy (softmax output, Y one-hot).
    With lambd > 0 and `parameters`, adds lambd / (2m) * sum ||W_l||^2.
    Returns a float.
    """
    AL, Y = check_cost_arguments(AL, Y, parameters, lambd)
    cost = binary_cross_entropy(AL, Y) if AL.shape[0] == 1 else categorical_cross_entropy(AL, Y)
    if lambd:
        cost += l2_cost(parameters, lambd, Y.shape[1])
    return cost


def compute_cost_from_logits(ZL, Y, parameters=None, lambd=0.0):
    """Like `compute_cost`, from the output layer's logits ZL (stable for any ZL).

    (1, m) -> `binary_cross_entropy_from_logits`; (C, m) -> `categorical_cross_entropy_from_logits`.
    No input checks: this is the training loop's cost.
    """
    cost = binary_cross_entropy_from_logits(ZL, Y) if ZL.shape[0] == 1 else categorical_cross_entropy_from_logits(ZL, Y)
    if lambd:
        cost += l2_cost(parameters, lambd, Y.shape[1])
    return cost
