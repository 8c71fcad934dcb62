"""Two-parameter loss surfaces to watch the optimisers on, and the paths the optimisers take.

A "network" with two parameters, {"W1": [[x]], "b1": [[y]]}, has a loss
f(x, y) that can be drawn as a landscape. Each surface shows one difficulty:

    ravine      f = 0.05 x^2 + y^2                  steep across, flat along: gradient descent zig-zags
    Rosenbrock  f = (1 - x)^2 + 10 (y - x^2)^2      a curved valley; minimum at (1, 1)
    saddle      f = x^2 - y^2 + y^4 / 4             a saddle at (0, 0); minima at (0, +-sqrt 2)

`optimizer_trajectories` moves the two parameters with the library's own
update rules (`utils.optimizers.OPTIMIZERS`) and records (x, y, loss) at
every step. The optimisation notebook and `utils.explorers.OptimizerExplorer`
use them.
"""

from __future__ import annotations

import numpy as np

from .optimizers import OPTIMIZERS


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

#: A path is cut when a coordinate leaves [-DIVERGED, DIVERGED] (or becomes NaN / inf).
DIVERGED = 1e6


def check_surface(surface: str) -> str:
    """`surface` if it names one of `SURFACES`."""
    if surface not in SURFACES:
        raise ValueError(f"surface: expected one of {list(SURFACES)}, got {surface!r}")
    return surface


def optimizer_path(surface: str, optimizer: str, learning_rate: float, steps: int, **hyperparameters) -> np.ndarray:
    """(x, y, loss) before each of `steps` updates of `optimizer` and after the last: (steps + 1, 3).

    The two coordinates are {"W1": [[x]], "b1": [[y]]} with gradients
    {"dW1": [[df/dx]], "db1": [[df/dy]]}, moved by `OPTIMIZERS[optimizer].step`
    with `hyperparameters` (beta, beta1, beta2, epsilon). The path stops early,
    with fewer rows, when it diverges.
    """
    loss_and_grad, start = SURFACES[check_surface(surface)][:2]
    rule = OPTIMIZERS[optimizer]
    parameters = {"W1": np.array([[start[0]]]), "b1": np.array([[start[1]]])}
    state = rule.init(parameters)
    points = []
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            x, y = float(parameters["W1"][0, 0]), float(parameters["b1"][0, 0])
            loss, dx, dy = loss_and_grad(x, y)
            if not np.isfinite([x, y, loss]).all() or max(abs(x), abs(y)) > DIVERGED:
                break
            points.append((x, y, loss))
            if t == steps:
                break
            grads = {"dW1": np.array([[dx]]), "db1": np.array([[dy]])}
            parameters, state = rule.step(parameters, grads, state, t + 1, learning_rate, **hyperparameters)
    return np.array(points, dtype=float).reshape(-1, 3)


#: The rules drawn on the surfaces: every optimiser of the registry but AdamW, which is Adam plus a pull of the
#: weights towards 0 (weight decay), a change of the loss rather than of the step.
SURFACE_OPTIMIZERS = tuple(name for name in OPTIMIZERS if name != "adamw")


def optimizer_trajectories(surface: str, learning_rate: float, beta: float, beta1: float, beta2: float,
                           steps: int, epsilon: float = 1e-8) -> dict:
    """Paths of GD, momentum, RMSprop and Adam on a 2-D loss surface, with the library's updates.

    Returns name -> (steps + 1, 3) array of (x, y, loss) for every name of
    `utils.optimizers.OPTIMIZERS` (see `optimizer_path`); a path stops early if it diverges.
    """
    check_surface(surface)
    return {name: optimizer_path(surface, name, learning_rate, steps, beta=beta, beta1=beta1, beta2=beta2,
                                 epsilon=epsilon)
            for name in SURFACE_OPTIMIZERS}


def surface_grid(surface: str, points: int = 200):
    """(X, Y, F): a `points` x `points` grid over the surface's drawing ranges and the loss on it (contours)."""
    loss_and_grad, _, x_range, y_range, _ = SURFACES[check_surface(surface)]
    X, Y = np.meshgrid(np.linspace(*x_range, points), np.linspace(*y_range, points))
    return X, Y, loss_and_grad(X, Y)[0]


def loss_at_minimum(surface: str) -> float:
    """The loss at the surface's minimum (plots show loss - this, on a log scale)."""
    loss_and_grad, *_, minimum = SURFACES[check_surface(surface)]
    return float(loss_and_grad(*minimum)[0])
