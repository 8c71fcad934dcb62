"""Checks of chapter 6 (deeper networks): batch normalization's forward and backward passes, layer normalization's
forward pass.

`batchnorm_forward(Z, gamma, beta, bn_param) -> (out, cache)` also updates ``bn_param``'s running statistics in
place (CS231n's contract): the check runs the learner's function on a copy of ``bn_param`` and compares, besides
``out`` and the cache, the ``running_mean`` and ``running_var`` it leaves there. The cache is the library's,
``(Z_hat, gamma, inv_std, mode)`` with ``inv_std = 1 / sqrt(var + eps)``, which `batchnorm_backward` reads.
"""

from __future__ import annotations

import numpy as np

from utils.normalization import DEFAULT_EPS, batchnorm_backward, batchnorm_forward, layernorm_forward

from .core import Exercise, Mistake, run_check


def _rng(seed):
    return np.random.default_rng(seed)


# ---- batchnorm_forward -----------------------------------------------------------------------------------

def _forward_cases():
    """(Z, gamma, beta, bn_param): a hand case, random training batches, and test mode with running statistics."""
    rng = _rng(60)
    hand = (np.array([[1.0, 2.0, 3.0, 6.0], [0.0, 0.0, 4.0, 4.0]]), np.array([[1.0], [2.0]]),
            np.array([[0.0], [1.0]]), {"mode": "train"})
    out = [hand]
    for n, m, mode in ((3, 5, "train"), (4, 8, "train"), (3, 6, "test"), (2, 4, "test")):
        Z = rng.normal(1.0, 2.0, (n, m))
        bn_param = {"mode": mode, "momentum": 0.8, "eps": 1e-3,
                    "running_mean": rng.normal(0.0, 1.0, (n, 1)), "running_var": rng.uniform(0.5, 2.0, (n, 1))}
        out.append((Z, rng.normal(1.0, 0.3, (n, 1)), rng.normal(0.0, 0.3, (n, 1)), bn_param))
    return out


def _with_running_statistics(function):
    """f(Z, gamma, beta, bn_param) -> (out, cache) as the check compares it: (out, cache, running_mean, running_var),
    the running statistics read from the copy of bn_param the function was given. Anything else it returns (a
    single array, None, a generator ...) is passed on as is, so the engine names it."""
    def checked(Z, gamma, beta, bn_param):
        bn_param = dict(bn_param)
        result = function(Z, gamma, beta, bn_param)
        if not (isinstance(result, tuple) and len(result) == 2):
            return result
        return (*result, *(bn_param.get(key, f"(no {key!r} in bn_param)") for key in ("running_mean", "running_var")))
    return checked


def _variant(out_of, update=None):
    """A wrong forward pass: `out_of(Z, gamma, beta, bn_param) -> (mu, var, out, cache)` computes its statistics,
    output and cache; `update(bn_param, mu, var)` its running statistics (default: the library's rule)."""
    def forward(Z, gamma, beta, bn_param):
        mu, var, out, cache = out_of(Z, gamma, beta, bn_param)
        if bn_param["mode"] == "train":
            (update or _update)(bn_param, mu, var)
        return out, cache
    return forward


def _stats(bn_param, n):
    momentum = bn_param.get("momentum", 0.9)
    mean = bn_param.get("running_mean", np.zeros((n, 1)))
    var = bn_param.get("running_var", np.zeros((n, 1)))
    return momentum, mean, var


def _update(bn_param, mu, var):
    momentum, mean, running_var = _stats(bn_param, mu.shape[0])
    bn_param["running_mean"] = momentum * mean + (1 - momentum) * mu
    bn_param["running_var"] = momentum * running_var + (1 - momentum) * var


