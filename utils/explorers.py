"""Interactive explorers (ipywidgets) for the notebooks: move a slider, see the network change.

    from utils.explorers import planar_explorer, optimizer_explorer, cats_explorer, photo_explorer
    planar_explorer()        # the last line of a cell displays the explorer

Each function returns one widget (an `Explorer`, a VBox) that has already
drawn its initial state with the default values, so it also renders when a
notebook is executed non-interactively (nbval, nbconvert).

How the redraws are kept cheap
------------------------------
* Sliders of the training explorers use ``continuous_update=False``: a value is
  sent to the kernel when the slider is released (or a key is pressed), not
  for every pixel of a drag.
* On top of that every change goes through a `Debouncer`: the work (train +
  draw) starts ``debounce`` seconds after the *last* change, in a background
  thread, and only one run is ever in progress. Ten quick changes therefore
  cause one training, with the latest values, and the kernel stays free
  while it trains.
* Figures are `matplotlib.figure.Figure` objects rendered to PNG and put in an
  `ipywidgets.Output` as ``image/png`` display data. They are never
  registered with pyplot, so nothing accumulates (no ``plt.close`` needed) and
  drawing from the background thread does not touch pyplot's global state.

The library does all the maths: `NeuralNetwork` trains, `plots` draws,
`optimizers.update_parameters_with_*` move the optimisers, `persistence`
saves and loads parameters.
"""

from __future__ import annotations

import base64
import io
import threading
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from . import planar
from .network import NeuralNetwork
from .optimizers import (initialize_adam, initialize_rmsprop, initialize_velocity, update_parameters_with_adam,
                         update_parameters_with_gd, update_parameters_with_momentum,
                         update_parameters_with_rmsprop)
from .images import decode_image
from .persistence import load_parameters, predict_images, save_parameters
from .plots import plot_decision_boundary

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARAMETERS_DIR = PROJECT_ROOT / "parameters_saved"
#: The cats explorer's own file: the notebooks' files are never overwritten.
EXPLORER_CATS_FILE = "explorer_cats.npz"

__all__ = ["planar_explorer", "optimizer_explorer", "cats_explorer", "photo_explorer", "Explorer", "Debouncer",
           "PLANAR_DATASETS", "SURFACES"]


# ------------------------------------------------------------------ shared machinery

class Debouncer:
    """Run `fn()` once, `wait` seconds after the last call, in a background thread.

    Each call pushes the start time back to `wait` seconds from now, so a
    burst of changes gives one run, with the values of the last one. Calls
    that arrive while `fn` runs schedule exactly one more run; runs never
    overlap. `wait=None` runs `fn` synchronously on every call (no thread).
    An exception from `fn` is passed to `on_error` (the explorers show it in
    the widget) instead of disappearing in the thread.
    """

    def __init__(self, fn, wait: float | None = 0.3, on_error=None):
        self.fn, self.wait, self.on_error = fn, wait, on_error
        self._cond = threading.Condition()
        self._due: float | None = None          # when the next run starts; None: nothing pending
        self._running = False
        self._thread: threading.Thread | None = None

    def __call__(self, *_):
        if self.wait is None:
            self._run()
            return
        with self._cond:
            self._due = time.monotonic() + self.wait
            if self._thread is None:
                self._thread = threading.Thread(target=self._worker, name="explorer-debouncer", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self):
        try:
            self.fn()
        except Exception as error:  # noqa: BLE001 - shown to the learner, not lost in a thread
            if self.on_error is None:
                raise
            self.on_error(error)

    def _worker(self):
        while True:
            with self._cond:
                while True:
                    if self._due is None:
                        self._thread = None
                        self._cond.notify_all()
                        return
                    delay = self._due - time.monotonic()
                    if delay <= 0:
                        break
                    self._cond.wait(delay)
                self._due = None
                self._running = True
            try:
                self._run()
            except Exception:  # noqa: BLE001 - no on_error: print it like an unhandled thread error
                import traceback
                traceback.print_exc()
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._due is None and not self._running and self._thread is None

    def wait_idle(self, timeout: float = 60) -> bool:
        """Block until nothing is scheduled or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._due is None and not self._running and self._thread is None, timeout)


class Explorer(widgets.VBox):
    """A VBox holding an explorer's controls and outputs.

    `controls` maps names to the control widgets, `figure` is the Output the
    figure is drawn into, `status` an HTML line under it. Its text form is
    short and fixed (it is what nbval compares in a stored notebook).
    """

    def __init__(self, name: str, children, controls: dict, figure: widgets.Output, status: widgets.HTML, **kwargs):
        super().__init__(children=children, **kwargs)
        self.name, self.controls, self.figure, self.status = name, controls, figure, status
        self.runs = 0            # number of trainings / redraws done
        self.debouncer: Debouncer | None = None
        self.error: str | None = None

    def wait_idle(self, timeout: float = 60) -> bool:
        """Wait for a pending or running redraw to finish (tests, scripts)."""
        return True if self.debouncer is None else self.debouncer.wait_idle(timeout)

    def figure_png(self) -> bytes:
        """The PNG currently shown (b"" if none)."""
        for output in self.figure.outputs:
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
        return b""

    def __repr__(self):
        return f"<{self.name} explorer>"


def _png_output(fig: Figure, dpi: int = 80) -> dict:
    """A Figure as Output-widget display data (image/png + a fixed text form)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    width, height = fig.get_size_inches() * fig.dpi
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": f"<Figure size {width:.0f}x{height:.0f} with {len(fig.axes)} Axes>",
        },
        "metadata": {},
    }


