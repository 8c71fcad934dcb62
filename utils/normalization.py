"""Batch normalization and layer normalization, in the library's layout and CS231n's conventions.

Batch normalization (Ioffe & Szegedy, 2015) normalises each unit over the examples of the batch, then lets the
network scale and shift it back. For the pre-activations ``Z`` of a layer, shape ``(n, m)`` (one column per
example)::

    mu      = 1/m sum_i Z[:, i]                    (n, 1)   the batch mean of each unit
    var     = 1/m sum_i (Z[:, i] - mu)^2           (n, 1)   the biased batch variance
    Z_hat   = (Z - mu) / sqrt(var + eps)           (n, m)
    out     = gamma * Z_hat + beta                 (n, m)   gamma, beta: (n, 1), learned

It replaces the layer's bias (``beta`` plays its part) and comes before the activation:
``A = g(BN(W A_prev))``. In training it uses the batch's statistics and updates running averages,
``running = momentum * running + (1 - momentum) * batch`` (``momentum`` 0.9; the biased variance, as CS231n);
at test time it uses the running averages, so a prediction does not depend on the other examples.

The backward pass, from the computation graph above (dZ_hat = dout * gamma, then through the mean and the
variance, both of which depend on every example), collapses to::

    dgamma = sum_i dout * Z_hat           dbeta = sum_i dout                      (n, 1)
    dZ     = 1/m / sqrt(var + eps) * (m dZ_hat - sum_i dZ_hat - Z_hat sum_i dZ_hat * Z_hat)
           = gamma / (m sqrt(var + eps)) * (m dout - dbeta - Z_hat * dgamma)    (n, m)

(the second line because dZ_hat = gamma * dout, so sum_i dZ_hat = gamma dbeta and sum_i dZ_hat * Z_hat = gamma dgamma).

`batchnorm_backward` is that formula; `batchnorm_backward_graph` walks the graph node by node (the derivation a
lesson shows) and is tested equal to it. Layer normalization (Ba et al., 2016) normalises each example over its
units instead (axis 0): no batch statistics, so train and test are the same computation.
"""

from __future__ import annotations

import numpy as np

MODES = ("train", "test")
DEFAULT_EPS, DEFAULT_MOMENTUM = 1e-5, 0.9


def _check(Z, gamma, beta, name="Z"):
    Z = np.asarray(Z)
    if Z.ndim != 2 or Z.dtype.kind != "f":
        raise ValueError(f"{name}: expected a float array (n, m), one column per example, got "
                         f"{Z.dtype} of shape {Z.shape}")
    for label, value in (("gamma", gamma), ("beta", beta)):
        if np.shape(value) != (Z.shape[0], 1):
            raise ValueError(f"{label}: expected shape ({Z.shape[0]}, 1), one value per unit, got {np.shape(value)}")
    return Z


def batchnorm_forward(Z, gamma, beta, bn_param):
    """Batch normalization of Z (n, m): returns (out (n, m), cache).

    bn_param: a dict, updated in place in training: "mode" ("train" or "test", required), "eps" (1e-5),
    "momentum" (0.9), "running_mean" and "running_var" ((n, 1); zeros when absent). Training normalises with
    the batch's mean and biased variance and updates the running ones; test mode uses the running ones.
    """
    Z = _check(Z, gamma, beta)
    mode = bn_param.get("mode")
    if mode not in MODES:
        raise ValueError(f"bn_param['mode']: expected 'train' or 'test', got {mode!r}")
    if mode == "train" and Z.shape[1] < 2:
        raise ValueError(f"Z: batch normalization in training needs at least 2 examples in the batch, got "
                         f"{Z.shape[1]}: a variance over one example is 0")
    return batchnorm_forward_unchecked(Z, gamma, beta, bn_param)


