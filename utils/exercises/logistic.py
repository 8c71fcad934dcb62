"""Checks of chapter 1 (logistic regression): sigmoid, its derivative, zeros, the cost, propagate."""

from __future__ import annotations

import numpy as np

from utils.activations import sigmoid, sigmoid_backward
from utils.costs import binary_cross_entropy
from utils.deep import linear_backward, linear_forward
from utils.initializers import initialize_parameters_deep

from .core import Exercise, Mistake, run_check


def _rng(seed=0):
    return np.random.default_rng(seed)


def _labels(rng, m):
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0]          # both classes in every case
    return Y


def _sigmoid_exercise():
    def cases():
        rng = _rng(1)
        return [(np.array([[0.0, 2.0, -1.0]]),)] + [(rng.normal(0, 3, (3, 4)),) for _ in range(3)]

    def s(Z):
        return sigmoid(Z)[0]

    return Exercise(
        "sigmoid", cases, sigmoid, "(A, cache) with cache = Z", "Z (n, m) -> A (n, m), cache Z",
        mistakes=[
            Mistake("return two things, `return A, Z`: A = 1 / (1 + e^-Z) and the cache Z, which the backward "
                    "pass needs later", lambda Z: s(Z)),
            Mistake("the sign of the exponent: sigma(z) = 1 / (1 + e^(-z)), so sigma(0) = 0.5 and sigma(2) "
                    "= 0.88 (you have e^(+z), which gives 0.12)", lambda Z: (1 / (1 + np.exp(Z)), Z)),
            Mistake("the cache is the input Z, not the output A: the backward pass recomputes sigma from Z",
                    lambda Z: (s(Z), s(Z))),
            Mistake("return A first and the cache second: `return A, Z`", lambda Z: (Z, s(Z))),
            Mistake("the denominator is 1 + e^-z: the 1 + is missing (1 / e^-z is e^z, which grows without "
                    "bound)", lambda Z: (np.exp(Z), Z)),
            Mistake("np.exp is missing: sigma(z) = 1 / (1 + np.exp(-z)), the exponential of -z",
                    lambda Z: (1 / (1 - Z), Z)),
        ],
        nonfinite="the denominator 1 + e^-z is never 0; a denominator 1 - e^-z (a minus for the plus) is 0 at z = 0",
        inputs=("Z",))


def check_sigmoid(fn):
    """Check `sigmoid(Z) -> (A, Z)` against `utils.activations.sigmoid`."""
    return run_check(fn, _sigmoid_exercise())


#: Wrong ways to compute s = sigmoid(Z) inside sigmoid_backward, each with the right formula dA * s * (1 - s).
WRONG_S = [
    ("s = 1 / (1 + e^-z): the 1 + is missing in the denominator (1 / e^-z is e^z)", lambda Z: np.exp(Z)),
    ("s = 1 / (1 + np.exp(-Z)): np.exp is missing", lambda Z: 1 / (1 - Z)),
    ("s = 1 / (1 + e^-z), not 1 + e^-z (the division is upside down)", lambda Z: 1 + np.exp(-Z)),
]

#: Wrong formulas with the right s, each a function of (dA, s, Z).
WRONG_SIGMOID_DERIVATIVES = [
    ("the chain rule multiplies by dA: dZ = dA * s * (1 - s), not s * (1 - s) alone",
     lambda dA, s, Z: s * (1 - s)),
    ("the derivative is taken at s = sigmoid(Z), not at Z: compute s from the cache first "
     "(you used Z * (1 - Z))", lambda dA, s, Z: dA * Z * (1 - Z)),
    ("sigma'(z) = s * (1 - s): the factor (1 - s) is missing", lambda dA, s, Z: dA * s),
    ("sigma'(z) = s * (1 - s): the factor s is missing", lambda dA, s, Z: dA * (1 - s)),
    ("dZ = dA * s * (1 - s): dA and s are both missing", lambda dA, s, Z: 1 - s),
    ("sigma'(z) = s * (1 - s): the 1 in (1 - s) is missing", lambda dA, s, Z: -dA * s * s),
    ("sigma'(z) = s * (1 - s), a minus: not s * (1 + s)", lambda dA, s, Z: dA * s * (1 + s)),
]


