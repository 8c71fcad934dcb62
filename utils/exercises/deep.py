"""Checks of project.ipynb (the deep network, step by step), the course's functions in the course's order."""

from __future__ import annotations

import numpy as np

from utils.activations import relu, relu_backward, sigmoid, sigmoid_backward
from utils.costs import compute_cost
from utils.deep import (L_model_backward, L_model_forward, linear_activation_backward, linear_activation_forward,
                        linear_backward, linear_forward, update_parameters)
from utils.initializers import initialize_parameters_deep

from .core import RANDOM_STATE, Exercise, Mistake, run_check
from .logistic import COST_NONFINITE, _cost_cases, cost_mistakes
from .shallow import OTHER_GENERATOR, drawn_by_default_rng

MATMUL = "matmul"


def _rng(seed):
    return np.random.default_rng(seed)


def _parameters(rng, dims):
    """Random float64 parameters with non-zero biases (so a missing bias shows)."""
    p = initialize_parameters_deep(dims, "xavier", seed=int(rng.integers(1000)), dtype=np.float64)
    for l in range(1, len(dims)):
        p[f"b{l}"] = rng.normal(0, 0.5, p[f"b{l}"].shape)
    return p


# ---- initialize_parameters_deep -------------------------------------------------------------------------

def _deep_init(layer_dims, seed=1, *, scale=None, fan="prev", transposed=False, skip_last=False):
    rng = np.random.RandomState(seed)
    p = {}
    L = len(layer_dims) - 1
    for l in range(1, L + (0 if skip_last else 1)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        shape = (n_prev, n) if transposed else (n, n_prev)
        factor = scale if scale is not None else 1 / np.sqrt(n_prev if fan == "prev" else n)
        p[f"W{l}"] = rng.randn(*shape) * factor
        p[f"b{l}"] = np.zeros((n, 1))
    return p


def _weight_keys(got):
    return sorted((k for k in got if k.startswith("W")), key=lambda k: int(k[1:]))


def _deep_shape_hint(args, got):
    dims = args[0]
    for l in range(1, len(dims)):
        for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            if np.shape(got[key]) != shape:
                return (f"{key} should be {shape} for layer_dims = {list(dims)}, yours is {np.shape(got[key])}: W_l is "
                        "(layer_dims[l], layer_dims[l - 1]) and b_l (layer_dims[l], 1), so an index into layer_dims "
                        "is off (l for l - 1, or the reverse)")
    return ""


def _deep_scale_hint(args, got) -> str:
    """The hint when every W_l is the right draw times a factor c_l of its own ("" if not): the scale is wrong."""
    dims = args[0]
    expected = initialize_parameters_deep(dims, "xavier", seed=args[1], dtype=np.float64)
    lines = []
    for l in range(1, len(dims)):
        W, E = np.asarray(got.get(f"W{l}"), dtype=float), expected[f"W{l}"]
        if W.shape != E.shape:
            return ""
        ratio = W / E
        if not np.allclose(ratio, ratio.flat[0], rtol=1e-6):
            return ""
        lines.append(float(ratio.flat[0]))
    if all(np.isclose(c, 1) for c in lines):
        return ""
    n_prev = [dims[l - 1] for l in range(1, len(dims))]
    named = {
        "the division by np.sqrt(layer_dims[l - 1]) is missing": [np.sqrt(n) for n in n_prev],
        "divide by the SQUARE ROOT of layer_dims[l - 1], np.sqrt(...), not by layer_dims[l - 1] itself":
            [1 / np.sqrt(n) for n in n_prev],
        "np.sqrt(layer_dims[l - 1]), not np.square": [n ** -1.5 for n in n_prev],
        "He's sqrt(2 / n) is another initialisation: this exercise divides by np.sqrt(layer_dims[l - 1])":
            [np.sqrt(2)] * len(n_prev),
    }
    for hint, factors in named.items():
        if np.allclose(lines, factors, rtol=1e-6):
            return f"W_l = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1]): {hint}"
    if any(np.isclose(c, 1) for c in lines) or np.allclose(lines, lines[0], rtol=1e-6):
        return ""   # some layers right, or one factor for all: the engine names it, part by part
    shown = ", ".join(f"W{l} ×{c:.4g}" for l, c in enumerate(lines, 1))
    return (f"the right draws with the wrong scale ({shown} the right values): W_l = rng.randn(layer_dims[l], "
            "layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1]), the number of the layer's inputs")


def _deep_shapes_wrong(args, got):
    dims = args[0]
    keys = {f"{p}{l}" for l in range(1, len(dims)) for p in "Wb"}
    return set(got) == keys and bool(_deep_shape_hint(args, got))


def _initialize_deep_exercise():
    def reference(layer_dims, seed=1):
        return initialize_parameters_deep(layer_dims, "xavier", seed=seed, dtype=np.float64)

    return Exercise(
        "initialize_parameters_deep", lambda: [([3, 2, 1], 1), ([5, 4, 3, 1], 2), ([6, 3, 2], 3)], reference,
        '{"W1", "b1", ..., "WL", "bL"}', "W_l (n_l, n_{l-1}), b_l (n_l, 1) for layer_dims = [n_0, ..., n_L]",
        names="parameters",
        mistakes=[
            Mistake("W_l is (n_l, n_{l-1}) = (layer_dims[l], layer_dims[l - 1]): yours are transposed",
                    lambda d, s=1: _deep_init(d, s, transposed=True)),
            Mistake("divide the draws by sqrt(n_{l-1}) (Xavier), not multiply by 0.01: a deep network's signal "
                    "would shrink layer after layer", lambda d, s=1: _deep_init(d, s, scale=0.01)),
            Mistake("the scale is 1 / sqrt(n_{l-1}), the number of INPUTS of the layer (layer_dims[l - 1]), "
                    "not of its units", lambda d, s=1: _deep_init(d, s, fan="this")),
            Mistake("the loop misses the output layer: for l in range(1, L + 1) with L = len(layer_dims) - 1 "
                    "gives W1 ... WL", lambda d, s=1: _deep_init(d, s, skip_last=True)),
            Mistake(_deep_shape_hint, when=_deep_shapes_wrong),
            Mistake(_deep_scale_hint, when=lambda args, got: bool(_deep_scale_hint(args, got))),
            Mistake(OTHER_GENERATOR.replace("rng.randn(...)", "rng.randn(n_l, n_prev)"),
                    when=lambda args, got: drawn_by_default_rng(args, got, _weight_keys(got), args[1])),
        ],
        seeded=RANDOM_STATE.replace("rng.randn(n_h, n_x) * 0.01", "rng.randn(n_l, n_prev) / np.sqrt(n_prev)"))


def check_initialize_parameters_deep(fn):
    """Check `initialize_parameters_deep(layer_dims, seed)` against the library's "xavier" initialisation."""
    return run_check(fn, _initialize_deep_exercise())


# ---- linear_forward -------------------------------------------------------------------------------------

def _linear_cases():
    rng = _rng(7)
    hand = (np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]]),
            np.array([[0.5], [-1.0]]))
    return [hand] + [(rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))
                     for n_prev, n, m in ((4, 3, 5), (2, 5, 3), (3, 1, 6))]


