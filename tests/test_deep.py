"""The step-by-step API: shapes, course values, initialisers, dropout, training loops."""

import numpy as np
import pytest

from utils import (L_layer_model, L_model_backward, L_model_forward, initialize_parameters,
                   initialize_parameters_deep, linear_activation_backward, linear_activation_forward,
                   linear_backward, linear_forward, predict, two_layer_model, update_parameters)
from utils.costs import compute_cost, compute_cost_from_logits
from utils.deep import (L_model_backward_with_regularization, L_model_forward_with_dropout, compute_gradients,
                        gradient_descent, gradient_descent_with_regularization)


def blobs(m=200, n_x=2, seed=0):
    """Two Gaussian blobs: X (n_x, m), Y (1, m), linearly separable."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, m)) > 0.5).astype(np.int64)
    X = rng.standard_normal((n_x, m)) + 3 * (2 * Y - 1)
    return X, Y


def test_linear_forward_is_W_A_plus_b():
    rng = np.random.default_rng(0)
    A, W, b = rng.standard_normal((3, 2)), rng.standard_normal((1, 3)), rng.standard_normal((1, 1))
    Z, cache = linear_forward(A, W, b)
    np.testing.assert_allclose(Z, W @ A + b)
    assert Z.shape == (1, 2) and cache[0] is A and cache[1] is W and cache[2] is b


def test_linear_activation_forward_caches_linear_and_activation_parts():
    rng = np.random.default_rng(2)
    A_prev, W, b = rng.standard_normal((3, 2)), rng.standard_normal((1, 3)), rng.standard_normal((1, 1))
    A, (linear_cache, Z) = linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-(W @ A_prev + b))))
    np.testing.assert_allclose(Z, W @ A_prev + b)
    A, _ = linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(A, np.maximum(W @ A_prev + b, 0))


def test_linear_backward_formulas_and_shapes():
    rng = np.random.default_rng(3)
    dZ, A_prev, W, b = (rng.standard_normal((3, 4)), rng.standard_normal((5, 4)),
                        rng.standard_normal((3, 5)), rng.standard_normal((3, 1)))
    dA_prev, dW, db = linear_backward(dZ, (A_prev, W, b))
    np.testing.assert_allclose(dA_prev, W.T @ dZ)
    np.testing.assert_allclose(dW, dZ @ A_prev.T / 4)
    np.testing.assert_allclose(db, dZ.mean(axis=1, keepdims=True))


def test_linear_activation_backward_chains_activation_and_linear():
    rng = np.random.default_rng(4)
    A_prev, W, b = rng.standard_normal((3, 2)), rng.standard_normal((1, 3)), rng.standard_normal((1, 1))
    dA = rng.standard_normal((1, 2))
    _, cache = linear_activation_forward(A_prev, W, b, "relu")
    dZ = dA * (W @ A_prev + b > 0)
    for got, want in zip(linear_activation_backward(dA, cache, "relu"), linear_backward(dZ, cache[0])):
        np.testing.assert_allclose(got, want)


def test_L_model_forward_and_backward_shapes():
    dims = [5, 4, 3, 1]
    parameters = initialize_parameters_deep(dims, "he", seed=0)
    X = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    Y = np.array([[1, 0, 1, 1, 0, 0, 1]])
    AL, caches = L_model_forward(X, parameters)
    assert AL.shape == (1, 7) and len(caches) == 3 and AL.dtype == np.float32
    grads = L_model_backward(AL, Y, caches)
    for l in (1, 2, 3):
        assert grads[f"dW{l}"].shape == parameters[f"W{l}"].shape
        assert grads[f"db{l}"].shape == parameters[f"b{l}"].shape
        assert grads[f"dA{l - 1}"].shape == (dims[l - 1], 7)
        assert grads[f"dW{l}"].dtype == np.float32


@pytest.mark.parametrize("activations", [None, ["tanh", "relu", "softmax"], ["relu", "relu", "tanh"]])
def test_regularised_passes_without_regularisation_are_the_course_passes(activations):
    """keep_prob = 1 and lambd = 0: the functions chapter 4 shows are the ones chapters 1 to 3 show, to the last bit."""
    rng = np.random.default_rng(4)
    n_y = 3 if activations and activations[-1] == "softmax" else 1
    parameters = initialize_parameters_deep([5, 4, 3, n_y], "he", seed=2, dtype=np.float64)
    if activations and activations[-1] == "tanh":
        parameters["W3"] *= 0.05  # outputs inside (0, 1), as a cross-entropy needs
        parameters["b3"] += 0.5
    X = rng.standard_normal((5, 9))
    labels = rng.integers(0, max(n_y, 2), 9)
    Y = np.eye(n_y)[:, labels] if n_y > 1 else labels[None, :]
    AL, caches = L_model_forward(X, parameters, activations)
    AL_d, caches_d = L_model_forward_with_dropout(X, parameters, 1.0, activations)
    assert np.array_equal(AL, AL_d)
    grads = L_model_backward(AL, Y, caches, activations)
    grads_r = L_model_backward_with_regularization(AL_d, Y, caches_d, activations, lambd=0.0)
    assert sorted(grads) == sorted(grads_r)
    assert all(np.array_equal(grads[k], grads_r[k]) for k in grads)


def test_regularised_gradient_descent_without_regularisation_is_gradient_descent():
    X, Y = blobs(m=40)
    X = X.astype(np.float64)
    parameters = initialize_parameters_deep([2, 3, 1], "he", seed=1, dtype=np.float64)
    plain, costs = gradient_descent(X, Y.astype(np.float64), parameters, None, 0.1, 50, print_every=10)
    regular, costs_r = gradient_descent_with_regularization(X, Y.astype(np.float64), parameters, None, 0.1, 50,
                                                            lambd=0.0, keep_prob=1.0, print_every=10)
    assert costs == costs_r
    assert all(np.array_equal(plain[k], regular[k]) for k in plain)


def test_output_gradient_is_fused_AL_minus_Y():
    parameters = initialize_parameters_deep([3, 1], "he", seed=0, dtype=np.float64)
    X = np.random.default_rng(1).standard_normal((3, 4))
    Y = np.array([[1, 0, 0, 1]])
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(grads["dW1"], (AL - Y) @ X.T / 4)
    np.testing.assert_allclose(grads["dA0"], parameters["W1"].T @ (AL - Y))


def test_default_activations_are_relu_hidden_sigmoid_output():
    parameters = initialize_parameters_deep([2, 3, 1], "he", seed=0, dtype=np.float64)
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    AL, caches = L_model_forward(X, parameters)
    A1 = np.maximum(parameters["W1"] @ X + parameters["b1"], 0)
    np.testing.assert_allclose(AL, 1 / (1 + np.exp(-(parameters["W2"] @ A1 + parameters["b2"]))))
    AL_tanh, _ = L_model_forward(X, parameters, "tanh")
    A1 = np.tanh(parameters["W1"] @ X + parameters["b1"])
    np.testing.assert_allclose(AL_tanh, 1 / (1 + np.exp(-(parameters["W2"] @ A1 + parameters["b2"]))))


def test_initialize_parameters_reproduces_the_course():
    p = initialize_parameters(3, 2, 1, dtype=np.float64)
    np.testing.assert_allclose(p["W1"], [[0.01624345, -0.00611756, -0.00528172],
                                         [-0.01072969, 0.00865408, -0.02301539]], atol=1e-8)
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    assert not p["b1"].any() and p["b1"].shape == (2, 1)


def test_initialize_parameters_deep_random_seed_3_reproduces_the_course():
    p = initialize_parameters_deep([5, 4, 3], "random", seed=3)
    np.testing.assert_allclose(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=1e-7)
    np.testing.assert_allclose(p["W2"][0], [-0.01185047, -0.0020565, 0.01486148, 0.00236716], atol=1e-7)
    assert p["W1"].dtype == np.float32 and p["b2"].shape == (3, 1)


@pytest.mark.parametrize("method, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(1 / 400)),
                                         ("glorot", np.sqrt(2 / 700)), ("random", 0.01)])
def test_initializer_scales(method, std):
    p = initialize_parameters_deep([400, 300, 1], method, seed=0, dtype=np.float64)
    assert p["W1"].std() == pytest.approx(std, rel=0.02)


def test_large_random_init_uses_the_scale_argument():
    p = initialize_parameters_deep([400, 300], "random", seed=0, scale=10)
    assert p["W1"].std() == pytest.approx(10, rel=0.02)


def test_dtype_float64_on_request():
    p = initialize_parameters_deep([3, 2, 1], "he", dtype=np.float64)
    assert all(v.dtype == np.float64 for v in p.values())


def test_zeros_init_keeps_hidden_units_identical_symmetry_problem():
    X, Y = blobs(50)
    parameters, _ = L_layer_model(X, Y, [2, 4, 1], learning_rate=0.1, num_iterations=50, initialization="zeros")
    W1 = parameters["W1"]
    assert np.all(W1 == W1[0])  # every hidden unit computes the same function


def test_update_parameters_does_not_modify_its_inputs():
    parameters = initialize_parameters_deep([3, 2, 1], "he", seed=0)
    before = {k: v.copy() for k, v in parameters.items()}
    grads = {f"d{k}": np.ones_like(v) for k, v in parameters.items()}
    new = update_parameters(parameters, grads, 0.1)
    for k in parameters:
        np.testing.assert_array_equal(parameters[k], before[k])
        np.testing.assert_allclose(new[k], before[k] - 0.1)


def test_dropout_masks_are_applied_scaled_and_reusable():
    parameters = initialize_parameters_deep([4, 50, 30, 1], "he", seed=0, dtype=np.float64)
    X = np.abs(np.random.default_rng(0).standard_normal((4, 40)))
    AL, caches = L_model_forward_with_dropout(X, parameters, keep_prob=0.5, rng=0)
    D1, kp = caches[0][2]
    assert kp == 0.5 and D1.dtype == bool and D1.shape == (50, 40)
    assert 0.35 < D1.mean() < 0.65
    assert len(caches[2]) == 2  # no dropout on the output layer
    masks = [c[2][0] for c in caches[:2]]
    AL_again, _ = L_model_forward_with_dropout(X, parameters, keep_prob=0.5, masks=masks, rng=123)
    np.testing.assert_array_equal(AL, AL_again)
    A1_full = np.maximum(parameters["W1"] @ X + parameters["b1"], 0)
    np.testing.assert_allclose(caches[1][0][0], A1_full * D1 / 0.5)  # A1 as fed to layer 2


def test_dropout_gradient_flows_only_through_kept_units():
    parameters = initialize_parameters_deep([3, 6, 1], "he", seed=0, dtype=np.float64)
    X = np.random.default_rng(0).standard_normal((3, 10))
    Y = (X[:1] > 0).astype(float)
    mask = np.zeros((6, 10), dtype=bool)
    mask[:2] = True  # only units 0 and 1 survive
    _, _, grads = compute_gradients(X, Y, parameters, keep_prob=0.5, masks=[mask])
    assert not grads["dW1"][2:].any() and grads["dW1"][:2].any()


@pytest.mark.accuracy
def test_L_layer_model_lowers_the_cost_and_fits_blobs():
    X, Y = blobs()
    parameters, costs = L_layer_model(X, Y, [2, 5, 3, 1], learning_rate=0.05, num_iterations=300)
    assert len(costs) == 3 and costs[-1] < costs[0]
    assert parameters["W1"].dtype == np.float64  # the course's precision by default
    assert np.mean(predict(X, Y, parameters, print_accuracy=False) == Y) > 0.97


def test_L_layer_model_float32_on_request():
    X, Y = blobs(30)
    parameters, _ = L_layer_model(X, Y, [2, 3, 1], num_iterations=2, dtype=np.float32)
    assert parameters["W1"].dtype == np.float32


def test_L_layer_model_print_cost(capsys):
    X, Y = blobs(30)
    L_layer_model(X, Y, [2, 3, 1], num_iterations=101, print_cost=True)
    out = capsys.readouterr().out
    assert "Cost after iteration 0:" in out and "Cost after iteration 100:" in out


def test_two_layer_model_trains():
    X, Y = blobs()
    parameters, costs = two_layer_model(X, Y, (2, 4, 1), learning_rate=0.5, num_iterations=300)
    assert costs[-1] < 0.2 < costs[0]
    assert set(parameters) == {"W1", "b1", "W2", "b2"}


def test_predict_course_semantics_prints_accuracy(capsys):
    parameters = {"W1": np.array([[1.0, 0.0]]), "b1": np.array([[0.0]])}
    X = np.array([[2.0, -2.0, 3.0], [0.0, 0.0, 0.0]])
    p = predict(X, np.array([[1, 0, 0]]), parameters, activations=["sigmoid"])
    np.testing.assert_array_equal(p, [[1, 0, 1]])
    assert p.shape == (1, 3)
    assert "Accuracy: 0.666" in capsys.readouterr().out
    predict(X, None, parameters, activations=["sigmoid"])
    assert capsys.readouterr().out == ""


def test_predict_softmax_returns_class_indices():
    parameters = {"W1": np.eye(3), "b1": np.zeros((3, 1))}
    X = np.array([[5.0, 0, 0, 1], [0, 5.0, 0, 0], [0, 0, 5.0, 0]])
    np.testing.assert_array_equal(predict(X, None, parameters, activations=["softmax"]), [[0, 1, 2, 0]])


@pytest.mark.parametrize("activations, keep_prob, lambd", [
    (None, 1.0, 0.0),
    (["tanh", "leaky_relu", "sigmoid"], 1.0, 0.4),
    (["relu", "relu", "sigmoid"], 0.7, 0.4),
    (["relu", "tanh", "softmax"], 0.8, 0.0),
    (["relu", "relu", "sigmoid"], 1.0, 0.0),  # one-unit output through sigmoid, labels as integers
])
def test_compute_gradients_is_the_course_functions_to_the_last_bit(activations, keep_prob, lambd):
    """The training step's compact loop (forward_backward) computes exactly what the course's functions do."""
    rng = np.random.default_rng(7)
    n_y = 3 if activations and activations[-1] == "softmax" else 1
    parameters = initialize_parameters_deep([6, 5, 4, n_y], "he", seed=1, dtype=np.float64)
    X = rng.standard_normal((6, 30))
    labels = rng.integers(0, n_y + (n_y == 1), 30)
    Y = np.eye(n_y)[:, labels] if n_y > 1 else labels[None, :]
    cost, AL, grads = compute_gradients(X, Y, parameters, activations, lambd, keep_prob, rng=3, need_dA0=True)

    AL_course, caches = L_model_forward_with_dropout(X, parameters, keep_prob, activations, rng=3)
    want = L_model_backward_with_regularization(AL_course, Y, caches, activations, lambd)
    assert cost == compute_cost_from_logits(caches[-1][1], Y, parameters, lambd)
    assert np.array_equal(AL, AL_course)
    assert sorted(grads) == sorted(k for k in want if not k.startswith("dA") or k == "dA0")
    for key, value in grads.items():
        assert np.array_equal(value, want[key]), key


def test_compute_gradients_with_another_output_uses_compute_cost():
    """An output that is neither sigmoid nor softmax is not fused: dAL = -(Y/AL - (1-Y)/(1-AL)) goes
    through its backward and the cost through `compute_cost`, as in the course's functions."""
    rng = np.random.default_rng(8)
    parameters = initialize_parameters_deep([4, 3, 1], "xavier", seed=2, dtype=np.float64)
    parameters["W2"] *= 0.05
    parameters["b2"] += 0.4  # a relu output between 0 and 1: probabilities for compute_cost
    X, Y = rng.standard_normal((4, 12)), (rng.random((1, 12)) > 0.5).astype(float)
    activations = ["tanh", "relu"]
    cost, _, grads = compute_gradients(X, Y, parameters, activations, lambd=0.3, need_dA0=True)
    AL, caches = L_model_forward(X, parameters, activations)
    assert 0 < AL.min() and AL.max() < 1
    want = L_model_backward_with_regularization(AL, Y, caches, activations, lambd=0.3)
    assert cost == compute_cost(AL, Y, parameters, lambd=0.3)
    assert all(np.array_equal(grads[k], want[k]) for k in ("dW1", "db1", "dW2", "db2", "dA0"))