def _sigmoid_backward_exercise():
    def cases():
        rng = _rng(2)
        hand = (np.array([[1.0, 1.0, 2.0]]), np.array([[0.0, 2.0, -1.0]]))
        return [hand] + [(rng.normal(size=(3, 4)), rng.normal(0, 2, (3, 4))) for _ in range(3)]

    def s(Z):
        return sigmoid(Z)[0]

    return Exercise(
        "sigmoid_backward", cases, sigmoid_backward, "dZ", "dA (n, m), cache Z (n, m) -> dZ (n, m)",
        mistakes=[Mistake(hint, (lambda f: lambda dA, Z: f(dA, s(Z), Z))(formula))
                  for hint, formula in WRONG_SIGMOID_DERIVATIVES]
                 + [Mistake(hint, (lambda g: lambda dA, Z: dA * g(Z) * (1 - g(Z)))(wrong)) for hint, wrong in WRONG_S],
        exception_hints=[("unsupported operand type(s) for -: 'int' and 'tuple'",
                          "sigmoid returns a pair (A, cache): take its first element, `s, _ = sigmoid(Z)`")],
        nonfinite="s = 1 / (1 + e^-z) is never a division by 0; a denominator 1 - e^-z (a minus for the plus) is "
                  "0 at z = 0",
        inputs=("dA", "cache"))


def check_sigmoid_backward(fn):
    """Check `sigmoid_backward(dA, cache) -> dZ` against `utils.activations.sigmoid_backward`."""
    return run_check(fn, _sigmoid_backward_exercise())


def _zeros_exercise():
    def reference(n_x):
        return initialize_parameters_deep([n_x, 1], "zeros", dtype=np.float64)

    return Exercise(
        "initialize_with_zeros", lambda: [(3,), (5,), (1,)], reference, '{"W1": ..., "b1": ...}',
        "n_x -> W1 (1, n_x), b1 (1, 1)",
        names="parameters",
        mistakes=[
            Mistake("W1 has one row per unit of the layer and one column per input: shape (1, n_x), "
                    "not (n_x, 1) (that is the transposed W, the course's w)",
                    lambda n: {"W1": np.zeros((n, 1)), "b1": np.zeros((1, 1))}),
            Mistake("b1 is an array of shape (1, 1), np.zeros((1, 1)), not the number 0: every "
                    "parameter is an array the update step can subtract from",
                    lambda n: {"W1": np.zeros((1, n)), "b1": 0}),
            Mistake("W1 of shape (1, n_x) is right, but it must be all zeros (np.zeros), not random",
                    lambda n: {"W1": np.random.default_rng(0).standard_normal((1, n)), "b1": np.zeros((1, 1))}),
        ])


def check_initialize_with_zeros(fn):
    """Check `initialize_with_zeros(n_x) -> {"W1": zeros (1, n_x), "b1": zeros (1, 1)}`."""
    return run_check(fn, _zeros_exercise())


def _cost_cases():
    rng = _rng(3)
    hand = (np.array([[0.8, 0.1, 0.6]]), np.array([[1.0, 0.0, 0.0]]))
    return [hand] + [(rng.uniform(0.05, 0.95, (1, m)), _labels(rng, m)) for m in (4, 7, 10)]


#: One term of J = -1/m * sum(Y log(AL) + (1 - Y) log(1 - AL)) written wrong: (first term, second term, hint);
#: None keeps the right term.
COST_TERMS = [
    (None, lambda AL, Y: 0, "the (1 - Y) log(1 - AL) term is missing: without it the non-cat examples (y = 0) cost "
                            "nothing"),
    (lambda AL, Y: 0, None, "the Y * log(AL) term is missing: without it the cat examples (y = 1) cost nothing"),
    (lambda AL, Y: np.log(AL), None, "the first term is Y * log(AL): the factor Y is missing"),
    (lambda AL, Y: Y, None, "the first term is Y * np.log(AL): the log is missing (yours is Y alone)"),
    (lambda AL, Y: Y * AL, None, "the first term is Y * np.log(AL): np.log is missing"),
    (lambda AL, Y: Y * np.log10(AL), None, "np.log10 in the first term: the cost's log is the natural one, np.log"),
    (None, lambda AL, Y: np.log(1 - AL), "the second term is (1 - Y) * log(1 - AL): the factor (1 - Y) is missing"),
    (None, lambda AL, Y: 1 - Y, "the second term is (1 - Y) * np.log(1 - AL): the log is missing"),
    (None, lambda AL, Y: (1 - Y) * (1 - AL), "the second term is (1 - Y) * np.log(1 - AL): np.log is missing"),
    (None, lambda AL, Y: -(1 - Y) * np.log(1 - AL), "the two terms are ADDED inside the sum: Y log(AL) + (1 - Y) "
                                                    "log(1 - AL); yours subtracts the second"),
    (None, lambda AL, Y: (1 + Y) * np.log(1 - AL), "the second term's factor is (1 - Y), not (1 + Y)"),
    (None, lambda AL, Y: -Y * np.log(1 - AL), "the second term's factor is (1 - Y): the 1 is missing"),
    (None, lambda AL, Y: (1 - Y) * np.log(1 + AL), "the second term is (1 - Y) * log(1 - AL), not log(1 + AL)"),
    (None, lambda AL, Y: (1 - Y) * np.log10(1 - AL), "np.log10 in the second term: the cost's log is the natural "
                                                     "one, np.log"),
]