def _show(out: widgets.Output, fig: Figure) -> None:
    """Replace what `out` shows with `fig` (thread-safe: sets the synced `outputs` trait)."""
    out.outputs = (_png_output(fig),)


def _html_message(text: str, kind: str = "info") -> str:
    colour = {"info": "#333", "ok": "#1b7a1b", "error": "#b00020"}[kind]
    return f'<span style="color:{colour}">{text}</span>'


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLIDER_STYLE = {"description_width": "130px"}
_SLIDER_LAYOUT = widgets.Layout(width="380px")


def _int_slider(description, value, lo, hi, step=1, continuous=False):
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                             continuous_update=continuous, style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT)


def _float_slider(description, value, lo, hi, step, continuous=False, fmt=".2f"):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               continuous_update=continuous, readout_format=fmt, style=_SLIDER_STYLE,
                               layout=_SLIDER_LAYOUT)


def _log_slider(description, value, lo_exp, hi_exp, step=0.1, continuous=False):
    return widgets.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step,
                                  description=description, continuous_update=continuous, readout_format=".4g",
                                  style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT)


def _dropdown(description, options, value):
    return widgets.Dropdown(options=options, value=value, description=description, style=_SLIDER_STYLE,
                            layout=_SLIDER_LAYOUT)


def _title(text: str, subtitle: str) -> widgets.HTML:
    return widgets.HTML(f"<b style='font-size:1.1em'>{text}</b><br><span style='color:#555'>{subtitle}</span>")


def _wire(explorer: Explorer, redraw, debounce: float | None) -> None:
    """Redraw once now (synchronously), then after every control change through a Debouncer."""
    def on_error(error):
        explorer.error = f"{type(error).__name__}: {error}"
        explorer.status.value = _html_message(f"Something went wrong: {_escape(explorer.error)}", "error")

    explorer.debouncer = Debouncer(redraw, wait=debounce, on_error=on_error)
    redraw()
    for control in explorer.controls.values():
        control.observe(lambda change: explorer.debouncer(), names="value")


# ------------------------------------------------------------------ planar data

#: name -> function returning X (2, m), Y (1, m)
PLANAR_DATASETS = {
    "flower": lambda: planar.load_planar_dataset(m=400, seed=1),
    "moons": lambda: planar.make_moons(m=400, noise=0.15, seed=0),
    "circles": lambda: planar.make_circles(m=400, noise=0.08, seed=0),
    "spirals": lambda: planar.make_spirals(m=400, noise=0.2, seed=0),
}


