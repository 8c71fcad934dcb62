"""Checks of optimization_code.ipynb: L2, dropout, the gradient check, mini-batches, momentum, Adam, a schedule."""

from __future__ import annotations

import numpy as np

from utils.gradient_check import relative_error
from utils.optimizers import (random_mini_batches, schedule_lr_decay, update_lr, update_parameters_with_adam,
                              update_parameters_with_momentum)
from utils.regularization import dropout_backward, dropout_forward, l2_cost, l2_gradient

from .core import Exercise, Mistake, run_check
from .deep import _forward_error, _parameters


def _rng(seed):
    return np.random.default_rng(seed)


# ---- L2 -------------------------------------------------------------------------------------------------

def _l2_cost_cases():
    rng = _rng(20)
    hand = ({"W1": np.array([[1.0, 2.0]]), "b1": np.array([[3.0]]), "W2": np.array([[2.0]]),
             "b2": np.array([[1.0]])}, 0.5, 4)
    return [hand] + [(_parameters(rng, dims), lambd, m) for dims, lambd, m in
                     (([3, 2, 1], 0.7, 5), ([4, 3, 2, 1], 2.0, 10), ([2, 4, 1], 0.1, 3))]


def _weights(p):
    return [v for k, v in p.items() if k.startswith("W")]


def _layers_left_out(args, got) -> str:
    """The hint when the learner's cost is the penalty of some of the layers only ("" when it is not)."""
    import itertools

    p, lambd, m = args
    L = len(p) // 2
    try:
        value = float(np.asarray(got, dtype=float).item())
    except (TypeError, ValueError):
        return ""
    squares = [float(np.sum(p[f"W{l}"] ** 2)) for l in range(1, L + 1)]
    for k in range(L):
        for kept in itertools.combinations(range(1, L + 1), k):
            if np.isclose(value, lambd / (2 * m) * sum(squares[l - 1] for l in kept), rtol=1e-6, atol=1e-12):
                left = [f"W{l}" for l in range(1, L + 1) if l not in kept]
                return (f"sum over every layer, W1 ... W{L} here (L = len(parameters) // 2, for l in range(1, L + 1)): "
                        f"yours leaves out {', '.join(left)}")
    return ""


def _l2_cost_exercise():
    return Exercise(
        "l2_cost", _l2_cost_cases, l2_cost, "a number", "lambd / (2 m) * sum over l of sum(W_l ** 2)",
        names="the L2 cost",
        mistakes=[
            Mistake("the factor is lambd / (2 m): the 1/2 is missing (it makes the gradient lambd/m W)",
                    lambda p, lambd, m: 2 * l2_cost(p, lambd, m)),
            Mistake("only the weights W_l are penalised, not the biases b_l",
                    lambda p, lambd, m: lambd / (2 * m) * sum(float(np.sum(v ** 2)) for v in p.values())),
            Mistake("square the weights before summing: np.sum(np.square(W))",
                    lambda p, lambd, m: lambd / (2 * m) * sum(float(np.sum(W)) for W in _weights(p))),
            Mistake("divide by m, the number of examples: lambd / (2 m)",
                    lambda p, lambd, m: l2_cost(p, lambd, m) * m),
            Mistake("sum over EVERY layer, W1 ... WL (L = len(parameters) // 2), not only the first",
                    lambda p, lambd, m: lambd / (2 * m) * float(np.sum(p["W1"] ** 2))),
            Mistake(_layers_left_out, when=lambda args, got: bool(_layers_left_out(args, got))),
            Mistake("multiply the sum of the squared weights by lambd / (2 m): the factor is missing",
                    lambda p, lambd, m: l2_cost(p, lambd, m) * 2 * m / lambd),
            Mistake("lambd / (2 m) multiplies the sum of the squared weights: yours is the factor alone",
                    lambda p, lambd, m: lambd / (2 * m)),
            Mistake("the factor is lambd / (2 m): the division by 2 m is missing",
                    lambda p, lambd, m: l2_cost(p, lambd, m) * 2 * m),
            Mistake("the factor is lambd / (2 m), not (2 m) / lambd: yours is upside down",
                    lambda p, lambd, m: l2_cost(p, lambd, m) * (2 * m / lambd) ** 2),
            Mistake("np.sum of the squares, not np.mean (which divides each layer's sum by its number of weights)",
                    lambda p, lambd, m: lambd / (2 * m) * sum(float(np.mean(W ** 2)) for W in _weights(p))),
        ],
        inputs=("parameters", "lambd", "m"))


def check_l2_cost(fn):
    """Check `l2_cost(parameters, lambd, m)` against `utils.regularization.l2_cost`."""
    return run_check(fn, _l2_cost_exercise())


def _l2_gradient_exercise():
    def cases():
        rng = _rng(21)
        return [(np.array([[1.0, -2.0], [0.5, 4.0]]), 0.5, 4)] + [
            (rng.normal(size=(3, 5)), 0.7, 10), (rng.normal(size=(1, 4)), 3.0, 7)]

    return Exercise(
        "l2_gradient", cases, l2_gradient, "an array like W", "W (n_l, n_{l-1}) -> lambd / m * W, same shape",
        names="the gradient",
        mistakes=[
            Mistake("the derivative of lambd / (2m) * W^2 is lambd / m * W: the 2 of the square cancels the 1/2",
                    lambda W, lambd, m: lambd / (2 * m) * W),
            Mistake("divide by m: lambd / m * W", lambda W, lambd, m: lambd * W),
            Mistake("the derivative of W^2 is 2 W, and the 2 cancels the 1/2: lambd / m * W, not "
                    "2 lambd / m * W", lambda W, lambd, m: 2 * lambd / m * W),
        ],
        inputs=("W", "lambd", "m"))