def _normalised(Z, gamma, beta, bn_param, axis=1, ddof=0, eps=None, batch_always=False, scale=True, root=True):
    """(mu, var, out, cache) of a forward pass that may normalise over another axis, with the unbiased variance,
    another eps, the batch's statistics in test mode, without gamma and beta, or by the variance."""
    eps = bn_param.get("eps", DEFAULT_EPS) if eps is None else eps
    if bn_param["mode"] == "train" or batch_always:
        mu, var = Z.mean(axis=axis, keepdims=True), Z.var(axis=axis, keepdims=True, ddof=ddof)
    else:
        _, mu, var = _stats(bn_param, Z.shape[0])
    inv = 1.0 / (np.sqrt(var + eps) if root else var + eps)
    Z_hat = (Z - mu) * inv
    return mu, var, (gamma * Z_hat + beta if scale else Z_hat), (Z_hat, gamma, inv, bn_param["mode"])


#: What to say when one part of batchnorm_forward's result is wrong and the parts before it are right.
_PART_HINTS = {
    "running_shape": "bn_param['running_mean'] and bn_param['running_var'] have one value per unit, shape (n, 1): "
                     "start them at np.zeros((n, 1)) and update them with the (n, 1) batch statistics",
    "test": "training mode is right; in test mode normalise with the running statistics, mu = "
            "bn_param['running_mean'], var = bn_param['running_var'], and leave bn_param unchanged",
    "mean": "the batch mean is wrong: mu = np.mean(Z, axis=1, keepdims=True), each unit's (row's) mean over the m "
            "examples, shape (n, 1); it is also what the running mean averages",
    "variance": "the batch mean is right, the variance is not: var = np.var(Z, axis=1, keepdims=True), each unit's "
                "biased variance over the m examples, shape (n, 1); it is also what the running variance averages",
    "running": "out and the cache are right; the running statistics are not: bn_param['running_mean'] = momentum * "
               "running_mean + (1 - momentum) * mu (momentum, 0.9, keeps 90 % of the old value), and the same for "
               "running_var with the batch variance var",
    "normalise": "the statistics are right, the normalised values are not: Z_hat = (Z - mu) / np.sqrt(var + eps), "
                 "i.e. (Z - mu) * inv_std with inv_std = 1 / np.sqrt(var + eps)",
    "scale": "Z_hat is right, out is not: out = gamma * Z_hat + beta (gamma scales, beta shifts, one value per unit)",
}


def _same(a, b):
    a, b = np.asarray(a) if not isinstance(a, str) else a, np.asarray(b) if not isinstance(b, str) else b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _constant_multiple(got, expected):
    """True when `got` is `expected` times one number other than 1 (explain.py names such a factor better)."""
    if isinstance(got, str) or np.shape(got) != np.shape(expected):
        return False
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    mask = np.abs(expected) > 1e-12
    if not mask.any():
        return False
    ratio = got[mask] / expected[mask]
    return bool(np.allclose(ratio, ratio[0], rtol=1e-6) and not np.isclose(ratio[0], 1.0))


def _forward_part(args, got):
    """Which part of (out, cache, running_mean, running_var) goes wrong first, for a result of the right form."""
    import copy
    if not (isinstance(got, tuple) and len(got) == 4 and isinstance(got[1], tuple) and len(got[1]) == 4):
        return None
    Z, gamma, beta, bn_param = args
    out, cache, running_mean, running_var = _with_running_statistics(batchnorm_forward)(*copy.deepcopy(args))
    train = bn_param["mode"] == "train"
    n = Z.shape[0]
    if train and any(np.shape(r) != (n, 1) for r in got[2:] if not isinstance(r, str)):
        return "running_shape"
    if _constant_multiple(got[0], out) or _constant_multiple(got[1][0], cache[0]):
        return None
    if not train:
        return "test" if not (_same(got[0], out) and _same(got[1][0], cache[0])) else None
    mu_right = _same(got[2], running_mean)
    var_right = _same(got[3], running_var)
    momentum = bn_param.get("momentum", 0.9)
    old_mean = bn_param.get("running_mean", np.zeros((n, 1)))
    their_mu = (np.asarray(got[2]) - momentum * old_mean) / (1 - momentum) if not isinstance(got[2], str) else None
    if not _same(got[1][0], cache[0]):                 # Z_hat wrong: the statistics, or the normalisation
        if not mu_right and their_mu is not None and not _same(their_mu, Z.mean(axis=1, keepdims=True)):
            return "mean"
        if mu_right and not var_right:
            return "variance"
        return "normalise" if mu_right and var_right else None
    if not _same(got[0], out):
        return "scale"
    if not (mu_right and var_right):
        return "running"
    return None


