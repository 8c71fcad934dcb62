"""The optimiser explorer: GD, momentum, RMSprop and Adam side by side on a 2-D loss surface.

The paths come from `utils.optimizer_surfaces` (the library's own update
rules through `utils.optimizers.OPTIMIZERS`); this module only draws them.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..optimizer_surfaces import SURFACES, loss_at_minimum, optimizer_trajectories, surface_grid
from .common import Explorer, dropdown, float_slider, html_message, int_slider, log_slider, panel, title

OPTIMIZER_COLOURS = {"gd": "tab:red", "momentum": "tab:orange", "rmsprop": "tab:green", "adam": "tab:blue"}


class OptimizerExplorer(Explorer):
    """GD, momentum, RMSprop and Adam side by side on a 2-D loss surface.

    The trajectories are computed by `optimizer_trajectories` (the library's
    own update functions). These sliders redraw while they move
    (continuous_update=True, as computing 4 x 100 steps is instant); the redraw
    is debounced by `debounce` seconds so a drag never queues dozens of them.

    Members (besides `Explorer`'s):
        paths  optimiser name -> (steps + 1, 3) array of (x, y, loss) last drawn
    """

    def __init__(self, surface: str = "ravine", learning_rate: float = 0.1, beta: float = 0.9, beta1: float = 0.9,
                 beta2: float = 0.99, steps: int = 100, debounce: float | None = 0.15):
        controls = {
            "surface": dropdown("loss surface", list(SURFACES), surface),
            "learning_rate": log_slider("learning rate α", learning_rate, -3, 0.3, 0.05, continuous=True),
            "beta": float_slider("momentum β", beta, 0.0, 0.99, 0.01, continuous=True),
            "beta1": float_slider("Adam β1", beta1, 0.0, 0.99, 0.01, continuous=True),
            "beta2": float_slider("β2 (RMSprop, Adam)", beta2, 0.5, 0.999, 0.001, continuous=True, fmt=".3f"),
            "steps": int_slider("steps", steps, 10, 300, step=10, continuous=True),
        }
        figure, status = widgets.Output(), widgets.HTML()
        header = title("Optimisers on a 2-D loss surface",
                       "The same start, the same learning rate: how each update rule moves (library's update "
                       "functions).")
        super().__init__("optimizer", panel(header, controls, figure, status),
                         controls, figure, status)
        self.paths: dict = {}
        self._grids: dict = {}  # surface name -> (X, Y, loss) for the contours, computed once
        self.watch(self.redraw, debounce)

    def grid(self, surface: str):
        """`surface_grid(surface)`, computed on first use."""
        if surface not in self._grids:
            self._grids[surface] = surface_grid(surface)
        return self._grids[surface]

    def redraw(self) -> None:
        """Compute the four paths with the current values and draw them."""
        v = self.values()
        paths = optimizer_trajectories(v["surface"], v["learning_rate"], v["beta"], v["beta1"], v["beta2"],
                                       v["steps"])
        self.show(self.draw(v["surface"], paths, v["steps"]))
        self.paths = paths
        self.runs += 1
        summary = [f"{name}: {path[-1, 2]:.3g}" if len(path) == v["steps"] + 1 else f"{name}: diverged"
                   for name, path in paths.items()]
        self.status.value = html_message("Final loss after " + str(v["steps"]) + " steps — " + "; ".join(summary))

    def draw(self, surface: str, paths: dict, steps: int) -> Figure:
        """The paths over the surface's contours, and the loss along each path (log scale)."""
        _, start, x_range, y_range, minimum = SURFACES[surface]
        G0, G1, F = self.grid(surface)
        offset = loss_at_minimum(surface)  # plots show loss - minimum
        fig = Figure(figsize=(10, 4))
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        ax_path.contour(G0, G1, F - offset + 1e-3, levels=np.geomspace(1e-2, F.max() - offset + 1e-3, 18),
                        colors="0.6", linewidths=0.6)
        ax_path.plot(*minimum, marker="*", color="k", markersize=12, linestyle="none")
        ax_path.plot(*start, marker="o", color="k", markersize=5, linestyle="none")
        for name, path in paths.items():
            label = name if len(path) == steps + 1 else f"{name} (diverged)"
            ax_path.plot(path[:, 0], path[:, 1], "-o", markersize=2, linewidth=1.2,
                         color=OPTIMIZER_COLOURS[name], label=label)
            ax_loss.plot(np.arange(len(path)), np.maximum(path[:, 2] - offset, 1e-16), color=OPTIMIZER_COLOURS[name],
                         label=label)
        ax_path.set_xlim(*x_range)
        ax_path.set_ylim(*y_range)
        ax_path.set_xlabel("parameter 1 (W1)")
        ax_path.set_ylabel("parameter 2 (b1)")
        ax_path.set_title(f"Paths on the {surface} surface")
        ax_path.legend(loc="upper right", fontsize=8)
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss − minimum (log scale)")
        ax_loss.set_title("Loss along each path")
        ax_loss.grid(alpha=0.3)
        fig.tight_layout()
        return fig


def optimizer_explorer(surface: str = "ravine", learning_rate: float = 0.1, beta: float = 0.9, beta1: float = 0.9,
                       beta2: float = 0.99, steps: int = 100, debounce: float | None = 0.15) -> OptimizerExplorer:
    """An `OptimizerExplorer` (four optimisers on a 2-D loss surface), already drawn with these values."""
    return OptimizerExplorer(surface, learning_rate, beta, beta1, beta2, steps, debounce)
