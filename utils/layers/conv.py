"""Layers for images: `Image` (the columns of X as pictures), `Conv2D`, `Pool2D`, `Flatten` (back to columns).

A network on photos keeps the library's X (n_x, m), one flattened image per column (`utils.preprocessing`), and
starts with ``Image(height, width, channels)``, which turns the columns back into the course's (m, n_H, n_W, n_C)
(the flattening is row-major over (n_H, n_W, n_C), so ``X.T.reshape(m, n_H, n_W, n_C)`` is the images). Then
convolutions, activations and pooling work on (m, n_H, n_W, n_C), and ``Flatten()`` turns the last feature maps
into columns (n_H n_W n_C, m) for the dense layers::

    [Image(28, 28, 1), Conv2D(8, 3), Activation("relu"), Pool2D(2), Conv2D(16, 3), Activation("relu"),
     Pool2D(2), Flatten()]                                   # then NeuralNetwork adds Dense(10), softmax

Shapes between layers are tuples (n_H, n_W, n_C) where the dense layers' are integers n_l. Conv2D's arrays are
named as the dense layers' (the l-th layer with weights has W_l and b_l): W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C).
The arithmetic is `utils.conv`'s (im2col: one matrix product per convolution), keeping the window matrix between
the forward and the backward pass; the first layer's input gradient is never computed. Between these layers the
maps travel channels first, (n_C, m, n_H, n_W), the layout in which each row of the window matrix is one shifted
copy of a channel's maps (`utils.conv.im2col`); `Image` and `Flatten` convert from and to the columns, and the
course's functions (m, n_H, n_W, n_C) compute the same numbers (tests/test_conv.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..conv import (POOL_MODES, conv_backward_cols, conv_forward_cols, output_size, pool_backward_fast,
                    pool_forward_fast)
from .base import Layer, shown


def _whole(value, name, where, low=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{where}: expected {name} a whole number >= {low}, got {shown(value)}")
    return int(value)


def _images(n_in, where):
    """n_in as (n_H, n_W, n_C), or a ValueError saying where the layer must go."""
    if not isinstance(n_in, tuple):
        raise ValueError(f"{where} works on feature maps (n_H, n_W, n_C), got columns of {n_in} units: it goes after "
                         f"Image(height, width, channels) and before the one Flatten()")
    return n_in


@dataclass(frozen=True)
class Image(Layer):
    """The first layer of a network on pictures: X (n_x, m) with n_x = height * width * channels, as images
    (m, height, width, channels)."""

    height: int
    width: int
    channels: int = 1
    kind = "image"

    def __post_init__(self):
        for name in ("height", "width", "channels"):
            object.__setattr__(self, name, _whole(getattr(self, name), name, "Image"))

    @property
    def shape(self):
        return self.height, self.width, self.channels

    def n_out(self, n_in):
        if n_in != self.height * self.width * self.channels:
            raise ValueError(f"Image: {self.height} x {self.width} x {self.channels} = "
                             f"{self.height * self.width * self.channels} inputs per example, but X has {n_in} rows: "
                             f"give the images' height, width and channels")
        return self.shape

    def forward(self, X, params, state, train, rng):
        # column i of X is image i flattened row-major over (n_H, n_W, n_C): as maps (n_C, m, n_H, n_W)
        return X.reshape(*self.shape, X.shape[1]).transpose(2, 3, 0, 1), X.shape

    def backward(self, dA, shape, need_input=True):
        return (dA.transpose(2, 3, 0, 1).reshape(shape) if need_input else None), {}


@dataclass(frozen=True)
class Conv2D(Layer):
    """filters: n_C; size: f (an f x f window); stride: s; pad: p zeros around each image, or "same" (p = (f - 1) / 2
    for an odd f and stride 1: the output as large as the input). W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C)."""

    filters: int
    size: int = 3
    stride: int = 1
    pad: int | str = "same"
    kind = "conv"
    weighted = True

    def __post_init__(self):
        object.__setattr__(self, "filters", _whole(self.filters, "filters", "Conv2D"))
        object.__setattr__(self, "size", _whole(self.size, "size", "Conv2D"))
        object.__setattr__(self, "stride", _whole(self.stride, "stride", "Conv2D"))
        if isinstance(self.pad, str) and self.pad == "same":
            if self.size % 2 == 0 or self.stride != 1:
                raise ValueError(f"Conv2D: pad='same' needs an odd size and stride 1, got size {self.size}, stride "
                                 f"{self.stride}: give pad as a number of pixels")
        else:
            object.__setattr__(self, "pad", _whole(self.pad, "pad (or 'same')", "Conv2D", low=0))
            if self.pad >= self.size:
                raise ValueError(f"Conv2D: expected pad at most size - 1 = {self.size - 1} (a wider border only adds "
                                 f"outputs that see nothing but zeros), got {self.pad}")

    @property
    def padding(self):
        return (self.size - 1) // 2 if self.pad == "same" else self.pad

    def fan_in(self, n_in):
        return self.size * self.size * _images(n_in, "Conv2D")[2]

    def n_out(self, n_in):
        n_H, n_W, _ = _images(n_in, "Conv2D")
        if min(n_H, n_W) + 2 * self.padding < self.size:
            raise ValueError(f"Conv2D: a {self.size} x {self.size} filter does not fit maps of {n_H} x {n_W} padded "
                             f"by {self.padding}: pad more, use a smaller size, or pool less before it")
        return (output_size(n_H, self.size, self.padding, self.stride),
                output_size(n_W, self.size, self.padding, self.stride), self.filters)

    def parameter_shapes(self, n_in):
        return {"W": (self.size, self.size, _images(n_in, "Conv2D")[2], self.filters), "b": (1, 1, 1, self.filters)}

    def init_parameters(self, n_in, dtype):
        return {"b": np.zeros((1, 1, 1, self.filters), dtype)}

    def forward(self, A, params, state, train, rng):
        Z, cols = conv_forward_cols(A, params["W"], params["b"], self.stride, self.padding)
        return Z, (cols, params["W"], A.shape)

    def backward(self, dZ, cache, need_input=True):
        cols, W, shape = cache
        dA, dW, db = conv_backward_cols(dZ, cols, W, shape, self.stride, self.padding, need_input)
        scale = dW.dtype.type(1.0 / shape[1])  # the mean cost's gradients (dZ is the summed cost's)
        dW *= scale
        db *= scale
        return dA, {"W": dW, "b": db}


@dataclass(frozen=True)
class Pool2D(Layer):
    """size: f (f x f windows); stride: s (default f: windows side by side); mode: "max" or "average"."""

    size: int = 2
    stride: int | None = None
    mode: str = "max"
    kind = "pool"

    def __post_init__(self):
        object.__setattr__(self, "size", _whole(self.size, "size", "Pool2D"))
        object.__setattr__(self, "stride", self.size if self.stride is None else _whole(self.stride, "stride",
                                                                                          "Pool2D"))
        if self.mode not in POOL_MODES:
            raise ValueError(f"Pool2D: expected mode 'max' or 'average', got {shown(self.mode)}")

    def n_out(self, n_in):
        n_H, n_W, n_C = _images(n_in, "Pool2D")
        if min(n_H, n_W) < self.size:
            raise ValueError(f"Pool2D: a {self.size} x {self.size} window does not fit maps of {n_H} x {n_W}: pool "
                             f"less before it")
        return output_size(n_H, self.size, 0, self.stride), output_size(n_W, self.size, 0, self.stride), n_C

    def forward(self, A, params, state, train, rng):
        out = pool_forward_fast(A, self.size, self.stride, self.mode)
        return out, (A, out)

    def backward(self, dA, cache, need_input=True):
        A_prev, out = cache
        return pool_backward_fast(dA, A_prev, out, self.size, self.stride, self.mode), {}


@dataclass(frozen=True)
class Flatten(Layer):
    """Feature maps as columns (n_H n_W n_C, m), the dense layers' shape, each example's maps flattened row-major
    over (n_H, n_W, n_C) as `utils.preprocessing` flattens images (the maps arrive channels first,
    (n_C, m, n_H, n_W))."""

    kind = "flatten"

    def n_out(self, n_in):
        n_H, n_W, n_C = _images(n_in, "Flatten")
        return n_H * n_W * n_C

    def forward(self, A, params, state, train, rng):
        C, m, H, W = A.shape
        return A.transpose(2, 3, 0, 1).reshape(H * W * C, m), A.shape

    def backward(self, dA, shape, need_input=True):
        C, m, H, W = shape
        return (dA.reshape(H, W, C, m).transpose(2, 3, 0, 1) if need_input else None), {}