def _forward_exercise():
    def std_not_var(bn_param, mu, var):
        momentum, mean, running_var = _stats(bn_param, mu.shape[0])
        bn_param["running_mean"] = momentum * mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * np.sqrt(var)

    def _close(a, b):
        return isinstance(a, np.ndarray) and a.shape == np.shape(b) and bool(np.allclose(a, b))

    def running(args, got, rule):
        """In training, the running mean or variance `got` left in bn_param follows `rule(momentum, old, batch)`
        (and not the library's)."""
        Z, gamma, beta, bn_param = args
        if bn_param["mode"] != "train" or not isinstance(got, tuple) or len(got) != 4:
            return False
        momentum, mean, var = _stats(bn_param, Z.shape[0])
        batch = (Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True))
        return any(_close(got[2 + i], rule(momentum, old, new)) and not _close(got[2 + i], momentum * old + (1 - momentum) * new)
                   for i, (old, new) in enumerate(((mean, batch[0]), (var, batch[1]))))

    def swapped(args, got):
        return running(args, got, lambda momentum, old, new: (1 - momentum) * old + momentum * new)

    def not_updated(args, got):
        return running(args, got, lambda momentum, old, new: old) or (
            args[3]["mode"] == "train" and isinstance(got, tuple) and len(got) == 4
            and any(isinstance(part, str) for part in got[2:]))

    def batch_in_test(args, got):
        Z, gamma, beta, bn_param = args
        return bn_param["mode"] == "test" and isinstance(got, tuple) and len(got) == 4 and _close(
            np.asarray(got[0]) if not isinstance(got[0], str) else None,
            _normalised(Z, gamma, beta, bn_param, batch_always=True)[2])

    def over_examples_axis0(args, got):
        Z, gamma, beta, bn_param = args
        if bn_param["mode"] != "train" or Z.shape[0] == Z.shape[1] or not isinstance(got, tuple):
            return False
        return _close(np.asarray(got[0]), _normalised(Z, gamma, beta, bn_param, axis=0)[2])

    reference = _with_running_statistics(batchnorm_forward)
    unbiased, no_eps, no_scale, no_root, std = [
        _with_running_statistics(_variant(lambda Z, g, b, p, kw=kw: _normalised(Z, g, b, p, **kw), update))
        for kw, update in (({"ddof": 1}, None), ({"eps": 0.0}, None), ({"scale": False}, None),
                           ({"root": False}, None), ({}, std_not_var))]
    return Exercise(
        "batchnorm_forward", _forward_cases, reference,
        "(out, cache) with cache = (Z_hat, gamma, inv_std, mode), inv_std = 1 / np.sqrt(var + eps); in training "
        "also bn_param['running_mean'] and bn_param['running_var'] updated",
        "Z (n, m), gamma (n, 1), beta (n, 1), bn_param {mode, eps, momentum, running_mean, running_var} -> "
        "out (n, m)",
        names=("out", "cache", "bn_param['running_mean']", "bn_param['running_var']"),
        mistakes=[
            Mistake("the variance is the biased one, np.var(Z, axis=1, keepdims=True) = 1/m sum (Z - mu)^2 (ddof=0, "
                    "CS231n's and the paper's training-time convention), not the unbiased 1/(m - 1) (ddof=1)",
                    unbiased),
            Mistake("add eps inside the square root, np.sqrt(var + eps): without it a unit whose values are all equal "
                    "in the batch (var = 0) divides by zero", no_eps),
            Mistake("in test mode use the running statistics, bn_param['running_mean'] and bn_param['running_var'], "
                    "not the batch's: at test time a prediction must not depend on the other examples (a batch of "
                    "one photo has variance 0)", when=batch_in_test),
            Mistake("scale and shift the normalised values: out = gamma * Z_hat + beta (yours returns Z_hat: the "
                    "network could never undo the normalisation)", no_scale),
            Mistake("divide by the standard deviation, np.sqrt(var + eps), not by the variance", no_root),
            Mistake("running = momentum * running + (1 - momentum) * batch: momentum (0.9) weighs the OLD running "
                    "value, not the batch's", when=swapped),
            Mistake("in training, store the updated running statistics in bn_param: bn_param['running_mean'] = "
                    "momentum * running_mean + (1 - momentum) * mu, and the same for running_var", when=not_updated),
            Mistake("the running variance averages the batch VARIANCES var, not their square roots", std),
            Mistake("normalise each unit (row) over the m examples of the batch, axis=1: Z.mean(axis=1, "
                    "keepdims=True) (yours normalises each example over its units, axis=0: that is layer "
                    "normalization)", when=over_examples_axis0),
            Mistake(_PART_HINTS["running_shape"], when=lambda args, got: _forward_part(args, got) == "running_shape"),
            Mistake(_PART_HINTS["test"], when=lambda args, got: _forward_part(args, got) == "test"),
            Mistake(_PART_HINTS["mean"], when=lambda args, got: _forward_part(args, got) == "mean"),
            Mistake(_PART_HINTS["variance"], when=lambda args, got: _forward_part(args, got) == "variance"),
            Mistake(_PART_HINTS["running"], when=lambda args, got: _forward_part(args, got) == "running"),
            Mistake(_PART_HINTS["normalise"], when=lambda args, got: _forward_part(args, got) == "normalise"),
            Mistake(_PART_HINTS["scale"], when=lambda args, got: _forward_part(args, got) == "scale"),
        ],
        exception_hints=[("KeyError", "bn_param may lack 'running_mean' and 'running_var' (start them at "
                                      "np.zeros((n, 1))) and 'eps' / 'momentum' (1e-5 and 0.9): use "
                                      "bn_param.get('eps', 1e-5)")],
        inputs=("Z", "gamma", "beta", "bn_param"), adapt=_with_running_statistics)


