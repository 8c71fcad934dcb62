"""The course's convolution and pooling written with loops over examples, pixels and channels, as "Convolutional
model, step by step" writes them: the reference `utils.conv`'s vectorised functions are tested equal to
(tests/test_conv.py), and what chapter 7's exercises ask a learner to write. Slow (a Python loop per output
number): for small arrays only.
"""

from __future__ import annotations

import numpy as np

from .conv import conv_single_step, output_size, zero_pad


def conv_forward_loops(A_prev, W, b, hparameters):
    """Z (m, n_H, n_W, n_C) and the cache (A_prev, W, b, hparameters), one conv_single_step per output number."""
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H, n_W = output_size(n_H_prev, f, pad, stride), output_size(n_W_prev, f, pad, stride)
    Z = np.zeros((m, n_H, n_W, n_C), A_prev.dtype)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                a_slice_prev = a_prev_pad[vert_start:vert_start + f, horiz_start:horiz_start + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


def conv_backward_loops(dZ, cache):
    """(dA_prev, dW, db): every output number sends dZ[i, h, w, c] back to its window (times the filter) and to
    the filter (times the window)."""
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape, dZ.dtype), pad)
    A_prev_pad = zero_pad(A_prev, pad)
    dW, db = np.zeros(W.shape, dZ.dtype), np.zeros(b.shape, dZ.dtype)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                vs, hs = h * stride, w * stride
                a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                for c in range(n_C):
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    H, W_prev = A_prev.shape[1], A_prev.shape[2]
    dA_prev = dA_prev_pad[:, pad:pad + H, pad:pad + W_prev, :] if pad else dA_prev_pad
    return dA_prev, dW, db


def pool_forward_loops(A_prev, hparameters, mode="max"):
    """A (m, n_H, n_W, n_C): np.max (or np.mean) of every f x f window, and the cache (A_prev, hparameters)."""
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = output_size(n_H_prev, f, 0, stride), output_size(n_W_prev, f, 0, stride)
    A = np.zeros((m, n_H, n_W, n_C), A_prev.dtype)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    A[i, h, w, c] = np.max(window) if mode == "max" else np.mean(window)
    return A, (A_prev, hparameters)


def create_mask_from_window(x):
    """True where x equals its maximum: where max-pooling's output came from."""
    return x == np.max(x)


def distribute_value(dz, shape):
    """dz shared equally over a window of `shape` (n_H, n_W): what average-pooling's backward sends each entry."""
    n_H, n_W = shape
    return np.ones(shape) * dz / (n_H * n_W)


def pool_backward_loops(dA, cache, mode="max"):
    """dA_prev: each window's gradient to its maximum (create_mask_from_window) or shared (distribute_value)."""
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape, dA.dtype)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                vs, hs = h * stride, w * stride
                for c in range(n_C):
                    if mode == "max":
                        window = A_prev[i, vs:vs + f, hs:hs + f, c]
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += create_mask_from_window(window) * dA[i, h, w, c]
                    else:
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev
