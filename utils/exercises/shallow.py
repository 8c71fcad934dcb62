"""Checks of chapter 2 (a shallow network): tanh, its derivative, the 2-layer initialisation."""

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
