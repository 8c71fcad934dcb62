"""utils/probes.py: the per-layer signals, and a fixed pixel permutation that a fully-connected network ignores."""

import numpy as np
import pytest

from utils.deep import gradient_descent, L_model_backward, L_model_forward
from utils.initializers import initialize_parameters_deep
from utils.probes import gradient_sizes, layer_signals, permute_first_layer, permute_inputs, pixel_permutation


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((12, 30))
    Y = (X[0:1] + X[5:6] > 0).astype(float)
    return X, Y, initialize_parameters_deep([12, 6, 4, 1], "he", seed=seed, dtype=np.float64)


def test_layer_signals_shapes_and_values_match_forward_and_backward():
    X, Y, parameters = small_problem()
    signals = layer_signals(parameters, X, Y)
    assert [A.shape for A in signals["A"]] == [(6, 30), (4, 30), (1, 30)]
    assert [dW.shape for dW in signals["dW"]] == [(6, 12), (4, 6), (1, 4)]
    AL, caches = L_model_forward(X, parameters)
    grads = L_model_backward(AL, Y, caches)
    np.testing.assert_array_equal(signals["A"][-1], AL)
    np.testing.assert_array_equal(signals["A"][0], np.maximum(0, parameters["W1"] @ X + parameters["b1"]))
    for l in (1, 2, 3):
        np.testing.assert_array_equal(signals["dW"][l - 1], grads[f"dW{l}"])


def test_layer_signals_shrink_layer_after_layer_with_tiny_weights():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 40))
    Y = (rng.random((1, 40)) > 0.5).astype(float)
    tiny = initialize_parameters_deep([50, 50, 50, 50, 1], "random", seed=1, dtype=np.float64, scale=0.01)
    spreads = [A.std() for A in layer_signals(tiny, X, Y)["A"][:-1]]
    assert spreads[0] > 10 * spreads[1] > 100 * spreads[2]


def test_layer_signals_rejects_labels_of_the_wrong_shape():
    X, Y, parameters = small_problem()
    with pytest.raises(ValueError, match="Y: expected shape"):
        layer_signals(parameters, X, Y[:, :10])


def test_pixel_permutation_is_a_seeded_permutation():
    p = pixel_permutation(100, seed=3)
    assert sorted(p.tolist()) == list(range(100))
    np.testing.assert_array_equal(p, pixel_permutation(100, seed=3))
    assert not np.array_equal(p, pixel_permutation(100, seed=4))
    with pytest.raises(ValueError, match="n_x: expected a positive integer"):
        pixel_permutation(0)


def test_permuted_network_computes_the_same_function():
    X, Y, parameters = small_problem()
    p = pixel_permutation(12, seed=2)
    X_p, parameters_p = permute_inputs(X, p), permute_first_layer(parameters, p)
    np.testing.assert_array_equal(X_p[3], X[p[3]])
    assert not np.array_equal(X_p, X)
    np.testing.assert_allclose(L_model_forward(X_p, parameters_p)[0], L_model_forward(X, parameters)[0], rtol=1e-13)
    assert parameters["W1"] is not parameters_p["W1"] and np.array_equal(parameters_p["W2"], parameters["W2"])


def test_training_on_permuted_pixels_takes_the_same_steps():
    X, Y, parameters = small_problem()
    p = pixel_permutation(12, seed=2)
    trained, costs = gradient_descent(X, Y, parameters, learning_rate=0.1, num_iterations=300, print_every=50)
    trained_p, costs_p = gradient_descent(permute_inputs(X, p), Y, permute_first_layer(parameters, p),
                                          learning_rate=0.1, num_iterations=300, print_every=50)
    np.testing.assert_allclose(costs_p, costs, rtol=1e-10)
    assert costs[-1] < 0.5 * costs[0]
    np.testing.assert_allclose(trained_p["W1"], trained["W1"][:, p], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("bad", [np.arange(11), np.array([0] * 12), np.arange(12.0)])
def test_permute_inputs_rejects_what_is_not_a_permutation(bad):
    X, _, parameters = small_problem()
    with pytest.raises(ValueError, match="permutation: expected a permutation of 0..11"):
        permute_inputs(X, bad)
    with pytest.raises(ValueError, match="permutation: expected a permutation of 0..11"):
        permute_first_layer(parameters, bad)


def test_gradient_sizes_are_the_rms_of_each_dense_layer_s_weight_gradient():
    from utils.layers import hidden_block
    from utils.network import NeuralNetwork
    X, Y, _ = small_problem()
    labels = Y[0].astype(int)
    plain = NeuralNetwork(hidden_layers=(6, 4), epochs=3, dtype=np.float64).fit(X, labels)
    signals = layer_signals(plain.parameters_, X, Y, plain.activations_)
    expected = [np.sqrt(np.mean(dW ** 2)) for dW in signals["dW"]]
    np.testing.assert_allclose(gradient_sizes(plain, X, labels), expected, rtol=1e-12)
    normed = NeuralNetwork(layers=hidden_block(5, "tanh", batchnorm=True, depth=2), epochs=3, batch_size=10,
                           dtype=np.float64).fit(X, labels)
    before = {k: v.copy() for k, v in normed.state_.items()}
    sizes = gradient_sizes(normed, X, labels)
    assert sizes.shape == (3,) and np.all(sizes > 0)
    assert all(np.array_equal(normed.state_[k], v) for k, v in before.items())   # running statistics untouched
