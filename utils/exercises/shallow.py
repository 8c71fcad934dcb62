"""Checks of chapter 2 (a shallow network): tanh, its derivative, the 2-layer initialisation, and the network
written out: forward_propagation, backward_propagation, nn_model (`utils/shallow.py`)."""

from __future__ import annotations

import numpy as np

from utils.activations import sigmoid, tanh, tanh_backward
from utils.initializers import initialize_parameters

from .core import RANDOM_STATE, Exercise, Mistake, run_check


def _tanh_exercise():
    def cases():
        rng = np.random.default_rng(5)
        return [(np.array([[0.0, 1.0, -2.0]]),)] + [(rng.normal(0, 2, (4, 3)),) for _ in range(3)]

    return Exercise(
        "tanh", cases, tanh, "(A, cache) with cache = Z", "Z (n, m) -> A (n, m), cache Z",
        mistakes=[
            Mistake("return two things, `return A, Z`: A = tanh(Z) and the cache Z for the backward pass",
                    lambda Z: np.tanh(Z)),
            Mistake("the cache is the input Z, not the output A: tanh_backward recomputes tanh from Z",
                    lambda Z: (np.tanh(Z), np.tanh(Z))),
            Mistake("that is the sigmoid (values in (0, 1)); tanh is (e^z - e^-z) / (e^z + e^-z), values in "
                    "(-1, 1): np.tanh(Z)", lambda Z: sigmoid(Z)),
        ],
        inputs=("Z",))


def check_tanh(fn):
    """Check `tanh(Z) -> (A, Z)` against `utils.activations.tanh`."""
    return run_check(fn, _tanh_exercise())


def _tanh_backward_exercise():
    def cases():
        rng = np.random.default_rng(6)
        hand = (np.array([[1.0, 2.0, 1.0]]), np.array([[0.0, 1.0, -2.0]]))
        return [hand] + [(rng.normal(size=(4, 3)), rng.normal(0, 2, (4, 3))) for _ in range(3)]

    return Exercise(
        "tanh_backward", cases, tanh_backward, "dZ", "dA (n, m), cache Z (n, m) -> dZ (n, m)",
        mistakes=[
            Mistake("the derivative is taken at t = tanh(Z), not at Z: 1 - t^2 with t = np.tanh(Z) "
                    "(you used 1 - Z^2)", lambda dA, Z: dA * (1 - Z ** 2)),
            Mistake("the chain rule multiplies by dA: dZ = dA * (1 - t^2)", lambda dA, Z: 1 - np.tanh(Z) ** 2),
            Mistake("tanh'(z) = 1 - tanh(z)^2: the square is missing", lambda dA, Z: dA * (1 - np.tanh(Z))),
            Mistake("that is the sigmoid's derivative s (1 - s); tanh's is 1 - tanh(z)^2",
                    lambda dA, Z: dA * sigmoid(Z)[0] * (1 - sigmoid(Z)[0])),
            Mistake("tanh'(z) = 1 - tanh(z)^2, a minus: not 1 + tanh(z)^2", lambda dA, Z: dA * (1 + np.tanh(Z) ** 2)),
        ],
        inputs=("dA", "cache"))


def check_tanh_backward(fn):
    """Check `tanh_backward(dA, cache) -> dZ` against `utils.activations.tanh_backward`."""
    return run_check(fn, _tanh_backward_exercise())


def _init_reference(n_x, n_h, n_y, seed=1):
    return initialize_parameters(n_x, n_h, n_y, seed=seed, dtype=np.float64)


def _drawn(n_x, n_h, n_y, seed, *, transposed=False, scale=0.01, random_b=False, w2_first=False, fresh=False):
    rng = np.random.RandomState(seed)
    s1, s2 = ((n_x, n_h), (n_h, n_y)) if transposed else ((n_h, n_x), (n_y, n_h))
    if w2_first:
        W2 = rng.randn(*s2) * scale
        W1 = rng.randn(*s1) * scale
    else:
        W1 = rng.randn(*s1) * scale
        W2 = (np.random.RandomState(seed) if fresh else rng).randn(*s2) * scale
    b1 = rng.randn(n_h, 1) * scale if random_b else np.zeros((n_h, 1))
    b2 = rng.randn(n_y, 1) * scale if random_b else np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def drawn_by_default_rng(args, got, keys, seed) -> bool:
    """True when every got[key] (in order) is a positive multiple of the next draws of
    np.random.default_rng(seed).standard_normal: the right idea with the other generator."""
    arrays = [np.asarray(got[k], dtype=float) for k in keys]
    stream = np.random.default_rng(seed).standard_normal(sum(a.size for a in arrays))
    start = 0
    for a in arrays:
        chunk = stream[start:start + a.size].reshape(a.shape)
        start += a.size
        ratio = a / chunk
        if not (np.all(np.isfinite(ratio)) and ratio.flat[0] > 0 and np.allclose(ratio, ratio.flat[0], rtol=1e-6)):
            return False
    return True


