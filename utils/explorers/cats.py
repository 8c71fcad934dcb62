"""The cats explorer: train a cat / non-cat classifier on real photos, with Train / Stop / Save buttons."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..datasets import load_dataset
from ..network import NeuralNetwork
from ..persistence import save_parameters
from .common import (PARAMETERS_DIR, SLIDER_LAYOUT, SLIDER_STYLE, Debouncer, Explorer, display_path, dropdown, escape,
                     float_slider, html_message, int_slider, log_slider, panel, title)

#: The cats explorer's own file: the notebooks' files are never overwritten.
EXPLORER_CATS_FILE = "explorer_cats.npz"


class CatsExplorer(Explorer):
    """Train a cat / non-cat classifier on real photos with a Train button and live curves.

    Sliders choose `depth` hidden layers of `width` relu units, the Adam
    learning rate, the L2 `lambd`, the `epochs` and the image size. "Train"
    trains `NeuralNetwork` in a background thread (the kernel stays free:
    "Stop" ends the training after the current epoch) with a progress bar and
    the cost and validation accuracy redrawn about every `live_every` seconds
    (a line of text with the epoch, cost and validation accuracy follows every epoch).
    "Save" writes the trained network with `save_parameters` (atomically) to
    `save_path`, by default parameters_saved/explorer_cats.npz (never one of
    the notebooks' files), with the preprocessing `photo_explorer` needs.

    With `train=True` the explorer trains once, synchronously, with the
    default values when it is created (about a second, without live redraws) so its first view is
    complete. `data` = (X_train, y_train, X_val, y_val, preprocessing) skips
    loading the photos (tests).

    Members (besides `Explorer`'s; `debouncer` runs the trainings, one at a time):
        buttons        {"train", "stop", "save"}: the three buttons
        progress       the epochs progress bar
        live           the line of text updated after every epoch
        live_every     seconds between live redraws of the curves (None: none)
        model          the last trained `NeuralNetwork` (None before the first)
        preprocessing  the preprocessing of the photos `model` was trained on (saved with it)
        save_path      where "Save" writes; saved_path: the file written last (None before)
    """

    IDLE_TIMEOUT = 120.0

    def __init__(self, depth: int = 1, width: int = 7, learning_rate: float = 0.001, lambd: float = 0.0,
                 epochs: int = 100, image_size: int = 32, train: bool = True, save_path=None,
                 live_every: float | None = 1.0, data=None):
        save_path = Path(save_path) if save_path is not None else PARAMETERS_DIR / EXPLORER_CATS_FILE
        datasets = {int(data[4]["image_size"]): data} if data is not None else {}
        controls = self._controls(depth, width, learning_rate, lambd, epochs, image_size, sizes=datasets)
        buttons = {"train": widgets.Button(description="Train", button_style="primary", icon="play"),
                   "stop": widgets.Button(description="Stop", icon="stop", disabled=True),
                   "save": widgets.Button(description="Save", icon="save", disabled=True)}
        progress = widgets.IntProgress(value=0, min=0, max=epochs, description="epochs", style=SLIDER_STYLE,
                                       layout=SLIDER_LAYOUT)
        live, figure, status = widgets.HTML(), widgets.Output(), widgets.HTML()
        header = title("Cat or not? Train on real photos",
                       f"Choose the architecture and press Train. Save writes {save_path.name} into "
                       f"{save_path.parent.name}/ for the photo explorer.")
        super().__init__("cats", panel(header, controls, widgets.HBox(list(buttons.values())),
                                        progress, live, figure, status), controls, figure, status)
        self.buttons, self.progress, self.live, self.live_every = buttons, progress, live, live_every
        self.model: NeuralNetwork | None = None
        self.preprocessing: dict | None = None
        self.save_path, self.saved_path = save_path, None
        self.debouncer = Debouncer(self._training_job, wait=0.0, on_error=self.report_error)
        self._datasets = datasets  # image size -> (X_train, y_train, X_val, y_val, preprocessing), loaded once
        self._stop = threading.Event()
        buttons["train"].on_click(self.train)
        buttons["stop"].on_click(self.stop)
        buttons["save"].on_click(self.save)
        if train:
            self._set_running(True)
            try:
                self.run_training(live_plot=False)  # nobody sees the widget before the cell ends
            finally:
                self._set_running(False)
        else:
            status.value = html_message("Choose the sliders and press Train.")

    @staticmethod
    def _controls(depth, width, learning_rate, lambd, epochs, image_size, sizes) -> dict:
        return {
            "depth": int_slider("hidden layers", depth, 0, 4),
            "width": int_slider("units per layer", width, 1, 64),
            "learning_rate": log_slider("learning rate α (Adam)", learning_rate, -4, -1),
            "lambd": float_slider("L2 λ", lambd, 0.0, 5.0, 0.1),
            "epochs": int_slider("epochs", epochs, 10, 1000, step=10),
            "image_size": dropdown("image size (pixels)", sorted({32, 64, *sizes, int(image_size)}), int(image_size)),
        }

    # ------------------------------------------------------------ buttons

    def train(self, _button=None) -> None:
        """Start a training with the current values in the background (nothing if one is running)."""
        if not self.debouncer.idle:
            return
        self._set_running(True)
        self.debouncer()

    def stop(self, _button=None) -> None:
        """End the running training after its current epoch."""
        self._stop.set()

    def save(self, _button=None) -> None:
        """Write the trained network and its preprocessing to `save_path` (a message if there is none)."""
        model = self.model
        if model is None:
            self.status.value = html_message("Nothing to save yet: press Train first.", "error")
            return
        h = model.history_
        try:
            path = save_parameters(
                self.save_path, model.parameters_, activations=model.activations_,
                preprocessing=self.preprocessing, dataset="cats_vs_noncats", n_classes=2,
                hyperparameters=model.get_params(), history=h,
                accuracies={"train": h["train_accuracy"][-1], "val": h["val_accuracy"][-1]},
                source="utils.explorers.cats_explorer")
        except (OSError, ValueError) as error:
            self.status.value = html_message(f"Could not save: {escape(error)}", "error")
            return
        self.saved_path = path
        self.status.value = html_message(f"Saved to {escape(display_path(path))}.", "ok")

    def _set_running(self, running: bool) -> None:
        self.buttons["train"].disabled = running
        self.buttons["stop"].disabled = not running
        self.buttons["save"].disabled = running or self.model is None
        for control in self.controls.values():
            control.disabled = running

    def _training_job(self) -> None:
        try:
            self.run_training()
        finally:
            self._set_running(False)

    # ------------------------------------------------------------ training

    def data(self, image_size: int):
        """(X_train, y_train, X_val, y_val, preprocessing) at `image_size`: the project's split, standardised
        with the training photos' statistics (`utils.datasets.load_dataset`), loaded once per size."""
        if image_size not in self._datasets:
            self.status.value = html_message(f"Loading the photos at {image_size}×{image_size} pixels…")
            data = load_dataset("cats_vs_noncats", image_size, "standardize")
            self._datasets[image_size] = (data.X_train, data.Y_train, data.X_val, data.Y_val, data.preprocessing)
        return self._datasets[image_size]

    def run_training(self, live_plot: bool = True) -> None:
        """Train with the current values (in the calling thread) and show the curves and the accuracies."""
        v = self.values()
        self._stop.clear()
        try:
            X, y, X_val, y_val, preprocessing = self.data(v["image_size"])
            model = NeuralNetwork(hidden_layers=[v["width"]] * v["depth"], activations="relu",
                                  learning_rate=v["learning_rate"], epochs=v["epochs"], optimizer="adam",
                                  lambd=v["lambd"], seed=1)
            self.progress.max, self.progress.value = v["epochs"], 0
            self.status.value = html_message(f"Training {[X.shape[0], *model.hidden_layers, 1]} on {X.shape[1]} "
                                             "photos…")
            start = time.perf_counter()
            model.fit(X, y, X_val, y_val, callback=self._epoch_callback(v["epochs"], live_plot))
            seconds = time.perf_counter() - start
        except (ValueError, FileNotFoundError) as error:
            self.fail("Training failed", error)
            return
        self.model, self.preprocessing, self.error = model, preprocessing, None
        self.runs += 1
        self.show(self.draw(model.history_, "Cost"))
        stopped = " (stopped)" if model.n_epochs_ < v["epochs"] else ""
        self.status.value = html_message(
            f"Trained {model.n_epochs_} epochs{stopped} in {seconds:.1f} s: training accuracy "
            f"{model.score(X, y) * 100:.1f} %, validation accuracy {model.score(X_val, y_val) * 100:.1f} % "
            f"({X_val.shape[1]} photos the network never trained on).", "ok")

    def _epoch_callback(self, epochs: int, live_plot: bool):
        """`fit`'s callback: progress bar, live line, a live redraw every `live_every` s; False after Stop."""
        last_draw = [time.monotonic()]

        def callback(epoch, model):
            self.progress.value = epoch + 1
            h = model.history_
            self.live.value = (f"epoch {epoch + 1}/{epochs} — cost {h['cost'][-1]:.4f} — "
                               f"validation accuracy {h['val_accuracy'][-1] * 100:.1f} %")
            if live_plot and self.live_every is not None and time.monotonic() - last_draw[0] >= self.live_every:
                self.show(self.draw(h, "Cost (training…)"))
                last_draw[0] = time.monotonic()
            return not self._stop.is_set()

        return callback

    @staticmethod
    def draw(history: dict, cost_title: str) -> Figure:
        """Training and validation cost (left) and accuracy (right) per epoch."""
        fig = Figure(figsize=(10, 3.6))
        ax_cost, ax_acc = fig.subplots(1, 2)
        cost = np.asarray(history["cost"], dtype=float)
        ax_cost.plot(np.arange(cost.size), cost, label="training")
        if history.get("val_cost"):
            ax_cost.plot(np.arange(len(history["val_cost"])), history["val_cost"], label="validation")
        ax_cost.set_xlabel("epoch")
        ax_cost.set_ylabel("cost J (cross-entropy, nats)")
        ax_cost.set_title(cost_title)
        ax_cost.legend()
        ax_cost.grid(alpha=0.3)
        ax_acc.plot(np.arange(len(history["train_accuracy"])), np.asarray(history["train_accuracy"]) * 100,
                    label="training")
        if history.get("val_accuracy"):
            ax_acc.plot(np.arange(len(history["val_accuracy"])), np.asarray(history["val_accuracy"]) * 100,
                        label="validation")
        ax_acc.set_ylim(0, 102)
        ax_acc.set_xlabel("epoch")
        ax_acc.set_ylabel("accuracy (%)")
        ax_acc.set_title("Accuracy")
        ax_acc.legend(loc="lower right")
        ax_acc.grid(alpha=0.3)
        fig.tight_layout()
        return fig


def cats_explorer(depth: int = 1, width: int = 7, learning_rate: float = 0.001, lambd: float = 0.0,
                  epochs: int = 100, image_size: int = 32, train: bool = True, save_path=None,
                  live_every: float | None = 1.0, data=None) -> CatsExplorer:
    """A `CatsExplorer` (train a cat classifier on real photos), trained once with these values if `train`."""
    return CatsExplorer(depth, width, learning_rate, lambd, epochs, image_size, train, save_path, live_every, data)