def planar_explorer(dataset: str = "flower", hidden_units: int = 4, learning_rate: float = 1.2,
                    iterations: int = 3000, activation: str = "tanh", lambd: float = 0.0, keep_prob: float = 1.0,
                    seed: int = 1, debounce: float | None = 0.3) -> Explorer:
    """One hidden layer on 2-D points: the decision boundary and the cost curve follow the sliders.

    Trains `NeuralNetwork(hidden_layers=[hidden units], activations=activation,
    learning_rate, epochs=iterations, lambd, keep_prob, seed)` with full-batch
    gradient descent on the chosen data set (400 points) and draws
    `plots.plot_decision_boundary` next to the cost J per iteration.
    Sliders send their value on release (continuous_update=False) and trainings
    are debounced by `debounce` seconds (see the module's docstring).
    """
    if dataset not in PLANAR_DATASETS:
        raise ValueError(f"dataset: expected one of {list(PLANAR_DATASETS)}, got {dataset!r}")
    controls = {
        "dataset": _dropdown("data set", list(PLANAR_DATASETS), dataset),
        "hidden_units": _int_slider("hidden units", hidden_units, 1, 20),
        "learning_rate": _log_slider("learning rate α", learning_rate, -3, 1),
        "iterations": _int_slider("iterations", iterations, 100, 5000, step=100),
        "activation": _dropdown("activation", ["tanh", "relu", "leaky_relu", "sigmoid"], activation),
        "lambd": _float_slider("L2 λ", lambd, 0.0, 5.0, 0.1),
        "keep_prob": _float_slider("dropout keep_prob", keep_prob, 0.5, 1.0, 0.05),
    }
    figure, status = widgets.Output(), widgets.HTML()
    panel = widgets.VBox(list(controls.values()))
    explorer = Explorer(
        "planar",
        [_title("Planar data: one hidden layer",
                "Change a slider: the network is retrained from scratch (same seed) and both plots redraw."),
         panel, figure, status],
        controls, figure, status,
    )
    data_cache: dict = {}

    def redraw():
        values = {name: control.value for name, control in controls.items()}
        if values["dataset"] not in data_cache:
            data_cache[values["dataset"]] = PLANAR_DATASETS[values["dataset"]]()
        X, Y = data_cache[values["dataset"]]
        start = time.perf_counter()
        try:
            model = NeuralNetwork(hidden_layers=[values["hidden_units"]], activations=values["activation"],
                                  learning_rate=values["learning_rate"], epochs=values["iterations"],
                                  lambd=values["lambd"], keep_prob=values["keep_prob"], seed=seed)
            model.fit(X, Y)
        except ValueError as error:  # e.g. the cost diverged at a large learning rate
            explorer.error = str(error)
            status.value = _html_message(f"Training failed: {_escape(error)}", "error")
            return
        seconds = time.perf_counter() - start
        explorer.error = None
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
        _show(figure, fig)
        explorer.runs += 1
        accuracy = model.score(X, Y) * 100
        status.value = _html_message(
            f"Training accuracy {accuracy:.1f} % after {model.n_epochs_} iterations "
            f"(final cost {costs[-1]:.4f}, trained in {seconds:.2f} s)", "ok")

    _wire(explorer, redraw, debounce)
    return explorer


# ------------------------------------------------------------------ optimisers

def _ravine(x, y):
    return 0.05 * x ** 2 + y ** 2, 0.1 * x, 2 * y


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 10 * (y - x ** 2) ** 2, -2 * (1 - x) - 40 * x * (y - x ** 2), 20 * (y - x ** 2)


def _saddle(x, y):
    return x ** 2 - y ** 2 + 0.25 * y ** 4, 2 * x, -2 * y + y ** 3