OTHER_GENERATOR = ("you drew from np.random.default_rng(seed): the idea is right, but this exercise uses the "
                   "course's generator, rng = np.random.RandomState(seed) with rng.randn(...) (or np.random.seed(seed) "
                   "then np.random.randn), whose numbers the check expects; the same seed gives other numbers in "
                   "default_rng")


def _initialize_parameters_exercise():
    return Exercise(
        "initialize_parameters", lambda: [(2, 4, 1, 1), (3, 5, 2, 2), (4, 2, 1, 3)], _init_reference,
        '{"W1", "b1", "W2", "b2"}', "W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1)", names="parameters",
        mistakes=[
            Mistake("W1 is (n_h, n_x): one row per hidden unit, one column per input (and W2 is (n_y, n_h)); "
                    "yours are transposed", lambda *a: _drawn(*a, transposed=True)),
            Mistake("the draws are multiplied by 0.01: small weights keep tanh in its steep middle at the "
                    "start", lambda *a: _drawn(*a, scale=1.0)),
            Mistake("the biases start at zero, np.zeros((n_h, 1)): only the weights must be random to "
                    "break the symmetry", when=lambda args, got: any(np.any(np.asarray(got[k]) != 0)
                                                                     for k in ("b1", "b2"))),
            Mistake("draw W1 first, then W2, from the same generator (the course's order), so the seed "
                    "gives the course's numbers", lambda *a: _drawn(*a, w2_first=True)),
            Mistake("make ONE generator, rng = np.random.RandomState(seed), and draw W1 then W2 from it; "
                    "a second RandomState(seed) repeats the same numbers", lambda *a: _drawn(*a, fresh=True)),
            Mistake(OTHER_GENERATOR, when=lambda args, got: drawn_by_default_rng(args, got, ("W1", "W2"), args[3])),
        ],
        exception_hints=[("seed", "create the generator once: rng = np.random.RandomState(seed), then "
                                  "rng.randn(n_h, n_x) * 0.01")],
        factors=lambda args: {"100": 100.0},
        factor_hints={"100": "is 100 times the right values: multiply the draws by 0.01, rng.randn(n_h, n_x) * 0.01"},
        seeded=RANDOM_STATE)


def check_initialize_parameters(fn):
    """Check `initialize_parameters(n_x, n_h, n_y, seed)` against `utils.initializers.initialize_parameters`."""
    return run_check(fn, _initialize_parameters_exercise())


# ---- the 2-layer network written out (utils/shallow.py) --------------------------------------------------

def _two_layer_cases():
    """(X, parameters) pairs: a small one to check by hand, then seeded random ones (weights large enough that
    tanh and the sigmoid bend, so a wrong activation shows)."""
    rng = np.random.default_rng(21)
    hand = (np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]]),
            {"W1": np.array([[0.5, -0.5], [1.0, 0.25]]), "b1": np.array([[0.1], [-0.2]]),
             "W2": np.array([[1.0, -2.0]]), "b2": np.array([[0.3]])})
    out = [hand]
    for n_x, n_h, m in ((2, 4, 6), (3, 5, 8), (4, 3, 5)):
        out.append((rng.normal(size=(n_x, m)),
                    {"W1": rng.normal(size=(n_h, n_x)), "b1": rng.normal(size=(n_h, 1)),
                     "W2": rng.normal(size=(1, n_h)), "b2": rng.normal(size=(1, 1))}))
    return out


def _forward_with(hidden=np.tanh, output=lambda Z: sigmoid(Z)[0], bias=True):
    """forward_propagation with another activation (or without the biases): a wrong variant."""
    def variant(X, parameters):
        b1, b2 = (parameters["b1"], parameters["b2"]) if bias else (0.0, 0.0)
        Z1 = parameters["W1"] @ X + b1
        A1 = hidden(Z1)
        Z2 = parameters["W2"] @ A1 + b2
        A2 = output(Z2)
        return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return variant