def check_batchnorm_forward(fn):
    """Check `batchnorm_forward(Z, gamma, beta, bn_param) -> (out, cache)` and its update of bn_param's running
    statistics against `utils.normalization.batchnorm_forward`."""
    return run_check(fn, _forward_exercise())


# ---- batchnorm_backward ----------------------------------------------------------------------------------

def _backward_cases():
    """(dout, cache) with caches of the library's forward pass: a hand case, training batches, one test batch."""
    rng = _rng(61)
    out = []
    for n, m, mode in ((2, 4, "train"), (3, 5, "train"), (4, 7, "train"), (3, 6, "test")):
        Z = rng.normal(1.0, 2.0, (n, m))
        bn_param = {"mode": mode, "running_mean": rng.normal(0.0, 1.0, (n, 1)),
                    "running_var": rng.uniform(0.5, 2.0, (n, 1))}
        _, cache = batchnorm_forward(Z, rng.normal(1.0, 0.3, (n, 1)), rng.normal(0.0, 0.3, (n, 1)), bn_param)
        out.append((rng.normal(size=(n, m)), cache))
    return out


def _backward_part(args, got):
    """The first wrong part of (dZ, dgamma, dbeta) when the others are right: 1 (dgamma), 2 (dbeta), then 0 (dZ),
    "test" for a dZ wrong in test mode only; None otherwise."""
    if not (isinstance(got, tuple) and len(got) == 3):
        return None
    expected = batchnorm_backward(*args)
    if any(_constant_multiple(g, e) for g, e in zip(got, expected)):
        return None
    right = [_same(g, e) for g, e in zip(got, expected)]
    for index in (1, 2):
        if not right[index] and right[3 - index] and np.shape(got[index]) == expected[index].shape:
            return index
    if not right[0] and right[1] and right[2] and np.shape(got[0]) == expected[0].shape:
        return "test" if args[1][3] == "test" else 0
    return None