#: name -> (loss_and_gradient(x, y) -> (f, df/dx, df/dy), start, (x range), (y range), minimum)
SURFACES = {
    "ravine": (_ravine, (-9.0, 1.5), (-10, 2), (-2, 2), (0.0, 0.0)),
    "Rosenbrock": (_rosenbrock, (-1.5, 1.8), (-2, 2), (-1, 3), (1.0, 1.0)),
    "saddle": (_saddle, (-2.0, 0.02), (-2.5, 2.5), (-2.5, 2.5), (0.0, 1.414)),
}
OPTIMIZER_COLOURS = {"gd": "tab:red", "momentum": "tab:orange", "rmsprop": "tab:green", "adam": "tab:blue"}


def optimizer_trajectories(surface: str, learning_rate: float, beta: float, beta1: float, beta2: float,
                           steps: int, epsilon: float = 1e-8) -> dict:
    """Paths of GD, momentum, RMSprop and Adam on a 2-D loss surface, with the library's updates.

    The two coordinates are a 2-parameter "network" {"W1": [[x]], "b1": [[y]]}
    with gradients {"dW1": [[df/dx]], "db1": [[df/dy]]}, moved by
    `update_parameters_with_gd / _momentum / _rmsprop / _adam`. Returns
    name -> (steps + 1, 3) array of (x, y, loss); a path stops early if it diverges.
    """
    if surface not in SURFACES:
        raise ValueError(f"surface: expected one of {list(SURFACES)}, got {surface!r}")
    loss_and_grad, start = SURFACES[surface][:2]
    paths = {}
    with np.errstate(all="ignore"):
        for name in OPTIMIZER_COLOURS:
            parameters = {"W1": np.array([[start[0]]]), "b1": np.array([[start[1]]])}
            state = {"gd": None, "momentum": initialize_velocity(parameters),
                     "rmsprop": initialize_rmsprop(parameters), "adam": initialize_adam(parameters)}[name]
            points = []
            for t in range(steps + 1):
                x, y = float(parameters["W1"][0, 0]), float(parameters["b1"][0, 0])
                loss, dx, dy = loss_and_grad(x, y)
                if not np.isfinite([x, y, loss]).all() or max(abs(x), abs(y)) > 1e6:
                    break
                points.append((x, y, loss))
                if t == steps:
                    break
                grads = {"dW1": np.array([[dx]]), "db1": np.array([[dy]])}
                if name == "gd":
                    parameters = update_parameters_with_gd(parameters, grads, learning_rate)
                elif name == "momentum":
                    parameters, state = update_parameters_with_momentum(parameters, grads, state, beta, learning_rate)
                elif name == "rmsprop":
                    parameters, state = update_parameters_with_rmsprop(parameters, grads, state, beta2,
                                                                       learning_rate, epsilon)
                else:
                    v, s = state
                    parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, s, t + 1,
                                                                         learning_rate, beta1, beta2, epsilon)
                    state = (v, s)
            paths[name] = np.array(points, dtype=float).reshape(-1, 3)
    return paths