def _linear_forward_exercise():
    return Exercise(
        "linear_forward", _linear_cases, linear_forward, "(Z, cache) with cache = (A, W, b)",
        "A (n_prev, m), W (n, n_prev), b (n, 1) -> Z (n, m)",
        mistakes=[
            Mistake("the bias is missing: Z = W A + b (b, shape (n, 1), is added to every column)",
                    lambda A, W, b: (W @ A, (A, W, b))),
            Mistake("return two things, `return Z, cache` with cache = (A, W, b)", lambda A, W, b: W @ A + b),
            Mistake("the cache is (A, W, b) in that order: linear_backward unpacks `A_prev, W, b = cache`",
                    lambda A, W, b: (W @ A + b, (W, A, b))),
            Mistake("the cache holds the inputs (A, W, b), not Z", lambda A, W, b: (W @ A + b, W @ A + b)),
        ],
        exception_hints=[(MATMUL, "W is (n, n_prev) and A is (n_prev, m): the product is W @ A, which is "
                                  "(n, m); A @ W or W.T @ A (a transposed W) do not fit"),
                         ("broadcast", "Z = W @ A is (n, m) and b (n, 1) is added to each of its columns: "
                                       "check the product's order and that it is the matrix product @, not *")],
        inputs=("A", "W", "b"))


def check_linear_forward(fn):
    """Check `linear_forward(A, W, b) -> (Z, (A, W, b))` against `utils.deep.linear_forward`."""
    return run_check(fn, _linear_forward_exercise())


# ---- linear_activation_forward ----------------------------------------------------------------------------

def _activation_cases():
    out = []
    for i, (A, W, b) in enumerate(_linear_cases()):
        out.append((A, W, b, "sigmoid" if i % 2 == 0 else "relu"))
    out += [(A, W, b, "relu") for A, W, b in _linear_cases()[:1]]
    return out


def _swapped(A, W, b, activation):
    return linear_activation_forward(A, W, b, "relu" if activation == "sigmoid" else "sigmoid")


