"""Checks of arrays: X, weights, network outputs, and the class-label rule (see `utils.checks`)."""

from __future__ import annotations


import numpy as np

from .values import check_dtype, check_number, got, MAX_CLASSES, sample


# ---------------------------------------------------------------- arrays

def as_array(value, name):
    """np.asarray(value), or ValueError when NumPy cannot read it as one array (ragged lists ...)."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}: expected an array of numbers, got {type(value).__name__} that NumPy cannot read "
                         f"as one array ({error})") from None


def check_real_array(value, name, allow_bool=False):
    """`value` as an array of real numbers (integer or floating-point dtype; bool too with `allow_bool`)."""
    array = as_array(value, name)
    if array.dtype.kind not in ("iufb" if allow_bool else "iuf"):
        also = ", bool" if allow_bool else ""
        raise ValueError(f"{name}: expected real numbers (an array of integers{also} or floats), "
                         f"got dtype {array.dtype}")
    return array


def check_finite(array, name):
    """Raise ValueError if `array` holds NaN or inf (one pass over the data)."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries out of {array.size}")


def check_X(X, n_x=None, name="X"):
    """X must be a finite 2-D array of real numbers (n_x, m) with m >= 1; returned as an array."""
    X = check_real_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array of shape (n_x, m), one column per example, got shape {X.shape}")
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(f"{name}: expected {n_x} rows (n_x features, one column per example), got shape {X.shape}"
                         + ("; did you pass (m, n_x)? use X.T" if X.shape[1] == n_x else ""))
    if X.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one example (column), got an empty batch of shape {X.shape}")
    check_finite(X, name)
    return X


def check_labels(Y, shape, against="AL"):
    """Validate labels Y against the output shape (n_y, m); return Y as an array.

    (1, m): values must be in {0, 1} (binary cost);
    (C, m): values must be in {0, 1} with one 1 per column (one-hot).
    """
    Y = check_real_array(Y, "Y", allow_bool=True)
    if Y.shape != tuple(shape):
        raise ValueError(f"Y: expected shape {tuple(shape)} to match {against}, got {Y.shape}")
    if Y.size == 0:
        raise ValueError(f"Y: expected at least one example, got an empty batch of shape {Y.shape}")
    check_finite(Y, "Y")
    if not np.all((Y == 0) | (Y == 1)):
        what = "labels in {0, 1} for a binary cost" if Y.shape[0] == 1 else "one-hot labels (0 or 1) for a categorical cost"
        raise ValueError(f"Y: expected {what}, got values {sample(Y)}")
    if Y.shape[0] > 1 and not np.all(Y.sum(axis=0) == 1):
        raise ValueError("Y: expected one-hot columns (exactly one 1 per column) for a categorical cost, "
                         f"got column sums {sample(Y.sum(axis=0))}")
    return Y


