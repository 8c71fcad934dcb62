"""A network as an ordered list of layers: `Stack`, the one forward / backward walk every kind plugs into.

    stack = Stack([Dense(64), BatchNorm(), Activation("relu"), Dense(1), Activation("sigmoid")], n_x=12288)
    params, state = stack.init(initialization="he", seed=1, dtype=np.float64)
    cost, AL, grads = stack.gradients(X, Y, params, state)          # training mode: batch statistics
    AL = stack.predict_proba(X, params, state)                      # test mode: running statistics

Names in the network are the course's: the arrays of the layers that follow the l-th dense layer get its number,
``W3``, ``b3``, ``gamma3``, ``beta3`` (trainable: `params`) and ``running_mean3``, ``running_var3`` (`state`,
updated by training, never by the optimiser). The last layer is the output's sigmoid or softmax, joined to the
cross-entropy as the course does: dZ_L = A_L - Y. L2 (``lambd``) adds lambd / (2 m) sum ||W_l||^2 to the cost and
lambd / m W_l to every dW_l: the weights only, never b, gamma or beta.

A dense stack (dense, activation, optional dropout after each hidden activation) computes operation for operation
what `utils.deep.forward_backward` and `utils.deep.L_model_forward` compute: the same costs to the last bit
(tests/test_layers.py). `dense_view()` says whether a stack is one, and gives (layer_dims, activations, keep_prob):
what the course's functions, the format_version 1 file and the X^T X fast path (`utils/span.py`) know how to run.
"""

from __future__ import annotations

import numpy as np

from ..costs import compute_cost_from_logits, l2_cost
from ..deep import FUSED_OUTPUTS
from ..initializers import initialize_parameters_deep
from ..regularization import l2_gradient
from .activation import Activation
from .base import Layer, shown
from .batchnorm import BatchNorm
from .dense import Dense
from .dropout import Dropout