def optimizer_explorer(surface: str = "ravine", learning_rate: float = 0.1, beta: float = 0.9, beta1: float = 0.9,
                       beta2: float = 0.99, steps: int = 100, debounce: float | None = 0.15) -> Explorer:
    """GD, momentum, RMSprop and Adam side by side on a 2-D loss surface.

    The trajectories are computed by `optimizer_trajectories` (the library's
    own update functions). These sliders redraw while they move
    (continuous_update=True, as computing 4 x 100 steps is instant); the redraw
    is debounced by `debounce` seconds so a drag never queues dozens of them.
    """
    controls = {
        "surface": _dropdown("loss surface", list(SURFACES), surface),
        "learning_rate": _log_slider("learning rate α", learning_rate, -3, 0.3, 0.05, continuous=True),
        "beta": _float_slider("momentum β", beta, 0.0, 0.99, 0.01, continuous=True),
        "beta1": _float_slider("Adam β1", beta1, 0.0, 0.99, 0.01, continuous=True),
        "beta2": _float_slider("β2 (RMSprop, Adam)", beta2, 0.5, 0.999, 0.001, continuous=True, fmt=".3f"),
        "steps": _int_slider("steps", steps, 10, 300, step=10, continuous=True),
    }
    figure, status = widgets.Output(), widgets.HTML()
    explorer = Explorer(
        "optimizer",
        [_title("Optimisers on a 2-D loss surface",
                "The same start, the same learning rate: how each update rule moves (library's update functions)."),
         widgets.VBox(list(controls.values())), figure, status],
        controls, figure, status,
    )
    grids: dict = {}

    def redraw():
        v = {name: control.value for name, control in controls.items()}
        loss_and_grad, start, xr, yr, minimum = SURFACES[v["surface"]]
        paths = optimizer_trajectories(v["surface"], v["learning_rate"], v["beta"], v["beta1"], v["beta2"],
                                       v["steps"])
        if v["surface"] not in grids:
            G0, G1 = np.meshgrid(np.linspace(*xr, 200), np.linspace(*yr, 200))
            grids[v["surface"]] = (G0, G1, loss_and_grad(G0, G1)[0])
        G0, G1, F = grids[v["surface"]]
        fig = Figure(figsize=(10, 4))
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        offset = loss_and_grad(*minimum)[0]  # the loss at the minimum: plots show loss - minimum
        ax_path.contour(G0, G1, F - offset + 1e-3, levels=np.geomspace(1e-2, F.max() - offset + 1e-3, 18),
                        colors="0.6", linewidths=0.6)
        ax_path.plot(*minimum, marker="*", color="k", markersize=12, linestyle="none")
        ax_path.plot(*start, marker="o", color="k", markersize=5, linestyle="none")
        summary = []
        for name, path in paths.items():
            label = name if len(path) == v["steps"] + 1 else f"{name} (diverged)"
            ax_path.plot(path[:, 0], path[:, 1], "-o", markersize=2, linewidth=1.2,
                         color=OPTIMIZER_COLOURS[name], label=label)
            ax_loss.plot(np.arange(len(path)), np.maximum(path[:, 2] - offset, 1e-16), color=OPTIMIZER_COLOURS[name],
                         label=label)
            summary.append(f"{name}: {path[-1, 2]:.3g}" if len(path) == v["steps"] + 1 else f"{name}: diverged")
        ax_path.set_xlim(*xr)
        ax_path.set_ylim(*yr)
        ax_path.set_xlabel("parameter 1 (W1)")
        ax_path.set_ylabel("parameter 2 (b1)")
        ax_path.set_title(f"Paths on the {v['surface']} surface")
        ax_path.legend(loc="upper right", fontsize=8)
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss − minimum (log scale)")
        ax_loss.set_title("Loss along each path")
        ax_loss.grid(alpha=0.3)
        fig.tight_layout()
        _show(figure, fig)
        explorer.paths = paths
        explorer.runs += 1
        status.value = _html_message("Final loss after " + str(v["steps"]) + " steps — " + "; ".join(summary))

    _wire(explorer, redraw, debounce)
    return explorer


# ------------------------------------------------------------------ cats

def _load_cats(image_size: int):
    """(X_train, y_train, X_val, y_val, preprocessing) for the cats_vs_noncats split, standardised."""
    from .datasets import load_cats_vs_noncats
    from .preprocessing import fit_standardizer, images_to_matrix, standardize

    train_x, train_y, val_x, val_y, _, _, _ = load_cats_vs_noncats(image_size=image_size)
    X_train, X_val = images_to_matrix(train_x), images_to_matrix(val_x)
    stats = fit_standardizer(X_train)
    preprocessing = {"image_size": int(image_size), "scaling": "standardize", **stats}
    return standardize(X_train, stats), train_y, standardize(X_val, stats), val_y, preprocessing