def _holds_pair(value) -> bool:
    """A (tuple) pair whose first part is an array: what a call of the pair-returning tanh / sigmoid gives."""
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], np.ndarray)


def _forward_propagation_exercise():
    from utils.shallow import forward_propagation

    def returns_A1(X, parameters):
        A2, cache = forward_propagation(X, parameters)
        return cache["A1"], cache

    def z_in_place_of_a(X, parameters):
        A2, cache = forward_propagation(X, parameters)
        return A2, {**cache, "A1": cache["Z1"], "A2": cache["Z2"]}

    return Exercise(
        "forward_propagation", _two_layer_cases, forward_propagation,
        '(A2, cache) with cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}',
        "X (n_x, m), W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1) -> Z1, A1 (n_h, m), Z2, A2 (n_y, m)",
        names=("A2", "cache"),
        mistakes=[
            Mistake("the hidden layer is tanh: A1 = np.tanh(Z1), not the sigmoid",
                    _forward_with(hidden=lambda Z: sigmoid(Z)[0])),
            Mistake("the hidden layer is tanh: A1 = np.tanh(Z1), not relu",
                    _forward_with(hidden=lambda Z: np.maximum(Z, 0))),
            Mistake("the output layer is a sigmoid, A2 = sigmoid(Z2) (a probability between 0 and 1): tanh goes "
                    "below 0", _forward_with(output=np.tanh)),
            Mistake("the output layer needs its activation too: A2 = sigmoid(Z2), not Z2",
                    _forward_with(output=lambda Z: Z)),
            Mistake("the hidden layer needs its activation: A1 = np.tanh(Z1), then Z2 = W2 A1 + b2",
                    _forward_with(hidden=lambda Z: Z)),
            Mistake("the biases are missing: Z1 = W1 X + b1 and Z2 = W2 A1 + b2", _forward_with(bias=False)),
        ] + [Mistake(f"the sigmoid is 1 / (1 + np.exp(-Z2)): {hint}", _forward_with(output=f)) for f, hint in (
            (lambda Z: 1 / np.exp(-Z), "the 1 + in the denominator is missing"),
            (lambda Z: 1 / (1 - np.exp(-Z)), "a plus in the denominator, not a minus"),
            (lambda Z: 1 / (1 + (-Z)), "np.exp is missing: e^-z is np.exp(-Z2)"),
            (lambda Z: 1 / (1 + np.exp(Z)), "the exponent is -Z2, not Z2"),
        )] + [
            Mistake("return the output layer's A2 first (the network's prediction), then the cache",
                    returns_A1),
            Mistake("a result holds a pair where an array belongs: Exercise 1's tanh (and the library's sigmoid) "
                    "return (A, cache); here use np.tanh(Z1) and 1 / (1 + np.exp(-Z2)), which return the array alone",
                    when=lambda args, got: isinstance(got, tuple) and len(got) == 2 and (
                        _holds_pair(got[0]) or (isinstance(got[1], dict) and any(_holds_pair(v) for v in got[1].values())))),
            Mistake(lambda args, got: 'the cache needs all four keys "Z1", "A1", "Z2", "A2" (yours has '
                    + ", ".join(repr(k) for k in got[1]) + ")",
                    when=lambda args, got: isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)
                    and set(got[1]) != {"Z1", "A1", "Z2", "A2"}),
            Mistake('the cache keeps the activations too: "A1" is np.tanh(Z1) and "A2" is sigmoid(Z2), not the '
                    "Z's", z_in_place_of_a),
        ],
        exception_hints=[("name 'sigmoid' is not defined", "this notebook defines no sigmoid: write it out, "
                                                           "A2 = 1 / (1 + np.exp(-Z2))"),
                         ("name 'tanh' is not defined", "use NumPy's: A1 = np.tanh(Z1)"),
                         ("KeyError", 'the cache is a dict with the four keys "Z1", "A1", "Z2", "A2"; parameters '
                                      'holds "W1", "b1", "W2", "b2"'),
                         ("matmul", "W1 is (n_h, n_x) and X is (n_x, m): Z1 = W1 @ X + b1; then Z2 = W2 @ A1 + b2")],
        inputs=("X", "parameters"))


def check_forward_propagation(fn):
    """Check `forward_propagation(X, parameters) -> (A2, cache)` against `utils.shallow.forward_propagation`."""
    return run_check(fn, _forward_propagation_exercise())


