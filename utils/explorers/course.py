"""The course explorer: retrain the course's 4-layer cat classifier while you move the sliders.

The network of chapter 3 (`project.ipynb`), layer sizes [12288, 20, 7, 5, 1]
(relu, relu, relu, sigmoid), trained with full-batch gradient descent on 168
of the course's 209 `catvnoncat` training photos and scored on the other 41,
held out as validation photos (20 % of each class, `stratified_holdout` with
seed 0: the split of chapter 1). The 50 test photos are not used: settings are
compared on validation photos, never on test photos.

Retraining takes about a second because `NeuralNetwork` trains in float64
(the course's precision) and, with fewer photos than pixels, trains the first
layer through the 168 x 168 Gram matrix X^T X instead of its 12288 columns of
weights (`utils/span.py`): the same gradient steps, to rounding.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..datasets import load_catvnoncat, stratified_holdout
from ..network import NeuralNetwork
from ..plots import plot_cost_curve
from ..preprocessing import images_to_matrix
from .common import Explorer, float_slider, html_message, int_slider, log_slider, panel, title

#: The course's network: 64 x 64 x 3 pixels in, three relu layers, one sigmoid unit out.
COURSE_LAYERS = [12288, 20, 7, 5, 1]


class CourseExplorer(Explorer):
    """The course's 4-layer network on the cat photos (training / validation), retrained after every slider move.

    Sliders: the learning rate α, the number of iterations (full-batch gradient
    steps) and the L2 λ. Each setting trains
    `NeuralNetwork(hidden_layers=[20, 7, 5], initialization="xavier", dtype=np.float64)`
    from the same start (`seed`) and shows its cost curve (the first run's in
    grey), the training and validation accuracies and the time the update took.
    Trainings run in a background thread, `debounce` seconds after the last
    slider move (see `utils.explorers.common`).

    Members (besides `Explorer`'s):
        seed            the seed of every training (the course's initial weights with 1)
        photos          (X_train (12288, 168), Y_train (1, 168), X_val (12288, 41), Y_val (1, 41)), float64,
                        loaded once (None if the photos are missing)
        model           the last trained `NeuralNetwork` (None before the first, or after a failed training)
        reference       the first run: {"cost": [...], "train": accuracy, "validation": accuracy, "label": str}
        train_accuracy  the last model's accuracy on the training photos, in [0, 1]
        validation_accuracy  the same on the validation photos
        seconds         how long the last update took: training, accuracies and figure
        latency         seconds from the slider move to the new figure (None for the first view)
    """

    def __init__(self, learning_rate: float = 0.0075, iterations: int = 2500, lambd: float = 0.0, seed: int = 1,
                 debounce: float | None = 0.15):
        controls = {
            "learning_rate": log_slider("learning rate α", learning_rate, -4, -1, 0.05),
            "iterations": int_slider("iterations", iterations, 100, 2500, step=100),
            "lambd": float_slider("L2 λ", lambd, 0.0, 3.0, 0.1),
        }
        figure, status = widgets.Output(), widgets.HTML()
        header = title("The course's 4-layer network on the cat photos",
                       "Move a slider: the network [12288, 20, 7, 5, 1] is retrained from the same start "
                       "and the cost curve and the accuracies are redrawn (in a second or two).")
        super().__init__("course", panel(header, controls, figure, status),
                         controls, figure, status)
        self.seed = seed
        self.photos: tuple | None = None
        self.model: NeuralNetwork | None = None
        self.reference: dict | None = None
        self.train_accuracy: float | None = None
        self.validation_accuracy: float | None = None
        self.seconds: float | None = None
        self.latency: float | None = None
        try:
            self.photos = self.load_photos()
        except FileNotFoundError as error:
            self.fail("Could not load the catvnoncat photos", error)
            return
        self.watch(self.redraw, debounce)

    @staticmethod
    def load_photos():
        """The course's 209 training photos as float64 matrices, split: (X_train, Y_train, X_val, Y_val).

        20 % of each class (`stratified_holdout`, seed 0, as in chapter 1) are validation photos.
        """
        photos, labels, *_ = load_catvnoncat()
        train_idx, val_idx = map(np.sort, stratified_holdout(labels[0], fraction=0.2, seed=0))
        return (images_to_matrix(photos[train_idx], np.float64), labels[:, train_idx],
                images_to_matrix(photos[val_idx], np.float64), labels[:, val_idx])

    def redraw(self) -> None:
        """Train with the current values; show the cost curve, the accuracies and the time taken."""
        moved = self.debouncer.last_call if self.debouncer is not None else None
        v = self.values()
        X, Y, X_val, Y_val = self.photos
        start = time.perf_counter()
        try:
            model = NeuralNetwork(hidden_layers=COURSE_LAYERS[1:-1], initialization="xavier",
                                  learning_rate=v["learning_rate"], epochs=v["iterations"], lambd=v["lambd"],
                                  seed=self.seed, dtype=np.float64)
            model.fit(X, Y)
        except ValueError as error:  # the cost diverged at a large learning rate
            self.model = self.train_accuracy = self.validation_accuracy = None
            self.fail("Training failed", error)
            return
        trained = time.perf_counter() - start
        self.model, self.error = model, None
        self.train_accuracy, self.validation_accuracy = model.score(X, Y), model.score(X_val, Y_val)
        label = f"α = {v['learning_rate']:.3g}, {v['iterations']} iterations, λ = {v['lambd']:.2g}"
        if self.reference is None:
            self.reference = {"cost": list(model.history_["cost"]), "train": self.train_accuracy,
                              "validation": self.validation_accuracy, "label": f"first run ({label})"}
        self.show(self.draw(model.history_["cost"], label), crop=False)
        self.seconds = time.perf_counter() - start
        self.latency = None if moved is None else time.monotonic() - moved
        self.runs += 1
        after = "" if self.latency is None else f", shown {self.latency:.2f} s after the slider moved"
        self.status.value = html_message(
            f"Training accuracy <b>{self.train_accuracy * 100:.1f} %</b>, validation accuracy "
            f"<b>{self.validation_accuracy * 100:.1f} %</b> ({Y_val.shape[1]} photos never trained on; "
            f"one photo = {100 / Y_val.shape[1]:.1f} points); "
            f"final cost {model.history_['cost'][-1]:.4f}. Updated in {self.seconds:.2f} s "
            f"(training {trained:.2f} s{after}).", "ok")

    def draw(self, costs, label: str) -> Figure:
        """The cost per iteration (and the first run's) beside the training and validation accuracies."""
        fig = Figure(figsize=(10, 3.8))
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.91, wspace=0.22)  # by hand: quicker
        ax_cost, ax_acc = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
        ref = self.reference
        ax_cost.plot(np.arange(len(ref["cost"])), ref["cost"], color="0.65", linestyle="--", label=ref["label"])
        plot_cost_curve(costs, ax=ax_cost, label=label)
        ax_cost.set_title("Training cost (with the L2 term when λ > 0)")
        bars = ax_acc.bar(["training", "validation"], [self.train_accuracy * 100, self.validation_accuracy * 100],
                          color=["tab:blue", "tab:orange"])
        ax_acc.bar_label(bars, fmt="%.1f %%", label_type="center", color="white", fontweight="bold")
        ax_acc.plot(["training", "validation"], [ref["train"] * 100, ref["validation"] * 100], "k_", markersize=40)
        ax_acc.set_ylim(0, 105)
        ax_acc.set_ylabel("accuracy (%)")
        ax_acc.set_title("Accuracy (black line: first run)")
        return fig


def course_explorer(learning_rate: float = 0.0075, iterations: int = 2500, lambd: float = 0.0, seed: int = 1,
                    debounce: float | None = 0.15) -> CourseExplorer:
    """A `CourseExplorer` (the course's 4-layer network, training / validation photos), trained with these values."""
    return CourseExplorer(learning_rate, iterations, lambd, seed, debounce)