def _linear_activation_forward_exercise():
    def no_activation(A, W, b, activation):
        Z, cache = linear_forward(A, W, b)
        return Z, (cache, Z)

    def cache_swapped(A, W, b, activation):
        A_out, (linear_cache, Z) = linear_activation_forward(A, W, b, activation)
        return A_out, (Z, linear_cache)

    return Exercise(
        "linear_activation_forward", _activation_cases, linear_activation_forward,
        "(A, cache) with cache = (linear_cache, activation_cache)",
        'A_prev (n_prev, m), W (n, n_prev), b (n, 1), activation "sigmoid" or "relu" -> A (n, m)',
        mistakes=[
            Mistake('the activations are swapped: "sigmoid" must call sigmoid(Z), "relu" must call relu(Z)',
                    _swapped),
            Mistake("the activation is missing: A = g(Z), with g = sigmoid or relu applied to "
                    "Z = W A_prev + b", no_activation),
            Mistake("the cache is (linear_cache, activation_cache) in that order: the linear step's "
                    "(A_prev, W, b) first, then Z", cache_swapped),
            Mistake('activation "relu" must call relu(Z): yours computes the sigmoid for both activations',
                    lambda A, W, b, activation: linear_activation_forward(A, W, b, "sigmoid")),
            Mistake('activation "sigmoid" must call sigmoid(Z): yours computes relu for both activations',
                    lambda A, W, b, activation: linear_activation_forward(A, W, b, "relu")),
        ],
        exception_hints=[(needle, "linear_forward and the activations each return a pair: Z, linear_cache = "
                                  "linear_forward(...); A, activation_cache = sigmoid(Z)")
                         for needle in ("unsupported operand", "can't multiply sequence", "tuple")],
        inputs=("A_prev", "W", "b", "activation"))


def check_linear_activation_forward(fn):
    """Check `linear_activation_forward(A_prev, W, b, activation)` against `utils.deep`'s."""
    return run_check(fn, _linear_activation_forward_exercise())


# ---- L_model_forward ------------------------------------------------------------------------------------

def _network_cases():
    rng = _rng(8)
    out = []
    for dims, m in (([3, 2, 1], 4), ([4, 3, 2, 1], 5), ([5, 4, 3, 2, 1], 3), ([2, 3, 1], 6)):
        out.append((rng.normal(size=(dims[0], m)), _parameters(rng, dims)))
    return out


def _L(parameters):
    return len(parameters) // 2


def _forward_error(args, error):
    """What the library's shape checks say when the learner's loop passes the wrong A, W or b."""
    text = str(error)
    X = args[0]
    if text.startswith("A: expected a NumPy array, got ("):
        return "linear_activation_forward returns (A, cache) in that order: A, cache = linear_activation_forward(...)"
    if text.startswith("A: expected shape") and text.endswith(f"got {X.shape}") and len(args[1]) > 2:
        return ("a layer got an input of X's shape where it expects the previous layer's output: A = X before the "
                "loop, the hidden layers are for l in range(1, L), each taking the A the one before returned, then "
                "the output layer; a layer skipped, or X passed where A is meant?")
    if "to match W" in text:
        return ("a layer's W and the A or b it gets do not fit: layer l multiplies W{l} (n_l, n_{l-1}) by the "
                "previous layer's A (n_{l-1}, m) and adds b{l} (the same l); the hidden layers are for l in "
                "range(1, L) "
                "and the output layer uses W{L}, b{L}: an index is off by one")
    return None


def _L_model_forward_exercise():
    def reference(X, parameters):
        return L_model_forward(X, parameters)

    def skip_last(X, parameters):
        A, caches = X, []
        for l in range(1, _L(parameters)):
            A, c = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
            caches.append(c)
        return A, caches

    def hidden_caches_only(X, parameters):
        AL, caches = L_model_forward(X, parameters)
        return AL, caches[:-1]

    return Exercise(
        "L_model_forward", _network_cases, reference, "(AL, caches), one cache per layer",
        "X (n_0, m), parameters W_l (n_l, n_{l-1}), b_l (n_l, 1) -> AL (n_L, m), L caches",
        mistakes=[
            Mistake("the output layer uses sigmoid and the L - 1 hidden layers relu; yours uses sigmoid "
                    "everywhere", lambda X, p: L_model_forward(X, p, activations="sigmoid")),
            Mistake("the output layer is a sigmoid (a probability between 0 and 1), not a relu",
                    lambda X, p: L_model_forward(X, p, activations=["relu"] * _L(p))),
            Mistake("the loop runs the L - 1 hidden layers (range(1, L)); the output layer, sigmoid, comes "
                    "after it and was forgotten", skip_last),
            Mistake("append the output layer's cache too: caches holds one cache per layer, L in all",
                    hidden_caches_only),
        ],
        exception_hints=[("KeyError", 'the parameters are "W1", "b1", ..., "WL", "bL" with L = len(parameters) '
                                      '// 2: the loop is for l in range(1, L)'),
                         (MATMUL, "layer l multiplies W_l (n_l, n_{l-1}) by the previous layer's A (n_{l-1}, m): "
                                  "pass A from the previous step, not X")],
        inputs=("X", "parameters"), names=("AL", "caches"), error_hint=_forward_error)


def check_L_model_forward(fn):
    """Check `L_model_forward(X, parameters) -> (AL, caches)` (relu ... relu, sigmoid) against the library."""
    return run_check(fn, _L_model_forward_exercise())


# ---- compute_cost ---------------------------------------------------------------------------------------

