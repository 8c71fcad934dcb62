"""Checks of chapter 5 (softmax on digits): softmax, the categorical cross-entropy, its gradient A - Y."""

from __future__ import annotations

import numpy as np

from utils.activations import softmax, softmax_backward
from utils.costs import categorical_cross_entropy, one_hot

from .core import Exercise, Mistake, run_check


def _rng(seed):
    return np.random.default_rng(seed)


def _softmax_exercise():
    def cases():
        rng = _rng(30)
        hand = (np.array([[2.0, 1000.0], [1.0, 1001.0], [0.1, 999.0]]),)
        return [hand] + [(rng.normal(0, 3, (4, 5)),), (rng.normal(0, 3, (10, 3)),)]

    def no_max(Z):
        E = np.exp(Z)
        return E / E.sum(axis=0, keepdims=True), Z

    def rows(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True), Z

    def whole_sum(args, got):
        A = got[0]
        return np.isclose(A.sum(), 1) and not np.allclose(A.sum(axis=0), 1)

    return Exercise(
        "softmax", cases, softmax, "(A, cache) with cache = Z", "Z (C, m) -> A (C, m), each column sums to 1",
        mistakes=[
            Mistake("subtract each column's maximum before np.exp: e^1000 overflows to inf (and inf / inf is "
                    "NaN); the differences are what count", no_max),
            Mistake("normalise over the classes, axis=0 (each COLUMN is one example and must sum to 1), "
                    "not axis=1", rows),
            Mistake("divide by each column's own sum: np.sum(E, axis=0, keepdims=True), not the sum of the "
                    "whole array", when=whole_sum),
            Mistake("return two things, `return A, Z`: the probabilities and the cache Z",
                    lambda Z: softmax(Z)[0]),
        ],
        exception_hints=[("broadcast", "the column sums need keepdims=True, shape (1, m), to divide "
                                       "the (C, m) array column by column")],
        inputs=("Z",))


def check_softmax(fn):
    """Check `softmax(Z) -> (A, Z)` against `utils.activations.softmax`."""
    return run_check(fn, _softmax_exercise())


def _cce_cases():
    rng = _rng(31)
    hand = (np.array([[0.7, 0.2], [0.2, 0.5], [0.1, 0.3]]), one_hot([0, 1], 3))
    out = [hand]
    for C, m in ((4, 6), (10, 5)):
        out.append((softmax(rng.normal(size=(C, m)))[0], one_hot(rng.integers(0, C, m), C)))
    return out


def _cce_exercise():
    def m(Y):
        return Y.shape[1]

    return Exercise(
        "categorical_cross_entropy", _cce_cases, categorical_cross_entropy, "a number J",
        "AL (C, m) probabilities, Y (C, m) one-hot -> J = -1/m sum(Y * log(AL))",
        mistakes=[
            Mistake("average over the m examples: divide by m = Y.shape[1]",
                    lambda AL, Y: categorical_cross_entropy(AL, Y) * m(Y)),
            Mistake("the sign: log of a probability is negative, so J = -1/m * sum(Y * log(AL)) is positive",
                    lambda AL, Y: -categorical_cross_entropy(AL, Y)),
            Mistake("np.mean divides by C * m (every entry); the cost is the sum divided by m, the number of "
                    "examples", lambda AL, Y: categorical_cross_entropy(AL, Y) / Y.shape[0]),
            Mistake("with one-hot labels there is no (1 - Y) log(1 - AL) term: that was the binary cost",
                    lambda AL, Y: float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m(Y))),
        ],
        inputs=("AL", "Y"))


def check_categorical_cross_entropy(fn):
    """Check `categorical_cross_entropy(AL, Y) -> J` against `utils.costs.categorical_cross_entropy`."""
    return run_check(fn, _cce_exercise())


def _gradient_reference(Z, Y):
    """dJ/dZ per example through the chain rule, the library's softmax_backward of dJ/dA = -Y / A."""
    A = softmax(Z)[0]
    return softmax_backward(-Y / A, Z)


def _gradient_exercise():
    def cases():
        rng = _rng(32)
        hand = (np.array([[2.0, 0.0], [1.0, 0.0], [0.0, 0.0]]), one_hot([0, 2], 3))
        return [hand] + [(rng.normal(size=(C, m)), one_hot(rng.integers(0, C, m), C)) for C, m in ((4, 5), (10, 3))]

    return Exercise(
        "softmax_cross_entropy_backward", cases, _gradient_reference, "dZ",
        "Z (C, m) logits, Y (C, m) one-hot -> dZ = softmax(Z) - Y, (C, m)",
        mistakes=[
            Mistake("the sign: dZ = A - Y (the prediction minus the label), not Y - A",
                    lambda Z, Y: -_gradient_reference(Z, Y)),
            Mistake("A is softmax(Z), the probabilities: dZ = softmax(Z)[0] - Y, not Z - Y",
                    lambda Z, Y: Z - Y),
            Mistake("no 1/m here: this is the gradient of each example's loss; the 1/m comes in dW = 1/m dZ A^T",
                    lambda Z, Y: _gradient_reference(Z, Y) / Z.shape[1]),
            Mistake("softmax returns a pair (A, cache): A, _ = softmax(Z), then A - Y (NumPy turned the pair "
                    "into one array of shape (2, C, m))",
                    when=lambda args, got: isinstance(got, np.ndarray) and got.shape == (2, *args[0].shape)),
        ],
        exception_hints=[("tuple", "softmax returns a pair (A, cache): A, _ = softmax(Z)")],
        inputs=("Z", "Y"))


def check_softmax_cross_entropy_backward(fn):
    """Check `softmax_cross_entropy_backward(Z, Y) -> A - Y` against the library's chain rule."""
    return run_check(fn, _gradient_exercise())
