"""What every layer kind provides: the contract `utils.layers.stack.Stack` walks.

A layer is an immutable description (its settings) plus four functions, CS231n's layer style::

    parameter_shapes(n_in)  -> {local name: shape}   trainable arrays ("W", "b", "gamma", "beta")
    state_shapes(n_in)      -> {local name: shape}   arrays training updates but the optimiser never
                                                     touches (batch normalization's running statistics)
    forward(A, params, state, train, rng) -> (out, cache)
    backward(dout, cache, need_input=True) -> (dA, grads)   grads: {local name: gradient}

`A` and `out` are `(n, m)`, one column per example. The gradient passed backward is the course's: dZ_L = A_L - Y
at the output, the gradient of the summed cost, which `linear_backward` turns into dW = 1/m dZ A^T; so every layer
divides its own parameters' gradients by m (they are those of the mean cost J), and passes dA on undivided. `params` and `state` map the layer's local names to its
arrays; the stack names them in the network as the course does: ``W3``, ``b3``, ``gamma3``, ``running_mean3``
(the number of the dense layer they belong to). `forward` in training may return a new state (a dict that
replaces the layer's state) through ``state`` being updated in place: only batch normalization does.
`describe()` gives the JSON the parameters file records; `from_description` in `utils/layers/__init__.py`
reads it back through the registry `LAYERS`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


def shown(value, limit=60):
    """repr(value), cut to `limit` characters: what an error message may quote from a file."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_number(value, name, low, high, low_open=False, high_open=False, where="layer"):
    """A real number (not a bool, not text) in the range; else a ValueError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or \
            value < low or value > high or (low_open and value == low) or (high_open and value == high):
        brackets = ("(" if low_open else "[") + f"{low:g}, {high:g}" + (")" if high_open else "]")
        raise ValueError(f"{where}: expected {name} a number in {brackets}, got {shown(value)}")
    return float(value)


@dataclass(frozen=True)
class Layer:
    """The base of every layer kind. Subclasses set `kind` and implement the methods below."""

    kind = "layer"
    #: True for the layers that may follow a dense layer's pre-activations only (normalizations).
    normalizes = False

    def n_out(self, n_in: int) -> int:
        """The number of units this layer outputs for `n_in` inputs (most layers keep it)."""
        return n_in

    def parameter_shapes(self, n_in: int) -> dict:
        return {}

    def state_shapes(self, n_in: int) -> dict:
        return {}

    def init_parameters(self, n_in: int, dtype) -> dict:
        """Trainable arrays that are not drawn at random (weights are: see `Stack.init`)."""
        return {}

    def init_state(self, n_in: int, dtype) -> dict:
        return {}

    def forward(self, A, params, state, train, rng):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, dout, cache, need_input=True):
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def describe(self) -> dict:
        """{"kind": ..., settings...}: what a parameters file records about this layer (JSON)."""
        return {"kind": self.kind, **asdict(self)}