def check_l2_gradient(fn):
    """Check `l2_gradient(W, lambd, m)` against `utils.regularization.l2_gradient`."""
    return run_check(fn, _l2_gradient_exercise())


# ---- dropout --------------------------------------------------------------------------------------------

def _dropout_forward_cases():
    rng = _rng(22)
    return [(np.array([[1.0, 2.0], [3.0, 4.0]]), 0.5, 0)] + [
        (rng.normal(size=(40, 250)), kp, seed) for kp, seed in ((0.8, 1), (0.5, 2), (0.9, 3))]


def _is_mask(D) -> bool:
    """A mask: booleans, or numbers that are all 0 or 1 (the course's (rand < keep_prob).astype(int) is one)."""
    if not isinstance(D, np.ndarray):
        return False
    if D.dtype == bool:
        return True
    return np.issubdtype(D.dtype, np.number) and bool(np.all((D == 0) | (D == 1)))


def _check_mask(args, got):
    A, keep_prob, seed = args
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None   # the comparison says what to return
    D = got[1]
    if not isinstance(D, np.ndarray) or D.shape != A.shape:
        return f"should return the mask D of A's shape {A.shape} as its second value"
    if not _is_mask(D):
        return ("D should be the mask that says which units are kept, True / False (or 1 / 0): D = rng.random(A.shape) "
                "< keep_prob; yours holds other values (the uniform draws themselves, or A * D?)")
    if A.size >= 1000:
        kept = float(D.mean())
        if abs(kept - keep_prob) > 0.03:
            return (f"keeps {kept:.0%} of the units with keep_prob = {keep_prob}: D = rng.random(A.shape) < "
                    "keep_prob keeps each unit with probability keep_prob")
    return None


def _mask(got):
    """The learner's mask D (its own random draw, booleans or 0 / 1), or None when the result has no usable mask."""
    if isinstance(got, (tuple, list)) and len(got) == 2 and _is_mask(got[1]):
        return got[1]
    return None


DROPOUT_NONFINITE = ("A * D is 0 wherever a unit is dropped, and a division by it gives inf: divide by keep_prob, "
                     "A * D / keep_prob")


def _dropout_forward_exercise():
    def reference(got, A, keep_prob, seed):
        D = _mask(got)
        return dropout_forward(A, keep_prob, seed, mask=D if D is not None and D.shape == A.shape else None)

    def kept_only(got, A, kp, seed):
        return A * got[1], got[1]

    def multiplied(got, A, kp, seed):
        return A * got[1] * kp, got[1]

    def not_scaled_back(got, A, kp, seed):
        return A / kp, got[1]

    def mask_only(got, A, kp, seed):
        return got[1] / kp, got[1]

    return Exercise(
        "dropout_forward", _dropout_forward_cases, reference, "(A * D / keep_prob, D)",
        "A (n_l, m), keep_prob in (0, 1], seed -> (A_dropped (n_l, m), D (n_l, m) boolean or 0 / 1)",
        names=("A * D / keep_prob", "D"),
        mistakes=[
            Mistake("inverted dropout divides by keep_prob, A * D / keep_prob, so each unit keeps its "
                    "expected value (the division is missing)", kept_only),
            Mistake("divide by keep_prob, do not multiply: A * D / keep_prob", multiplied),
            Mistake("apply the mask: A * D shuts down the units where D is False", not_scaled_back),
            Mistake("A * D / keep_prob: A is missing (yours is the mask divided by keep_prob)", mask_only),
        ],
        nonfinite=DROPOUT_NONFINITE,
        validate=_check_mask, inputs=("A", "keep_prob", "seed"), uses_result=True,
        seeded="rng = np.random.default_rng(seed), then D = rng.random(A.shape) < keep_prob (a mask drawn from "
               "np.random.RandomState(seed) is accepted too)")


def check_dropout_forward(fn):
    """Check `dropout_forward(A, keep_prob, seed) -> (A * D / keep_prob, D)` against the library."""
    return run_check(fn, _dropout_forward_exercise())


def _dropout_backward_exercise():
    def cases():
        rng = _rng(23)
        hand = (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[True, False], [True, True]]), 0.5)
        return [hand] + [(rng.normal(size=(4, 6)), rng.random((4, 6)) < kp, kp) for kp in (0.8, 0.6)]

    return Exercise(
        "dropout_backward", cases, dropout_backward, "dA * D / keep_prob", "dA (n_l, m), D (n_l, m) boolean",
        names="dA * D / keep_prob",
        mistakes=[
            Mistake("the backward step scales like the forward one: dA * D / keep_prob (the division is missing)",
                    lambda dA, D, kp: dA * D),
            Mistake("divide by keep_prob, do not multiply: dA * D / keep_prob", lambda dA, D, kp: dA * D * kp),
            Mistake("apply the mask D: the units shut down in the forward pass get no gradient",
                    lambda dA, D, kp: dA / kp),
            Mistake("dA * D / keep_prob: dA is missing (yours is the mask divided by keep_prob)",
                    lambda dA, D, kp: D / kp),
        ],
        nonfinite=DROPOUT_NONFINITE.replace("A * D", "dA * D"),
        inputs=("dA", "D", "keep_prob"))


def check_dropout_backward(fn):
    """Check `dropout_backward(dA, D, keep_prob)` against `utils.regularization.dropout_backward`."""
    return run_check(fn, _dropout_backward_exercise())


# ---- gradient check: the relative difference --------------------------------------------------------------