class Stack:
    """An ordered list of layers on inputs of n_x features; the layers' arrays are named by `names`."""

    def __init__(self, layers, n_x):
        layers = list(layers)
        strange = [i for i, layer in enumerate(layers) if not isinstance(layer, Layer)]
        if strange:
            raise ValueError(f"layers[{strange[0]}]: expected a layer (Dense(64), Activation('relu'), BatchNorm(), "
                             f"...), got {shown(layers[strange[0]])}")
        if not layers or not isinstance(layers[0], Dense):
            raise ValueError(f"layers: expected a list starting with a Dense layer, got {_kinds(layers)}")
        if not (isinstance(layers[-1], Activation) and layers[-1].name in FUSED_OUTPUTS
                and isinstance(layers[-2], Dense)):
            raise ValueError(f"layers: expected a classifier ending with Dense(n_y) and Activation('sigmoid') or "
                             f"Activation('softmax'), got {_kinds(layers[-2:])} at the end")
        layers = resolve_bias(layers)
        resolved, sizes, names = [], [int(n_x)], []
        number = 0
        for i, layer in enumerate(layers):
            if isinstance(layer, Dense):
                number += 1
            elif layer.normalizes and not isinstance(layers[i - 1], Dense):
                raise ValueError(f"layers[{i}]: a {layer.kind} layer normalises a dense layer's pre-activations: "
                                 f"put it right after a Dense layer, got it after {layers[i - 1].kind!r}")
            elif layer.kind == "layernorm" and sizes[-1] < 2:
                raise ValueError(f"layers[{i}]: a layernorm layer normalises each example over its units, and a "
                                 f"Dense layer of 1 unit has none to compare (its output would always be beta): give "
                                 f"that Dense layer at least 2 units, or drop the LayerNorm")
            resolved.append(layer)
            names.append({local: f"{local}{number}"
                          for local in (*layer.parameter_shapes(sizes[-1]), *layer.state_shapes(sizes[-1]))})
            sizes.append(layer.n_out(sizes[-1]))
        self.layers, self.sizes, self.names = resolved, sizes, names
        self.n_x = int(n_x)
        # what each pass needs per layer, worked out once: (layer, its trainable names, its state names)
        states = [set(layer.state_shapes(sizes[i])) for i, layer in enumerate(resolved)]
        self._plan = [(layer, [(k, g) for k, g in names[i].items() if k not in states[i]],
                       [(k, g) for k, g in names[i].items() if k in states[i]]) for i, layer in enumerate(resolved)]

    # ------------------------------------------------------------ what it is

    @classmethod
    def dense(cls, layer_dims, activations, keep_prob=1.0):
        """The course's network [n_0, n_1, ..., n_L] with one activation per layer, as layers."""
        layers = []
        for l, (units, name) in enumerate(zip(layer_dims[1:], activations), start=1):
            layers += [Dense(int(units), bias=True), Activation(name)]
            if keep_prob < 1 and l < len(layer_dims) - 1:
                layers.append(Dropout(keep_prob))
        return cls(layers, layer_dims[0])

    @property
    def layer_dims(self):
        """[n_0, n_1, ..., n_L]: the inputs and every dense layer's units."""
        return [self.n_x] + [layer.units for layer in self.layers if isinstance(layer, Dense)]

    @property
    def activations(self):
        """The activation names, in order (one per dense layer in the usual pattern)."""
        return [layer.name for layer in self.layers if isinstance(layer, Activation)]

    def dense_view(self):
        """(layer_dims, activations, keep_prob) if this is the course's dense network (dense -> activation
        [-> dropout, the same keep_prob after every hidden activation]), else None."""
        kinds = [layer.kind for layer in self.layers]
        keep = {layer.keep_prob for layer in self.layers if isinstance(layer, Dropout)}
        keep_prob = keep.pop() if len(keep) == 1 else 1.0
        if len(keep) > 0 or not all(layer.bias for layer in self.layers if isinstance(layer, Dense)):
            return None
        expected = self.dense(self.layer_dims, self.activations or ["relu"], keep_prob).layers
        if kinds != [layer.kind for layer in expected] or len(self.activations) != len(self.layer_dims) - 1:
            return None
        return self.layer_dims, self.activations, keep_prob

    def describe(self):
        """The layers as JSON: [{"kind": "dense", "units": 64, "bias": false}, {"kind": "batchnorm", ...}, ...]."""
        return [layer.describe() for layer in self.layers]

    def parameter_shapes(self):
        """{global name: shape} of the trainable arrays."""
        return {self.names[i][local]: shape for i, layer in enumerate(self.layers)
                for local, shape in layer.parameter_shapes(self.sizes[i]).items()}

    def state_shapes(self):
        """{global name: shape} of the arrays training updates but the optimiser does not (running statistics)."""
        return {self.names[i][local]: shape for i, layer in enumerate(self.layers)
                for local, shape in layer.state_shapes(self.sizes[i]).items()}

    def split(self, arrays):
        """(params, state) from one dict of every array (what a parameters file holds)."""
        state_names = self.state_shapes()
        return ({k: v for k, v in arrays.items() if k not in state_names},
                {k: v for k, v in arrays.items() if k in state_names})

    # ------------------------------------------------------------ starting point

    def init(self, initialization="he", seed=1, dtype=np.float32, scale=0.01):
        """(params, state): the dense weights of `initialize_parameters_deep` over `layer_dims` (the course's
        draws: the same weights as the dense network of the same sizes and seed), then each layer's own."""
        weights = initialize_parameters_deep(self.layer_dims, initialization, seed, dtype, scale=scale)
        params, state = {}, {}
        for i, layer in enumerate(self.layers):
            n_in, names = self.sizes[i], self.names[i]
            if isinstance(layer, Dense):
                params[names["W"]] = weights[names["W"]]
            params.update({names[k]: v for k, v in layer.init_parameters(n_in, dtype).items()})
            state.update({names[k]: v for k, v in layer.init_state(n_in, dtype).items()})
        return params, state

    # ------------------------------------------------------------ passes

    def forward(self, X, params, state, train=False, rng=None):
        """(ZL, AL, caches): walk every layer; in training batch normalization updates `state` in place."""
        caches, A = [], X
        for layer, trainable, kept in self._plan[:-1]:
            local_state = {k: state[g] for k, g in kept} if kept else None
            A, cache = layer.forward(A, {k: params[g] for k, g in trainable} if trainable else None, local_state,
                                     train, rng)
            if train and kept:
                for k, g in kept:
                    state[g] = local_state[k]
            caches.append(cache)
        AL, _ = self.layers[-1].forward(A, None, None, train, rng)
        return A, AL, caches

    def predict_proba(self, X, params, state):
        """A_L in test mode (running statistics, no dropout): (1, m) P(y = 1) or (C, m)."""
        return self.forward(X, params, state)[1]

    def gradients(self, X, Y, params, state, lambd=0.0, rng=None):
        """(cost, AL, grads) of one training step on X (n_x, m), Y (n_L, m); `state` updated in place.

        grads: {"dW1", "db1", "dgamma1", ...}: one gradient per trainable array.
        """
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        ZL, AL, caches = self.forward(X, params, state, train=True, rng=rng)
        cost = compute_cost_from_logits(ZL, Y)
        dZ = AL - Y.astype(AL.dtype, copy=False)
        grads = {}
        for i in range(len(caches) - 1, -1, -1):
            dZ, local = self.layers[i].backward(dZ, caches[i], need_input=i > 0)
            for k, g in local.items():
                grads["d" + self.names[i][k]] = g
        if lambd:
            m = Y.shape[1]
            cost += l2_cost(params, lambd, m)
            for name in params:
                if name.startswith("W"):
                    grads[f"d{name}"] += l2_gradient(params[name], lambd, m)
        return cost, AL, grads