def batchnorm_forward_unchecked(Z, gamma, beta, bn_param):
    """`batchnorm_forward` without its checks of the arguments (the per-step building block the layer of
    `utils/layers/batchnorm.py` calls once its inputs are known to be right): the same arithmetic."""
    mode = bn_param["mode"]
    eps, momentum = bn_param.get("eps", DEFAULT_EPS), bn_param.get("momentum", DEFAULT_MOMENTUM)
    n = Z.shape[0]
    running_mean = bn_param.get("running_mean")
    running_var = bn_param.get("running_var")
    running_mean = np.zeros((n, 1), Z.dtype) if running_mean is None else running_mean
    running_var = np.zeros((n, 1), Z.dtype) if running_var is None else running_var
    if mode == "train":
        m = Z.shape[1]
        mu = Z.sum(axis=1, keepdims=True)
        mu *= 1.0 / m                                      # the batch mean of each unit
        Z_hat = Z - mu                                     # centred here, normalised below (one array)
        var = np.einsum("ij,ij->i", Z_hat, Z_hat)[:, None]
        var *= 1.0 / m                                     # the biased variance: 1/m sum (Z - mu)^2
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
        bn_param.setdefault("running_mean", running_mean)
        bn_param.setdefault("running_var", running_var)
        Z_hat = Z - mu
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat *= inv_std                                       # (Z - mu) / sqrt(var + eps)
    out = Z_hat * gamma
    out += beta
    return out, (Z_hat, gamma, inv_std, mode)


def batchnorm_backward(dout, cache):
    """(dZ, dgamma, dbeta) from dout (n, m) = dJ/dout and the cache of `batchnorm_forward`: the compact formula.

    In test mode the statistics are constants, so dZ = dout * gamma / sqrt(running_var + eps).
    """
    Z_hat, gamma, inv_std, mode = cache
    m = dout.shape[1]
    dgamma = np.einsum("ij,ij->i", dout, Z_hat)[:, None]   # sum_i dout * Z_hat
    dbeta = dout.sum(axis=1, keepdims=True)
    if mode == "test":
        return dout * (gamma * inv_std), dgamma, dbeta
    dZ = dout * m
    dZ -= dbeta
    dZ -= Z_hat * dgamma
    dZ *= gamma * inv_std * (1.0 / m)                     # gamma / (m sqrt(var + eps)) (m dout - dbeta - Z_hat dgamma)
    return dZ, dgamma, dbeta


def batchnorm_backward_graph(dout, cache):
    """The same gradients as `batchnorm_backward`, node by node through the forward pass's computation graph.

    Forward: c = Z - mu, v = mean(c^2), s = sqrt(v + eps), Z_hat = c / s, out = gamma Z_hat + beta.
    Training mode only (the graph of test mode has no mean or variance node).
    """
    Z_hat, gamma, inv_std, mode = cache
    if mode != "train":
        raise ValueError("cache: batchnorm_backward_graph follows the training graph; use batchnorm_backward")
    m = dout.shape[1]
    s = 1.0 / inv_std
    c = Z_hat * s                                            # Z - mu
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dc = dZ_hat / s                                          # through Z_hat = c / s, c's direct path
    ds = -np.sum(dZ_hat * c, axis=1, keepdims=True) / s**2   # ... and through s
    dv = ds / (2 * s)                                        # s = sqrt(v + eps)
    dc = dc + 2 * c / m * dv                                 # v = mean(c^2)
    dmu = -np.sum(dc, axis=1, keepdims=True)                 # c = Z - mu
    dZ = dc + dmu / m                                        # mu = mean(Z)
    return dZ, dgamma, dbeta


def layernorm_forward(Z, gamma, beta, ln_param=None):
    """Layer normalization of Z (n, m): each example (column) normalised over its n units; (out, cache).

    ln_param: optional dict with "eps" (1e-5). No running statistics: training and test are the same.
    """
    Z = _check(Z, gamma, beta)
    eps = (ln_param or {}).get("eps", DEFAULT_EPS)
    mu = Z.mean(axis=0, keepdims=True)
    var = Z.var(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """(dZ, dgamma, dbeta) of `layernorm_forward`: batch normalization's formula over axis 0 instead of axis 1."""
    Z_hat, gamma, inv_std = cache
    n = dout.shape[0]
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = inv_std / n * (n * dZ_hat - np.sum(dZ_hat, axis=0, keepdims=True)
                        - Z_hat * np.sum(dZ_hat * Z_hat, axis=0, keepdims=True))
    return dZ, dgamma, dbeta


__all__ = ["batchnorm_forward", "batchnorm_backward", "batchnorm_backward_graph", "layernorm_forward",
           "layernorm_backward"]
