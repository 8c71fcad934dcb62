"""Inverted dropout as a layer (`utils.regularization.dropout_forward` / `dropout_backward`).

In training each unit is kept with probability keep_prob and the kept ones are divided by keep_prob:
A_out = A * D / keep_prob with D ~ Bernoulli(keep_prob), drawn from the training's generator in layer order (the
draws of the course's `L_model_forward_with_dropout`). At test time the layer does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..regularization import dropout_backward, dropout_forward
from .base import Layer, check_number


@dataclass(frozen=True)
class Dropout(Layer):
    keep_prob: float
    kind = "dropout"

    def __post_init__(self):
        object.__setattr__(self, "keep_prob", check_number(self.keep_prob, "keep_prob", 0, 1, low_open=True,
                                                           where="Dropout"))

    def forward(self, A, params, state, train, rng):
        if not train or self.keep_prob == 1:
            return A, None
        out, D = dropout_forward(A, self.keep_prob, rng)
        return out, D

    def backward(self, dA, D, need_input=True):
        return (dA if D is None else dropout_backward(dA, D, self.keep_prob)), {}
