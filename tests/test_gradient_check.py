"""Backprop agrees with central differences (float64) for every activation, cost and regulariser."""

import numpy as np
import pytest

from utils.costs import one_hot
from utils.gradient_check import (backprop_gradients, dictionary_to_vector, draw_masks, gradient_check_n,
                                  gradients_to_vector, relative_error, vector_to_dictionary)
from utils.initializers import initialize_parameters_deep

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
REGULARISATION = {"none": {}, "l2": {"lambd": 0.7}, "dropout": {"keep_prob": 0.8}}


def problem(hidden_dims, output, seed=0, m=6, n_x=4):
    """A small float64 network with random (non-zero) biases and matching labels."""
    rng = np.random.default_rng(seed)
    n_y = 1 if output == "sigmoid" else 3
    dims = [n_x, *hidden_dims, n_y]
    parameters = initialize_parameters_deep(dims, "xavier", seed=seed + 1, dtype=np.float64)
    for l in range(1, len(dims)):
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64) if n_y == 1 else one_hot(rng.integers(0, 3, m), 3, np.float64)
    return parameters, X, Y


CASES = [([], hidden, out, reg) for hidden in ["-"] for out in ("sigmoid", "softmax") for reg in ("none", "l2")]
CASES += [(dims, hidden, out, reg) for dims in ([5], [5, 4, 3]) for hidden in HIDDEN
          for out in ("sigmoid", "softmax") for reg in REGULARISATION]


@pytest.mark.parametrize("hidden_dims, hidden, output, reg", CASES,
                         ids=[f"{len(c[0]) + 1}layer-{c[1]}-{c[2]}-{c[3]}" for c in CASES])
def test_backprop_matches_central_differences(hidden_dims, hidden, output, reg):
    parameters, X, Y = problem(hidden_dims, output)
    activations = [hidden] * len(hidden_dims) + [output]
    difference = gradient_check_n(parameters, None, X, Y, activations=activations, **REGULARISATION[reg])
    assert difference < 1e-7


def test_fixed_masks_given_explicitly():
    parameters, X, Y = problem([5, 4], "sigmoid")
    masks = draw_masks(X, parameters, 0.7, seed=3)
    grads = backprop_gradients(parameters, X, Y, "tanh", keep_prob=0.7, masks=masks)
    assert gradient_check_n(parameters, grads, X, Y, activations="tanh", keep_prob=0.7, masks=masks) < 1e-7
    # the same gradients checked against other masks disagree: the check can fail
    other = draw_masks(X, parameters, 0.7, seed=4)
    assert gradient_check_n(parameters, grads, X, Y, activations="tanh", keep_prob=0.7, masks=other) > 1e-3


def test_a_wrong_gradient_is_detected(capsys):
    parameters, X, Y = problem([5], "sigmoid")
    grads = backprop_gradients(parameters, X, Y, "relu")
    grads["dW1"] = grads["dW1"] * 1.1  # a typical bug: a wrong factor
    difference = gradient_check_n(parameters, grads, X, Y, print_msg=True, activations="relu")
    assert difference > 1e-3
    assert "mistake in the backward propagation" in capsys.readouterr().out


def test_float32_parameters_are_checked_in_float64():
    parameters, X, Y = problem([5], "sigmoid")
    p32 = {k: v.astype(np.float32) for k, v in parameters.items()}
    assert gradient_check_n(p32, None, X.astype(np.float32), Y, activations="tanh") < 1e-7


def test_dictionary_vector_round_trip():
    parameters = initialize_parameters_deep([4, 3, 2], "he", seed=0, dtype=np.float64)
    theta, keys = dictionary_to_vector(parameters)
    assert theta.shape == (4 * 3 + 3 + 3 * 2 + 2, 1)
    assert keys[:12] == ["W1"] * 12 and keys[12:15] == ["b1"] * 3
    back = vector_to_dictionary(theta, [4, 3, 2])
    for k in parameters:
        np.testing.assert_array_equal(back[k], parameters[k])
    grads = {f"d{k}": v for k, v in parameters.items()}
    np.testing.assert_array_equal(gradients_to_vector(grads), theta)


def test_vector_to_dictionary_rejects_wrong_length():
    with pytest.raises(ValueError, match=r"theta: expected 23 entries for layer_dims \[4, 3, 2\], got 22"):
        vector_to_dictionary(np.zeros(22), [4, 3, 2])


def test_relative_error():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.array([3.0, 4.0]), np.zeros(2)) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
