"""Costs: cross-entropies (from probabilities and from logits), L2 term, one-hot."""

import warnings

import numpy as np
import pytest

from utils.activations import sigmoid, softmax
from utils.costs import (binary_cross_entropy, binary_cross_entropy_from_logits, categorical_cross_entropy,
                         categorical_cross_entropy_from_logits, compute_cost, l2_cost, one_hot)


def test_compute_cost_matches_the_course_example():
    Y = np.array([[1, 1, 0]])
    AL = np.array([[0.8, 0.9, 0.4]])
    assert compute_cost(AL, Y) == pytest.approx(0.2797765635793422, rel=1e-12)


def test_binary_cross_entropy_from_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((1, 50)) * 4
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    expected = -np.mean(Y * np.log(1 / (1 + np.exp(-Z))) + (1 - Y) * np.log(1 - 1 / (1 + np.exp(-Z))))
    assert binary_cross_entropy_from_logits(Z, Y) == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy(sigmoid(Z)[0], Y) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_from_logits_is_exact_and_silent_for_huge_logits(dtype):
    Z = np.array([[1e4, -1e4, 1e4, -1e4]], dtype=dtype)
    Y = np.array([[1, 0, 0, 1]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = binary_cross_entropy_from_logits(Z, Y)
    # examples 3 and 4 are wrong by a margin of 1e4 nats each, 1 and 2 cost ~0
    assert cost == pytest.approx(2e4 / 4, rel=1e-6)


def test_bce_from_saturated_probabilities_is_finite():
    AL = np.array([[1.0, 0.0]], dtype=np.float32)
    Y = np.array([[0, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = compute_cost(AL, Y)
    assert np.isfinite(cost) and cost > 10


def test_categorical_cross_entropy_from_logits_equals_cce_of_softmax():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((4, 30)) * 3
    Y = one_hot(rng.integers(0, 4, 30), 4, dtype=np.float64)
    expected = -np.mean(np.log(np.sum(Y * np.exp(Z) / np.exp(Z).sum(axis=0), axis=0)))
    assert categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(expected, rel=1e-12)
    assert categorical_cross_entropy(softmax(Z)[0], Y) == pytest.approx(expected, rel=1e-12)
    assert compute_cost(softmax(Z)[0], Y) == pytest.approx(expected, rel=1e-12)


def test_cce_from_logits_is_silent_for_huge_logits():
    Z = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    Y = one_hot([0, 0], 3, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = categorical_cross_entropy_from_logits(Z, Y)
    assert cost == pytest.approx((0 + 2e4) / 2)


def test_l2_term_is_lambda_over_2m_times_sum_of_squared_weights():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[100.0]]), "W2": np.array([[3.0]]),
                  "b2": np.array([[5.0]])}
    assert l2_cost(parameters, 0.7, 5) == pytest.approx(0.7 / 10 * (1 + 4 + 9))
    AL, Y = np.array([[0.8, 0.9, 0.4, 0.3, 0.6]]), np.array([[1, 1, 0, 0, 1]])
    assert compute_cost(AL, Y, parameters, 0.7) == pytest.approx(compute_cost(AL, Y) + 0.7 / 10 * 14)


def test_one_hot_shape_and_values():
    Y = one_hot(np.array([2, 0, 1, 2]), 3)
    assert Y.shape == (3, 4) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]])
    np.testing.assert_array_equal(one_hot(np.array([[1, 0]])), [[0, 1], [1, 0]])


def test_one_hot_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels: expected class indices in 0..2 for num_classes=3, got values \[0, 5\]"):
        one_hot([0, 5], 3)
    with pytest.raises(ValueError, match=r"labels: expected non-negative integer class indices, got values \[-1, 1\]"):
        one_hot([-1, 1])
