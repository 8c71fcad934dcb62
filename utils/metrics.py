"""Classification metrics on label vectors.

Labels may be given as (m,), (1, m), a column (m, 1), or one-hot (C, m); they
are read as class indices first, by one rule for the whole library
(`utils.checks.read_labels`):

    (m,), (1, m), (m, 1)   one integer label 0..C-1 per example (ints, integer-valued floats or bools)
    (C, m), C >= 2, m >= 2  one-hot: entries 0 or 1, exactly one 1 per column

So a single column (m, 1) is m labels, never one one-hot example, unless the
other argument holds a single label: ``accuracy([[1], [0], [0], [0]],
[[1], [1], [1], [1]])`` compares four labels (0.25). Probabilities are not
labels: threshold or argmax them first. Labels must be integers in
0 .. MAX_CLASSES - 1 (10,000), and y_true and y_pred must hold as many labels.
A one-hot argument declares its classes (its C rows): the other argument's
labels must be below C, and a one-hot other argument must have C rows too.
For binary problems the positive class is 1 (cat).

    accuracy  = (TP + TN) / m
    precision = TP / (TP + FP)      recall = TP / (TP + FN)
    F1        = 2 precision recall / (precision + recall)

A ratio whose denominator is 0 (e.g. no positive prediction) is reported as 0.0.
"""

from __future__ import annotations

import numpy as np

from .checks import (MAX_CLASSES, check_class_labels, check_num_classes, check_number, read_labels,  # noqa: F401
                     to_labels)  # to_labels re-exported


def _single_label_count(y):
    """m when `y` is a flat label array (m,) or (1, m), so that the other argument can be read against it."""
    try:
        shape = np.shape(y)
    except ValueError:  # ragged: reported when y itself is read
        return None
    return int(np.prod(shape)) if len(shape) == 1 or (len(shape) == 2 and shape[0] == 1) else None


def _pair(y_true, y_pred):
    """(y_true, y_pred) as class indices (m,), refused where they disagree: their number, or the classes a
    one-hot argument declares (its rows, `utils.checks.check_class_labels`, the rule of `NeuralNetwork.score`)."""
    t, t_rows = read_labels(y_true, "y_true", _single_label_count(y_pred))
    p, p_rows = read_labels(y_pred, "y_pred", t.size)
    if t.shape != p.shape:
        raise ValueError(f"y_pred: expected {t.size} labels to match y_true, got {p.size}")
    if t_rows is not None:
        check_class_labels(p, p_rows, t_rows, "y_pred", f"0..{t_rows - 1} (the {t_rows} rows of the one-hot y_true)")
    elif p_rows is not None:
        check_class_labels(t, None, p_rows, "y_true", f"0..{p_rows - 1} (the {p_rows} rows of the one-hot y_pred)")
    return t, p


def accuracy(y_true, y_pred):
    """Fraction of examples whose predicted label equals the true label, in [0, 1]."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(t == p))


def majority_baseline(y_true, class_names=None):
    """(class, accuracy) of the best constant answer on these examples: always answering their most frequent class.

    The bar every accuracy is judged against. It is computed on the examples being scored (the
    validation or test labels themselves), so it is the best any constant answer can do there; a
    classifier below it has learnt less than "always say X". Ties go to the smaller class index.
    With `class_names` (e.g. ["non-cat", "cat"]) the class comes back by its name.
    """
    labels, _ = read_labels(y_true, "y_true")
    counts = np.bincount(labels)
    best = int(np.argmax(counts))
    name = best if class_names is None else class_names[best]
    return name, float(counts[best] / labels.size)


def format_baseline(y_true, class_names=None):
    """"always answering 'non-cat' would score 65.9% (27 of 41)" for these labels (`majority_baseline`), to print
    beside an accuracy measured on the same examples."""
    name, share = majority_baseline(y_true, class_names)
    m = read_labels(y_true, "y_true")[0].size
    return f"always answering {name!r} would score {share:.1%} ({round(share * m)} of {m})"


def confusion_matrix(y_true, y_pred, num_classes=None):
    """(C, C) counts: entry [i, j] = number of examples of true class i predicted as j."""
    t, p = _pair(y_true, y_pred)
    C = int(max(t.max(), p.max()) + 1) if num_classes is None else check_num_classes(num_classes)
    if max(t.max(), p.max()) >= C:
        raise ValueError(f"num_classes: expected more than the largest label {max(t.max(), p.max())}, got {C}")
    cm = np.zeros((C, C), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def _ratio(a, b):
    return float(a / b) if b else 0.0


def _per_class(y_true, y_pred, min_classes=None):
    """(tp, fp, fn): per-class counts, arrays of length C = max(largest label + 1, min_classes)."""
    t, p = _pair(y_true, y_pred)
    C = max(int(max(t.max(), p.max())) + 1, min_classes or 0)
    tp = np.bincount(t[t == p], minlength=C)
    return tp, np.bincount(p, minlength=C) - tp, np.bincount(t, minlength=C) - tp


def _score(y_true, y_pred, average, positive, which):
    if not isinstance(average, str) or average not in ("binary", "macro"):
        raise ValueError(f"average: expected 'binary' or 'macro', got {average!r}")
    positive = int(check_number(positive, "positive", f"a class label: an integer in 0..{MAX_CLASSES - 1}",
                                lambda v: 0 <= v < MAX_CLASSES, integer=True))
    tp, fp, fn = _per_class(y_true, y_pred, positive + 1 if average == "binary" else None)
    if average == "binary":
        return _score_one(tp[positive], fp[positive], fn[positive], which)
    return float(np.mean([_score_one(tp[i], fp[i], fn[i], which) for i in range(tp.size)]))


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
