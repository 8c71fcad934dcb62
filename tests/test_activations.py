"""Activations: values, derivatives, numerical stability, registry."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from utils.activations import (ACTIVATIONS, get_activation, leaky_relu, relu, sigmoid, softmax, tanh)

NAMES = sorted(ACTIVATIONS)
EXTREME = np.array([[-1e4, -1e3, -50.0, -1.0, 0.0, 1.0, 50.0, 1e3, 1e4],
                    [1e4, 3.0, -2.0, 0.5, -1e4, 7.0, -0.1, 0.0, 2.0]])


def reference(name, Z):
    """Textbook formulas in float64, for moderate Z only."""
    if name == "sigmoid":
        return 1 / (1 + np.exp(-Z))
    if name == "tanh":
        return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
    if name == "relu":
        return np.where(Z > 0, Z, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    E = np.exp(Z)
    return E / E.sum(axis=0)


@pytest.mark.parametrize("name", NAMES)
def test_forward_matches_textbook_formula_and_caches_Z(name):
    Z = np.random.default_rng(0).standard_normal((4, 6)) * 3
    forward, _ = get_activation(name)
    A, cache = forward(Z)
    assert A.shape == Z.shape
    assert cache is Z
    np.testing.assert_allclose(A, reference(name, Z), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_central_differences(name):
    """dZ = dA * g'(Z): compare with the numerical derivative of sum(dA * g(Z))."""
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((3, 5)) * 2
    Z[np.abs(Z) < 0.05] = 0.3  # keep away from the ReLU kink
    dA = rng.standard_normal(Z.shape)
    forward, backward = get_activation(name)
    numeric = np.zeros_like(Z)
    eps = 1e-6
    for idx in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[idx] += eps
        Zm[idx] -= eps
        numeric[idx] = (np.sum(dA * forward(Zp)[0]) - np.sum(dA * forward(Zm)[0])) / (2 * eps)
    np.testing.assert_allclose(backward(dA, Z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_extreme_inputs_give_no_warning_and_finite_results(name, dtype):
    Z = EXTREME.astype(dtype)
    forward, backward = get_activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, cache = forward(Z)
        dZ = backward(np.ones_like(Z), cache)
    assert A.dtype == dtype and dZ.dtype == dtype
    assert np.isfinite(A).all() and np.isfinite(dZ).all()


def test_sigmoid_saturates_exactly_at_extremes():
    A, _ = sigmoid(np.array([[-1e4, 0.0, 1e4]]))
    np.testing.assert_array_equal(A, [[0.0, 0.5, 1.0]])


def test_tanh_relu_leaky_values_at_extremes():
    Z = np.array([[-1e4, 1e4]])
    np.testing.assert_array_equal(tanh(Z)[0], [[-1.0, 1.0]])
    np.testing.assert_array_equal(relu(Z)[0], [[0.0, 1e4]])
    np.testing.assert_array_equal(leaky_relu(Z)[0], [[-100.0, 1e4]])


def test_softmax_is_over_axis_0_and_shift_invariant():
    Z = np.array([[1.0, 1e4], [2.0, 1e4 - 1], [3.0, -1e4]])
    A, _ = softmax(Z)
    np.testing.assert_allclose(A.sum(axis=0), [1.0, 1.0])
    np.testing.assert_allclose(A[:, 0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(A[:, 1], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1)), 0.0])
    np.testing.assert_allclose(softmax(Z + 1000.0)[0], A)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)),
              elements=st.floats(-1e4, 1e4, allow_nan=False)))
def test_softmax_columns_always_sum_to_one(Z):
    A, _ = softmax(Z)
    assert np.all(A >= 0)
    np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 4), st.integers(1, 6)),
              elements=st.floats(-1e4, 1e4, allow_nan=False, width=32)))
def test_sigmoid_stays_in_unit_interval(Z):
    A, _ = sigmoid(Z)
    assert A.dtype == np.float32 and np.all((A >= 0) & (A <= 1))


def test_registry_maps_names_to_forward_backward_pairs():
    from utils import activations as act
    assert get_activation("relu") == (act.relu, act.relu_backward)
    assert get_activation("softmax") == (act.softmax, act.softmax_backward)
    assert set(NAMES) == {"sigmoid", "tanh", "relu", "leaky_relu", "softmax"}


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"activation: expected one of \['leaky_relu', 'relu', 'sigmoid', "
                                         r"'softmax', 'tanh'\], got 'swish'"):
        get_activation("swish")