def cats_explorer(depth: int = 1, width: int = 7, learning_rate: float = 0.001, lambd: float = 0.0,
                  epochs: int = 100, image_size: int = 32, train: bool = True, save_path=None,
                  live_every: float | None = 1.0, data=None) -> Explorer:
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
    """
    save_path = Path(save_path) if save_path is not None else PARAMETERS_DIR / EXPLORER_CATS_FILE
    datasets: dict = {}  # image size -> (X_train, y_train, X_val, y_val, preprocessing), loaded once
    if data is not None:
        datasets[int(data[4]["image_size"])] = data
    controls = {
        "depth": _int_slider("hidden layers", depth, 0, 4),
        "width": _int_slider("units per layer", width, 1, 64),
        "learning_rate": _log_slider("learning rate α (Adam)", learning_rate, -4, -1),
        "lambd": _float_slider("L2 λ", lambd, 0.0, 5.0, 0.1),
        "epochs": _int_slider("epochs", epochs, 10, 1000, step=10),
        "image_size": _dropdown("image size (pixels)", sorted({32, 64, *datasets, int(image_size)}), int(image_size)),
    }
    train_button = widgets.Button(description="Train", button_style="primary", icon="play")
    stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
    save_button = widgets.Button(description="Save", icon="save", disabled=True)
    progress = widgets.IntProgress(value=0, min=0, max=epochs, description="epochs", style=_SLIDER_STYLE,
                                   layout=_SLIDER_LAYOUT)
    live = widgets.HTML()
    figure, status = widgets.Output(), widgets.HTML()
    explorer = Explorer(
        "cats",
        [_title("Cat or not? Train on real photos",
                f"Choose the architecture and press Train. Save writes {save_path.name} into "
                f"{save_path.parent.name}/ for the photo explorer."),
         widgets.VBox(list(controls.values())),
         widgets.HBox([train_button, stop_button, save_button]), progress, live, figure, status],
        controls, figure, status,
    )
    explorer.buttons = {"train": train_button, "stop": stop_button, "save": save_button}
    explorer.progress, explorer.live, explorer.model, explorer.save_path = progress, live, None, save_path
    explorer.saved_path = None
    stop_flag = threading.Event()
    thread_box: dict = {"thread": None}

    def draw(history, title):
        fig = Figure(figsize=(10, 3.6))
        ax_cost, ax_acc = fig.subplots(1, 2)
        cost = np.asarray(history["cost"], dtype=float)
        ax_cost.plot(np.arange(cost.size), cost, label="training")
        if history.get("val_cost"):
            ax_cost.plot(np.arange(len(history["val_cost"])), history["val_cost"], label="validation")
        ax_cost.set_xlabel("epoch")
        ax_cost.set_ylabel("cost J (cross-entropy, nats)")
        ax_cost.set_title(title)
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
        _show(figure, fig)

    def set_running(running: bool):
        train_button.disabled = running
        stop_button.disabled = not running
        save_button.disabled = running or explorer.model is None
        for control in controls.values():
            control.disabled = running

    def run_training(live_plot: bool = True):
        v = {name: control.value for name, control in controls.items()}
        stop_flag.clear()
        try:
            if v["image_size"] not in datasets:
                status.value = _html_message(f"Loading the photos at {v['image_size']}×{v['image_size']} pixels…")
                datasets[v["image_size"]] = _load_cats(v["image_size"])
            X, y, X_val, y_val, preprocessing = datasets[v["image_size"]]
            model = NeuralNetwork(hidden_layers=[v["width"]] * v["depth"], activations="relu",
                                  learning_rate=v["learning_rate"], epochs=v["epochs"], optimizer="adam",
                                  lambd=v["lambd"], seed=1)
            progress.max, progress.value = v["epochs"], 0
            status.value = _html_message(f"Training {[X.shape[0], *model.hidden_layers, 1]} on {X.shape[1]} photos…")
            last = {"draw": time.monotonic()}

            def callback(epoch, m):
                progress.value = epoch + 1
                h = m.history_
                live.value = (f"epoch {epoch + 1}/{v['epochs']} — cost {h['cost'][-1]:.4f} — "
                              f"validation accuracy {h['val_accuracy'][-1] * 100:.1f} %")
                if live_plot and live_every is not None and time.monotonic() - last["draw"] >= live_every:
                    draw(h, "Cost (training…)")
                    last["draw"] = time.monotonic()
                return not stop_flag.is_set()

            start = time.perf_counter()
            model.fit(X, y, X_val, y_val, callback=callback)
            seconds = time.perf_counter() - start
        except (ValueError, FileNotFoundError) as error:
            explorer.error = str(error)
            status.value = _html_message(f"Training failed: {_escape(error)}", "error")
            return
        explorer.error = None
        model.preprocessing_ = preprocessing
        explorer.model = model
        explorer.runs += 1
        draw(model.history_, "Cost")
        stopped = " (stopped)" if model.n_epochs_ < v["epochs"] else ""
        status.value = _html_message(
            f"Trained {model.n_epochs_} epochs{stopped} in {seconds:.1f} s: training accuracy "
            f"{model.score(X, y) * 100:.1f} %, validation accuracy {model.score(X_val, y_val) * 100:.1f} % "
            f"({X_val.shape[1]} photos the network never trained on).", "ok")

    def train_in_background(_button=None):
        if thread_box["thread"] is not None and thread_box["thread"].is_alive():
            return
        set_running(True)

        def target():
            try:
                run_training()
            finally:
                set_running(False)

        thread_box["thread"] = threading.Thread(target=target, daemon=True)
        thread_box["thread"].start()

    def stop(_button=None):
        stop_flag.set()

    def save(_button=None):
        model = explorer.model
        if model is None:
            status.value = _html_message("Nothing to save yet: press Train first.", "error")
            return
        h = model.history_
        try:
            path = save_parameters(
                explorer.save_path, model.parameters_, activations=model.activations_,
                preprocessing=model.preprocessing_, dataset="cats_vs_noncats", n_classes=2,
                hyperparameters=model.get_params(), history=h,
                accuracies={"train": h["train_accuracy"][-1], "val": h["val_accuracy"][-1]},
                source="utils.explorers.cats_explorer")
        except (OSError, ValueError) as error:
            status.value = _html_message(f"Could not save: {_escape(error)}", "error")
            return
        explorer.saved_path = path
        status.value = _html_message(f"Saved to {_escape(_display_path(path))}.", "ok")

    def wait_idle(timeout: float = 120) -> bool:
        thread = thread_box["thread"]
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    train_button.on_click(train_in_background)
    stop_button.on_click(stop)
    save_button.on_click(save)
    explorer.train, explorer.stop, explorer.save, explorer.wait_idle = train_in_background, stop, save, wait_idle
    if train:
        set_running(True)
        try:
            run_training(live_plot=False)  # nobody sees the widget before the cell ends
        finally:
            set_running(False)
    else:
        status.value = _html_message("Choose the sliders and press Train.")
    return explorer


def _display_path(path: Path) -> str:
    """`path` relative to the project when inside it (no machine-specific absolute paths in outputs)."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ your own photo