def _relative_error_exercise():
    def cases():
        rng = _rng(24)
        hand = (np.array([3.0, 0.0]), np.array([0.0, 4.0]))
        out = [hand]
        for n in (5, 20):
            g = rng.normal(size=n)
            out.append((g + rng.normal(0, 1e-3, n), g))
        return out

    def norm(x):
        return np.linalg.norm(x)

    return Exercise(
        "relative_error", cases, relative_error, "a number", "approx (n,), exact (n,) -> a float",
        names="the relative error",
        mistakes=[
            Mistake("the denominator is ||approx|| + ||exact||, the sum of both norms (yours divides by "
                    "||exact|| only)", lambda a, e: float(norm(a - e) / norm(e))),
            Mistake("the numerator is the NORM of the difference, ||approx - exact|| = np.linalg.norm(approx - "
                    "exact), not its sum", lambda a, e: float(np.sum(a - e) / (norm(a) + norm(e)))),
            Mistake("np.linalg.norm already takes the square root: no squares around it",
                    lambda a, e: float(norm(a - e) ** 2 / (norm(a) ** 2 + norm(e) ** 2))),
            Mistake("the denominator is the sum of the two norms, ||approx|| + ||exact||, not the norm of the sum",
                    lambda a, e: float(norm(a - e) / norm(a + e))),
            Mistake("divide by ||approx|| + ||exact||: the denominator is missing",
                    lambda a, e: float(norm(a - e))),
            Mistake("the denominator is ||approx|| + ||exact||, the sum of both norms (yours divides by ||approx|| "
                    "only)", lambda a, e: float(norm(a - e) / norm(a))),
            Mistake("the denominator is the SUM ||approx|| + ||exact||, not the difference",
                    lambda a, e: float(norm(a - e) / (norm(a) - norm(e)))),
            Mistake("the numerator is the norm of the DIFFERENCE, ||approx - exact|| (yours: ||approx||)",
                    lambda a, e: float(norm(a) / (norm(a) + norm(e)))),
            Mistake("the numerator is the norm of the DIFFERENCE, ||approx - exact|| (yours: ||exact||)",
                    lambda a, e: float(norm(e) / (norm(a) + norm(e)))),
            Mistake("the numerator is the norm of the DIFFERENCE, ||approx - exact||, not of the sum",
                    lambda a, e: float(norm(a + e) / (norm(a) + norm(e)))),
        ],
        inputs=("approx", "exact"))


def check_relative_error(fn):
    """Check `relative_error(approx, exact)` against `utils.gradient_check.relative_error`."""
    return run_check(fn, _relative_error_exercise())


# ---- random_mini_batches --------------------------------------------------------------------------------

def _batch_shapes_hint(args, got):
    """The first mini-batch whose X or Y part has the wrong shape, said with the shapes expected ("" if none)."""
    X, Y, size, seed = args
    if not isinstance(got, (list, tuple)) or not all(isinstance(b, (tuple, list)) and len(b) == 2 for b in got):
        return ""
    m = X.shape[1]
    widths = [min(size, m - k) for k in range(0, m, size)]
    shapes = [(np.shape(bx), np.shape(by)) for bx, by in got]
    expected = [((X.shape[0], w), (Y.shape[0], w)) for w in widths]
    if shapes == expected:
        return ""
    for i, (have, want) in enumerate(zip(shapes, expected), 1):
        if have != want:
            part = "X" if have[0] != want[0] else "Y"
            where = f"mini-batch {i}'s {part} part is {have[part == 'Y']}, expected {want[part == 'Y']}"
            break
    else:
        where = f"{len(shapes)} mini-batches, expected {len(expected)}"
    return (f"{where} (m = {m}, mini_batch_size = {size}): each example is a COLUMN, so a mini-batch is "
            "X[:, k:k + mini_batch_size] and Y[:, k:k + mini_batch_size], all the rows and mini_batch_size columns, "
            "for k in range(0, m, mini_batch_size) (the last one holds the m % mini_batch_size left)")


def _mini_batch_exercise():
    def cases():
        rng = _rng(25)
        hand = (np.arange(10.0).reshape(2, 5), np.array([[0.0, 1.0, 0.0, 1.0, 1.0]]), 2, 0)
        return [hand] + [(rng.normal(size=(3, m)), (rng.random((1, m)) < 0.5).astype(float), size, seed)
                         for m, size, seed in ((20, 8, 1), (64, 16, 2), (7, 64, 3))]

    def no_last(X, Y, size=64, seed=0):
        return [b for b in random_mini_batches(X, Y, size, seed) if b[0].shape[1] == size]

    def y_not_shuffled(X, Y, size=64, seed=0):
        perm = np.random.RandomState(seed).permutation(X.shape[1])
        return [(X[:, perm][:, k:k + size], Y[:, k:k + size]) for k in range(0, X.shape[1], size)]

    def not_shuffled(X, Y, size=64, seed=0):
        return [(X[:, k:k + size], Y[:, k:k + size]) for k in range(0, X.shape[1], size)]

    def other_generator(X, Y, size=64, seed=0):
        perm = np.random.default_rng(seed).permutation(X.shape[1])
        return [(X[:, perm][:, k:k + size], Y[:, perm][:, k:k + size]) for k in range(0, X.shape[1], size)]

    return Exercise(
        "random_mini_batches", cases, random_mini_batches, "a list of (mini_batch_X, mini_batch_Y) pairs",
        "X (n_x, m), Y (1, m) -> pairs of (n_x, size) and (1, size), the last one (m mod size) columns",
        names="mini_batches",
        mistakes=[
            Mistake("the last mini-batch is smaller when m is not a multiple of mini_batch_size: keep it "
                    "(range(0, m, mini_batch_size) with slices k:k + mini_batch_size does)", no_last),
            Mistake("shuffle X and Y with the SAME permutation: Y[:, permutation] too, or the labels no "
                    "longer belong to their examples", y_not_shuffled),
            Mistake("shuffle first: permutation = np.random.RandomState(seed).permutation(m), then "
                    "X[:, permutation]", not_shuffled),
            Mistake("you shuffled with np.random.default_rng(seed): the idea is right, but this exercise uses the "
                    "course's generator, np.random.RandomState(seed).permutation(m) (or np.random.seed(seed), then "
                    "np.random.permutation(m)), whose order the check expects", other_generator),
            Mistake(_batch_shapes_hint, when=lambda args, got: bool(_batch_shapes_hint(args, got))),
        ],
        inputs=("X", "Y", "mini_batch_size", "seed"),
        seeded="permutation = np.random.RandomState(seed).permutation(m), the course's generator (or "
               "np.random.seed(seed), then np.random.permutation(m)); np.random.default_rng(seed) shuffles differently")


