"""The planar explorer: one hidden layer on 2-D points, its decision boundary and cost curve follow the sliders."""

from __future__ import annotations

import functools
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..datasets import PLANAR_SETS, generate_planar
from ..network import NeuralNetwork
from ..plots import plot_decision_boundary
from .common import Explorer, dropdown, float_slider, html_message, int_slider, log_slider, panel, title

#: name -> function returning X (2, m), Y (1, m): the data sets the explorer offers (400 points each),
#: generated with the settings of the data-set registry (`utils.datasets.REGISTRY`), as the commands do.
PLANAR_DATASETS = {name: functools.partial(generate_planar, name) for name in PLANAR_SETS}

ACTIVATIONS = ["tanh", "relu", "leaky_relu", "sigmoid"]


class PlanarExplorer(Explorer):
    """One hidden layer on 2-D points: the decision boundary and the cost curve follow the sliders.

    Trains `NeuralNetwork(hidden_layers=[hidden units], activations=activation,
    learning_rate, epochs=iterations, lambd, keep_prob, seed)` with full-batch
    gradient descent on the chosen data set (400 points) and draws
    `plots.plot_decision_boundary` next to the cost J per iteration.
    Sliders send their value on release (continuous_update=False) and trainings
    are debounced by `debounce` seconds (see `utils.explorers.common`).

    Members (besides `Explorer`'s):
        seed   the seed of every training (the same start for every slider setting)
        model  the last trained `NeuralNetwork` (None before the first, or after a failed training)
    """

    def __init__(self, dataset: str = "flower", hidden_units: int = 4, learning_rate: float = 1.2,
                 iterations: int = 3000, activation: str = "tanh", lambd: float = 0.0, keep_prob: float = 1.0,
                 seed: int = 1, debounce: float | None = 0.3):
        if dataset not in PLANAR_DATASETS:
            raise ValueError(f"dataset: expected one of {list(PLANAR_DATASETS)}, got {dataset!r}")
        controls = {
            "dataset": dropdown("data set", list(PLANAR_DATASETS), dataset),
            "hidden_units": int_slider("hidden units", hidden_units, 1, 20),
            "learning_rate": log_slider("learning rate α", learning_rate, -3, 1),
            "iterations": int_slider("iterations", iterations, 100, 5000, step=100),
            "activation": dropdown("activation", ACTIVATIONS, activation),
            "lambd": float_slider("L2 λ", lambd, 0.0, 5.0, 0.1),
            "keep_prob": float_slider("dropout keep_prob", keep_prob, 0.5, 1.0, 0.05),
        }
        figure, status = widgets.Output(), widgets.HTML()
        header = title("Planar data: one hidden layer",
                       "Change a slider: the network is retrained from scratch (same seed) and both plots redraw.")
        super().__init__("planar", panel(header, controls, figure, status),
                         controls, figure, status)
        self.seed = seed
        self.model: NeuralNetwork | None = None
        self._data: dict = {}  # data set name -> (X, Y), generated once
        self.watch(self.redraw, debounce)

    def data(self, name: str):
        """(X, Y) of the data set `name`, generated on first use."""
        if name not in self._data:
            self._data[name] = PLANAR_DATASETS[name]()
        return self._data[name]

    def redraw(self) -> None:
        """Train with the current values and show the boundary, the cost curve and the accuracy."""
        values = self.values()
        X, Y = self.data(values["dataset"])
        start = time.perf_counter()
        try:
            model = NeuralNetwork(hidden_layers=[values["hidden_units"]], activations=values["activation"],
                                  learning_rate=values["learning_rate"], epochs=values["iterations"],
                                  lambd=values["lambd"], keep_prob=values["keep_prob"], seed=self.seed)
            model.fit(X, Y)
        except ValueError as error:  # e.g. the cost diverged at a large learning rate
            self.model = None
            self.fail("Training failed", error)
            return
        seconds = time.perf_counter() - start
        self.model, self.error = model, None
        self.show(self.draw(model, X, Y, values))
        self.runs += 1
        costs = model.history_["cost"]
        self.status.value = html_message(
            f"Training accuracy {model.score(X, Y) * 100:.1f} % after {model.n_epochs_} iterations "
            f"(final cost {costs[-1]:.4f}, trained in {seconds:.2f} s)", "ok")

    @staticmethod
    def draw(model: NeuralNetwork, X, Y, values: dict) -> Figure:
        """The decision boundary of `model` on (X, Y) beside its cost per iteration."""
        fig = Figure(figsize=(10, 4))
        ax_boundary, ax_cost = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plot_decision_boundary(model.predict, X, Y, ax=ax_boundary, resolution=150)
        ax_boundary.set_title(f"Decision boundary ({values['hidden_units']} hidden units, {values['activation']})")
        costs = np.asarray(model.history_["cost"], dtype=float)
        ax_cost.plot(np.arange(costs.size), costs, color="tab:blue")
        ax_cost.set_xlabel("iteration (gradient steps)")
        ax_cost.set_ylabel("cost J (cross-entropy, nats)")
        ax_cost.set_title(f"Training cost (α = {values['learning_rate']:.3g})")
        ax_cost.grid(alpha=0.3)
        fig.tight_layout()
        return fig


def planar_explorer(dataset: str = "flower", hidden_units: int = 4, learning_rate: float = 1.2,
                    iterations: int = 3000, activation: str = "tanh", lambd: float = 0.0, keep_prob: float = 1.0,
                    seed: int = 1, debounce: float | None = 0.3) -> PlanarExplorer:
    """A `PlanarExplorer` (one hidden layer on 2-D points), already drawn with these values."""
    return PlanarExplorer(dataset, hidden_units, learning_rate, iterations, activation, lambd, keep_prob, seed,
                          debounce)