def _cat_models(folder: Path) -> list[str]:
    """Names of the .npz files in `folder` that hold a one-output (cat probability) image classifier."""
    names = []
    for path in sorted(Path(folder).glob("*.npz")):
        try:
            _, metadata = load_parameters(path)
        except (ValueError, OSError):
            continue
        if metadata.get("layer_dims", [0])[-1] == 1 and "preprocessing" in metadata:
            names.append(path.name)
    return names


def photo_explorer(parameters_dir=None, model: str | None = None, image_size: int = 256) -> Explorer:
    """Upload a photo and see the cat probability of a saved network.

    The dropdown lists the cat classifiers saved in `parameters_dir` (default
    parameters_saved/) with `save_parameters`; the photo is decoded by
    `images.decode_image`, the decoder of `images.load_image` (any format
    Pillow reads, phone orientation applied, 16-bit pictures scaled, at most
    `images.MAX_PIXELS`), and classified with `persistence.predict_images`,
    which applies the preprocessing recorded in the file. A file that is not
    a readable image, or is too large, gives a message in the widget, not a
    traceback.
    """
    folder = Path(parameters_dir) if parameters_dir is not None else PARAMETERS_DIR
    names = _cat_models(folder)
    if model is not None and model not in names:
        raise ValueError(f"model: expected one of the cat classifiers in {_display_path(folder)} ({names}), "
                         f"got {model!r}")
    chooser = _dropdown("saved network", names, model or (names[0] if names else None))
    refresh = widgets.Button(description="Refresh list", icon="refresh")
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload a photo")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="256px", max_height="256px"))
    verdict, status = widgets.HTML(), widgets.HTML()
    explorer = Explorer(
        "photo",
        [_title("Try your own photo", "Upload a photo (JPEG, PNG, …): the saved network says how likely it is a cat."),
         widgets.HBox([chooser, refresh]), upload, widgets.HBox([picture, verdict]), status],
        {"model": chooser, "upload": upload}, widgets.Output(), status,
    )
    explorer.picture, explorer.verdict, explorer.folder = picture, verdict, folder
    explorer.probability = None
    state = {"last": None}

    def no_model_message():
        status.value = _html_message(
            f"No saved cat classifier in {_escape(_display_path(folder))}/ yet: train one in the cats explorer "
            "and press Save (or run the notebook that saves one).", "error")

    def classify(name: str, content: bytes) -> float | None:
        """Show `content` (the bytes of an uploaded file) and its cat probability; None on failure."""
        explorer.probability = None
        state["last"] = (name, content)
        if not chooser.value:
            no_model_message()
            return None
        try:
            image = decode_image(content, name=name)  # the decoder of utils.images.load_image
        except ValueError as error:
            reason = str(error).removeprefix(f"{name}: ")
            if reason.startswith("not a readable image"):
                reason = ("it is not a photo Pillow can open (corrupt, truncated or another kind of file). "
                          "Try a JPEG or PNG.")
            picture.value = b""
            verdict.value = ""
            status.value = _html_message(f"Could not read {_escape(name)} as an image: {_escape(reason)}", "error")
            explorer.error = "unreadable image"
            return None
        try:
            parameters, metadata = load_parameters(folder / chooser.value)
            probability = float(np.asarray(predict_images(image[None], parameters, metadata)).ravel()[0])
        except (ValueError, OSError) as error:
            status.value = _html_message(f"Could not use {_escape(chooser.value)}: {_escape(error)}", "error")
            explorer.error = str(error)
            return None
        from PIL import Image as PILImage
        thumbnail = PILImage.fromarray(image)
        thumbnail.thumbnail((image_size, image_size))
        buffer = io.BytesIO()
        thumbnail.save(buffer, format="PNG")
        picture.value = buffer.getvalue()
        label = "cat" if probability > 0.5 else "not a cat"
        colour = "#1b7a1b" if probability > 0.5 else "#444"
        verdict.value = (f"<div style='padding:1em;font-size:1.3em'>P(cat) = <b>{probability:.3f}</b><br>"
                         f"<span style='color:{colour}'>→ {label}</span></div>")
        size = metadata.get("preprocessing", {}).get("image_size", "?")
        status.value = _html_message(
            f"{_escape(name)}: {image.shape[1]}×{image.shape[0]} pixels, resized to {size}×{size} for "
            f"{_escape(chooser.value)} (layers {metadata.get('layer_dims')}).", "ok")
        explorer.error = None
        explorer.probability = probability
        explorer.runs += 1
        return probability

    def on_upload(change):
        files = change["new"]
        if not files:
            return
        item = files[0]
        classify(item.get("name", "photo"), bytes(item["content"]))

    def on_model(change):
        if state["last"] is not None:
            classify(*state["last"])

    def on_refresh(_button=None):
        current = chooser.value
        chooser.options = _cat_models(folder)
        if current in chooser.options:
            chooser.value = current
        if not chooser.options:
            no_model_message()
        else:
            status.value = _html_message(f"{len(chooser.options)} saved network(s) found. Upload a photo.")

    upload.observe(on_upload, names="value")
    chooser.observe(on_model, names="value")
    refresh.on_click(on_refresh)
    explorer.classify, explorer.refresh = classify, on_refresh
    if names:
        status.value = _html_message(f"{len(names)} saved network(s) found. Upload a photo.")
    else:
        no_model_message()
    return explorer