def check_random_mini_batches(fn):
    """Check `random_mini_batches(X, Y, mini_batch_size, seed)` against `utils.optimizers`'."""
    return run_check(fn, _mini_batch_exercise())


# ---- momentum and Adam ----------------------------------------------------------------------------------

def _optimizer_cases(with_state):
    rng = _rng(26)
    out = []
    for dims in ([2, 2, 1], [3, 4, 2, 1]):
        p = _parameters(rng, dims)
        g = {f"d{k}": rng.normal(size=v.shape) for k, v in p.items()}
        states = [{k: rng.normal(0, 0.1, v.shape) for k, v in g.items()} for _ in range(with_state)]
        out.append((p, g, *states))
    return out


def _momentum_exercise():
    def cases():
        return [(p, g, v, beta, lr) for (p, g, v), beta, lr in zip(_optimizer_cases(1), (0.9, 0.8), (0.1, 0.05))]

    def step(p, g, v, beta, lr, *, new_v, use):
        new, v2 = dict(p), dict(v)
        for k in p:
            d = "d" + k
            v2[d] = new_v(v[d], g[d], beta)
            new[k] = p[k] - lr * (v2[d] if use == "v" else g[d])
        return new, v2

    return Exercise(
        "update_parameters_with_momentum", cases, update_parameters_with_momentum, "(parameters, v)",
        'v["dW1"] like W1 ...; v = beta v + (1 - beta) dW, W = W - learning_rate v',
        mistakes=[
            Mistake("v is an average: v = beta * v + (1 - beta) * dW (the (1 - beta) is missing)",
                    lambda p, g, v, b, lr: step(p, g, v, b, lr, new_v=lambda v_, g_, b_: b_ * v_ + g_, use="v")),
            Mistake("the step follows the velocity: W = W - learning_rate * v (you used the gradient dW)",
                    lambda p, g, v, b, lr: step(p, g, v, b, lr,
                                                new_v=lambda v_, g_, b_: b_ * v_ + (1 - b_) * g_, use="g")),
            Mistake("beta weighs the OLD velocity: v = beta * v + (1 - beta) * dW, not (1 - beta) * v + beta * dW",
                    lambda p, g, v, b, lr: step(p, g, v, b, lr,
                                                new_v=lambda v_, g_, b_: (1 - b_) * v_ + b_ * g_, use="v")),
        ],
        exception_hints=[("KeyError", 'v has the gradients\' names: v["dW1"], v["db1"], ...')],
        inputs=("parameters", "grads", "v", "beta", "learning_rate"))


def check_update_parameters_with_momentum(fn):
    """Check `update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)` against the library."""
    return run_check(fn, _momentum_exercise())


def _adam_exercise():
    def cases():
        out = []
        for (p, g, v, s), t in zip(_optimizer_cases(2), (1, 3)):
            s = {k: np.abs(x) for k, x in s.items()}
            out.append((p, g, v, s, t, 0.01, 0.9, 0.999, 1e-8))
        return out

    def variant(p, g, v, s, t, lr, b1, b2, eps, *, correct=True, square=True, root=True, step=None):
        new, v2, s2, vc, sc = dict(p), dict(v), dict(s), {}, {}
        for k in p:
            d = "d" + k
            v2[d] = b1 * v[d] + (1 - b1) * g[d]
            s2[d] = b2 * s[d] + (1 - b2) * (g[d] ** 2 if square else g[d])
            vc[d] = v2[d] / (1 - b1 ** t) if correct else v2[d]
            sc[d] = s2[d] / (1 - b2 ** t) if correct else s2[d]
            if step is None:
                new[k] = p[k] - lr * vc[d] / ((np.sqrt(sc[d]) if root else sc[d]) + eps)
            else:
                new[k] = step(p[k], vc[d], sc[d], lr, eps)
        return new, v2, s2, vc, sc

    steps = [   # the parameters' step written wrong: (p, v_corrected, s_corrected, lr, eps) -> new p
        (lambda p, vc, sc, lr, eps: p + lr * vc / (np.sqrt(sc) + eps),
         "subtract the step: W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)"),
        (lambda p, vc, sc, lr, eps: p - lr * vc,
         "divide the step by np.sqrt(s_corrected) + epsilon (that division is what adapts it to each weight)"),
        (lambda p, vc, sc, lr, eps: p - (np.sqrt(sc) + eps) / (lr * vc),
         "the step is learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon): yours is upside down"),
        (lambda p, vc, sc, lr, eps: p - lr / (np.sqrt(sc) + eps),
         "the step is learning_rate * v_corrected / (...): v_corrected is missing"),
        (lambda p, vc, sc, lr, eps: p - vc / (np.sqrt(sc) + eps),
         "the step is learning_rate * v_corrected / (...): the learning rate is missing"),
        (lambda p, vc, sc, lr, eps: p - lr * vc / eps,
         "the denominator is np.sqrt(s_corrected) + epsilon: np.sqrt(s_corrected) is missing"),
        (lambda p, vc, sc, lr, eps: p - lr * vc / (np.square(sc) + eps),
         "the denominator is np.sqrt(s_corrected) + epsilon: the square root, not the square"),
    ]

    return Exercise(
        "update_parameters_with_adam", cases, update_parameters_with_adam,
        "(parameters, v, s, v_corrected, s_corrected)",
        "v = b1 v + (1 - b1) dW, s = b2 s + (1 - b2) dW^2, corrected by 1 - b^t, W -= lr v_c / (sqrt(s_c) + eps)",
        mistakes=[
            Mistake("bias correction: v_corrected = v / (1 - beta1 ** t) and s_corrected = s / (1 - beta2 ** t), "
                    "and the step uses the corrected ones", lambda *a: variant(*a, correct=False)),
            Mistake("s averages the SQUARED gradients: (1 - beta2) * dW ** 2", lambda *a: variant(*a, square=False)),
            Mistake("the step divides by the square root: v_corrected / (np.sqrt(s_corrected) + epsilon)",
                    lambda *a: variant(*a, root=False)),
        ] + [Mistake(hint, (lambda f: lambda *a: variant(*a, step=f))(f)) for f, hint in steps],
        exception_hints=[("KeyError", 'v and s have the gradients\' names: v["dW1"], s["db1"], ...')],
        inputs=("parameters", "grads", "v", "s", "t", "learning_rate", "beta1", "beta2", "epsilon"))


