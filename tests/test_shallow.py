"""The course's 2-layer network written out (utils/shallow.py): the same numbers as the L-layer functions, and
gradients that agree with finite differences."""

import numpy as np
import pytest

from utils import L_model_backward, L_model_forward, two_layer_model
from utils.costs import compute_cost
from utils.initializers import initialize_parameters
from utils.planar import load_planar_dataset
from utils.shallow import backward_propagation, forward_propagation, nn_model

TANH_NET = ["tanh", "sigmoid"]


def small_problem(seed=0, n_x=3, n_h=4, m=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    parameters = initialize_parameters(n_x, n_h, 1, seed=seed + 1, scale=0.5)
    parameters["b1"] = rng.standard_normal((n_h, 1))
    parameters["b2"] = rng.standard_normal((1, 1))
    return X, Y, parameters


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_propagation_is_L_model_forward_with_tanh_and_sigmoid(seed):
    X, Y, parameters = small_problem(seed)
    A2, cache = forward_propagation(X, parameters)
    AL, caches = L_model_forward(X, parameters, TANH_NET)
    assert sorted(cache) == ["A1", "A2", "Z1", "Z2"] and A2.shape == (1, X.shape[1])
    np.testing.assert_allclose(A2, AL, rtol=1e-12)
    np.testing.assert_allclose(cache["Z1"], caches[0][1], rtol=1e-12)
    np.testing.assert_allclose(cache["A1"], caches[1][0][0], rtol=1e-12)
    np.testing.assert_allclose(cache["Z2"], caches[1][1], rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_propagation_is_L_model_backward_with_tanh_and_sigmoid(seed):
    X, Y, parameters = small_problem(seed)
    A2, cache = forward_propagation(X, parameters)
    grads = backward_propagation(parameters, cache, X, Y)
    AL, caches = L_model_forward(X, parameters, TANH_NET)
    want = L_model_backward(AL, Y, caches, TANH_NET)
    assert sorted(grads) == ["dW1", "dW2", "db1", "db2"]
    for key in grads:
        assert grads[key].shape == parameters[key[1:]].shape
        np.testing.assert_allclose(grads[key], want[key], rtol=1e-10, atol=1e-15)


def test_backward_propagation_agrees_with_finite_differences():
    X, Y, parameters = small_problem(3)
    A2, cache = forward_propagation(X, parameters)
    grads = backward_propagation(parameters, cache, X, Y)
    epsilon = 1e-6
    for key, value in parameters.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus, minus = dict(parameters), dict(parameters)
            plus[key], minus[key] = value.copy(), value.copy()
            plus[key][index] += epsilon
            minus[key][index] -= epsilon
            numeric[index] = (compute_cost(forward_propagation(X, plus)[0], Y)
                              - compute_cost(forward_propagation(X, minus)[0], Y)) / (2 * epsilon)
        difference = np.linalg.norm(numeric - grads[f"d{key}"]) / (np.linalg.norm(numeric) + np.linalg.norm(grads[f"d{key}"]))
        assert difference < 1e-7, (key, difference)


def test_nn_model_is_two_layer_model_on_the_flower():
    X, Y = load_planar_dataset(dtype=np.float64)
    mine = nn_model(X, Y, 4, num_iterations=300, learning_rate=1.2, seed=2)
    library, _ = two_layer_model(X, Y, (2, 4, 1), learning_rate=1.2, num_iterations=300, activations=TANH_NET, seed=2)
    for key in library:
        np.testing.assert_allclose(mine[key], library[key], rtol=1e-9, atol=1e-12)


def test_nn_model_leaves_its_inputs_alone_and_starts_from_the_seed():
    X, Y = load_planar_dataset(dtype=np.float64)
    X_before, Y_before = X.copy(), Y.copy()
    untrained = nn_model(X, Y, 3, num_iterations=0, seed=5)
    for key, value in initialize_parameters(2, 3, 1, seed=5).items():
        np.testing.assert_array_equal(untrained[key], value)
    assert np.array_equal(X, X_before) and np.array_equal(Y, Y_before)
