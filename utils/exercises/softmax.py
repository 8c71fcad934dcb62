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
        """Each column proportional to softmax's, the whole array summing to 1 (not one factor for all)."""
        A = np.asarray(got[0], dtype=float)
        ratio = A / softmax(args[0])[0]
        per_column = ratio[0]
        return bool(np.isclose(A.sum(), 1) and np.allclose(ratio, per_column, rtol=1e-6)
                    and not np.allclose(per_column, per_column[0], rtol=1e-6))

    def normalised(E, Z):
        return E / E.sum(axis=0, keepdims=True), Z

    def rows_sum_to_one(args, got):
        A = np.asarray(got[0], dtype=float)
        return A.shape == args[0].shape and A.shape[0] != A.shape[1] and bool(np.all(np.isfinite(A))) and \
            np.allclose(A.sum(axis=1), 1) and not np.allclose(A.sum(axis=0), 1)

    return Exercise(
        "softmax", cases, softmax, "(A, cache) with cache = Z", "Z (C, m) -> A (C, m), each column sums to 1",
        mistakes=[
            Mistake("subtract each column's maximum before np.exp: e^1000 overflows to inf (and inf / inf is "
                    "NaN); the differences are what count", no_max),
            Mistake("normalise over the classes, axis=0 (each COLUMN is one example and must sum to 1), "
                    "not axis=1", rows),
            Mistake("subtract each column's own maximum, Z.max(axis=0, keepdims=True), not the maximum of the whole "
                    "array: a column far below it UNDERflows, e^(2 - 1001) = 0 for all its entries, and 0 / 0 is NaN",
                    lambda Z: normalised(np.exp(Z - Z.max()), Z)),
            Mistake("subtract each COLUMN's maximum, Z.max(axis=0, keepdims=True), not each row's (axis=1): a column "
                    "far below a row's maximum underflows, e^(2 - 1000) = 0 for all its entries, and 0 / 0 is NaN",
                    lambda Z: normalised(np.exp(Z - Z.max(axis=1, keepdims=True)), Z)),
            Mistake("np.exp is missing: A = e^(Z - max) / the column's sum of e^(Z - max)",
                    lambda Z: normalised(Z - Z.max(axis=0, keepdims=True), Z)),
            Mistake("subtract the maximum from Z, Z - max, not max - Z (that turns the classes' order around)",
                    lambda Z: normalised(np.exp(Z.max(axis=0, keepdims=True) - Z), Z)),
            Mistake("divide E = np.exp(Z - max) by each column's sum, np.sum(E, axis=0, keepdims=True), so every "
                    "column sums to 1", lambda Z: (np.exp(Z - Z.max(axis=0, keepdims=True)), Z)),
            Mistake("normalise over the classes, axis=0: each COLUMN is one example and must sum to 1 (yours: each "
                    "row sums to 1)", when=rows_sum_to_one),
            Mistake("divide by each column's own sum: np.sum(E, axis=0, keepdims=True), not the sum of the "
                    "whole array", when=whole_sum),
            Mistake("return two things, `return A, Z`: the probabilities and the cache Z",
                    lambda Z: softmax(Z)[0]),
        ],
        exception_hints=[("broadcast", "the column sums need keepdims=True, shape (1, m), to divide "
                                       "the (C, m) array column by column")],
        factors=_classes, inputs=("Z",))


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


def _classes(args):
    C, m = args[-1].shape
    return {"C": float(C), "1/C": 1.0 / C, "1/(C m)": 1.0 / (C * m), "m/C": m / C}


#: What the combined factors of the cross-entropy mean.
CCE_FACTORS = {
    "1/(C m)": "is C × m times too small: np.mean already divides by every entry, C × m, and the / m divides again; "
               "divide the sum by m only",
    "m/C": "is m / C times the right value: m is the number of examples, Y.shape[1], not Y.shape[0] (the classes)",
}


def _cce_exercise():
    def m(Y):
        return Y.shape[1]

    return Exercise(
        "categorical_cross_entropy", _cce_cases, categorical_cross_entropy, "a number J",
        "AL (C, m) probabilities, Y (C, m) one-hot -> J = -1/m sum(Y * log(AL))",
        names="J",
        mistakes=[
            Mistake("average over the m examples: divide by m = Y.shape[1]",
                    lambda AL, Y: categorical_cross_entropy(AL, Y) * m(Y)),
            Mistake("the sign: log of a probability is negative, so J = -1/m * sum(Y * log(AL)) is positive",
                    lambda AL, Y: -categorical_cross_entropy(AL, Y)),
            Mistake("np.mean divides by C * m (every entry); the cost is the sum divided by m, the number of "
                    "examples", lambda AL, Y: categorical_cross_entropy(AL, Y) / Y.shape[0]),
            Mistake("with one-hot labels there is no (1 - Y) log(1 - AL) term: that was the binary cost",
                    lambda AL, Y: float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m(Y))),
            Mistake("multiply by Y: only the log-probability of each example's TRUE class counts, "
                    "-1/m * sum(Y * log(AL)); yours adds the logs of every class", 
                    lambda AL, Y: float(-np.sum(np.log(AL)) / m(Y))),
            Mistake("np.log is missing: J = -1/m * sum(Y * np.log(AL)) (yours sums Y * AL)",
                    lambda AL, Y: float(-np.sum(Y * AL) / m(Y))),
            Mistake("np.log(AL) is missing: J = -1/m * sum(Y * np.log(AL)) (yours sums Y alone, always -1)",
                    lambda AL, Y: float(-np.sum(Y) / m(Y))),
        ],
        factors=_classes, factor_hints=CCE_FACTORS, inputs=("AL", "Y"),
        nonfinite="np.log of 0 is -inf: AL is softmax's output, every entry > 0; take the log of AL itself (not of "
                  "1 - AL or AL - 1)")


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
        factors=_classes, inputs=("Z", "Y"))


def check_softmax_cross_entropy_backward(fn):
    """Check `softmax_cross_entropy_backward(Z, Y) -> A - Y` against the library's chain rule."""
    return run_check(fn, _gradient_exercise())