def cost_from_terms(first=None, second=None):
    """J(AL, Y) with one of its two terms replaced (None: the right term)."""
    first = first or (lambda AL, Y: Y * np.log(AL))
    second = second or (lambda AL, Y: (1 - Y) * np.log(1 - AL))
    return lambda AL, Y: float(-np.sum(first(AL, Y) + second(AL, Y)) / Y.shape[1])


def cost_mistakes(cost):
    """The typical mistakes of the binary cross-entropy (chapter 1 and project.ipynb share them)."""
    def m(Y):
        return Y.shape[1]
    return [
        Mistake("the average is missing: divide the sum by m, the number of examples (the cost is "
                "m times too large)", lambda AL, Y: cost(AL, Y) * m(Y)),
        Mistake("the sign: log of a probability is negative, so J = -1/m * sum(...) is positive; yours is "
                "negative", lambda AL, Y: -cost(AL, Y)),
        Mistake("the (1 - Y) log(1 - AL) term is missing: without it the non-cat examples (y = 0) cost "
                "nothing", lambda AL, Y: float(-np.sum(Y * np.log(AL)) / m(Y))),
        Mistake("Y and AL are swapped: it is Y * log(AL), the label times the log of the prediction",
                lambda AL, Y: float(-np.sum(AL * np.log(Y) + (1 - AL) * np.log(1 - Y)) / m(Y))),
    ] + [Mistake(hint, cost_from_terms(first, second)) for first, second, hint in COST_TERMS]


COST_NONFINITE = ("np.log of a number <= 0 is NaN or -inf: the two logs are log(AL) and log(1 - AL), both of "
                  "numbers between 0 and 1 (not log(-AL) or log(AL - 1))")


def _bce_exercise():
    return Exercise(
        "binary_cross_entropy", _cost_cases, binary_cross_entropy, "a number J",
        "AL (1, m) probabilities, Y (1, m) labels -> J, a float", mistakes=cost_mistakes(binary_cross_entropy),
        names="J",
        inputs=("AL", "Y"), nonfinite=COST_NONFINITE)


def check_binary_cross_entropy(fn):
    """Check `binary_cross_entropy(AL, Y) -> J` against `utils.costs.binary_cross_entropy`."""
    return run_check(fn, _bce_exercise())


def _propagate_reference(W, b, X, Y, sign=1.0, scale=None, bias=True, z=None, activation=None, dz=None, cost=None):
    """The library's forward and backward steps; the keywords give the wrong variants (the mistakes)."""
    Z, cache = linear_forward(X, W, b if bias else np.zeros_like(b))
    if z is not None:
        Z = z(W, b, X)
    A = sigmoid(Z)[0] if activation is None else activation(Z)
    dZ = sign * (A - Y) if dz is None else dz(A, Y)
    _, dW, db = linear_backward(dZ, cache)
    if scale is not None:
        dW, db = dW * scale, db * scale
    if cost is None:   # the library's cost clips A; a wrong A (> 1, or exactly 1) gives the formula's NaN / inf
        cost = binary_cross_entropy if activation is None and z is None else cost_from_terms()
    return {"dW": dW, "db": db}, cost(A, Y)


#: A = sigmoid(W X + b) computed wrong in propagate: (Z -> A, hint).
WRONG_A = [
    (lambda Z: 1 / (1 + np.exp(Z)), "A = 1 / (1 + e^-(W X + b)): the minus in the exponent is missing"),
    (lambda Z: np.exp(Z), "A = 1 / (1 + e^-z): the 1 + in the denominator is missing (1 / e^-z is e^z)"),
    (lambda Z: 1 / (1 - Z), "A = 1 / (1 + np.exp(-z)): np.exp is missing"),
    (lambda Z: 1 + np.exp(-Z), "A = 1 / (1 + e^-z), not 1 + e^-z (the division is upside down)"),
    (lambda Z: np.ones_like(Z), "A = 1 / (1 + e^-z): the denominator is missing, so A is 1 everywhere"),
    (lambda Z: 1 / (1 - np.exp(-Z)), "A = 1 / (1 + e^-z): a minus for the plus in the denominator"),
]

