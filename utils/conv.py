"""Convolution and pooling, the course's functions ("Convolutional model, step by step"), vectorised.

Shapes are the course's: a batch of images ``A`` is ``(m, n_H, n_W, n_C)``, filters ``W`` are
``(f, f, n_C_prev, n_C)``, biases ``b`` are ``(1, 1, 1, n_C)``. With padding p and stride s the output is::

    n_H = floor((n_H_prev + 2 p - f) / s) + 1        n_W = floor((n_W_prev + 2 p - f) / s) + 1

    Z[i, h, w, c] = sum_{a, b', k} A_pad[i, h s + a, w s + b', k] W[a, b', k, c] + b[0, 0, 0, c]

`conv_forward(A_prev, W, b, hparameters) -> (Z, cache)` and `conv_backward(dZ, cache) -> (dA_prev, dW, db)` with
the course's cache ``(A_prev, W, b, hparameters)``; `pool_forward(A_prev, hparameters, mode) -> (A, cache)` and
`pool_backward(dA, cache, mode) -> dA_prev` with the cache ``(A_prev, hparameters)``. As in the course, the
backward pass returns the gradients of the summed cost (dW is a sum over the examples), and max-pooling sends a
window's gradient to every entry equal to its maximum (`create_mask_from_window`: ``x == max(x)``).

How it is fast, without a loop over examples or pixels: the only Python loop is over the f x f offsets (a, b')
of the window (9 for a 3 x 3 filter). The fast functions keep the maps channels first, (n_C, m, n_H, n_W). For each
offset, the slice ``A_pad[:, :, a : a + s n_H : s, b' : b' + s n_W : s]`` holds that entry of every window at once,
rows of pixels that are copied as blocks. Stacked, they make the matrix of all windows, one column per output pixel
(im2col, ``(f f n_C_prev, m n_H n_W)``), and the convolution is one matrix product with the filters as a
``(f f n_C_prev, n_C)`` matrix W_mat: Z = W_mat^T cols + b. Backward, ``dW = cols dZ^T`` is one product, and the
windows' gradients ``W_mat dZ`` are added back with the same f x f slices (col2im). `conv_forward_cols` /
`conv_backward_cols` keep ``cols`` between the two passes (the layer `utils.layers.Conv2D` uses them);
`conv_forward` / `conv_backward` are the course's signatures over them (a transpose to channels first and back,
views). The loops the course writes are `utils.conv_loops`, tested equal.
"""

from __future__ import annotations

import numpy as np

POOL_MODES = ("max", "average")