def _backward_exercise():
    def parts(dout, cache):
        Z_hat, gamma, inv_std, mode = cache
        return Z_hat, gamma, inv_std, mode, dout.shape[1]

    def sums(dout, Z_hat):
        return np.sum(dout * Z_hat, axis=1, keepdims=True), np.sum(dout, axis=1, keepdims=True)

    def constant_statistics(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        return (dout * gamma * inv_std, *sums(dout, Z_hat))

    def no_mean_term(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        dgamma, dbeta = sums(dout, Z_hat)
        if mode == "test":
            return batchnorm_backward(dout, cache)
        return gamma * inv_std / m * (m * dout - Z_hat * dgamma), dgamma, dbeta

    def no_variance_term(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        dgamma, dbeta = sums(dout, Z_hat)
        if mode == "test":
            return batchnorm_backward(dout, cache)
        return gamma * inv_std / m * (m * dout - dbeta), dgamma, dbeta

    def no_gamma(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        return batchnorm_backward(dout, (Z_hat, np.ones_like(gamma), inv_std, mode))[0], *sums(dout, Z_hat)

    def no_gamma_in_training(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        return batchnorm_backward(dout, (Z_hat, np.ones_like(gamma), inv_std, "train"))[0] if mode == "train" \
            else batchnorm_backward(dout, cache)[0], *sums(dout, Z_hat)

    def sums_not_divided(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        dgamma, dbeta = sums(dout, Z_hat)
        if mode == "test":
            return batchnorm_backward(dout, cache)
        return gamma * inv_std * (dout - dbeta - Z_hat * dgamma), dgamma, dbeta

    def _parts_close(got, index, expected):
        return isinstance(got, tuple) and len(got) == 3 and isinstance(got[index], np.ndarray) and \
            got[index].shape == expected.shape and bool(np.allclose(got[index], expected))

    def per_unit_shape(args, got):
        return isinstance(got, tuple) and len(got) == 3 and any(
            np.shape(part) == (1, args[0].shape[1]) for part in got[1:])

    def parameter_means(args, got):
        _, dgamma, dbeta = batchnorm_backward(*args)
        m = args[0].shape[1]
        return _parts_close(got, 1, dgamma / m) and _parts_close(got, 2, dbeta / m)

    def train_formula_in_test(dout, cache):
        Z_hat, gamma, inv_std, mode, m = parts(dout, cache)
        return batchnorm_backward(dout, (Z_hat, gamma, inv_std, "train"))

    def dgamma_without_Z_hat(dout, cache):
        dZ, _, dbeta = batchnorm_backward(dout, cache)
        return dZ, dbeta.copy(), dbeta

    def no_inv_std(dout, cache):
        Z_hat, gamma, inv_std, mode = cache
        dZ, dgamma, dbeta = batchnorm_backward(dout, (Z_hat, gamma, np.ones_like(inv_std), mode))
        return dZ, dgamma, dbeta

    return Exercise(
        "batchnorm_backward", _backward_cases, batchnorm_backward, "(dZ, dgamma, dbeta)",
        "dout (n, m), cache = (Z_hat, gamma, inv_std, mode) -> dZ (n, m), dgamma (n, 1), dbeta (n, 1)",
        names=("dZ", "dgamma", "dbeta"),
        mistakes=[
            Mistake("in training the batch's mean and variance depend on every Z[:, i] too: dZ = gamma * inv_std / m "
                    "* (m * dout - dbeta - Z_hat * dgamma); yours, dout * gamma * inv_std, treats them as constants "
                    "(right only in test mode)", constant_statistics),
            Mistake("the term through the batch MEAN is missing: dZ = gamma * inv_std / m * (m * dout - dbeta - "
                    "Z_hat * dgamma), with - dbeta = - sum_i dout", no_mean_term),
            Mistake("the term through the batch VARIANCE is missing: dZ = gamma * inv_std / m * (m * dout - dbeta - "
                    "Z_hat * dgamma), with - Z_hat * dgamma", no_variance_term),
            Mistake("multiply by gamma: out = gamma * Z_hat + beta, so dZ_hat = gamma * dout", no_gamma),
            Mistake("multiply by gamma in training too: dZ = gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma)",
                    no_gamma_in_training),
            Mistake("divide the two sums by m: dZ = gamma * inv_std * (dout - dbeta / m - Z_hat * dgamma / m), i.e. "
                    "gamma * inv_std / m * (m * dout - dbeta - Z_hat * dgamma)", sums_not_divided),
            Mistake("in test mode the statistics are the running ones, constants: dZ = dout * gamma * inv_std "
                    "(the extra terms are for the batch's statistics; check cache[3], the mode)",
                    train_formula_in_test),
            Mistake("dgamma = sum_i dout * Z_hat (out = gamma * Z_hat + beta), not sum_i dout", dgamma_without_Z_hat),
            Mistake("sum over the m examples, axis=1, keepdims=True: dgamma and dbeta have one value per unit, "
                    "(n, 1)", when=per_unit_shape),
            Mistake("dgamma and dbeta are sums over the examples, not means (CS231n's convention: dout is the "
                    "gradient of the cost with respect to out, whatever 1/m it carries)", when=parameter_means),
            Mistake("multiply by inv_std = 1 / sqrt(var + eps) (cache[2]): Z_hat = (Z - mu) * inv_std",
                    no_inv_std),
            Mistake("dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True): out = gamma * Z_hat + beta, so each "
                    "example adds dout * Z_hat", when=lambda args, got: _backward_part(args, got) == 1),
            Mistake("dbeta = np.sum(dout, axis=1, keepdims=True): out = gamma * Z_hat + beta, so each example adds "
                    "dout", when=lambda args, got: _backward_part(args, got) == 2),
            Mistake("dgamma and dbeta are right; in test mode dZ = dout * gamma * inv_std (the running statistics are "
                    "constants)", when=lambda args, got: _backward_part(args, got) == "test"),
            Mistake("dgamma and dbeta are right, dZ is not: dZ = gamma * inv_std / m * (m * dout - dbeta - Z_hat * "
                    "dgamma), with m = dout.shape[1], the examples", when=lambda args, got: _backward_part(args, got) == 0),
        ],
        exception_hints=[("unpack", "the cache is (Z_hat, gamma, inv_std, mode): Z_hat, gamma, inv_std, mode = "
                                    "cache")],
        inputs=("dout", "cache"), input_parts={"cache": ("Z_hat", "gamma", "inv_std", "mode")})


def check_batchnorm_backward(fn):
    """Check `batchnorm_backward(dout, cache) -> (dZ, dgamma, dbeta)` against `utils.normalization.batchnorm_backward`."""
    return run_check(fn, _backward_exercise())


# ---- layernorm_forward -----------------------------------------------------------------------------------

def _layernorm_cases():
    """(Z, gamma, beta, ln_param): a hand case (eps by default) and random ones with their own eps."""
    rng = _rng(62)
    hand = (np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 2.0], [5.0, 6.0, 2.5]]), np.array([[1.0], [2.0], [0.5]]),
            np.array([[0.0], [1.0], [-1.0]]), None)
    out = [hand]
    for n, m in ((4, 5), (6, 3), (5, 8)):
        out.append((rng.normal(1.0, 2.0, (n, m)), rng.normal(1.0, 0.3, (n, 1)), rng.normal(0.0, 0.3, (n, 1)),
                    {"eps": 1e-3}))
    return out


def _layernorm_variant(axis=0, ddof=0, with_eps=True, scale=True, root=True):
    def forward(Z, gamma, beta, ln_param=None):
        eps = (ln_param or {}).get("eps", DEFAULT_EPS) if with_eps else 0.0
        mu, var = Z.mean(axis=axis, keepdims=True), Z.var(axis=axis, keepdims=True, ddof=ddof)
        inv_std = 1.0 / (np.sqrt(var + eps) if root else var + eps)
        Z_hat = (Z - mu) * inv_std
        return (gamma * Z_hat + beta if scale else Z_hat), (Z_hat, gamma, inv_std)
    return forward


_LAYERNORM_PART_HINTS = {
    "mean": "the mean is wrong: mu = np.mean(Z, axis=0, keepdims=True), each example's (column's) mean over its n "
            "units, shape (1, m)",
    "std": "the mean is right, inv_std is not: inv_std = 1 / np.sqrt(var + eps) with var = np.var(Z, axis=0, "
           "keepdims=True), each column's biased variance, shape (1, m)",
    "normalise": "mu and inv_std are right, Z_hat is not: Z_hat = (Z - mu) * inv_std",
}


def _layernorm_part(args, got):
    """Which step of a layer normalization of the right form goes wrong first, read off its cache."""
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], tuple) and len(got[1]) == 3):
        return None
    Z = args[0]
    out, (Z_hat, _, inv_std) = layernorm_forward(*args)
    try:
        their_hat, their_inv = np.asarray(got[1][0], dtype=float), np.asarray(got[1][2], dtype=float)
        if _constant_multiple(got[0], out) or their_hat.shape != Z.shape:
            return None
        with np.errstate(all="ignore"):
            their_mu = Z - their_hat / their_inv
    except (TypeError, ValueError):
        return None
    mean_right = bool(np.all(np.isfinite(their_mu))) and np.allclose(their_mu, Z.mean(axis=0, keepdims=True),
                                                                     rtol=1e-6, atol=1e-9)
    if not _same(their_inv, inv_std) and np.broadcast_shapes(their_inv.shape, Z.shape) == Z.shape:
        return "std" if mean_right else "mean"
    if not _same(their_hat, Z_hat):
        return "mean" if not mean_right else "normalise"
    return None