def _backward_cases():
    from utils.shallow import forward_propagation
    rng = np.random.default_rng(22)
    out = []
    for X, parameters in _two_layer_cases():
        _, cache = forward_propagation(X, parameters)
        Y = (rng.random((1, X.shape[1])) < 0.5).astype(float)
        if Y.min() == Y.max():
            Y[0, 0] = 1 - Y[0, 0]
        out.append((parameters, cache, X, Y))
    return out


def _backward_with(dZ2=lambda A2, Y: A2 - Y, derivative=lambda A1, Z1: 1 - A1 ** 2, scale=True, first_input=None,
                   keepdims=True, db1_axis=1):
    """backward_propagation with one part written another way: a wrong variant."""
    def variant(parameters, cache, X, Y):
        m = X.shape[1]
        divide = m if scale else 1
        A1, A2, Z1 = cache["A1"], cache["A2"], cache["Z1"]
        dZ = dZ2(A2, Y)
        dW2 = dZ @ A1.T / divide
        db2 = np.sum(dZ, axis=1, keepdims=keepdims) / divide
        dZ1 = (parameters["W2"].T @ dZ) * derivative(A1, Z1)
        dW1 = dZ1 @ (X if first_input is None else first_input(cache, X)).T / divide
        db1 = np.sum(dZ1, axis=db1_axis, keepdims=keepdims) / divide
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return variant


