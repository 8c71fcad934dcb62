"""Batch normalization as a layer: `utils.normalization.batchnorm_forward` / `batchnorm_backward`.

Between a dense layer (which then has no bias: beta takes its place) and its activation::

    out = gamma * (Z - mu) / sqrt(var + eps) + beta        mu, var: the batch's (training) or the running ones (test)

Trainable: gamma (n, 1), initialised to 1, and beta (n, 1), initialised to 0; L2 and weight decay never touch them
(they apply to the W's only). State: running_mean and running_var (n, 1), initialised to 0 and 1, updated in
training as running = momentum * running + (1 - momentum) * batch; the optimiser never sees them.
`LayerNorm` normalises each example over its units instead: no state, the same computation in training and test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..normalization import (DEFAULT_EPS, DEFAULT_MOMENTUM, batchnorm_backward, batchnorm_forward,
                             batchnorm_forward_unchecked, layernorm_backward, layernorm_forward)
from .base import Layer, check_number


def _per_example(dgamma, dbeta, m):
    """The stack passes back the course's dZ (dZ_L = A_L - Y: the gradient of the summed cost, as `linear_backward`
    divides dW by m); a layer's parameter gradients are those of the mean cost: dgamma / m, dbeta / m."""
    dgamma *= 1.0 / m
    dbeta *= 1.0 / m
    return {"gamma": dgamma, "beta": dbeta}


@dataclass(frozen=True)
class BatchNorm(Layer):
    momentum: float = DEFAULT_MOMENTUM
    eps: float = DEFAULT_EPS
    kind = "batchnorm"
    normalizes = True

    def __post_init__(self):
        object.__setattr__(self, "momentum", check_number(self.momentum, "momentum", 0, 1, high_open=True,
                                                          where="BatchNorm"))
        object.__setattr__(self, "eps", check_number(self.eps, "eps", 0, 1, low_open=True, where="BatchNorm"))

    def parameter_shapes(self, n_in):
        return {"gamma": (n_in, 1), "beta": (n_in, 1)}

    def state_shapes(self, n_in):
        return {"running_mean": (n_in, 1), "running_var": (n_in, 1)}

    def init_parameters(self, n_in, dtype):
        return {"gamma": np.ones((n_in, 1), dtype), "beta": np.zeros((n_in, 1), dtype)}

    def init_state(self, n_in, dtype):
        return {"running_mean": np.zeros((n_in, 1), dtype), "running_var": np.ones((n_in, 1), dtype)}

    def forward(self, Z, params, state, train, rng):
        bn_param = {"mode": "train" if train else "test", "eps": self.eps, "momentum": self.momentum,
                    "running_mean": state["running_mean"], "running_var": state["running_var"]}
        if train and Z.shape[1] < 2:   # what batchnorm_forward refuses; its other checks hold by construction here
            return batchnorm_forward(Z, params["gamma"], params["beta"], bn_param)
        out, cache = batchnorm_forward_unchecked(Z, params["gamma"], params["beta"], bn_param)
        if train:
            state["running_mean"], state["running_var"] = bn_param["running_mean"], bn_param["running_var"]
        return out, cache

    def backward(self, dout, cache, need_input=True):
        dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
        return dZ, _per_example(dgamma, dbeta, dout.shape[1])


@dataclass(frozen=True)
class LayerNorm(Layer):
    eps: float = DEFAULT_EPS
    kind = "layernorm"
    normalizes = True

    def __post_init__(self):
        object.__setattr__(self, "eps", check_number(self.eps, "eps", 0, 1, low_open=True, where="LayerNorm"))

    def parameter_shapes(self, n_in):
        return {"gamma": (n_in, 1), "beta": (n_in, 1)}

    def init_parameters(self, n_in, dtype):
        return {"gamma": np.ones((n_in, 1), dtype), "beta": np.zeros((n_in, 1), dtype)}

    def forward(self, Z, params, state, train, rng):
        return layernorm_forward(Z, params["gamma"], params["beta"], {"eps": self.eps})

    def backward(self, dout, cache, need_input=True):
        dZ, dgamma, dbeta = layernorm_backward(dout, cache)
        return dZ, _per_example(dgamma, dbeta, dout.shape[1])