def check_update_parameters_with_adam(fn):
    """Check `update_parameters_with_adam(parameters, grads, v, s, t, ...)` against the library."""
    return run_check(fn, _adam_exercise())


# ---- a learning-rate schedule ------------------------------------------------------------------------------

def _schedule_exercise():
    def cases():
        return [(0.5, 10, 1.0, 4), (0.01, 999, 0.3, 1000), (0.1, 2500, 0.5, 1000), (0.2, 37, 2.0, 5)]

    return Exercise(
        "schedule_lr_decay", cases, schedule_lr_decay, "the learning rate (a number)",
        "alpha = alpha0 / (1 + decay_rate * floor(epoch_num / time_interval))",
        names="the learning rate",
        mistakes=[
            Mistake("the rate drops in steps: floor(epoch_num / time_interval), i.e. epoch_num // time_interval "
                    "(yours decays smoothly)", lambda a, e, d, t: update_lr(a, e / t, d)),
            Mistake("the rate changes once every time_interval epochs: use epoch_num // time_interval, not "
                    "epoch_num", lambda a, e, d, t: update_lr(a, e, d)),
            Mistake("divide alpha0 by (1 + decay_rate * ...): the rate must shrink, yours grows",
                    lambda a, e, d, t: a * (1 + d * (e // t))),
            Mistake("decay_rate multiplies the number of intervals passed, epoch_num // time_interval: yours uses "
                    "decay_rate alone", lambda a, e, d, t: a / (1 + d)),
            Mistake("the decay_rate is missing: alpha0 / (1 + decay_rate * (epoch_num // time_interval))",
                    lambda a, e, d, t: a / (1 + e // t)),
        ],
        inputs=("learning_rate0", "epoch_num", "decay_rate", "time_interval"))


def check_schedule_lr_decay(fn):
    """Check `schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)` against the library."""
    return run_check(fn, _schedule_exercise())


# ---- the regularised passes: the forward pass with dropout, the backward pass with dropout and L2 --------

def _regularised_network_cases():
    """(X, parameters) of small relu / sigmoid networks with two or three hidden layers (so dropout shows)."""
    rng = _rng(41)
    out = []
    for dims, m in (([3, 4, 1], 5), ([4, 5, 3, 1], 6), ([2, 6, 4, 3, 1], 4)):
        X = np.abs(rng.normal(size=(dims[0], m)))
        p = _parameters(rng, dims)
        for l in range(1, len(dims)):
            p[f"b{l}"] = np.abs(p[f"b{l}"]) + 0.2   # most relu units on, so a mask changes the result
        out.append((X, p))
    return out


def _forward_cases():
    return [(X, p, keep_prob, seed) for (X, p), keep_prob, seed in
            zip(_regularised_network_cases(), (0.5, 0.8, 0.6), (1, 2, 3))]


def _forward_variant(*, output_too=False, fresh_rng=False, store_mask=True, on_input=False, no_dropout=False,
                     mask_only=False, hidden="relu", output="sigmoid"):
    """L_model_forward_with_dropout written with one thing another way: a wrong variant."""
    from utils.deep import linear_activation_forward

    def variant(X, parameters, keep_prob, seed=0):
        rng = np.random.default_rng(seed)
        L = len(parameters) // 2
        A, caches = X, []
        if on_input:
            A, _ = dropout_forward(A, keep_prob, rng)
        for l in range(1, L + 1):
            A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                 hidden if l < L else output)
            if not no_dropout and (l < L or output_too) and not on_input:
                if fresh_rng:
                    rng = np.random.default_rng(seed)
                A, D = dropout_forward(A, keep_prob, rng)
                if store_mask:
                    cache = cache + ((D,) if mask_only else ((D, keep_prob),))
            caches.append(cache)
        return A, caches
    return variant


def _forward_with_dropout_exercise():
    from utils.deep import L_model_forward_with_dropout

    def reference(X, parameters, keep_prob, seed=0):
        return L_model_forward_with_dropout(X, parameters, keep_prob, rng=seed)

    return Exercise(
        "L_model_forward_with_dropout", _forward_cases, reference,
        "(AL, caches): a hidden layer's cache is ((A_prev, W, b), Z, (D, keep_prob)), the output layer's ((A_prev, W, b), Z)",
        "X (n_0, m), W_l (n_l, n_{l-1}), b_l (n_l, 1) -> AL (1, m); D_l (n_l, m) for the hidden layers",
        names=("AL", "caches"),
        mistakes=[
            Mistake("the output layer keeps all its units: dropout only after the hidden layers, l = 1 .. L - 1 "
                    "(AL is the network's answer)", _forward_variant(output_too=True)),
            Mistake("make ONE generator before the loop, rng = np.random.default_rng(seed), and pass it to every "
                    "dropout_forward: a new generator per layer starts the same random numbers again",
                    _forward_variant(fresh_rng=True)),
            Mistake("keep the mask in the layer's cache, cache = cache + ((D, keep_prob),): the backward pass must "
                    "switch off the same units", _forward_variant(store_mask=False)),
            Mistake("keep the mask with its keep_prob, as a pair: cache = cache + ((D, keep_prob),)",
                    _forward_variant(mask_only=True)),
            Mistake("dropout is applied to the hidden layers' outputs A_1 .. A_{L-1}, not to the input X",
                    _forward_variant(on_input=True)),
            Mistake("no unit was dropped: after each hidden layer, A, D = dropout_forward(A, keep_prob, rng)",
                    _forward_variant(no_dropout=True)),
            Mistake('the hidden layers are relu and the output layer sigmoid: linear_activation_forward(..., "relu") '
                    'in the loop, "sigmoid" after it', _forward_variant(hidden="sigmoid")),
            Mistake('the output layer is a sigmoid (a probability between 0 and 1), not a relu',
                    _forward_variant(output="relu")),
            Mistake('the hidden layers are relu, the output layer sigmoid: yours are the other way round',
                    _forward_variant(hidden="sigmoid", output="relu")),
        ],
        error_hint=_forward_error,
        exception_hints=[("dropout_forward", "dropout_forward(A, keep_prob, rng) returns the pair (A * D / keep_prob, D)")],
        inputs=("X", "parameters", "keep_prob", "seed"))


def check_L_model_forward_with_dropout(fn):
    """Check `L_model_forward_with_dropout(X, parameters, keep_prob, seed) -> (AL, caches)` against the library."""
    return run_check(fn, _forward_with_dropout_exercise())


def _backward_cases():
    from utils.deep import L_model_forward_with_dropout

    rng = _rng(42)
    out = []
    for (X, p), keep_prob, lambd, seed in zip(_regularised_network_cases(), (0.5, 1.0, 0.7), (0.7, 0.4, 0.0),
                                               (4, 5, 6)):
        AL, caches = L_model_forward_with_dropout(X, p, keep_prob, rng=seed)
        Y = (rng.random(AL.shape) < 0.5).astype(float)
        Y[0, 0], Y[0, -1] = 0.0, 1.0
        out.append((AL, Y, caches, lambd))
    return out


def _backward_variant(*, l2=lambda W, lambd, m: lambd / m * W, l2_bias=False, use_mask=True, scale_mask=True,
                      mask_after=False, dZ=lambda AL, Y: AL - Y, l2_layers=lambda L: range(1, L + 1), hidden="relu",
                      l2_index=1):
    """L_model_backward_with_regularization written with one thing another way: a wrong variant."""
    from utils.deep import linear_activation_backward, linear_backward

    def variant(AL, Y, caches, lambd):
        L, m, grads = len(caches), AL.shape[1], {}
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ(AL, Y), caches[L - 1][0])
        for l in range(L - 1, 0, -1):
            cache = caches[l - 1]
            dA = grads[f"dA{l}"]
            if len(cache) == 3 and use_mask and not mask_after:
                D, keep_prob = cache[2]
                dA = dA * D / (keep_prob if scale_mask else 1.0)
            dA_prev, dW, db = linear_activation_backward(dA, cache, hidden)
            if len(cache) == 3 and mask_after and l > 1:
                D_prev, keep_prob = caches[l - 2][2]
                dA_prev = dA_prev * D_prev / keep_prob
            grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        for l in l2_layers(L):
            W = caches[l - 1][0][l2_index]
            grads[f"dW{l}"] = grads[f"dW{l}"] + l2(W, lambd, m)
            if l2_bias:
                b = caches[l - 1][0][2]
                grads[f"db{l}"] = grads[f"db{l}"] + lambd / m * b
        return grads
    return variant


def _backward_with_regularization_exercise():
    from utils.deep import L_model_backward_with_regularization

    def reference(AL, Y, caches, lambd):
        return L_model_backward_with_regularization(AL, Y, caches, lambd=lambd)

    l2 = "the L2 term of dW_l is lambd / m * W_l"
    return Exercise(
        "L_model_backward_with_regularization", _backward_cases, reference,
        'grads {"dA0", "dW1", "db1", ..., "dWL", "dbL"}',
        "AL (1, m), Y (1, m), L caches (a hidden layer's with (D, keep_prob)) -> dW_l like W_l, db_l like b_l",
        names="grads",
        mistakes=[
            Mistake(f"{l2}: it is missing (lambd > 0 in some of the examples)",
                    _backward_variant(l2=lambda W, lambd, m: 0 * W)),
            Mistake(f"{l2}, not lambd / (2 m) * W_l: the 1/2 of the cost's lambd / (2m) ||W||^2 cancels with the "
                    "derivative's 2", _backward_variant(l2=lambda W, lambd, m: lambd / (2 * m) * W)),
            Mistake(f"{l2}: the division by m is missing", _backward_variant(l2=lambda W, lambd, m: lambd * W)),
            Mistake(f"{l2}, with a plus: the penalty grows with |W|, so its gradient points away from 0",
                    _backward_variant(l2=lambda W, lambd, m: -lambd / m * W)),
            Mistake("L2 penalises the weights only: db_l gets no L2 term", _backward_variant(l2_bias=True)),
            Mistake("a hidden layer with dropout passes back only through the units it kept: dA = dA * D / keep_prob "
                    "with that layer's (D, keep_prob) from its cache, before its backward step",
                    _backward_variant(use_mask=False)),
            Mistake("dA = dA * D / keep_prob: the division by keep_prob (the forward pass divided too) is missing",
                    _backward_variant(scale_mask=False)),
            Mistake("layer l's mask D_l multiplies dA_l, the gradient arriving at that layer's output, before "
                    "linear_activation_backward; yours applies it to dA_{l-1}", _backward_variant(mask_after=True)),
            Mistake("dZ_L = AL - Y (prediction minus label): the label Y is missing", _backward_variant(dZ=lambda AL, Y: AL)),
            Mistake("dZ_L = AL - Y (prediction minus label): the prediction AL is missing",
                    _backward_variant(dZ=lambda AL, Y: -Y)),
            Mistake("dZ_L = AL - Y, a minus: not AL + Y", _backward_variant(dZ=lambda AL, Y: AL + Y)),
            Mistake("the sign: dZ_L = AL - Y, not Y - AL", _backward_variant(dZ=lambda AL, Y: Y - AL)),
            Mistake("every layer's dW gets the L2 term, l = 1 .. L: for l in range(1, L + 1) (yours misses the first)",
                    _backward_variant(l2_layers=lambda L: range(2, L + 1))),
            Mistake("every layer's dW gets the L2 term, l = 1 .. L: for l in range(1, L + 1) (yours misses the last)",
                    _backward_variant(l2_layers=lambda L: range(1, L))),
            Mistake("every layer's dW gets the L2 term, l = 1 .. L: for l in range(1, L + 1) (yours misses the last two)",
                    _backward_variant(l2_layers=lambda L: range(1, L - 1))),
            Mistake('the hidden layers are relu: their backward steps use "relu", not "sigmoid"',
                    _backward_variant(hidden="sigmoid")),
            Mistake("the L2 term uses the layer's W, caches[l - 1][0][1] (the linear cache is (A_prev, W, b): index 2 "
                    "is b)", _backward_variant(l2_index=2)),
        ],
        exception_hints=[("too many values to unpack", "a hidden layer's cache has three parts, ((A_prev, W, b), Z, "
                                                       "(D, keep_prob)): read them as cache[0], cache[1], cache[2]"),
                         ("KeyError", 'grads["dA" + str(l)] is written by layer l + 1\'s step: run the layers from L '
                                      "down to 1")],
        inputs=("AL", "Y", "caches", "lambd"),
        nonfinite="dZ_L = AL - Y needs no division: no NaN should appear")


def check_L_model_backward_with_regularization(fn):
    """Check `L_model_backward_with_regularization(AL, Y, caches, lambd) -> grads` against the library."""
    return run_check(fn, _backward_with_regularization_exercise())


# ---- the mini-batch training loop with Adam -------------------------------------------------------------

def _adam_loop_cases():
    rng = _rng(43)
    out = []
    for n_x, m, dims, lr, batch, epochs, seed in ((3, 20, [3, 4, 1], 0.01, 8, 3, 1), (4, 30, [4, 5, 3, 1], 0.005, 7, 4, 2),
                                                  (2, 25, [2, 6, 1], 0.02, 10, 2, 3)):
        X = rng.normal(size=(n_x, m))
        Y = (X[0] * X[-1] > 0).astype(float)[None, :]
        out.append((X, Y, dims, lr, batch, epochs, seed))
    return out


def _adam_loop_variant(*, t_reset=False, t_fixed=False, same_batches=False, batch_mean=False, moments_reset=False,
                       rule="adam", epochs_shift=0, seed_shift=0, last_batch_cost=False, unpack=(0, 1, 2),
                       divisor="m", epoch_seed=True, weight="m_b"):
    """train_mini_batch_adam with one thing done another way: a wrong variant."""
    from utils.costs import compute_cost
    from utils.deep import L_model_backward, L_model_forward, update_parameters
    from utils.initializers import initialize_parameters_deep
    from utils.optimizers import initialize_adam

    def variant(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1):
        parameters = initialize_parameters_deep(layers_dims, "he", seed=seed, dtype=X.dtype)
        v, s = initialize_adam(parameters)
        m, t, costs = X.shape[1], 0, []
        for epoch in range(num_epochs + epochs_shift):
            if moments_reset:
                v, s = initialize_adam(parameters)
            if t_reset:
                t = 0
            total, batch_costs = 0.0, []
            shuffle = (seed if epoch_seed else 0) + seed_shift + (0 if same_batches else epoch)
            for X_b, Y_b in random_mini_batches(X, Y, mini_batch_size, shuffle):
                AL, caches = L_model_forward(X_b, parameters)
                cost = compute_cost(AL, Y_b)
                total += cost * {"m_b": X_b.shape[1], "none": 1, "n_x": X_b.shape[0]}[weight]
                batch_costs.append(cost)
                grads = L_model_backward(AL, Y_b, caches)
                t = 1 if t_fixed else t + 1
                if rule == "adam":
                    out = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate)
                    parameters, v, s = (out[k] for k in unpack)
                elif rule == "gd":
                    parameters = update_parameters(parameters, grads, learning_rate)
            total_over = m if divisor == "m" else X.shape[0]
            costs.append(batch_costs[-1] if last_batch_cost else float(np.mean(batch_costs)) if batch_mean
                         else total / total_over)
        return parameters, costs
    return variant


def _adam_loop_exercise():
    from utils.optimizers import train_mini_batch_adam

    def reference(X, Y, layers_dims, learning_rate=0.0007, mini_batch_size=64, num_epochs=10, seed=1):
        return train_mini_batch_adam(X, Y, layers_dims, learning_rate, mini_batch_size, num_epochs, seed)

    return Exercise(
        "train_mini_batch_adam", _adam_loop_cases, reference,
        "(parameters, costs) with costs[e] the mean cost of epoch e over its m examples",
        "X (n_x, m), Y (1, m), layers_dims [n_x, ..., 1] -> parameters W_l (n_l, n_{l-1}), b_l (n_l, 1); costs, "
        "one per epoch", names=("parameters", "costs"),
        mistakes=[
            Mistake("t counts Adam's steps over the whole training: set t = 0 once, before the epochs, and t += 1 "
                    "before every step (yours starts again every epoch)", _adam_loop_variant(t_reset=True)),
            Mistake("t counts Adam's steps: t = t + 1 before every step, so the bias correction 1 - beta^t fades "
                    "(yours stays at t = 1)", _adam_loop_variant(t_fixed=True)),
            Mistake("reshuffle every epoch: random_mini_batches(X, Y, mini_batch_size, seed + epoch) (yours cuts the "
                    "same mini-batches every epoch)", _adam_loop_variant(same_batches=True)),
            Mistake("initialize_adam once, before the epochs: v and s carry Adam's memory from one epoch to the next",
                    _adam_loop_variant(moments_reset=True)),
            Mistake("an epoch's cost is the mean over its m examples: add cost * (the mini-batch's number of "
                    "examples) and divide by m at the end (the last mini-batch may be smaller, so the mean of the "
                    "mini-batches' costs is not the same)", _adam_loop_variant(batch_mean=True)),
            Mistake("an epoch's cost is the mean over all its mini-batches (weighted by their sizes), not the last "
                    "one's", _adam_loop_variant(last_batch_cost=True)),
            Mistake("each step is Adam's: parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, v, "
                    "s, t, learning_rate) (yours is plain gradient descent)", _adam_loop_variant(rule="gd")),
            Mistake("the parameters never change: every mini-batch takes an Adam step",
                    _adam_loop_variant(rule="none")),
            Mistake("the loop runs num_epochs epochs: for epoch in range(num_epochs)", _adam_loop_variant(epochs_shift=-1)),
            Mistake("the loop runs num_epochs epochs: for epoch in range(num_epochs)", _adam_loop_variant(epochs_shift=1)),
            Mistake("epoch e shuffles with seed + e, e counted from 0 (the first epoch's seed is the seed itself)",
                    _adam_loop_variant(seed_shift=1)),
            Mistake("epoch e shuffles with seed + e: the seed given to the function is part of it (yours uses e alone)",
                    _adam_loop_variant(epoch_seed=False)),
            Mistake("update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order: "
                    "keep the raw moments v and s for the next step (the corrected ones serve this step only)",
                    _adam_loop_variant(unpack=(0, 3, 2))),
            Mistake("update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order: "
                    "keep the raw moments v and s for the next step (the corrected ones serve this step only)",
                    _adam_loop_variant(unpack=(0, 1, 4))),
            Mistake("update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order: "
                    "keep the raw moments v and s for the next step (the corrected ones serve this step only)",
                    _adam_loop_variant(unpack=(0, 3, 4))),
            Mistake("update_parameters_with_adam returns (parameters, v, s, ...) in that order: yours exchanges v and s",
                    _adam_loop_variant(unpack=(0, 2, 1))),
            Mistake("update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order: "
                    "yours keeps s_corrected as v", _adam_loop_variant(unpack=(0, 4, 2))),
            Mistake("update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order: "
                    "yours keeps v_corrected as s", _adam_loop_variant(unpack=(0, 1, 3))),
            Mistake("divide the epoch's total by m = X.shape[1], the number of examples (the columns)",
                    _adam_loop_variant(divisor="n_x")),
            Mistake("weight each mini-batch's cost by its number of examples, X_b.shape[1] (the columns), before "
                    "dividing the total by m", _adam_loop_variant(weight="none")),
            Mistake("weight each mini-batch's cost by its number of examples, X_b.shape[1] (the columns, not the rows)",
                    _adam_loop_variant(weight="n_x")),
        ],
        exception_hints=[("update_parameters_with_adam", "update_parameters_with_adam returns five things: "
                                                         "parameters, v, s, v_corrected, s_corrected"),
                         ("KeyError", "update_parameters_with_adam returns (parameters, v, s, v_corrected, "
                                      "s_corrected) in that order, and L_model_forward (AL, caches): a name that holds "
                                      "another of them has other keys"),
                         ("seed", "epoch e shuffles with seed + e, a number >= 0"),
                         ("parameters: expected a dict", "update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order and L_model_forward (AL, caches): unpack them in those orders"),
                         ("AL: expected an array", "update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order and L_model_forward (AL, caches): unpack them in those orders"),
                         ("expected finite values", "update_parameters_with_adam returns (parameters, v, s, v_corrected, s_corrected) in that order and L_model_forward (AL, caches): unpack them in those orders (a name that holds the wrong one sends NaN through the "
                                                    "next step)"),
                         ("expected shape", "L_model_forward returns (AL, caches) and update_parameters_with_adam "
                                            "(parameters, v, s, v_corrected, s_corrected), in those orders")],
        inputs=("X", "Y", "layers_dims", "learning_rate", "mini_batch_size", "num_epochs", "seed"))


def check_train_mini_batch_adam(fn):
    """Check `train_mini_batch_adam(X, Y, layers_dims, learning_rate, mini_batch_size, num_epochs, seed)`."""
    return run_check(fn, _adam_loop_exercise())
