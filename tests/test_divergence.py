"""The divergence rule, `utils.deep.is_diverging`: NeuralNetwork stops on it, the lesson functions on NaN / inf only."""

import math

import numpy as np
import pytest

from utils import L_layer_model, NeuralNetwork
from utils.deep import DivergenceError, check_divergence, is_diverging
from utils.planar import load_planar_dataset


@pytest.mark.parametrize("cost, first_cost, diverging", [
    (0.69, 0.69, False),
    (0.05, 0.69, False),
    (10.69, 0.69, False),        # the "+ 10" bound: first_cost + 10
    (10.7, 0.69, True),
    (7.5e29, 0.69, True),        # the example: lr 1e30 on flower
    (math.nan, 0.69, True),
    (math.inf, 0.69, True),
    (10.0, 0.01, False),         # a small start is spared by the "+ 10"
    (10.02, 0.01, True),
    (400.0, 50.0, False),        # a large start (too large weights): the "10 x" bound
    (501.0, 50.0, True),
])
def test_the_rule(cost, first_cost, diverging):
    assert is_diverging(cost, first_cost) is diverging


def test_check_divergence_names_the_learning_rate():
    check_divergence(0.5, 0.69, "epoch 3", 0.1)  # no error
    with pytest.raises(DivergenceError, match=r"^learning_rate: training diverged at epoch 3: the cost grew from "
                                              r"0\.69 to 7\.5e\+29\. Try a smaller learning_rate than 1e\+30\.$"):
        check_divergence(7.5e29, 0.69, "epoch 3", 1e30)
    with pytest.raises(ValueError, match=r"the cost became nan \(it started at 0\.69\)"):  # a ValueError too
        check_divergence(math.nan, 0.69, "epoch 3", 1e30)


@pytest.fixture(scope="module")
def flower():
    return load_planar_dataset(m=200)


def test_fit_stops_when_the_cost_grows_far_past_its_start(flower):
    X, Y = flower
    model = NeuralNetwork((4,), "tanh", initialization="random", learning_rate=100, epochs=1000)
    with pytest.raises(DivergenceError, match=r"training diverged at epoch \d+: the cost grew from 0\.69\d* to "
                                              r"[\d.e+]+\. Try a smaller learning_rate than 100\.0\."):
        model.fit(X, Y)
    costs = model.history_["cost"]
    assert len(costs) < 1000 and is_diverging(costs[-1], costs[0])  # history_ ends with the diverging cost
    assert not any(is_diverging(cost, costs[0]) for cost in costs[:-1])


def test_fit_with_mini_batches_compares_epochs_with_the_first_one(flower):
    X, Y = flower
    with pytest.raises(DivergenceError, match=r"training diverged at epoch \d+"):
        NeuralNetwork((4,), "tanh", initialization="random", learning_rate=100, epochs=1000, batch_size=32).fit(X, Y)


def test_a_large_workable_learning_rate_is_not_divergence(flower):
    """lr 10 makes flower's cost bounce above its start (up to ~5x), and training still ends well."""
    X, Y = flower
    model = NeuralNetwork((4,), "tanh", initialization="random", learning_rate=10, epochs=1000).fit(X, Y)
    costs = model.history_["cost"]
    assert max(costs) > costs[0] and costs[-1] < costs[0]


def test_lesson_functions_still_show_a_climbing_cost(flower):
    """L_layer_model keeps the course's behaviour: a climbing cost is returned (a lesson), only NaN / inf stops it."""
    X, Y = flower
    _, costs = L_layer_model(X, Y, [2, 4, 1], learning_rate=100, num_iterations=301, activations=["tanh", "sigmoid"])
    assert len(costs) == 4 and all(np.isfinite(costs)) and is_diverging(max(costs), costs[0])
