"""Figures for training and evaluation (matplotlib). Every function returns its Axes or Figure.

None of them calls plt.show(): a notebook shows the figure at the end of the
cell (end the line with ``;`` to hide the returned object's text).
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt

from .checks import (check_callable, check_finite, check_non_negative, check_number, check_positive,
                     check_positive_int, check_real_array, got, to_labels)

MAX_RESOLUTION = 2000  # grid points per axis of a decision boundary (2000 x 2000 = 4 million predictions)


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_cost_curve(costs, learning_rate=None, every=1, ax=None, label=None):
    """Cost J against iterations; costs[i] was recorded at iteration i * every."""
    costs = np.squeeze(check_real_array(costs, "costs")).astype(float)
    if costs.ndim > 1:
        raise ValueError(f"costs: expected a list of costs (one dimension), got shape {costs.shape}")
    check_positive_int(every, "every")
    if learning_rate is not None:
        check_positive(learning_rate, "learning_rate")
    ax = _axes(ax)
    iterations = np.arange(costs.size) * every
    ax.plot(iterations, np.atleast_1d(costs), label=label or "training cost")
    ax.set_xlabel("iteration (gradient steps)")
    ax.set_ylabel("cost J (cross-entropy, nats)")
    title = "Training cost" + (f" (learning rate = {learning_rate})" if learning_rate is not None else "")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_accuracy_curves(history, ax=None, val_label="validation"):
    """Train (and validation, if recorded) accuracy in % against the epoch (1, 2, ...), from `NeuralNetwork.history_`.

    `history` may hold lists or arrays (as reloaded from an .npz file); `val_label`
    names the second curve (e.g. "test" when no validation split is used).
    """
    if not isinstance(history, dict) or "train_accuracy" not in history:
        raise ValueError(f"history: expected a dict with 'train_accuracy' (a NeuralNetwork's history_), "
                         f"got {got(history)}")
    ax = _axes(ax)
    train = check_real_array(history["train_accuracy"], "history['train_accuracy']").astype(float) * 100
    ax.plot(np.arange(1, train.size + 1), train, label="train")
    val = history.get("val_accuracy")
    if val is not None and len(val):
        ax.plot(np.arange(1, len(val) + 1), np.asarray(val, dtype=float) * 100, label=val_label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.set_title("Accuracy during training")
    ax.set_ylim(0, 102)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_decision_boundary(predict_fn, X, Y, ax=None, resolution=200, margin=0.5):
    """Colour the plane by the predicted class and scatter the 2-D points X (2, m) by label Y.

    predict_fn maps a (2, k) array of points to k labels (any shape with k entries),
    e.g. ``model.predict`` or ``lambda P: predict(P, None, parameters)``.
    """
    check_callable(predict_fn, "predict_fn", allow_none=False)
    X = check_real_array(X, "X")
    if X.ndim != 2 or X.shape[0] != 2 or X.shape[1] == 0:
        raise ValueError(f"X: expected 2-D points of shape (2, m), got {X.shape}")
    check_finite(X, "X")
    labels = to_labels(Y, "Y", X.shape[1])
    if labels.size != X.shape[1]:
        raise ValueError(f"Y: expected {X.shape[1]} labels, one per point of X, got shape {np.shape(Y)}")
    check_number(resolution, "resolution", f"an integer number of grid points in 2..{MAX_RESOLUTION}",
                 lambda v: 2 <= v <= MAX_RESOLUTION, integer=True)
    check_non_negative(margin, "margin")
    ax = _axes(ax, (6, 5))
    x0 = np.linspace(X[0].min() - margin, X[0].max() + margin, resolution)
    x1 = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    G0, G1 = np.meshgrid(x0, x1)
    grid = np.stack([G0.ravel(), G1.ravel()]).astype(X.dtype if X.dtype.kind == "f" else np.float32)
    Z = np.asarray(predict_fn(grid)).reshape(G0.shape)
    ax.contourf(G0, G1, Z, alpha=0.3, cmap="coolwarm", levels=np.arange(Z.max() + 2) - 0.5)
    for c in np.unique(labels):
        ax.scatter(X[0, labels == c], X[1, labels == c], s=12, edgecolor="k", linewidth=0.3, label=f"class {c}")
    ax.set_xlabel("x1 (feature units)")
    ax.set_ylabel("x2 (feature units)")
    ax.set_title("Decision boundary")
    ax.legend()
    return ax


def plot_image_grid(images, labels, predictions=None, class_names=("non-cat", "cat"), ncols=5, max_images=20):
    """A grid of (m, H, W, 3) uint8 photos titled with their label (and prediction; red when wrong)."""
    images = check_real_array(images, "images")
    if images.ndim not in (3, 4):
        raise ValueError(f"images: expected a batch (m, H, W, 3) or grey (m, H, W), got shape {images.shape}")
    labels = to_labels(labels, "labels", len(images))
    predictions = None if predictions is None else to_labels(predictions, "predictions", len(images))
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and (values.size != len(images) or values.max() >= len(class_names)):
            raise ValueError(f"{name}: expected {len(images)} labels (one per image) in 0..{len(class_names) - 1} "
                             f"(one per class name), got {values.size} labels up to {values.max()}")
    check_positive_int(ncols, "ncols")
    n = min(len(images), check_positive_int(max_images, "max_images"))
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.2 * ncols, 2.7 * nrows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i])
        title = f"label: {class_names[labels[i]]}"
        wrong = False
        if predictions is not None:
            title += f"\npredicted: {class_names[predictions[i]]}"
            wrong = predictions[i] != labels[i]
        ax.set_title(title, fontsize=8, color="red" if wrong else "black")
    fig.suptitle("Photos with labels" + (" and predictions (red: wrong)" if predictions is not None else ""))
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm, class_names=None, ax=None):
    """Heat map of a (C, C) confusion matrix (rows: true class, columns: predicted class), counts annotated."""
    cm = check_real_array(cm, "cm")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.size == 0 or not np.isfinite(cm).all() or (cm < 0).any():
        raise ValueError(f"cm: expected a square (C, C) matrix of counts (from confusion_matrix), got "
                         f"shape {cm.shape}" + (" with negative or non-finite entries" if cm.ndim == 2 else ""))
    names = list(class_names) if class_names is not None else [str(i) for i in range(cm.shape[0])]
    if len(names) != cm.shape[0]:
        raise ValueError(f"class_names: expected {cm.shape[0]} names (one per row of cm), got {len(names)}")
    ax = _axes(ax, (4.5, 4))
    image = ax.imshow(cm, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, label="number of examples")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("Confusion matrix (counts)")
    return ax