def _compute_cost_exercise():
    def reference(AL, Y):
        return compute_cost(AL, Y)

    return Exercise(
        "compute_cost", _cost_cases, reference, "a number J", "AL (1, m) probabilities, Y (1, m) labels -> J",
        mistakes=cost_mistakes(reference), inputs=("AL", "Y"), nonfinite=COST_NONFINITE, names="J")


def check_compute_cost(fn):
    """Check `compute_cost(AL, Y) -> J` (binary cross-entropy) against `utils.costs.compute_cost`."""
    return run_check(fn, _compute_cost_exercise())


# ---- linear_backward ------------------------------------------------------------------------------------

def _linear_backward_cases():
    out = []
    rng = _rng(9)
    for A, W, b in _linear_cases():
        out.append((rng.normal(size=(W.shape[0], A.shape[1])), (A, W, b)))
    return out


def _linear_backward_exercise():
    def times_m(dZ, cache):
        dA, dW, db = linear_backward(dZ, cache)
        m = cache[0].shape[1]
        return dA, dW * m, db * m

    def db_times_m(dZ, cache):
        dA, dW, db = linear_backward(dZ, cache)
        return dA, dW, db * cache[0].shape[1]

    def db_no_keepdims(dZ, cache):
        dA, dW, db = linear_backward(dZ, cache)
        return dA, dW, db.ravel()

    def db_wrong_axis(dZ, cache):
        dA, dW, _ = linear_backward(dZ, cache)
        return dA, dW, np.sum(dZ, axis=0, keepdims=True) / cache[0].shape[1]

    return Exercise(
        "linear_backward", _linear_backward_cases, linear_backward, "(dA_prev, dW, db)",
        "dZ (n, m), cache (A_prev (n_prev, m), W (n, n_prev), b (n, 1)) -> dA_prev (n_prev, m), "
        "dW (n, n_prev), db (n, 1)",
        mistakes=[
            Mistake("dW and db are averages over the m examples: the factor 1/m is missing "
                    "(m = A_prev.shape[1])", times_m),
            Mistake("db needs the 1/m too: db = 1/m * np.sum(dZ, axis=1, keepdims=True)", db_times_m),
            Mistake("db must keep its column shape (n, 1): np.sum(dZ, axis=1, keepdims=True)", db_no_keepdims),
            Mistake("db sums over the examples, axis=1 (the columns), not axis=0", db_wrong_axis),
        ],
        exception_hints=[(MATMUL, "dW = 1/m dZ A_prev^T is dZ @ A_prev.T, (n, m) @ (m, n_prev); dA_prev = "
                                  "W^T dZ is W.T @ dZ, (n_prev, n) @ (n, m): a transpose is missing or misplaced"),
                         ("unpack", "the cache is (A_prev, W, b): A_prev, W, b = cache")],
        inputs=("dZ", "cache"), input_parts={"cache": ("A_prev", "W", "b")})


def check_linear_backward(fn):
    """Check `linear_backward(dZ, cache) -> (dA_prev, dW, db)` against `utils.deep.linear_backward`."""
    return run_check(fn, _linear_backward_exercise())


# ---- linear_activation_backward ---------------------------------------------------------------------------

def _activation_backward_cases():
    rng = _rng(10)
    out = []
    for A, W, b, activation in _activation_cases():
        _, cache = linear_activation_forward(A, W, b, activation)
        out.append((rng.normal(size=(W.shape[0], A.shape[1])), cache, activation))
    return out


def _linear_activation_backward_exercise():
    def swapped(dA, cache, activation):
        return linear_activation_backward(dA, cache, "relu" if activation == "sigmoid" else "sigmoid")

    def no_derivative(dA, cache, activation):
        return linear_backward(dA, cache[0])

    def derivative_at_a(dA, cache, activation):
        (A_prev, W, b), Z = cache
        g = sigmoid if activation == "sigmoid" else relu
        backward = sigmoid_backward if activation == "sigmoid" else relu_backward
        return linear_backward(backward(dA, g(Z)[0]), cache[0])

    return Exercise(
        "linear_activation_backward", _activation_backward_cases, linear_activation_backward,
        "(dA_prev, dW, db)", 'dA (n, m), cache ((A_prev, W, b), Z), activation "sigmoid" or "relu"',
        mistakes=[
            Mistake('the activations\' derivatives are swapped: "relu" needs relu_backward, "sigmoid" '
                    "sigmoid_backward", swapped),
            Mistake("dZ = dA * g'(Z) first (relu_backward or sigmoid_backward), then linear_backward(dZ, ...); "
                    "you passed dA straight to linear_backward", no_derivative),
            Mistake("the activation's backward takes the activation cache Z (cache[1]), not the layer's output A",
                    derivative_at_a),
            Mistake('activation "relu" needs relu_backward: yours uses sigmoid_backward for both activations',
                    lambda dA, cache, activation: linear_activation_backward(dA, cache, "sigmoid")),
            Mistake('activation "sigmoid" needs sigmoid_backward: yours uses relu_backward for both activations',
                    lambda dA, cache, activation: linear_activation_backward(dA, cache, "relu")),
        ],
        exception_hints=[("unpack", "the cache is (linear_cache, activation_cache): "
                                    "linear_cache, activation_cache = cache"),
                         ("tuple", "the cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z): pass "
                                   "Z to the activation's backward and (A_prev, W, b) to linear_backward"),
                         ("sequence", "the cache is (linear_cache, activation_cache) = ((A_prev, W, b), Z), in that "
                                      "order: linear_cache, activation_cache = cache")],
        inputs=("dA", "cache", "activation"), input_parts={"cache": ("linear_cache", "activation_cache")})


