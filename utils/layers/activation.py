"""An activation as a layer: A = g(Z) elementwise, dZ = dA * g'(Z), any name of `utils.activations.ACTIVATIONS`.

The output layer's sigmoid or softmax is an activation layer too; the stack joins it to the cross-entropy
(dZ_L = A_L - Y, `utils.costs.compute_cost_from_logits`), as the course's functions do.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..activations import ACTIVATIONS
from .base import Layer, shown


@dataclass(frozen=True)
class Activation(Layer):
    """name: "relu", "tanh", "sigmoid", "leaky_relu", "softmax", ... (utils.activations)."""

    name: str
    kind = "activation"

    def __post_init__(self):
        if not isinstance(self.name, str) or self.name not in ACTIVATIONS:
            raise ValueError(f"Activation: expected name one of {sorted(ACTIVATIONS)}, got {shown(self.name)}")

    def forward(self, Z, params, state, train, rng):
        A, _ = ACTIVATIONS[self.name][0](Z)
        return A, Z

    def backward(self, dA, Z, need_input=True):
        return ACTIVATIONS[self.name][1](dA, Z), {}