def _layernorm_exercise():
    def reference(Z, gamma, beta, ln_param=None):
        return layernorm_forward(Z, gamma, beta, ln_param)

    def scale_only_wrong(args, got):
        if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], tuple) and len(got[1]) == 3):
            return False
        out, cache = reference(*args)
        return _same(got[1][0], cache[0]) and not _same(got[0], out) and not _constant_multiple(got[0], out)

    return Exercise(
        "layernorm_forward", _layernorm_cases, reference,
        "(out, cache) with cache = (Z_hat, gamma, inv_std), inv_std = 1 / np.sqrt(var + eps) of shape (1, m)",
        "Z (n, m), gamma (n, 1), beta (n, 1), ln_param None or {'eps': ...} -> out (n, m)",
        names=("out", "cache"),
        mistakes=[
            Mistake("normalise each example (column) over its n units, axis=0: Z.mean(axis=0, keepdims=True), shape "
                    "(1, m) (yours normalises each unit over the batch, axis=1: that is batch normalization)",
                    _layernorm_variant(axis=1)),
            Mistake("the variance is the biased one, np.var(Z, axis=0, keepdims=True) = 1/n sum (Z - mu)^2, not "
                    "ddof=1", _layernorm_variant(ddof=1)),
            Mistake("add eps inside the square root, np.sqrt(var + eps), with eps = ln_param.get('eps', 1e-5) (1e-5 "
                    "when ln_param is None)", _layernorm_variant(with_eps=False)),
            Mistake("scale and shift the normalised values: out = gamma * Z_hat + beta (gamma and beta have one "
                    "value per unit, (n, 1))", _layernorm_variant(scale=False)),
            Mistake("divide by the standard deviation, np.sqrt(var + eps), not by the variance",
                    _layernorm_variant(root=False)),
            Mistake("Z_hat is right, out is not: out = gamma * Z_hat + beta", when=scale_only_wrong),
            *(Mistake(hint, when=lambda args, got, part=part: _layernorm_part(args, got) == part)
              for part, hint in _LAYERNORM_PART_HINTS.items()),
        ],
        exception_hints=[("NoneType", "ln_param may be None: eps = 1e-5 if ln_param is None else "
                                      "ln_param.get('eps', 1e-5)")],
        inputs=("Z", "gamma", "beta", "ln_param"))


def check_layernorm_forward(fn):
    """Check `layernorm_forward(Z, gamma, beta, ln_param=None) -> (out, cache)` against
    `utils.normalization.layernorm_forward`."""
    return run_check(fn, _layernorm_exercise())
