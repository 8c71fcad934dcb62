"""The dense (fully-connected) layer: Z = W A_prev + b, the course's `linear_forward` / `linear_backward`.

Shapes: A_prev (n_{l-1}, m), W (n_l, n_{l-1}), b (n_l, 1), Z (n_l, m). Backward, with dZ = dJ/dZ (n_l, m)::

    dW = 1/m dZ A_prev^T      db = 1/m sum_i dZ[:, i]      dA_prev = W^T dZ

Operation for operation what `utils.deep.forward_backward` computes (``Z = W @ A; Z += b``; ``dW *= 1 / m``), so a
dense stack trains to the same numbers as the course's functions. With ``bias=False`` there is no b: the layer a
batch normalization follows (its beta takes the bias's place). The weights are drawn by
`utils.initializers.initialize_parameters_deep` over the stack's dense sizes (`Stack.init`), so a stack and the
course's network start from the same weights for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Layer, shown


@dataclass(frozen=True)
class Dense(Layer):
    """units: n_l; bias: False drops b (batch normalization's beta replaces it; the stack does that by itself
    when a `BatchNorm` follows, bias=None: decide from the next layer)."""

    units: int
    bias: bool | None = None
    kind = "dense"

    def __post_init__(self):
        if isinstance(self.units, bool) or not isinstance(self.units, (int, np.integer)) or self.units < 1:
            raise ValueError(f"Dense: expected units a positive whole number, got {shown(self.units)}")
        if not (self.bias is None or isinstance(self.bias, (bool, np.bool_))):
            raise ValueError(f"Dense: expected bias True, False or None (decided by the next layer), got "
                             f"{shown(self.bias)}")
        object.__setattr__(self, "units", int(self.units))
        if self.bias is not None:
            object.__setattr__(self, "bias", bool(self.bias))

    def n_out(self, n_in):
        return self.units

    def parameter_shapes(self, n_in):
        shapes = {"W": (self.units, n_in)}
        if self.bias is not False:
            shapes["b"] = (self.units, 1)
        return shapes

    def init_parameters(self, n_in, dtype):
        return {"b": np.zeros((self.units, 1), dtype)} if self.bias is not False else {}

    def forward(self, A, params, state, train, rng):
        Z = params["W"] @ A
        if "b" in params:
            Z += params["b"]
        return Z, (A, params["W"])

    def backward(self, dZ, cache, need_input=True):
        A_prev, W = cache
        m = A_prev.shape[1]
        dW = dZ @ A_prev.T
        dW *= 1.0 / m
        grads = {"W": dW}
        if self.bias is not False:
            db = dZ.sum(axis=1, keepdims=True)
            db *= 1.0 / m
            grads["b"] = db
        return (W.T @ dZ if need_input else None), grads