def check_linear_activation_backward(fn):
    """Check `linear_activation_backward(dA, cache, activation)` against `utils.deep`'s."""
    return run_check(fn, _linear_activation_backward_exercise())


# ---- L_model_backward -----------------------------------------------------------------------------------

def _backward_cases():
    rng = _rng(11)
    out = []
    for X, p in _network_cases():
        AL, caches = L_model_forward(X, p)
        Y = (rng.random(AL.shape) < 0.5).astype(float)
        out.append((AL, Y, caches))
    return out


#: dAL = -(Y / AL - (1 - Y) / (1 - AL)) written wrong: ((AL, Y) -> dAL, hint).
WRONG_DAL = [
    (lambda AL, Y: -(Y / AL), "the second term, (1 - Y) / (1 - AL), is missing"),
    (lambda AL, Y: (1 - Y) / (1 - AL), "the first term, Y / AL, is missing"),
    (lambda AL, Y: -(Y / AL + (1 - Y) / (1 - AL)), "the second term is subtracted: Y / AL - (1 - Y) / (1 - AL)"),
    (lambda AL, Y: -(Y - (1 - Y) / (1 - AL)), "the first term is Y / AL: the division by AL is missing"),
    (lambda AL, Y: -(Y / AL - (1 - Y)), "the second term is (1 - Y) / (1 - AL): the division by (1 - AL) is missing"),
    (lambda AL, Y: -(Y / AL - 1 / (1 - AL)), "the second term's numerator is (1 - Y), not 1"),
    (lambda AL, Y: -(Y / AL + Y / (1 - AL)), "the second term's numerator is (1 - Y): the 1 is missing"),
    (lambda AL, Y: -(Y / AL - (1 + Y) / (1 - AL)), "the second term's numerator is (1 - Y), not (1 + Y)"),
    (lambda AL, Y: -(Y / AL + (1 - Y) / AL), "the second term's denominator is (1 - AL): the 1 is missing"),
    (lambda AL, Y: -(Y / AL - (1 - Y) / (1 + AL)), "the second term's denominator is (1 - AL), not (1 + AL)"),
]


def _backward_from(dAL_of):
    """L_model_backward with dAL computed by dAL_of(AL, Y) (a wrong formula), the rest right."""
    def variant(AL, Y, caches):
        L, grads = len(caches), {}
        dAL = dAL_of(AL, Y)
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dAL, caches[L - 1],
                                                                                            "sigmoid")
        for l in range(L - 1, 0, -1):
            grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
                grads[f"dA{l}"], caches[l - 1], "relu")
        return grads
    return variant


def _L_model_backward_exercise():
    def reference(AL, Y, caches):
        return L_model_backward(AL, Y, caches)

    def negated(AL, Y, caches):
        return {k: -v for k, v in reference(AL, Y, caches).items()}

    return Exercise(
        "L_model_backward", _backward_cases, reference, 'grads {"dA0", "dW1", "db1", ..., "dWL", "dbL"}',
        "AL (1, m), Y (1, m), L caches -> dW_l like W_l, db_l like b_l, dA_{l-1} like A_{l-1}", names="grads",
        mistakes=[
            Mistake("the sign of dAL: dAL = -(Y / AL - (1 - Y) / (1 - AL)); every gradient of yours has the "
                    "opposite sign", negated),
            Mistake("the output layer is a sigmoid: its backward step is linear_activation_backward(dAL, "
                    'caches[L - 1], "sigmoid"), not "relu"',
                    lambda AL, Y, c: L_model_backward(AL, Y, c, activations=["relu"] * len(c))),
            Mistake('the hidden layers are relu: their backward steps use "relu", not "sigmoid"',
                    lambda AL, Y, c: L_model_backward(AL, Y, c, activations="sigmoid")),
        ] + [Mistake(f"dAL = -(Y / AL - (1 - Y) / (1 - AL)): {hint}", _backward_from(f)) for f, hint in WRONG_DAL],
        exception_hints=[("KeyError", 'grads["dA" + str(l)] is written by layer l + 1\'s step: run the layers '
                                      "from L down to 1 and store dA{l-1}, dW{l}, db{l} at each"),
                         ("IndexError", "caches holds L caches, caches[0] ... caches[L - 1]: layer l's cache is "
                                        "caches[l - 1]")]
        + [(needle, "layer l's cache is caches[l - 1] (caches[0] is layer 1's, caches[L - 1] the output layer's): "
                    "with another index, the layer's W and the dA it gets do not fit")
           for needle in (MATMUL, "broadcast")],
        inputs=("AL", "Y", "caches"),
        nonfinite="dAL = -(Y / AL - (1 - Y) / (1 - AL)) divides by AL and by 1 - AL, probabilities strictly between "
                  "0 and 1; never by Y or 1 - Y, which are 0 for half the examples")