def zero_pad(X, pad):
    """X (m, n_H, n_W, n_C) with `pad` zeros around every image: (m, n_H + 2 pad, n_W + 2 pad, n_C)."""
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"zero_pad: expected pad a whole number >= 0, got {pad!r}")
    if not pad:
        return X
    m, n_H, n_W, n_C = X.shape
    out = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), X.dtype)
    out[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return out


def conv_single_step(a_slice_prev, W, b):
    """One output number: sum(a_slice_prev * W) + b, for a slice (f, f, n_C_prev) and one filter (f, f, n_C_prev)."""
    return float(np.sum(a_slice_prev * W) + np.asarray(b, dtype=np.float64).reshape(()))


def output_size(n_prev, f, pad, stride):
    """floor((n_prev + 2 pad - f) / stride) + 1: the output's height (or width)."""
    return (n_prev + 2 * pad - f) // stride + 1


def _check_hparameters(hparameters, keys, where):
    if not isinstance(hparameters, dict) or any(k not in hparameters for k in keys):
        raise ValueError(f"{where}: expected hparameters a dict with keys {list(keys)}, got "
                         f"{sorted(hparameters) if isinstance(hparameters, dict) else type(hparameters).__name__}")
    values = {}
    for k in keys:
        v = hparameters[k]
        low = 0 if k == "pad" else 1
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{where}: expected hparameters[{k!r}] a whole number >= {low}, got {v!r}")
        values[k] = int(v)
    return values


def _check_images(A, name, where):
    if not isinstance(A, np.ndarray) or A.ndim != 4:
        raise ValueError(f"{where}: expected {name} a 4-D array (m, n_H, n_W, n_C), got "
                         f"{f'shape {A.shape}' if isinstance(A, np.ndarray) else type(A).__name__}")


def _offsets(f, stride, n_H, n_W):
    """(a, b, rows, cols) for every offset of an f x f window: the slices that pick that entry of every window."""
    for a in range(f):
        for c in range(f):
            yield a, c, slice(a, a + stride * (n_H - 1) + 1, stride), slice(c, c + stride * (n_W - 1) + 1, stride)


def channels_first(A):
    """(m, n_H, n_W, n_C) -> (n_C, m, n_H, n_W), the layout the fast functions below work in (a view)."""
    return A.transpose(3, 0, 1, 2)


def channels_last(A):
    """(n_C, m, n_H, n_W) -> the course's (m, n_H, n_W, n_C) (a view)."""
    return A.transpose(1, 2, 3, 0)


def pad_channels_first(A, pad):
    """A (n_C, m, n_H, n_W) with `pad` zeros around every map."""
    if not pad:
        return A
    C, m, H, W = A.shape
    out = np.zeros((C, m, H + 2 * pad, W + 2 * pad), A.dtype)
    out[:, :, pad:pad + H, pad:pad + W] = A
    return out


def im2col(A_pad, f, stride, n_H, n_W):
    """The windows of A_pad (n_C, m, H, W) as columns: (f f n_C, m n_H n_W), row (a, b, k) holding entry (a, b) of
    channel k of every window: one shifted (and strided) copy of the maps per offset (a, b)."""
    C, m = A_pad.shape[:2]
    cols = np.empty((f, f, C, m, n_H, n_W), A_pad.dtype)
    for a, c, rows, columns in _offsets(f, stride, n_H, n_W):
        cols[a, c] = A_pad[:, :, rows, columns]
    return cols.reshape(f * f * C, m * n_H * n_W)


def col2im(dcols, shape, f, stride, pad, n_H, n_W):
    """The gradient of the maps (shape (n_C, m, n_H_prev, n_W_prev)) from the windows' gradients dcols
    (f f n_C, m n_H n_W): every window adds its gradient back where it was read (overlaps add)."""
    C, m, H, W = shape
    dcols = dcols.reshape(f, f, C, m, n_H, n_W)
    dA_pad = np.zeros((C, m, H + 2 * pad, W + 2 * pad), dcols.dtype)
    for a, c, rows, columns in _offsets(f, stride, n_H, n_W):
        dA_pad[:, :, rows, columns] += dcols[a, c]
    return dA_pad[:, :, pad:pad + H, pad:pad + W] if pad else dA_pad


def conv_forward_cols(A_prev, W, b, stride, pad):
    """(Z, cols) for maps in the channels-first layout: A_prev (n_C_prev, m, n_H_prev, n_W_prev) -> Z (n_C, m, n_H,
    n_W) = W_mat^T cols + b, one matrix product, with cols = im2col (f f n_C_prev, m n_H n_W) and W_mat the filters
    as (f f n_C_prev, n_C). No argument checks (the layer's path)."""
    _, m, H, W_prev = A_prev.shape
    f, n_C = W.shape[0], W.shape[3]
    n_H, n_W = output_size(H, f, pad, stride), output_size(W_prev, f, pad, stride)
    cols = im2col(pad_channels_first(A_prev, pad), f, stride, n_H, n_W)
    Z = W.reshape(-1, n_C).T @ cols
    Z += b.reshape(n_C, 1)
    return Z.reshape(n_C, m, n_H, n_W), cols


def _sum_of_products(cols, dZ_mat):
    """cols dZ_mat^T (f f n_C_prev, n_C): a product whose inner dimension (every output pixel of the batch) is long
    and whose result is small. For a first layer (f f n_C_prev <= 32 rows) BLAS runs it faster as 8 products over
    consecutive eighths of the columns, summed."""
    K, N = cols.shape
    if K > 32 or N % 8:
        return cols @ dZ_mat.T
    parts = np.matmul(cols.reshape(K, 8, N // 8).transpose(1, 0, 2), dZ_mat.reshape(-1, 8, N // 8).transpose(1, 2, 0))
    return parts.sum(axis=0)


def conv_backward_cols(dZ, cols, W, shape, stride, pad, need_input=True):
    """(dA_prev or None, dW, db) of the summed cost from dZ (n_C, m, n_H, n_W) (channels first) and the forward
    pass's cols: dW = (dZ_mat cols^T)^T, db = the sum of dZ over examples and pixels, dA_prev = col2im(W_mat dZ_mat)."""
    f, n_C = W.shape[0], W.shape[3]
    n_H, n_W = dZ.shape[2], dZ.shape[3]
    dZ_mat = dZ.reshape(n_C, -1)
    dW = _sum_of_products(cols, dZ_mat).reshape(W.shape)
    db = dZ_mat.sum(axis=1).reshape(1, 1, 1, n_C)
    if not need_input:
        return None, dW, db
    dcols = W.reshape(-1, n_C) @ dZ_mat
    return col2im(dcols, shape, f, stride, pad, n_H, n_W), dW, db


def conv_forward(A_prev, W, b, hparameters):
    """The convolution of A_prev (m, n_H_prev, n_W_prev, n_C_prev) by filters W (f, f, n_C_prev, n_C) plus b
    (1, 1, 1, n_C), with hparameters {"stride": s, "pad": p}; returns Z (m, n_H, n_W, n_C) and the cache
    (A_prev, W, b, hparameters)."""
    _check_images(A_prev, "A_prev", "conv_forward")
    hp = _check_hparameters(hparameters, ("stride", "pad"), "conv_forward")
    if not isinstance(W, np.ndarray) or W.ndim != 4 or W.shape[0] != W.shape[1] or W.shape[2] != A_prev.shape[3]:
        raise ValueError(f"conv_forward: expected W of shape (f, f, n_C_prev = {A_prev.shape[3]}, n_C), got "
                         f"{getattr(W, 'shape', type(W).__name__)}")
    if np.shape(b) != (1, 1, 1, W.shape[3]):
        raise ValueError(f"conv_forward: expected b of shape (1, 1, 1, {W.shape[3]}), got {np.shape(b)}")
    if min(A_prev.shape[1], A_prev.shape[2]) + 2 * hp["pad"] < W.shape[0]:
        raise ValueError(f"conv_forward: a {W.shape[0]} x {W.shape[0]} filter does not fit images of "
                         f"{A_prev.shape[1]} x {A_prev.shape[2]} padded by {hp['pad']}: pad more or use a smaller f")
    Z, _ = conv_forward_cols(channels_first(A_prev), W, b, hp["stride"], hp["pad"])
    return channels_last(Z), (A_prev, W, b, hparameters)


def conv_backward(dZ, cache):
    """(dA_prev, dW, db) from dZ (m, n_H, n_W, n_C) and conv_forward's cache: the gradients of the summed cost,
    shapes those of A_prev, W and b."""
    A_prev, W, b, hparameters = cache
    stride, pad = int(hparameters["stride"]), int(hparameters["pad"])
    A = channels_first(A_prev)
    f = W.shape[0]
    expected = (A_prev.shape[0], output_size(A_prev.shape[1], f, pad, stride),
                output_size(A_prev.shape[2], f, pad, stride), W.shape[3])
    if np.shape(dZ) != expected:
        raise ValueError(f"conv_backward: expected dZ of Z's shape {expected}, got {np.shape(dZ)}")
    n_H, n_W = dZ.shape[1], dZ.shape[2]
    cols = im2col(pad_channels_first(A, pad), f, stride, n_H, n_W)
    dA, dW, db = conv_backward_cols(np.ascontiguousarray(channels_first(dZ)), cols, W, A.shape, stride, pad)
    return channels_last(dA), dW, db


# ---- pooling -----------------------------------------------------------------------------------------------

def pool_forward_fast(A_prev, f, stride, mode):
    """A (n_C, m, n_H, n_W) from maps A_prev (n_C, m, n_H_prev, n_W_prev) (channels first): the max (or mean) of
    every f x f window, n_H = floor((n_H_prev - f) / stride) + 1. Taken over the f x f offsets' slices, entry by
    entry (np.maximum): no loop over pixels."""
    n_H, n_W = output_size(A_prev.shape[2], f, 0, stride), output_size(A_prev.shape[3], f, 0, stride)
    A = None
    for _, _, rows, columns in _offsets(f, stride, n_H, n_W):
        window_entry = A_prev[:, :, rows, columns]
        if A is None:
            A = window_entry.copy()
        elif mode == "max":
            np.maximum(A, window_entry, out=A)
        else:
            A += window_entry
    if mode == "average":
        A *= A.dtype.type(1.0 / (f * f))
    return A


def pool_backward_fast(dA, A_prev, A, f, stride, mode):
    """dA_prev (channels first, the shape of A_prev): max-pooling gives each window's gradient to the entries equal
    to its maximum A, average-pooling shares it equally (dA / f^2), overlapping windows adding.

    Windows side by side (stride = f, the usual 2 x 2 pooling) cover each entry once: each offset's slice of
    dA_prev is written once, [entry == its window's maximum] * dA, with no zeros to add to."""
    C, m, n_H, n_W = dA.shape
    if stride == f:
        covered = (n_H * f, n_W * f) == A_prev.shape[2:]
        dA_prev = (np.empty if covered else np.zeros)(A_prev.shape, dA.dtype)
        share = dA * dA.dtype.type(1.0 / (f * f)) if mode == "average" else None
        for _, _, rows, columns in _offsets(f, stride, n_H, n_W):
            if mode == "max":
                np.multiply(A_prev[:, :, rows, columns] == A, dA, out=dA_prev[:, :, rows, columns])
            else:
                dA_prev[:, :, rows, columns] = share
        return dA_prev
    dA_prev = np.zeros(A_prev.shape, dA.dtype)
    share = dA * dA.dtype.type(1.0 / (f * f)) if mode == "average" else None
    for _, _, rows, columns in _offsets(f, stride, n_H, n_W):
        if mode == "max":
            dA_prev[:, :, rows, columns] += (A_prev[:, :, rows, columns] == A) * dA
        else:
            dA_prev[:, :, rows, columns] += share
    return dA_prev


def _check_mode(mode, where):
    if mode not in POOL_MODES:
        raise ValueError(f"{where}: expected mode 'max' or 'average', got {mode!r}")


def pool_forward(A_prev, hparameters, mode="max"):
    """Max- (or average-) pooling of A_prev (m, n_H_prev, n_W_prev, n_C) over f x f windows every `stride` pixels,
    hparameters {"f": f, "stride": s}; returns A (m, n_H, n_W, n_C) and the cache (A_prev, hparameters)."""
    _check_images(A_prev, "A_prev", "pool_forward")
    _check_mode(mode, "pool_forward")
    hp = _check_hparameters(hparameters, ("f", "stride"), "pool_forward")
    if min(A_prev.shape[1], A_prev.shape[2]) < hp["f"]:
        raise ValueError(f"pool_forward: a {hp['f']} x {hp['f']} window does not fit images of "
                         f"{A_prev.shape[1]} x {A_prev.shape[2]}")
    A = pool_forward_fast(channels_first(A_prev), hp["f"], hp["stride"], mode)
    return channels_last(A), (A_prev, hparameters)


def pool_backward(dA, cache, mode="max"):
    """dA_prev (the shape of A_prev) from dA (m, n_H, n_W, n_C) and pool_forward's cache."""
    _check_mode(mode, "pool_backward")
    A_prev, hparameters = cache
    f, stride = int(hparameters["f"]), int(hparameters["stride"])
    expected = (A_prev.shape[0], output_size(A_prev.shape[1], f, 0, stride), output_size(A_prev.shape[2], f, 0, stride),
                A_prev.shape[3])
    if np.shape(dA) != expected:
        raise ValueError(f"pool_backward: expected dA of the pooled output's shape {expected}, got {np.shape(dA)}")
    A_cf = channels_first(A_prev)
    A = pool_forward_fast(A_cf, f, stride, mode) if mode == "max" else None
    return channels_last(pool_backward_fast(channels_first(dA), A_cf, A, f, stride, mode))