def _no_error_sent_back(parameters, cache, X, Y):
    """backward_propagation with dZ1 = 1 - A1^2 (the factor W2^T dZ2 dropped): a wrong variant."""
    grads = _backward_with()(parameters, cache, X, Y)
    m = X.shape[1]
    dZ1 = 1 - cache["A1"] ** 2
    return {**grads, "dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m}


def _backward_propagation_exercise():
    from utils.shallow import backward_propagation

    return Exercise(
        "backward_propagation", _backward_cases, backward_propagation,
        '{"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}',
        "X (n_x, m), Y (1, m), A1 (n_h, m), A2 (1, m) -> dW1 (n_h, n_x), db1 (n_h, 1), dW2 (1, n_h), db2 (1, 1)",
        names="grads",
        mistakes=[
            Mistake("tanh's slope is 1 - tanh(z)^2 = 1 - A1^2, taken at A1 = np.tanh(Z1): you used 1 - Z1^2",
                    _backward_with(derivative=lambda A1, Z1: 1 - Z1 ** 2)),
            Mistake("tanh's slope is 1 - A1^2: the square is missing", _backward_with(derivative=lambda A1, Z1: 1 - A1)),
            Mistake("that is the sigmoid's slope, A1 (1 - A1); the hidden layer is tanh, whose slope is 1 - A1^2",
                    _backward_with(derivative=lambda A1, Z1: A1 * (1 - A1))),
            Mistake("dZ1 = W2^T dZ2 * (1 - A1^2): the factor (1 - A1^2), the slope of tanh, is missing",
                    _backward_with(derivative=lambda A1, Z1: 1.0)),
            Mistake("tanh's slope is 1 - A1^2: the 1 is missing", _backward_with(derivative=lambda A1, Z1: -A1 ** 2)),
            Mistake("tanh's slope is 1 - A1^2, a minus: not 1 + A1^2",
                    _backward_with(derivative=lambda A1, Z1: 1 + A1 ** 2)),
            Mistake("tanh's slope is 1 - A1 ** 2 (A1 squared), not 1 - 2 ** A1",
                    _backward_with(derivative=lambda A1, Z1: 1 - 2 ** A1)),
            Mistake("db1 sums dZ1 over the examples, along each row: np.sum(dZ1, axis=1, keepdims=True), shape "
                    "(n_h, 1)", _backward_with(db1_axis=0)),
            Mistake("the sign: dZ2 = A2 - Y (prediction minus label), not Y - A2",
                    _backward_with(dZ2=lambda A2, Y: Y - A2)),
            Mistake("dZ2 = A2 - Y (prediction minus label), a minus: not A2 + Y",
                    _backward_with(dZ2=lambda A2, Y: A2 + Y)),
            Mistake("dZ2 = A2 - Y (prediction minus label): the label Y is missing", _backward_with(dZ2=lambda A2, Y: A2)),
            Mistake("dZ2 = A2 - Y (prediction minus label): the prediction A2 is missing",
                    _backward_with(dZ2=lambda A2, Y: -Y)),
            Mistake("dZ1 = W2^T dZ2 * (1 - A1^2): the error W2^T dZ2 that the output layer sends back is missing",
                    _no_error_sent_back),
            Mistake("the gradients are averages over the m examples: every dW and db needs the factor 1/m",
                    _backward_with(scale=False)),
            Mistake("dW1 = 1/m dZ1 X^T: the first layer's input is X (A1 is the second layer's)",
                    _backward_with(first_input=lambda cache, X: cache["A1"])),
        ],
        exception_hints=[("KeyError", 'cache holds "Z1", "A1", "Z2", "A2" (from forward_propagation), parameters '
                                      '"W1", "b1", "W2", "b2"; return the keys "dW1", "db1", "dW2", "db2"'),
                         ("matmul", "dW2 = dZ2 @ A1.T / m (n_y, n_h), dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2) (n_h, m), "
                                    "dW1 = dZ1 @ X.T / m (n_h, n_x)")],
        inputs=("parameters", "cache", "X", "Y"))


def check_backward_propagation(fn):
    """Check `backward_propagation(parameters, cache, X, Y) -> grads` against `utils.shallow.backward_propagation`."""
    return run_check(fn, _backward_propagation_exercise())


def _nn_model_cases():
    rng = np.random.default_rng(23)
    out = []
    for n_x, n_h, m, iterations, seed in ((2, 3, 10, 5, 2), (2, 4, 20, 30, 1), (3, 2, 12, 20, 3)):
        X = rng.normal(size=(n_x, m))
        Y = (X[:1] * X[-1:] > 0).astype(float)   # a pattern a line cannot separate
        out.append((X, Y, n_h, iterations, 1.2, seed))
    return out


def _nn_model_exercise():
    from utils.deep import update_parameters
    from utils.shallow import backward_propagation, forward_propagation, nn_model

    def trained(X, Y, n_h, num_iterations, learning_rate, seed, *, steps=None, rate=None, start_seed=None,
                update=True):
        parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], seed if start_seed is None else start_seed)
        for _ in range(num_iterations if steps is None else steps(num_iterations)):
            _, cache = forward_propagation(X, parameters)
            grads = backward_propagation(parameters, cache, X, Y)
            if update:
                parameters = update_parameters(parameters, grads, learning_rate if rate is None else rate)
        return parameters

    return Exercise(
        "nn_model", _nn_model_cases, lambda *args: nn_model(*args),
        '{"W1", "b1", "W2", "b2"}: the trained parameters',
        "X (n_x, m), Y (n_y, m) -> W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1)", names="parameters",
        mistakes=[
            Mistake("the parameters never change: inside the loop, parameters = update_parameters(parameters, "
                    "grads, learning_rate)", lambda *a: trained(*a, update=False)),
            Mistake("the loop runs num_iterations times: for i in range(num_iterations)",
                    lambda *a: trained(*a, steps=lambda n: n - 1)),
            Mistake("the loop runs num_iterations times: for i in range(num_iterations)",
                    lambda *a: trained(*a, steps=lambda n: n + 1)),
            Mistake("the `return parameters` is inside the loop, so it returns after one iteration: indent it to "
                    "the level of the `for`", lambda *a: trained(*a, steps=lambda n: 1)),
            Mistake("n_y is the number of rows of Y (Y.shape[0], one row per output unit) and n_x the number of rows "
                    "of X (X.shape[0]); the columns are the m examples",
                    when=lambda args, got: isinstance(got, dict) and np.ndim(got.get("W2")) == 2
                    and (np.shape(got["W2"])[0] != args[1].shape[0] or np.shape(got.get("W1"))[-1] != args[0].shape[0])),
            Mistake("pass learning_rate on to update_parameters (yours steps with another rate)",
                    lambda *a: trained(*a, rate=0.01)),
            Mistake("start from initialize_parameters(n_x, n_h, n_y, seed) with the seed given",
                    lambda *a: trained(*a, start_seed=1)),
            Mistake("start from initialize_parameters(n_x, n_h, n_y, seed) with the seed given",
                    lambda *a: trained(*a, start_seed=2)),
        ],
        exception_hints=[("update_parameters", "update_parameters(parameters, grads, learning_rate) returns the new "
                                               "parameters: parameters = update_parameters(parameters, grads, "
                                               "learning_rate)")],
        inputs=("X", "Y", "n_h", "num_iterations", "learning_rate", "seed"))


def check_nn_model(fn):
    """Check `nn_model(X, Y, n_h, num_iterations, learning_rate, seed) -> parameters` against `utils.shallow.nn_model`."""
    return run_check(fn, _nn_model_exercise())