def check_L_model_backward(fn):
    """Check `L_model_backward(AL, Y, caches) -> grads` (relu ... relu, sigmoid) against the library."""
    return run_check(fn, _L_model_backward_exercise())


# ---- update_parameters ----------------------------------------------------------------------------------

def _update_cases():
    rng = _rng(12)
    out = []
    for dims, lr in (([2, 2, 1], 0.1), ([4, 3, 2, 1], 0.05), ([3, 5, 1], 1.2)):
        p = _parameters(rng, dims)
        g = {f"d{k}": rng.normal(size=v.shape) for k, v in p.items()}
        out.append((p, g, lr))
    return out


def _any_key(rule):
    """True when, for some parameter key k, the learner's new value equals rule(old, gradient, learning_rate)."""
    def when(args, got):
        p, g, lr = args
        return any(k in got and np.shape(got[k]) == np.shape(p[k]) and not np.allclose(p[k] - lr * g["d" + k],
                                                                                          rule(p[k], g["d" + k], lr))
                   and np.allclose(got[k], rule(p[k], g["d" + k], lr)) for k in p)
    return when


def _update_parameters_exercise():
    def plus(p, g, lr):
        return update_parameters(p, g, -lr)

    def weights_only(p, g, lr):
        new = update_parameters(p, g, lr)
        return {k: (v if k.startswith("W") else p[k]) for k, v in new.items()}

    def no_rate(p, g, lr):
        return update_parameters(p, g, 1.0)

    return Exercise(
        "update_parameters", _update_cases, update_parameters, "the new parameters (a dict)",
        "W_l - alpha dW_l, b_l - alpha db_l for l = 1 .. L", names="parameters",
        mistakes=[
            Mistake("gradient DEscent: subtract, W = W - learning_rate * dW (adding climbs the cost)", plus),
            Mistake("the biases need their step too: b_l = b_l - learning_rate * db_l", weights_only),
            Mistake("multiply the gradient by the learning rate", no_rate),
            Mistake("gradient DEscent: subtract, W = W - learning_rate * dW and b = b - learning_rate * db (one of "
                    "yours adds)", when=_any_key(lambda v, d, lr: v + lr * d)),
            Mistake("the step is learning_rate * dW: one of yours subtracts the learning rate alone (the gradient "
                    "is missing)", when=_any_key(lambda v, d, lr: v - lr)),
            Mistake("the step is learning_rate * dW: one of yours subtracts the gradient alone (the learning rate is "
                    "missing)", when=_any_key(lambda v, d, lr: v - d)),
        ],
        exception_hints=[("KeyError", 'the gradients are grads["dW1"], grads["db1"], ...: the parameter\'s name '
                                      'with a "d" in front')],
        inputs=("parameters", "grads", "learning_rate"))


def check_update_parameters(fn):
    """Check `update_parameters(parameters, grads, learning_rate)` against `utils.deep.update_parameters`."""
    return run_check(fn, _update_parameters_exercise())


# ---- gradient_check_n ------------------------------------------------------------------------------------

def _gradient_check_cases():
    """(parameters, gradients, X, Y, epsilon): small networks whose `gradients` are backprop's with an error added,
    so the relative difference is a number well above rounding (0.01 to 1) that every right loop finds to many
    digits. The first case passes all-zero gradients: the difference is then exactly 1 (check it by hand)."""
    rng = _rng(31)
    out = []
    for k, (dims, m, epsilon, error) in enumerate((([2, 2, 1], 3, 1e-7, None), ([3, 2, 1], 4, 1e-5, 0.05),
                                                    ([2, 3, 2, 1], 5, 1e-4, 0.2), ([4, 3, 1], 6, 1e-5, 0.02))):
        X = rng.normal(size=(dims[0], m))
        Y = (rng.random((1, m)) < 0.5).astype(float)
        Y[0, 0], Y[0, -1] = 0.0, 1.0
        p = _parameters(rng, dims)
        AL, caches = L_model_forward(X, p)
        grads = {k: v for k, v in L_model_backward(AL, Y, caches).items() if not k.startswith("dA")}
        if error is None:
            grads = {k: np.zeros_like(v) for k, v in grads.items()}
        else:
            grads = {k: v + error * rng.normal(size=v.shape) * np.abs(v).mean() for k, v in grads.items()}
        out.append((p, grads, X, Y, epsilon))
    return out