def check_parameters(parameters, n_x=None, name="parameters"):
    """Validate a parameters dict: W_l (n_l, n_{l-1}), b_l (n_l, 1) NumPy arrays of real numbers, chained, finite.

    Returns L, the number of layers.
    """
    if not isinstance(parameters, dict) or "W1" not in parameters:
        found = sorted(map(str, parameters)) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(f"{name}: expected a dict with keys W1, b1, ..., WL, bL, got {found}")
    L = 0
    while f"W{L + 1}" in parameters:
        L += 1
    prev = n_x
    for l in range(1, L + 1):
        if f"b{l}" not in parameters:
            raise ValueError(f"{name}: expected key 'b{l}' next to 'W{l}', got keys {sorted(map(str, parameters))}")
        for key in (f"W{l}", f"b{l}"):
            value = parameters[key]
            if not isinstance(value, np.ndarray):
                raise ValueError(f"{name}['{key}']: expected a NumPy array, got {got(value)}")
            check_real_array(value, f"{name}['{key}']")
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        if prev is None and W.ndim == 2:
            prev = W.shape[1]
        if W.ndim != 2 or W.shape[1] != prev:
            raise ValueError(f"{name}['W{l}']: expected shape (n_{l}, {prev if prev else 'n_0'}), got {W.shape}")
        if 0 in W.shape:
            raise ValueError(f"{name}['W{l}']: expected a layer of at least one unit and one input, got shape {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"{name}['b{l}']: expected shape ({W.shape[0]}, 1), got {b.shape}")
        check_finite(W, f"{name}['W{l}']")
        check_finite(b, f"{name}['b{l}']")
        prev = W.shape[0]
    return L


# ---------------------------------------------------------------- class labels

def check_one_hot(Y, name):
    """Y (C, m) must hold 0 or 1 with exactly one 1 per column."""
    check_finite(Y, name)
    if not np.all((Y == 0) | (Y == 1)) or not np.all(Y.sum(axis=0) == 1):
        raise ValueError(f"{name}: expected one-hot labels of shape (C, m) (entries 0 or 1, exactly one 1 per column), "
                         f"got values {sample(Y)} with column sums {sample(Y.sum(axis=0))}")


def check_class_indices(labels, name):
    """Labels (m,) -> int64 class indices: integers in 0 .. MAX_CLASSES - 1."""
    if labels.dtype.kind == "f":
        bad = ~np.isfinite(labels) | (labels != np.round(labels))
        if bad.any():
            raise ValueError(f"{name}: expected integer class labels 0..C-1, got values {sample(labels[bad])}")
    if labels.min() < 0:
        raise ValueError(f"{name}: expected class labels 0..C-1, got values {sample(labels)}")
    if labels.max() >= MAX_CLASSES:
        raise ValueError(f"{name}: expected class labels 0..C-1 with at most {MAX_CLASSES} classes (MAX_CLASSES), "
                         f"got a label of {labels.max()}")
    return labels.astype(np.int64)


def read_labels(y, name="y", m=None):
    """Labels in any accepted layout (see the module docstring) -> (class indices (m,) int64, C or None).

    C is the number of rows when `y` was one-hot, None for plain labels. `m`, when the caller knows
    the number of examples, only serves to read a (C, 1) array as one one-hot example (m = 1).
    """
    y = check_real_array(y, name, allow_bool=True)
    if y.ndim == 2 and y.shape[0] >= 2 and (y.shape[1] >= 2 or m == 1):
        check_one_hot(y, name)
        return y.argmax(axis=0), y.shape[0]
    if y.ndim not in (1, 2) or (y.ndim == 2 and 1 not in y.shape):
        raise ValueError(f"{name}: expected labels of shape (m,), (1, m), (m, 1) or one-hot (C, m), got shape {y.shape}")
    labels = y.reshape(-1)
    if labels.size == 0:
        raise ValueError(f"{name}: expected at least one label, got an empty array of shape {y.shape}")
    return check_class_indices(labels, name), None


def check_class_labels(labels, one_hot_rows, n_classes, name="Y", classes=None):
    """Labels read by `read_labels` that a model of `n_classes` classes can output; returns `labels`.

    The rule wherever a model's outputs meet labels (`NeuralNetwork.fit` / `score`, `predict`):
    class indices below n_classes, and a one-hot array of exactly n_classes rows (a one-hot
    array declares its number of classes). `classes` says in the message which labels those
    are, e.g. "0..3 (the classes seen in training)" (default: "0..n_classes-1").
    """
    classes = classes or f"0..{n_classes - 1}"
    if one_hot_rows is not None and one_hot_rows != n_classes:
        raise ValueError(f"{name}: expected one-hot labels of {n_classes} rows, for labels in {classes}, "
                         f"got {one_hot_rows} rows")
    if labels.size and labels.max() >= n_classes:
        raise ValueError(f"{name}: expected labels in {classes}, got values {sample(labels)}")
    return labels


def to_labels(y, name="y", m=None):
    """(m,), (1, m), (m, 1) or one-hot (C, m) -> integer class indices of shape (m,) (see `read_labels`)."""
    return read_labels(y, name, m)[0]


def check_num_classes(num_classes, name="num_classes"):
    """A number of classes: an integer in 1 .. MAX_CLASSES."""
    return int(check_number(num_classes, name, f"an integer number of classes in 1..{MAX_CLASSES}",
                            lambda v: 1 <= v <= MAX_CLASSES, integer=True))


def check_one_hot_arguments(labels, num_classes, dtype):
    """`one_hot`'s arguments: labels (m,) or (1, m) or (m, 1) of integers 0..C-1 -> (labels int64 (m,), C)."""
    check_dtype(dtype, "dtype", kinds="biuf")
    labels = check_real_array(labels, "labels", allow_bool=True)
    if labels.ndim == 2 and 1 in labels.shape:
        labels = labels.reshape(-1)
    if labels.ndim != 1:
        raise ValueError(f"labels: expected shape (m,), (1, m) or (m, 1), got {labels.shape}")
    if labels.size == 0:
        raise ValueError("labels: expected at least one label, got an empty array (m = 0)")
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)) or labels.min() < 0:
        raise ValueError(f"labels: expected non-negative integer class indices, got values {sample(labels)}")
    if num_classes is None:
        if labels.max() >= MAX_CLASSES:
            raise ValueError(f"labels: expected class indices below {MAX_CLASSES} (MAX_CLASSES), "
                             f"got a label of {labels.max()}")
        num_classes = int(labels.max()) + 1
    num_classes = check_num_classes(num_classes)
    if labels.max() >= num_classes:
        raise ValueError(f"labels: expected class indices in 0..{num_classes - 1} for num_classes={num_classes}, "
                         f"got values {sample(labels)}")
    return labels.astype(np.int64), num_classes
