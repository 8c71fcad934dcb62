"""The first-layer fast path (utils/span.py) takes the same steps as the plain path, in float64.

W1 = a * W1_init + K X^T: costs and parameters must match `L_layer_model` and
`NeuralNetwork.fit` to 1e-12 relative (the two differ only in rounding).
"""

import numpy as np
import pytest

from utils import L_layer_model, NeuralNetwork, predict
from utils.costs import one_hot
from utils.datasets import load_catvnoncat
from utils.deep import compute_gradients, resolve_activations
from utils.initializers import initialize_parameters_deep
from utils.optimizers import random_mini_batches
from utils.span import (fast_path_applies, first_layer_squared_norm, from_coefficients, mini_batch_columns,
                        prepare_span, span_gradients, to_coefficients, train_span)

LAYERS = [12288, 20, 7, 5, 1]
RTOL = 1e-12


def assert_close(actual, desired, what=""):
    """Equal to RTOL relative to the largest entry (entries near 0 are compared at that scale)."""
    np.testing.assert_allclose(actual, desired, rtol=RTOL, atol=RTOL * np.abs(desired).max(), err_msg=what)


def assert_same_parameters(actual, desired):
    assert actual.keys() == desired.keys()
    for key in desired:
        assert actual[key].shape == desired[key].shape
        assert_close(actual[key], desired[key], key)


@pytest.fixture(scope="module")
def catvnoncat():
    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    X = train_x.reshape(train_x.shape[0], -1).T / 255.0
    X_test = test_x.reshape(test_x.shape[0], -1).T / 255.0
    return X, train_y.astype(np.float64), X_test, test_y


def course_start():
    return initialize_parameters_deep(LAYERS, "xavier", seed=1, dtype=np.float64), resolve_activations(None, 4)


# ------------------------------------------------------------------ the algebra, one step

def test_coefficients_start_at_W1_init_and_give_its_norm():
    rng = np.random.default_rng(0)
    X, parameters = rng.standard_normal((30, 6)), initialize_parameters_deep([30, 4, 1], "he", seed=2, dtype=np.float64)
    span = prepare_span(X, parameters["W1"])
    coefficients = to_coefficients(parameters, 6)
    assert coefficients["W1"].shape == (4, 7)
    assert_same_parameters(from_coefficients(span, coefficients), parameters)
    theta = rng.standard_normal((4, 7))  # any a (per row) and K
    W1 = theta[:, :1] * parameters["W1"] + theta[:, 1:] @ X.T
    assert first_layer_squared_norm(span, theta) == pytest.approx(np.sum(W1 * W1), rel=RTOL)


def test_products_computed_once_are_rounded_from_float64():
    """In float32 a rounding error of G = X^T X would be repeated at every step: G is rounded from float64."""
    rng = np.random.default_rng(6)
    X64, W64 = rng.random((3000, 5)), rng.standard_normal((4, 3000))
    span = prepare_span(X64.astype(np.float32), W64.astype(np.float32), X_val=X64[:, :2].astype(np.float32))
    X, W = X64.astype(np.float32).astype(np.float64), W64.astype(np.float32).astype(np.float64)
    assert span["G"].dtype == span["P_val"].dtype == np.float32
    np.testing.assert_array_equal(span["G"], (X.T @ X).astype(np.float32))
    np.testing.assert_array_equal(span["P"], (W @ X).astype(np.float32))
    np.testing.assert_array_equal(span["G_val"], (X.T @ X[:, :2]).astype(np.float32))


@pytest.mark.parametrize("columns", [slice(None), np.array([5, 0, 3])])
def test_one_step_gives_the_plain_cost_and_gradients(columns):
    """dW1 = a_grad * W1_init + dK X^T, the other gradients as they are, with L2 and dropout."""
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((40, 8)), (rng.random((1, 8)) > 0.5).astype(np.float64)
    parameters = initialize_parameters_deep([40, 6, 3, 1], "he", seed=3, dtype=np.float64)
    activations = ["tanh", "relu", "sigmoid"]
    span, coefficients = prepare_span(X, parameters["W1"]), to_coefficients(parameters, 8)
    coefficients["W1"] = rng.standard_normal((6, 9)) * 0.1  # somewhere along a training run
    parameters = from_coefficients(span, coefficients)
    Xb, Yb = X[:, columns], Y[:, columns]
    want = compute_gradients(Xb, Yb, parameters, activations, lambd=0.7, keep_prob=0.8, rng=np.random.default_rng(4))
    got = span_gradients(span, columns, Yb, coefficients, activations, lambd=0.7, keep_prob=0.8,
                         rng=np.random.default_rng(4))
    assert got[0] == pytest.approx(want[0], rel=RTOL)
    assert_close(got[1], want[1], "AL")
    dtheta = got[2]["dW1"]
    assert_close(dtheta[:, :1] * span["W1_init"] + dtheta[:, 1:] @ X.T, want[2]["dW1"], "dW1")
    for key in ("db1", "dW2", "db2", "dW3", "db3"):
        assert_close(got[2][key], want[2][key], key)


def test_mini_batch_columns_are_those_of_random_mini_batches():
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((3, 23)), rng.standard_normal((1, 23))
    batches = random_mini_batches(X, Y, 8, seed=7)
    columns = mini_batch_columns(23, 8, seed=7)
    assert [len(c) for c in columns] == [8, 8, 7]
    for (Xb, Yb), c in zip(batches, columns):
        np.testing.assert_array_equal(Xb, X[:, c])
        np.testing.assert_array_equal(Yb, Y[:, c])


# ------------------------------------------------------------------ when it applies