def _approximate(parameters, X, Y, epsilon, *, central=True, two=True, restore=True, minus_sign=-1.0,
                 copy_plus=True, copy_minus=True, plus=None, minus=None, count=None, shift_plus=0, shift_minus=0,
                 shift_out=0, divide=True):
    """The loop of the gradient check with one thing done another way: a wrong variant's gradapprox (n, 1).

    restore=False / copy_plus / copy_minus: theta_plus (theta_minus) is theta itself, not a copy; plus / minus:
    the nudged entry's new value as a function of (value, epsilon); count: how many entries the loop visits;
    shift_*: an index off by one in theta_plus[i], theta_minus[i] or gradapprox[i]; divide=False: no / (2 eps)."""
    from utils.gradient_check import dictionary_to_vector, vector_to_dictionary
    from utils.deep import layer_dims_of

    theta, _ = dictionary_to_vector(parameters)
    dims = layer_dims_of(parameters)

    def J(vector):
        return compute_cost(L_model_forward(X, vector_to_dictionary(vector, dims))[0], Y)

    J0 = J(theta)
    n = theta.shape[0]
    approx = np.zeros_like(theta)
    work = theta.copy()
    plus = plus or (lambda value, eps: value + eps)
    minus = minus or (lambda value, eps: value + minus_sign * eps)
    for i in range(n if count is None else count(n)):
        theta_plus = work.copy() if restore and copy_plus else work
        theta_plus[i - shift_plus] = plus(theta_plus[i - shift_plus], epsilon)
        J_plus = J(theta_plus)
        theta_minus = work.copy() if restore and copy_minus else work
        theta_minus[i - shift_minus] = minus(theta_minus[i - shift_minus], epsilon)
        J_minus = J(theta_minus) if central else J0
        step = ((2 if two and central else 1) * epsilon) if divide else 1.0
        approx[i - shift_out] = (J_plus - J_minus) / step
    return approx


def _difference(parameters, gradients, X, Y, epsilon, *, how="relative", flat=False, **approximate):
    from utils.gradient_check import gradients_to_vector

    grad = gradients_to_vector(gradients)
    approx = _approximate(parameters, X, Y, epsilon, **approximate)
    if flat:   # gradapprox = np.zeros(n): grad - gradapprox broadcasts (n, 1) - (n,) to an (n, n) table
        approx = approx.ravel()
    numerator = {"grad": np.linalg.norm(grad), "approx": np.linalg.norm(approx),
                 "sum": np.linalg.norm(grad + approx)}.get(how, np.linalg.norm(grad - approx))
    if how == "absolute":
        return float(numerator)
    denominator = {"sum": np.linalg.norm(grad + approx), "one": np.linalg.norm(grad),
                   "approx_only": np.linalg.norm(approx),
                   "minus": np.linalg.norm(grad) - np.linalg.norm(approx)}.get(how, np.linalg.norm(grad) +
                                                                               np.linalg.norm(approx))
    if how == "sum":
        denominator = np.linalg.norm(grad) + np.linalg.norm(approx)
        return float(np.linalg.norm(grad + approx) / denominator)
    if how == "sum_denominator":
        return float(np.linalg.norm(grad - approx) / np.linalg.norm(grad + approx))
    return float(numerator / denominator)


def _near_one(args, got) -> bool:
    """The difference is about 1 where the right one is far below: gradapprox is ~0 or huge next to grad."""
    from utils.gradient_check import gradient_check_n

    try:
        value = float(got)
    except (TypeError, ValueError):
        return False
    return abs(value - 1) < 0.02 and gradient_check_n(*args) < 0.5


