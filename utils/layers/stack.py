"""A network as an ordered list of layers: `Stack`, the one forward / backward walk every kind plugs into.

    stack = Stack([Dense(64), BatchNorm(), Activation("relu"), Dense(1), Activation("sigmoid")], n_x=12288)
    params, state = stack.init(initialization="he", seed=1, dtype=np.float64)
    cost, AL, grads = stack.gradients(X, Y, params, state)          # training mode: batch statistics
    AL = stack.predict_proba(X, params, state)                      # test mode: running statistics

A network on pictures starts with `Image(h, w, c)` and reaches its dense layers through `Flatten()`
(`utils/layers/conv.py`); its convolutions number their W and b like the dense layers. Names in the network are the
course's: the arrays of the layers that follow the l-th layer with weights (dense or convolution) get its number,
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

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..costs import compute_cost_from_logits, l2_cost
from ..deep import FUSED_OUTPUTS
from ..initializers import initialize_parameters_deep, weight_scale
from ..regularization import l2_gradient
from ..rounding import nudge
from .activation import Activation
from .base import Layer, shown
from .batchnorm import BatchNorm
from .conv import Image, Pool2D
from .dense import Dense
from .dropout import Dropout

#: How many examples a network on pictures runs at once in test mode (Stack.forward).
TEST_CHUNK = 256

#: The most numbers one part of a training step of a network on pictures holds in its largest feature maps
#: (Stack.gradients; 2 MB in float32: measured fastest for the digits' and the 64 x 64 photos' networks).
PART_NUMBERS = 2 ** 19

_POOL = {}


def _step_pool():
    """The threads that compute the parts of a step: two (one per core of a small machine), made once per
    process."""
    pid = os.getpid()
    if pid not in _POOL:
        _POOL[pid] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="step-part")
    return _POOL[pid]


class Stack:
    """An ordered list of layers on inputs of n_x features; the layers' arrays are named by `names`."""

    def __init__(self, layers, n_x):
        layers = list(layers)
        strange = [i for i, layer in enumerate(layers) if not isinstance(layer, Layer)]
        if strange:
            raise ValueError(f"layers[{strange[0]}]: expected a layer (Dense(64), Activation('relu'), BatchNorm(), "
                             f"...), got {shown(layers[strange[0]])}")
        if not layers or not isinstance(layers[0], (Dense, Image)):
            raise ValueError(f"layers: expected a list starting with a Dense layer (or Image(height, width, "
                             f"channels) for a network on pictures), got {_kinds(layers)}")
        if not (isinstance(layers[-1], Activation) and layers[-1].name in FUSED_OUTPUTS
                and isinstance(layers[-2], Dense)):
            raise ValueError(f"layers: expected a classifier ending with Dense(n_y) and Activation('sigmoid') or "
                             f"Activation('softmax'), got {_kinds(layers[-2:])} at the end")
        layers = resolve_bias(layers)
        resolved, sizes, names = [], [int(n_x)], []
        number = 0
        for i, layer in enumerate(layers):
            if isinstance(layer, Image) and i > 0:
                raise ValueError(f"layers[{i}]: Image(...) turns the inputs into pictures: it can only be the first "
                                 f"layer")
            if isinstance(layer, Dense) and isinstance(sizes[-1], tuple):
                raise ValueError(f"layers[{i}]: a Dense layer takes columns, got feature maps {sizes[-1]}: put "
                                 f"Flatten() before it")
            if isinstance(layer, Dense) or getattr(layer, "weighted", False):
                number += 1
            elif layer.normalizes and not isinstance(layers[i - 1], Dense):
                raise ValueError(f"layers[{i}]: a {layer.kind} layer normalises a dense layer's pre-activations: "
                                 f"put it right after a Dense layer, got it after {layers[i - 1].kind!r}")
            elif layer.kind == "layernorm" and sizes[-1] < 2:
                raise ValueError(f"layers[{i}]: a layernorm layer normalises each example over its units, and a "
                                 f"Dense layer of 1 unit has none to compare (its output would always be beta): give "
                                 f"that Dense layer at least 2 units, or drop the LayerNorm")
            resolved.append(layer)
            try:
                n_out = layer.n_out(sizes[-1])
            except ValueError as error:
                raise ValueError(f"layers[{i}]: {error}") from None
            names.append({local: f"{local}{number}"
                          for local in (*layer.parameter_shapes(sizes[-1]), *layer.state_shapes(sizes[-1]))})
            sizes.append(n_out)
        self.layers, self.sizes, self.names = resolved, sizes, names
        self.n_x = int(n_x)
        # what each pass needs per layer, worked out once: (layer, its trainable names, its state names)
        states = [set(layer.state_shapes(sizes[i])) for i, layer in enumerate(resolved)]
        self._plan = [(layer, [(k, g) for k, g in names[i].items() if k not in states[i]],
                       [(k, g) for k, g in names[i].items() if k in states[i]]) for i, layer in enumerate(resolved)]
        # The order the passes run the hidden layers in: the listed one, except that a ReLU right before a
        # max-pooling runs after it. The two commute (max of relu = relu of max, entry by entry, and the
        # gradients agree to the bit: tests/test_conv.py), and the ReLU then sees f^2 times fewer numbers.
        self._order = list(self._plan[:-1])
        for i in range(len(self._order) - 1):
            here, after = self._order[i][0], self._order[i + 1][0]
            if isinstance(here, Activation) and here.name == "relu" and isinstance(after, Pool2D) and \
                    after.mode == "max":
                self._order[i], self._order[i + 1] = self._order[i + 1], self._order[i]

        # whether a layer's backward pass must return its input's gradient: only when a layer below it has weights
        self._below = [any(trainable for _, trainable, _ in self._order[:i]) for i in range(len(self._order))]
        # whether a step may run in parts (Stack.gradients): pictures, no running statistics, no random masks
        self._in_parts = self.pictures and not any(states) and not any(isinstance(layer, Dropout)
                                                                        for layer in resolved)
        self._largest_map = max(int(np.prod(size)) for size in sizes)   # numbers per example

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
        if not set(kinds) <= {"dense", "activation", "dropout"}:
            return None
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

    def parameter_count(self):
        """How many trainable numbers (weights, biases, gamma, beta) the layers hold."""
        return sum(int(np.prod(shape)) for shape in self.parameter_shapes().values())

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
        draws: the same weights as the dense network of the same sizes and seed), then each layer's own; a network
        on pictures draws its weights layer by layer (`_init_pictures`)."""
        if self.pictures:
            return self._init_pictures(initialization, seed, dtype, scale)
        weights = initialize_parameters_deep(self.layer_dims, initialization, seed, dtype, scale=scale)
        params, state = {}, {}
        for i, layer in enumerate(self.layers):
            n_in, names = self.sizes[i], self.names[i]
            if isinstance(layer, Dense):
                params[names["W"]] = weights[names["W"]]
            params.update({names[k]: v for k, v in layer.init_parameters(n_in, dtype).items()})
            state.update({names[k]: v for k, v in layer.init_state(n_in, dtype).items()})
        return params, state

    @property
    def pictures(self):
        """True for a network on pictures (its first layer is `Image`)."""
        return isinstance(self.layers[0], Image)

    def _init_pictures(self, initialization, seed, dtype, scale):
        """A network on pictures: every layer with weights in order, W = randn * weight_scale(initialization,
        fan_in, fan_out) (for a convolution fan_in = f f n_C_prev, fan_out = f f n_C), drawn in float64 from
        `np.random.default_rng(seed)` and cast to dtype; biases zero."""
        rng = np.random.default_rng(seed)
        params, state = {}, {}
        for i, layer in enumerate(self.layers):
            n_in, names = self.sizes[i], self.names[i]
            shapes = layer.parameter_shapes(n_in)
            if "W" in shapes:
                shape = shapes["W"]
                fan_in = int(np.prod(shape[:-1])) if len(shape) == 4 else shape[1]
                fan_out = int(np.prod(shape[:2])) * shape[3] if len(shape) == 4 else shape[0]
                factor = weight_scale(initialization, fan_in, fan_out, scale)
                W = np.zeros(shape) if factor == 0 else rng.standard_normal(shape) * factor
                params[names["W"]] = nudge(W.astype(dtype))
            params.update({names[k]: v for k, v in layer.init_parameters(n_in, dtype).items()})
            state.update({names[k]: v for k, v in layer.init_state(n_in, dtype).items()})
        return params, state

    # ------------------------------------------------------------ passes

    def forward(self, X, params, state, train=False, rng=None):
        """(ZL, AL, caches): walk every layer; in training batch normalization updates `state` in place.

        In test mode a network on pictures runs `test_chunk()` examples at a time (its window matrices grow with
        m: 609 photos of 64 x 64 would need 360 MB at once) and returns caches None."""
        chunk = self.test_chunk()
        if not train and self.pictures and X.shape[1] > chunk:
            parts = [self.forward(X[:, i:i + chunk], params, state)[:2] for i in range(0, X.shape[1], chunk)]
            return (np.concatenate([p[0] for p in parts], axis=1), np.concatenate([p[1] for p in parts], axis=1),
                    None)
        caches, A = [], X
        for layer, trainable, kept in self._order:
            local_state = {k: state[g] for k, g in kept} if kept else None
            A, cache = layer.forward(A, {k: params[g] for k, g in trainable} if trainable else None, local_state,
                                     train, rng)
            if train and kept:
                for k, g in kept:
                    state[g] = local_state[k]
            caches.append(cache)
        AL, _ = self.layers[-1].forward(A, None, None, train, rng)
        return A, AL, caches

    def input_gradient(self, X, params, state, dZL):
        """d(sum of dZL * Z_L) / dX, (n_x, m): the backward pass in test mode carried one step past the first
        layer, down to the inputs. With dZL one-hot on a class, each column is the gradient of that example's
        class score Z_L (before the sigmoid / softmax) with respect to its pixels."""
        chunk = self.test_chunk()
        if X.shape[1] > chunk:
            return np.concatenate([self.input_gradient(X[:, i:i + chunk], params, state, dZL[:, i:i + chunk])
                                   for i in range(0, X.shape[1], chunk)], axis=1)
        _, _, caches = self.forward(X, params, state)
        dA = dZL
        for i in range(len(caches) - 1, -1, -1):
            dA, _ = self._order[i][0].backward(dA, caches[i], need_input=True)
        return dA

    def outputs(self, X, params, state, upto):
        """The output of the layers up to layers[upto] included, in test mode: columns (n, m) or, for a layer on
        pictures, the course's (m, n_H, n_W, n_C). Run `test_chunk()` examples at a time."""
        chunk = self.test_chunk() if self.pictures else X.shape[1]
        if X.shape[1] > chunk:
            return np.concatenate([self.outputs(X[:, i:i + chunk], params, state, upto)
                                   for i in range(0, X.shape[1], chunk)],
                                  axis=0 if isinstance(self.sizes[upto + 1], tuple) else 1)
        A = X
        for layer, trainable, kept in self._plan[:upto + 1]:
            A, _ = layer.forward(A, {k: params[g] for k, g in trainable} if trainable else None,
                                 {k: state[g] for k, g in kept} if kept else None, False, None)
        return A.transpose(1, 2, 3, 0) if A.ndim == 4 else A

    def predict_proba(self, X, params, state):
        """A_L in test mode (running statistics, no dropout): (1, m) P(y = 1) or (C, m)."""
        return self.forward(X, params, state)[1]

    def gradients(self, X, Y, params, state, lambd=0.0, rng=None):
        """(cost, AL, grads) of one training step on X (n_x, m), Y (n_L, m); `state` updated in place.

        grads: {"dW1", "db1", "dgamma1", ...}: one gradient per trainable array.

        A network on pictures with neither running statistics nor dropout computes its batch in consecutive
        parts (`step_parts`: at least 2, each with at most PART_NUMBERS numbers in its largest feature maps),
        two at a time (threads: NumPy and BLAS release the GIL), and averages the parts' gradients weighted by
        their sizes: the mean cost's gradients, summed in another order. The parts depend on the batch and the
        layers only, so the numbers are the same whatever the number of cores (tests/test_conv.py compares them
        with the whole batch's). Smaller arrays are also faster on one core: they stay in the cache.
        """
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        parts = self.step_parts(X.shape[1])
        if parts > 1:
            cost, AL, grads = self._gradients_in_parts(X, Y, params, state, rng, parts)
        else:
            cost, AL, grads = self._gradients(X, Y, params, state, rng)
        if lambd:
            m = Y.shape[1]
            cost += l2_cost(params, lambd, m)
            for name in params:
                if name.startswith("W"):
                    grads[f"d{name}"] += l2_gradient(params[name], lambd, m)
        return cost, AL, grads

    def test_chunk(self):
        """How many examples test mode runs at once: TEST_CHUNK, fewer for large pictures (at most 8 PART_NUMBERS
        numbers in the largest feature maps)."""
        return min(TEST_CHUNK, max(1, 8 * PART_NUMBERS // self._largest_map))

    def step_parts(self, m):
        """How many parts a training step on m examples is computed in (1: the whole batch at once)."""
        if not self._in_parts:
            return 1
        parts = max(2, -(-m * self._largest_map // PART_NUMBERS))
        return min(parts, m // 2)

    def _gradients_in_parts(self, X, Y, params, state, rng, parts):
        m = X.shape[1]
        bounds = [m * k // parts for k in range(parts + 1)]
        parts = [(X[:, a:b], Y[:, a:b]) for a, b in zip(bounds, bounds[1:])]
        errors = np.geterr()   # the caller's floating-point error handling (fit ignores overflows: it checks the cost)

        def one(part):
            with np.errstate(**errors):
                return self._gradients(*part, params, state, rng)

        results = list(_step_pool().map(one, parts))
        weights = [(b - a) / m for a, b in zip(bounds, bounds[1:])]
        cost = sum(w * r[0] for w, r in zip(weights, results))
        AL = np.concatenate([r[1] for r in results], axis=1)
        grads = {}
        for name in results[0][2]:
            total = results[0][2][name] * weights[0]
            for w, r in zip(weights[1:], results[1:]):
                total += r[2][name] * w
            grads[name] = total
        return cost, AL, grads

    def _gradients(self, X, Y, params, state, rng):
        """(cost, AL, grads) of the cross-entropy without the L2 term, the whole of X at once."""
        ZL, AL, caches = self.forward(X, params, state, train=True, rng=rng)
        cost = compute_cost_from_logits(ZL, Y)
        dZ = AL - Y.astype(AL.dtype, copy=False)
        grads = {}
        for i in range(len(caches) - 1, -1, -1):
            layer, trainable, _ = self._order[i]
            dZ, local = layer.backward(dZ, caches[i], need_input=self._below[i])
            for k, g in trainable:
                grads["d" + g] = local[k]
            if not self._below[i]:
                break   # no weights below: the rest of the backward pass would compute nothing used
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
