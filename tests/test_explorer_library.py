"""What the explorers rely on in the library: the optimiser registry, the loss surfaces, the photo
preprocessing, and the shape of the utils/explorers/ package itself."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import utils.explorers as explorers
from utils.checks import check_optimizer
from utils.optimizer_surfaces import SURFACES, optimizer_path, optimizer_trajectories, surface_grid
from utils.optimizers import (OPTIMIZERS, initialize_adam, initialize_rmsprop, initialize_velocity,
                              update_parameters_with_adam, update_parameters_with_adamw, update_parameters_with_gd,
                              update_parameters_with_momentum, update_parameters_with_rmsprop)
from utils.preprocessing import fit_preprocessing, fit_standardizer, images_to_matrix, preprocess_images, standardize

EXPLORERS = Path(explorers.__file__).parent


def _network(seed=0):
    rng = np.random.default_rng(seed)
    return ({"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1)),
             "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))},
            {"dW1": rng.standard_normal((3, 4)), "db1": rng.standard_normal((3, 1)),
             "dW2": rng.standard_normal((1, 3)), "db2": rng.standard_normal((1, 1))})


# ------------------------------------------------------------------ the registry

def test_registry_names_are_the_optimizer_names_every_check_accepts():
    assert list(OPTIMIZERS) == ["gd", "momentum", "rmsprop", "adam", "adamw"]
    for name in OPTIMIZERS:
        assert check_optimizer(name) == name
    with pytest.raises(ValueError, match=r"^optimizer: expected one of \('gd', 'momentum', 'rmsprop', 'adam', 'adamw'\)"):
        check_optimizer("sgd")


def test_registry_steps_are_the_course_functions_behind_one_signature():
    parameters, grads = _network()
    hyper = dict(beta=0.8, beta1=0.7, beta2=0.95, epsilon=1e-7, weight_decay=0.3)
    expected = {
        "gd": (update_parameters_with_gd(parameters, grads, 0.1), None),
        "momentum": update_parameters_with_momentum(parameters, grads, initialize_velocity(parameters), 0.8, 0.1),
        "rmsprop": update_parameters_with_rmsprop(parameters, grads, initialize_rmsprop(parameters), 0.95, 0.1, 1e-7),
        "adam": update_parameters_with_adam(parameters, grads, *initialize_adam(parameters), 1, 0.1, 0.7, 0.95,
                                            1e-7),
        "adamw": update_parameters_with_adamw(parameters, grads, *initialize_adam(parameters), 1, 0.1, 0.7, 0.95,
                                              1e-7, 0.3),
    }
    for name, rule in OPTIMIZERS.items():
        new, state = rule.step(parameters, grads, rule.init(parameters), 1, 0.1, **hyper)
        for key in parameters:
            np.testing.assert_array_equal(new[key], expected[name][0][key], err_msg=f"{name} {key}")
    _, (v, s) = OPTIMIZERS["adam"].step(parameters, grads, initialize_adam(parameters), 1, 0.1, **hyper)
    np.testing.assert_array_equal(v["dW1"], expected["adam"][1]["dW1"])
    np.testing.assert_array_equal(s["dW1"], expected["adam"][2]["dW1"])


# ------------------------------------------------------------------ the loss surfaces

def test_surfaces_and_trajectories_are_re_exported_by_the_explorers():
    assert explorers.SURFACES is SURFACES
    assert explorers.optimizer_trajectories is optimizer_trajectories


@pytest.mark.parametrize("surface", list(SURFACES))
def test_surface_gradients_are_the_derivatives_of_the_loss(surface):
    loss_and_grad = SURFACES[surface][0]
    for x, y in [(-1.3, 0.7), (0.4, -1.1), (2.0, 2.0)]:
        _, dx, dy = loss_and_grad(x, y)
        h = 1e-6
        assert dx == pytest.approx((loss_and_grad(x + h, y)[0] - loss_and_grad(x - h, y)[0]) / (2 * h), rel=1e-6)
        assert dy == pytest.approx((loss_and_grad(x, y + h)[0] - loss_and_grad(x, y - h)[0]) / (2 * h), rel=1e-6)


def test_optimizer_path_momentum_follows_the_formula():
    path = optimizer_path("ravine", "momentum", learning_rate=0.1, steps=2, beta=0.9)
    x, y, vx, vy = -9.0, 1.5, 0.0, 0.0
    for t in range(2):
        vx, vy = 0.9 * vx + 0.1 * (0.1 * x), 0.9 * vy + 0.1 * (2 * y)
        x, y = x - 0.1 * vx, y - 0.1 * vy
        assert path[t + 1, :2] == pytest.approx([x, y])


def test_surface_grid_and_unknown_surfaces():
    X, Y, F = surface_grid("saddle", points=5)
    assert X.shape == Y.shape == F.shape == (5, 5)
    assert F[2, 2] == pytest.approx(0.0)  # the saddle point (0, 0) in the middle of [-2.5, 2.5]^2
    with pytest.raises(ValueError, match="surface: expected one of"):
        optimizer_trajectories("bowl", 0.1, 0.9, 0.9, 0.99, 10)


# ------------------------------------------------------------------ photo preprocessing

def test_fit_preprocessing_uses_the_training_photos_only():
    rng = np.random.default_rng(0)
    train, other = (rng.integers(0, 256, (6, 8, 8, 3)).astype(np.uint8) for _ in range(2))
    recipe = fit_preprocessing(train, 8, "standardize")
    stats = fit_standardizer(images_to_matrix(train))
    assert recipe["image_size"] == 8 and recipe["scaling"] == "standardize"
    np.testing.assert_array_equal(recipe["mean"], stats["mean"])
    np.testing.assert_array_equal(preprocess_images(other, recipe), standardize(images_to_matrix(other), stats))
    assert fit_preprocessing(train, 4) == {"image_size": 4, "scaling": "unit"}
    assert fit_preprocessing(train[..., 0], 8) == {"image_size": 8, "scaling": "unit", "channels": 1}
    with pytest.raises(ValueError, match="scaling"):
        fit_preprocessing(train, 8, "minmax")


# ------------------------------------------------------------------ the package's shape (issue #15)

@pytest.mark.parametrize("module", sorted(EXPLORERS.glob("*.py")), ids=lambda p: p.name)
def test_explorer_modules_and_functions_stay_small(module):
    source = module.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{module.name}: {node.name} is too long"


@pytest.mark.parametrize("name", ["PlanarExplorer", "OptimizerExplorer", "CatsExplorer", "PhotoExplorer",
                                  "CourseExplorer"])
def test_each_explorer_is_a_class_of_its_own_module(name):
    cls = getattr(explorers, name)
    assert issubclass(cls, explorers.Explorer)
    assert cls.__module__ != explorers.Explorer.__module__
    assert cls.__doc__ and "Members" in cls.__doc__  # its attributes are documented
