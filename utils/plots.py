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


def plot_image_grid(images, labels, predictions=None, class_names=("non-cat", "cat"), ncols=5, max_images=20,
                    captions=None):
    """A grid of (m, H, W, 3) uint8 photos titled with their label (and prediction; red when wrong).

    Grey pictures (m, H, W) (the digits) are drawn as dark ink on white: 0 = background.

    captions: optional, one string per photo, added as a last title line (e.g. "P(cat) = 0.79").
    """
    images = check_real_array(images, "images")
    if images.ndim not in (3, 4):
        raise ValueError(f"images: expected a batch (m, H, W, 3) or grey (m, H, W), got shape {images.shape}")
    labels = to_labels(labels, "labels", len(images))
    predictions = None if predictions is None else to_labels(predictions, "predictions", len(images))
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and (values.size != len(images) or values.max() >= len(class_names)):
            raise ValueError(f"{name}: expected {len(images)} labels (one per image) in 0..{len(class_names) - 1} "
                             f"(one per class name), got {values.size} labels up to {values.max()}")
    if captions is not None and (isinstance(captions, str) or len(captions) != len(images)
                                 or not all(isinstance(c, str) for c in captions)):
        raise ValueError(f"captions: expected {len(images)} strings (one per image), got {got(captions)}")
    check_positive_int(ncols, "ncols")
    n = min(len(images), check_positive_int(max_images, "max_images"))
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.2 * ncols, 2.7 * nrows + 0.5), squeeze=False)
    # grey pictures (m, H, W): dark ink on a light background, 0 = background, 255 (or 1.0) = full ink
    grey = {} if images.ndim == 4 else {"cmap": "gray_r", "vmin": 0, "vmax": 255 if images.dtype == np.uint8 else 1}
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], **grey)
        title = f"label: {class_names[labels[i]]}"
        wrong = False
        if predictions is not None:
            title += f"\npredicted: {class_names[predictions[i]]}"
            wrong = predictions[i] != labels[i]
        if captions is not None:
            title += f"\n{captions[i]}"
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


def plot_first_layer_weights(W1, image_shape, units=None, ncols=8):
    """Each first-layer unit's weights W1[j] (one per input pixel) drawn as a picture of `image_shape`.

    W1: (n_1, n_0) with n_0 = H * W (grey pictures flattened row by row, as `images_to_matrix` does);
    image_shape: (H, W). Unit j's row is reshaped to (H, W) and coloured on a diverging scale
    symmetric around 0, its own: red where ink on that pixel raises z_j = W1[j] x + b1[j], blue
    where it lowers it, white where the pixel does not matter. units: the indices of the units
    to draw (default: the first 4 * ncols). Returns the Figure.
    """
    W1 = check_real_array(W1, "W1")
    if W1.ndim != 2:
        raise ValueError(f"W1: expected a weight matrix (n_1, n_0), got shape {W1.shape}")
    if (not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2
            or not all(isinstance(n, (int, np.integer)) and n > 0 for n in image_shape)
            or image_shape[0] * image_shape[1] != W1.shape[1]):
        raise ValueError(f"image_shape: expected (H, W) with H * W = {W1.shape[1]} (the columns of W1), "
                         f"got {got(image_shape)}")
    check_positive_int(ncols, "ncols")
    if units is None:
        units = range(min(W1.shape[0], 4 * ncols))
    units = np.asarray(list(units))
    if units.size == 0 or units.dtype.kind not in "iu" or units.min() < 0 or units.max() >= W1.shape[0]:
        raise ValueError(f"units: expected indices of units in 0..{W1.shape[0] - 1}, got {got(units)}")
    nrows = -(-units.size // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.5 * nrows + 0.6), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, j in zip(axes.ravel(), units):
        picture = W1[j].reshape(image_shape)
        limit = float(np.abs(picture).max()) or 1.0
        ax.imshow(picture, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(f"unit {j + 1}", fontsize=8)
    fig.suptitle(f"First-layer weights of {units.size} of the {W1.shape[0]} units, as {image_shape[0]} x "
                 f"{image_shape[1]} pictures (red +, blue -, each unit on its own scale)")
    fig.tight_layout()
    return fig


def plot_band(ax, x, curves, label, log=False, **style):
    """The mean over seeds of `curves` (n_seeds, n) as a line, mean ± standard deviation as a shaded band.

    log=True, for a log-scale axis: the same on log10(curves), i.e. the geometric mean, with a band
    from it divided by to multiplied by the geometric standard deviation (a band that never crosses 0).
    With one seed the band is empty (no spread to show). Returns the line.
    """
    curves = np.atleast_2d(np.asarray(curves, dtype=float))
    if curves.shape[1] != len(x):
        raise ValueError(f"curves: expected (n_seeds, {len(x)}) (one column per x), got shape {curves.shape}")
    if log and not (curves > 0).all():
        raise ValueError("curves: expected positive values with log=True (a log-scale axis), got values <= 0")
    values = np.log10(curves) if log else curves
    mean = values.mean(axis=0)
    sd = values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros_like(mean)
    low, centre, high = (10 ** v for v in (mean - sd, mean, mean + sd)) if log else (mean - sd, mean, mean + sd)
    line, = ax.plot(x, centre, label=label, **style)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    return line