def _gradient_check_exercise():
    from utils.gradient_check import gradient_check_n

    def reference(parameters, gradients, X, Y, epsilon):
        return gradient_check_n(parameters, gradients, X, Y, epsilon)

    same_i = ("gradapprox[i] is the slope of entry i: nudge theta_plus[i] and theta_minus[i] and store "
              "gradapprox[i], the same i in all three (yours is off by one in {})")
    copy = ("copy theta before nudging it: theta_{0} = np.copy(theta); with theta_{0} = theta both names are the "
            "same array, the nudges pile up, and theta is no longer the point the gradient was taken at")
    return Exercise(
        "gradient_check_n", _gradient_check_cases, reference, "difference, a number",
        "parameters and gradients: dicts of the same shapes (n parameters in all), X (n_x, m), Y (1, m) -> a float",
        mistakes=[
            Mistake("the central difference divides by 2 epsilon, the distance between theta + epsilon and "
                    "theta - epsilon: gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)",
                    lambda *a: _difference(*a, two=False)),
            Mistake("use the central difference, (J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon): yours is "
                    "one-sided, (J(theta + epsilon) - J(theta)) / epsilon, whose error grows with epsilon",
                    lambda *a: _difference(*a, central=False)),
            Mistake("copy theta before nudging it: theta_plus = np.copy(theta) and theta_minus = np.copy(theta); with "
                    "theta_plus = theta all the names are one array, the nudges pile up, and theta is no longer the "
                    "point the gradient was taken at", lambda *a: _difference(*a, restore=False)),
            Mistake(copy.format("plus"), lambda *a: _difference(*a, copy_plus=False)),
            Mistake(copy.format("minus"), lambda *a: _difference(*a, copy_minus=False)),
            Mistake("J_minus is the cost at theta - epsilon: theta_minus[i] = theta_minus[i] - epsilon",
                    lambda *a: _difference(*a, minus_sign=1.0)),
            Mistake("theta_plus[i] = theta_plus[i] + epsilon: the entry moves by epsilon from where it was (yours "
                    "does not move it up, or replaces it by epsilon)",
                    lambda *a: _difference(*a, plus=lambda value, eps: value)),
            Mistake("theta_plus[i] = theta_plus[i] + epsilon: the entry moves by epsilon from where it was (yours "
                    "replaces it by epsilon)", lambda *a: _difference(*a, plus=lambda value, eps: eps)),
            Mistake("theta_minus[i] = theta_minus[i] - epsilon: the entry moves by epsilon from where it was (yours "
                    "replaces it)", lambda *a: _difference(*a, minus=lambda value, eps: -eps)),
            Mistake("theta_minus[i] = theta_minus[i] - epsilon, the entry minus epsilon (yours is epsilon minus the "
                    "entry)", lambda *a: _difference(*a, minus=lambda value, eps: eps - value)),
            Mistake(same_i.format("theta_plus"), lambda *a: _difference(*a, shift_plus=1)),
            Mistake(same_i.format("theta_minus"), lambda *a: _difference(*a, shift_minus=1)),
            Mistake(same_i.format("gradapprox"), lambda *a: _difference(*a, shift_out=1)),
            Mistake("the loop visits every one of the n = theta.shape[0] entries: for i in range(n) (yours stops "
                    "one short)", lambda *a: _difference(*a, count=lambda n: n - 1)),
            Mistake("the loop visits every one of the n = theta.shape[0] entries (theta is a column (n, 1): "
                    "theta.shape[0], not theta.shape[1])", lambda *a: _difference(*a, count=lambda n: 1)),
            Mistake("the difference is relative: divide ||grad - gradapprox|| by ||grad|| + ||gradapprox||",
                    lambda *a: _difference(*a, how="absolute")),
            Mistake("the numerator is the norm of the difference, ||grad - gradapprox||",
                    lambda *a: _difference(*a, how="grad")),
            Mistake("the numerator is the norm of the difference, ||grad - gradapprox||",
                    lambda *a: _difference(*a, how="approx")),
            Mistake("the numerator is the norm of the difference, ||grad - gradapprox||, a minus",
                    lambda *a: _difference(*a, how="sum")),
            Mistake("the denominator is ||grad|| + ||gradapprox||, two norms added, not the norm of the sum",
                    lambda *a: _difference(*a, how="sum_denominator")),
            Mistake("the denominator is ||grad|| + ||gradapprox||: the norm of gradapprox is missing",
                    lambda *a: _difference(*a, how="one")),
            Mistake("the denominator is ||grad|| + ||gradapprox||: the norm of grad is missing",
                    lambda *a: _difference(*a, how="approx_only")),
            Mistake("the denominator is ||grad|| + ||gradapprox||, a plus", lambda *a: _difference(*a, how="minus")),
            Mistake("gradapprox must have grad's shape, (n, 1): np.zeros((n, 1)); with np.zeros(n), grad - gradapprox "
                    "subtracts an (n,) array from an (n, 1) column, which NumPy broadcasts to an (n, n) table",
                    lambda *a: _difference(*a, flat=True)),
            Mistake("your difference is about 1 where the right one is far smaller: your gradapprox is either about "
                    "0 or enormous next to grad. Check each piece: theta_plus[i] = theta_plus[i] + epsilon, "
                    "theta_minus[i] = theta_minus[i] - epsilon, and gradapprox[i] = (J_plus - J_minus) / "
                    "(2 * epsilon), a difference divided by 2 epsilon", when=_near_one),
        ],
        exception_hints=[("theta", "theta, _ = dictionary_to_vector(parameters) gives one column (n, 1); "
                                   "vector_to_dictionary(theta_plus, layer_dims) turns a column back into a dict"),
                         ("KeyError", 'gradients holds "dW1", "db1", ..., "dWL", "dbL": '
                                      "grad = gradients_to_vector(gradients) lays them out in the order of theta"),
                         ("AL: expected an array", "L_model_forward returns (AL, caches): the cost needs AL, "
                                                   "L_model_forward(...)[0]")],
        inputs=("parameters", "gradients", "X", "Y", "epsilon"))


def check_gradient_check_n(fn):
    """Check `gradient_check_n(parameters, gradients, X, Y, epsilon) -> difference` against the library's."""
    return run_check(fn, _gradient_check_exercise())
