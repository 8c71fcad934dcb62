"""Classification metrics on label vectors.

Labels may be given as (m,), (1, m) or one-hot (C, m); they are flattened to
class indices first. For binary problems the positive class is 1 (cat).

    accuracy  = (TP + TN) / m
    precision = TP / (TP + FP)      recall = TP / (TP + FN)
    F1        = 2 precision recall / (precision + recall)

A ratio whose denominator is 0 (e.g. no positive prediction) is reported as 0.0.
"""

from __future__ import annotations

import numpy as np


def to_labels(y, name="y"):
    """(m,), (1, m) or one-hot (C, m) -> integer class indices of shape (m,)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[0] > 1:
        return y.argmax(axis=0)
    if y.ndim == 2 and y.shape[0] == 1:
        y = y[0]
    if y.ndim != 1:
        raise ValueError(f"{name}: expected labels of shape (m,), (1, m) or one-hot (C, m), got {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{name}: expected integer class labels, got non-integer values")
        y = y.astype(np.int64)
    return y


def _pair(y_true, y_pred):
    t, p = to_labels(y_true, "y_true"), to_labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_pred: expected {t.size} labels to match y_true, got {p.size}")
    if t.size == 0:
        raise ValueError("y_true: expected at least one label, got an empty array")
    return t, p


def accuracy(y_true, y_pred):
    """Fraction of examples whose predicted label equals the true label, in [0, 1]."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes=None):
    """(C, C) counts: entry [i, j] = number of examples of true class i predicted as j."""
    t, p = _pair(y_true, y_pred)
    if t.min() < 0 or p.min() < 0:
        raise ValueError("y_true: expected non-negative class indices, got negative labels")
    C = int(max(t.max(), p.max()) + 1) if num_classes is None else int(num_classes)
    if max(t.max(), p.max()) >= C:
        raise ValueError(f"num_classes: expected more than the largest label {max(t.max(), p.max())}, got {C}")
    cm = np.zeros((C, C), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def _ratio(a, b):
    return float(a / b) if b else 0.0


def _per_class(y_true, y_pred, min_classes=None):
    """(cm, tp, fp, fn): the confusion matrix and per-class counts (arrays of length C)."""
    t, p = _pair(y_true, y_pred)
    C = max(int(max(t.max(), p.max())) + 1, min_classes or 0)
    cm = confusion_matrix(t, p, C)
    tp = np.diag(cm)
    return cm, tp, cm.sum(axis=0) - tp, cm.sum(axis=1) - tp


def _score(y_true, y_pred, average, positive, which):
    if average not in ("binary", "macro"):
        raise ValueError(f"average: expected 'binary' or 'macro', got {average!r}")
    cm, tp, fp, fn = _per_class(y_true, y_pred, positive + 1 if average == "binary" else None)
    if average == "binary":
        return _score_one(tp[positive], fp[positive], fn[positive], which)
    return float(np.mean([_score_one(tp[i], fp[i], fn[i], which) for i in range(cm.shape[0])]))


def _score_one(tp, fp, fn, which):
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {"precision": p, "recall": r, "f1": _ratio(2 * p * r, p + r)}[which]


def precision(y_true, y_pred, average="binary", positive=1):
    """TP / (TP + FP) for the positive class ("binary") or averaged over classes ("macro")."""
    return _score(y_true, y_pred, average, positive, "precision")


def recall(y_true, y_pred, average="binary", positive=1):
    """TP / (TP + FN) for the positive class ("binary") or averaged over classes ("macro")."""
    return _score(y_true, y_pred, average, positive, "recall")


def f1_score(y_true, y_pred, average="binary", positive=1):
    """2 P R / (P + R) for the positive class ("binary") or averaged over classes ("macro")."""
    return _score(y_true, y_pred, average, positive, "f1")
