"""Cost functions: binary and categorical cross-entropy, the L2 term, one-hot labels.

Shapes: predictions / logits and labels are (1, m) for a binary output and
(C, m) one-hot for a C-class softmax output. Costs are averaged over the m
examples and returned as Python floats (natural log, so the unit is nats).
"""

from __future__ import annotations

import numpy as np


def one_hot(labels, num_classes=None, dtype=np.float32):
    """Integer labels (m,) or (1, m) in 0..C-1 -> one-hot matrix Y of shape (C, m).

    Y[c, j] = 1 if labels[j] == c else 0. `num_classes` defaults to max(labels) + 1.
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[0] == 1:
        labels = labels[0]
    if labels.ndim != 1:
        raise ValueError(f"labels: expected shape (m,) or (1, m), got {labels.shape}")
    if labels.size == 0:
        raise ValueError("labels: expected at least one label, got an empty array (m = 0)")
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)) or labels.min() < 0:
        raise ValueError(
            f"labels: expected non-negative integer class indices, got values {_sample(labels)}"
        )
    labels = labels.astype(np.int64)
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    if labels.max() >= num_classes:
        raise ValueError(
            f"labels: expected class indices in 0..{num_classes - 1} for num_classes={num_classes}, "
            f"got values {_sample(labels)}"
        )
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
    AL = np.asarray(AL)
    Y = check_labels(Y, AL.shape, "AL")
    check_finite(AL, "AL")
    cost = binary_cross_entropy(AL, Y) if AL.shape[0] == 1 else categorical_cross_entropy(AL, Y)
    if lambd:
        if parameters is None:
            raise ValueError("parameters: expected the parameters dict when lambd > 0, got None")
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


# ---------------------------------------------------------------- input checks

def check_finite(array, name):
    """Raise ValueError if `array` holds NaN or inf (one pass over the data)."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries out of {array.size}")


def check_labels(Y, shape, against="AL"):
    """Validate labels Y against the output shape (n_y, m); return Y as an array.

    (1, m): values must be in {0, 1} (binary cost);
    (C, m): values must be in {0, 1} with one 1 per column (one-hot).
    """
    Y = np.asarray(Y)
    if Y.shape != tuple(shape):
        raise ValueError(f"Y: expected shape {tuple(shape)} to match {against}, got {Y.shape}")
    if Y.size == 0:
        raise ValueError(f"Y: expected at least one example, got an empty batch of shape {Y.shape}")
    if Y.dtype.kind == "f":
        check_finite(Y, "Y")
    if not np.all((Y == 0) | (Y == 1)):
        what = "labels in {0, 1} for a binary cost" if Y.shape[0] == 1 else "one-hot labels (0 or 1) for a categorical cost"
        raise ValueError(f"Y: expected {what}, got values {_sample(Y)}")
    if Y.shape[0] > 1 and not np.all(Y.sum(axis=0) == 1):
        raise ValueError("Y: expected one-hot columns (exactly one 1 per column) for a categorical cost, "
                         f"got column sums {_sample(Y.sum(axis=0))}")
    return Y


def _sample(values, k=8):
    """The distinct values of an array, at most k of them, for error messages."""
    u = np.unique(np.asarray(values))
    shown = ", ".join(str(v) for v in u[:k].tolist())
    return f"[{shown}{', ...' if u.size > k else ''}]"