def test_fast_path_applies_only_where_exact_and_cheaper():
    assert fast_path_applies("gd", LAYERS, 209, epochs=2500)
    assert fast_path_applies("momentum", LAYERS, 209, epochs=2500, batch_size=64, lambd=0.7, m_val=50)
    assert not fast_path_applies("adam", LAYERS, 209, epochs=2500)      # per-weight scaling: not exact
    assert not fast_path_applies("rmsprop", LAYERS, 209, epochs=2500)
    assert not fast_path_applies("gd", [12288, 1], 209, epochs=2500)    # no hidden layer
    assert not fast_path_applies("gd", [2, 8, 1], 200, epochs=200)      # m > n_x: more work
    assert not fast_path_applies("gd", LAYERS, 209, epochs=1)           # X^T X costs more than one epoch


def test_train_span_refuses_adam_and_networks_without_hidden_layer():
    X, Y = np.ones((5, 2)), np.array([[0.0, 1.0]])
    with pytest.raises(ValueError, match="optimizer"):
        train_span(X, Y, initialize_parameters_deep([5, 3, 1], dtype=np.float64), ["relu", "sigmoid"], optimizer="adam")
    with pytest.raises(ValueError, match="hidden layer"):
        train_span(X, Y, initialize_parameters_deep([5, 1], dtype=np.float64), ["sigmoid"])


# ------------------------------------------------------------------ the course's run

def test_course_run_matches_L_layer_model(catvnoncat):
    X, Y, _, _ = catvnoncat
    parameters, costs = L_layer_model(X, Y, LAYERS, num_iterations=101)
    fast, history = train_span(X, Y, *course_start(), learning_rate=0.0075, epochs=101)
    assert history["cost"][::100] == pytest.approx(costs, rel=RTOL)
    assert history["cost"][::100] == pytest.approx([0.771749, 0.672053], abs=1e-6)  # the course's printed costs
    assert_same_parameters(fast, parameters)


@pytest.mark.accuracy
def test_full_course_run_reaches_the_course_costs_and_accuracy(catvnoncat):
    """2500 iterations in a few seconds (the plain path takes minutes; checked against it by hand: 1e-12)."""
    X, Y, X_test, Y_test = catvnoncat
    parameters, history = train_span(X, Y, *course_start(), learning_rate=0.0075, epochs=2500)
    assert history["cost"][2400] == pytest.approx(0.092878, abs=1e-6)
    assert history["cost"][2499] == pytest.approx(0.088440, abs=1e-6)
    assert round(float(np.mean(predict(X, Y, parameters, print_accuracy=False) == Y)), 3) == 0.986
    assert np.mean(predict(X_test, Y_test, parameters, print_accuracy=False) == Y_test) == 0.80


# ------------------------------------------------------------------ random small networks vs NeuralNetwork

ACTIVATIONS = ("relu", "tanh", "leaky_relu", "sigmoid")


def random_setup(seed):
    """A random network, data set (m < n_x) and training options: mini-batches, momentum, L2, dropout, schedules."""
    rng = np.random.default_rng(seed)
    n_x, m, m_val = int(rng.integers(20, 60)), int(rng.integers(6, 18)), int(rng.integers(3, 9))
    classes = int(rng.choice([2, 3]))
    hidden = [int(n) for n in rng.integers(2, 9, size=rng.integers(1, 4))]
    options = dict(
        hidden_layers=hidden, activations=[str(a) for a in rng.choice(ACTIVATIONS, len(hidden))],
        initialization=str(rng.choice(["he", "xavier", "glorot"])), learning_rate=float(rng.uniform(0.02, 0.2)),
        epochs=int(rng.integers(10, 30)), optimizer=str(rng.choice(["gd", "momentum"])),
        beta=float(rng.uniform(0.5, 0.95)), batch_size=[None, int(rng.integers(2, m + 3))][seed % 2],
        lambd=float(rng.choice([0.0, rng.uniform(0.1, 2.0)])), keep_prob=float(rng.choice([1.0, 0.8, 0.6])),
        lr_schedule=rng.choice([None, "inverse_time", "exponential", "step"]), decay_rate=0.05, time_interval=4,
        seed=int(rng.integers(0, 100)), dtype=np.float64)
    X, X_val = rng.standard_normal((n_x, m)), rng.standard_normal((n_x, m_val))
    return X, rng.integers(0, classes, m), X_val, rng.integers(0, classes, m_val), options


@pytest.mark.parametrize("seed", range(16))
def test_random_networks_match_neural_network_fit(seed):
    X, y, X_val, y_val, options = random_setup(seed)
    model = NeuralNetwork(**options).fit(X, y, X_val, y_val)
    encode = (lambda labels: labels[None, :].astype(np.float64)) if model.output_ == "sigmoid" else \
        (lambda labels: one_hot(labels, model.n_classes_, dtype=np.float64))
    start = initialize_parameters_deep(model.layer_dims_, options["initialization"], options["seed"], np.float64)
    keys = ("learning_rate", "epochs", "optimizer", "beta", "batch_size", "lambd", "keep_prob", "seed",
            "lr_schedule", "decay_rate", "time_interval")
    parameters, history = train_span(X, encode(y), start, model.activations_, X_val=X_val, Y_val=encode(y_val),
                                     **{key: options[key] for key in keys})
    assert_same_parameters(parameters, model.parameters_)
    for key in ("cost", "val_cost"):
        assert history[key] == pytest.approx(model.history_[key], rel=RTOL), key
    for key in ("train_accuracy", "val_accuracy", "learning_rate"):
        assert history[key] == model.history_[key], key