def resolve_bias(layers):
    """The layers with every Dense(bias=None) decided: no bias right before a BatchNorm (its beta takes the bias's
    place: the batch mean would cancel b), a bias everywhere else."""
    return [Dense(layer.units, bias=not isinstance(following, BatchNorm))
            if isinstance(layer, Dense) and layer.bias is None else layer
            for layer, following in zip(layers, [*layers[1:], None])]


def _kinds(layers):
    return shown([getattr(layer, "kind", type(layer).__name__) for layer in layers], 200)


class StackRunner:
    """How `NeuralNetwork`'s training loop runs a stack on its training set: the plain way, every layer walked.

    The loop asks a runner for the epoch's batches, a step's gradients, the validation outputs and, at the end,
    the parameters; `utils.span.SpanRunner` answers the same questions for a dense network whose first layer it
    trains through X^T X. `NeuralNetwork._runner` chooses between them, in that one place.
    """

    def __init__(self, stack, X, X_val=None, lambd=0.0):
        self.stack, self.X, self.X_val, self.lambd = stack, X, X_val, lambd

    def start(self, params):
        """The arrays the optimiser updates (here the parameters themselves)."""
        return params

    def batches(self, Y, batch_size, seed):
        """The epoch's (X_b, Y_b): the full batch, or `random_mini_batches(X, Y, batch_size, seed)`."""
        from ..optimizers import random_mini_batches
        if batch_size is None or batch_size >= self.X.shape[1]:
            return [(self.X, Y)]
        return random_mini_batches(self.X, Y, batch_size, seed)

    def gradients(self, Xb, Yb, p, state, rng):
        return self.stack.gradients(Xb, Yb, p, state, self.lambd, rng)

    def validation(self, p, state):
        """(AL, ZL) on X_val in test mode."""
        ZL, AL, _ = self.stack.forward(self.X_val, p, state)
        return AL, ZL

    def parameters(self, p):
        return p