#: Z = W X + b computed wrong in propagate: ((W, b, X) -> Z, hint).
WRONG_Z = [
    (lambda W, b, X: b + 0 * (W @ X), "Z = W X + b: the product W @ X is missing"),
    (lambda W, b, X: W @ X - b, "Z = W X + b: the bias is added, not subtracted"),
]

#: dZ computed wrong in propagate: ((A, Y) -> dZ, hint).
WRONG_DZ = [
    (lambda A, Y: A, "dZ = A - Y: Y is missing"),
    (lambda A, Y: -Y, "dZ = A - Y: A is missing"),
    (lambda A, Y: A + Y, "dZ = A - Y, a minus: not A + Y"),
]


def _variant(**wrong):
    return lambda W, b, X, Y: _propagate_reference(W, b, X, Y, **wrong)


def _propagate_exercise():
    def cases():
        rng = _rng(4)
        hand = (np.array([[1.0, -1.0]]), np.array([[0.5]]), np.array([[1.0, 2.0, -1.0], [3.0, 0.5, 2.0]]),
                np.array([[1.0, 0.0, 1.0]]))
        return [hand] + [(rng.normal(size=(1, n)), rng.normal(size=(1, 1)), rng.normal(size=(n, m)),
                          _labels(rng, m)) for n, m in ((4, 5), (3, 8), (6, 4))]

    def transposed(W, b, X, Y):
        grads, cost = _propagate_reference(W, b, X, Y)
        return {"dW": grads["dW"].T, "db": grads["db"]}, cost

    def not_summed(W, b, X, Y):
        grads, cost = _propagate_reference(W, b, X, Y)
        A = sigmoid(W @ X + b)[0]
        return {"dW": grads["dW"], "db": (A - Y) / Y.shape[1]}, cost

    return Exercise(
        "propagate", cases, _propagate_reference, '(grads, cost) with grads = {"dW": ..., "db": ...}',
        "W (1, n_x), b (1, 1), X (n_x, m), Y (1, m) -> dW (1, n_x), db (1, 1), cost a float",
        mistakes=[
            Mistake("dW = 1/m (A - Y) X^T has the shape of W, (1, n_x): you computed its transpose "
                    "(X (A - Y)^T)", transposed),
            Mistake("the gradients are averages: dW and db need the factor 1/m (yours are m times too large)",
                    lambda W, b, X, Y: _propagate_reference(W, b, X, Y, scale=Y.shape[1])),
            Mistake("the sign: dZ = A - Y (prediction minus label), not Y - A; with Y - A the step would "
                    "climb the cost", lambda W, b, X, Y: _propagate_reference(W, b, X, Y, sign=-1.0)),
            Mistake("the bias is missing in the forward pass: A = sigmoid(W X + b)",
                    lambda W, b, X, Y: _propagate_reference(W, b, X, Y, bias=False)),
            Mistake("db sums dZ over the examples: db = 1/m * np.sum(A - Y, axis=1, keepdims=True), shape "
                    "(1, 1)", not_summed),
        ]
        + [Mistake(f"the forward pass: {hint}", _variant(activation=f)) for f, hint in WRONG_A]
        + [Mistake(f"the forward pass: {hint}", _variant(z=f)) for f, hint in WRONG_Z]
        + [Mistake(f"the gradient: {hint}", _variant(dz=f)) for f, hint in WRONG_DZ]
        + [Mistake(f"the cost: {hint}", _variant(cost=cost_from_terms(first, second)))
           for first, second, hint in COST_TERMS],
        exception_hints=[("matmul", "the shapes of a product do not fit: W is (1, n_x) and X is (n_x, m), "
                                    "so W X is W @ X and dW = (A - Y) @ X.T / m")],
        inputs=("W", "b", "X", "Y"), names=("grads", "cost"),
        nonfinite=COST_NONFINITE.replace("AL", "A"))


def check_propagate(fn):
    """Check `propagate(W, b, X, Y) -> ({"dW", "db"}, cost)` against the library's forward and backward steps."""
    return run_check(fn, _propagate_exercise())
