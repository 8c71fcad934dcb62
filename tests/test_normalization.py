"""Batch and layer normalization: the forward pass's conventions (CS231n's), and every gradient against central
differences in float64."""

import numpy as np
import pytest

from utils.gradient_check import numerical_gradient
from utils.normalization import (batchnorm_backward, batchnorm_backward_graph, batchnorm_forward,
                                 layernorm_backward, layernorm_forward)


def _numerical(f, x, dout, h=1e-6):
    """d sum(f(x) * dout) / dx by central differences (`utils.gradient_check.numerical_gradient`)."""
    return numerical_gradient(lambda: np.sum(f() * dout), x, h)


def _relative(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n, m = 4, 7
    return (rng.normal(2.0, 3.0, (n, m)), rng.normal(1.0, 0.5, (n, 1)), rng.normal(0.0, 0.5, (n, 1)),
            rng.normal(size=(n, m)))


@pytest.mark.parametrize("mode", ["train", "test"])
def test_batchnorm_gradients_match_central_differences(data, mode):
    Z, gamma, beta, dout = data
    stats = {"running_mean": np.full((4, 1), 0.5), "running_var": np.full((4, 1), 2.0)}

    def forward():
        return batchnorm_forward(Z, gamma, beta, {"mode": mode, **{k: v.copy() for k, v in stats.items()}})[0]

    _, cache = batchnorm_forward(Z, gamma, beta, {"mode": mode, **{k: v.copy() for k, v in stats.items()}})
    dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert _relative(dZ, _numerical(forward, Z, dout)) < 1e-8
    assert _relative(dgamma, _numerical(forward, gamma, dout)) < 1e-8
    assert _relative(dbeta, _numerical(forward, beta, dout)) < 1e-8
    if mode == "train":
        graph = batchnorm_backward_graph(dout, cache)
        assert all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(graph, (dZ, dgamma, dbeta)))


def test_batchnorm_training_normalises_each_unit_over_the_batch_and_updates_running_statistics(data):
    Z, gamma, beta, _ = data
    bn_param = {"mode": "train"}
    out, _ = batchnorm_forward(Z, np.ones_like(gamma), np.zeros_like(beta), bn_param)
    assert np.allclose(out.mean(axis=1), 0, atol=1e-12)
    assert np.allclose(out.var(axis=1), Z.var(axis=1) / (Z.var(axis=1) + 1e-5))   # biased variance, eps inside
    assert np.allclose(bn_param["running_mean"], 0.1 * Z.mean(axis=1, keepdims=True))   # 0.9 * 0 + 0.1 * batch
    assert np.allclose(bn_param["running_var"], 0.1 * Z.var(axis=1, keepdims=True))      # biased, ddof=0
    out, _ = batchnorm_forward(Z, gamma, beta, bn_param)
    assert np.allclose(bn_param["running_mean"], 0.19 * Z.mean(axis=1, keepdims=True))
    scaled = batchnorm_forward(Z, gamma, beta, {"mode": "train"})[0]
    assert np.allclose(scaled, gamma * (Z - Z.mean(1, keepdims=True)) / np.sqrt(Z.var(1, keepdims=True) + 1e-5) + beta)


def test_batchnorm_test_mode_uses_the_running_statistics_and_not_the_batch(data):
    Z, gamma, beta, _ = data
    bn_param = {"mode": "test", "running_mean": np.full((4, 1), 2.0), "running_var": np.full((4, 1), 9.0),
                "eps": 0.0}
    out, _ = batchnorm_forward(Z, gamma, beta, bn_param)
    assert np.allclose(out, gamma * (Z - 2.0) / 3.0 + beta)
    one = batchnorm_forward(Z[:, :1], gamma, beta, bn_param)[0]   # one example alone: the same answer
    assert np.allclose(one, out[:, :1]) and np.all(bn_param["running_mean"] == 2.0)


def test_batchnorm_refuses_what_it_cannot_normalise(data):
    Z, gamma, beta, _ = data
    with pytest.raises(ValueError, match=r"bn_param\['mode'\]: expected 'train' or 'test'"):
        batchnorm_forward(Z, gamma, beta, {})
    with pytest.raises(ValueError, match="gamma: expected shape \\(4, 1\\)"):
        batchnorm_forward(Z, gamma.ravel(), beta, {"mode": "train"})
    with pytest.raises(ValueError, match="at least 2 examples"):
        batchnorm_forward(Z[:, :1], gamma, beta, {"mode": "train"})
    with pytest.raises(ValueError, match="Z: expected a float array"):
        batchnorm_forward(Z.astype(int), gamma, beta, {"mode": "train"})


def test_layernorm_gradients_match_central_differences_and_each_example_is_normalised(data):
    Z, gamma, beta, dout = data

    def forward():
        return layernorm_forward(Z, gamma, beta)[0]

    out, cache = layernorm_forward(Z, gamma, beta)
    dZ, dgamma, dbeta = layernorm_backward(dout, cache)
    assert _relative(dZ, _numerical(forward, Z, dout)) < 1e-8
    assert _relative(dgamma, _numerical(forward, gamma, dout)) < 1e-8
    assert _relative(dbeta, _numerical(forward, beta, dout)) < 1e-8
    plain = layernorm_forward(Z, np.ones_like(gamma), np.zeros_like(beta))[0]
    assert np.allclose(plain.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(plain[:, :1], layernorm_forward(Z[:, :1], np.ones_like(gamma), np.zeros_like(beta))[0])
