"""Checks of chapter 7 (convolution): conv_single_step, conv_forward, pool_forward, conv_backward, pool_backward.

The learner writes the course's loops ("Convolutional model, step by step"); a check accepts any correct answer,
loops or vectorised, and compares with the vectorised library, `utils.conv`. Shapes are the course's: images
``A_prev`` (m, n_H_prev, n_W_prev, n_C_prev), filters ``W`` (f, f, n_C_prev, n_C), biases ``b`` (1, 1, 1, n_C),
``hparameters`` {"stride", "pad"} for a convolution and {"f", "stride"} for pooling; the caches are the library's,
``(A_prev, W, b, hparameters)`` and ``(A_prev, hparameters)``. The cases are small float64 arrays (a loop answer
takes a few milliseconds): a hand case, then seeded random ones with strides 1 and 2, pads 0, 1 and 2, images that
are not square and several channels (never n_C_prev = n_C or 1, so a whole W where one filter is meant raises).

The wrong variants below (`Mistake`s) are written as the loops' typical slips, but vectorised over the examples
and channels (a loop over the output pixels only), so that trying them all costs little: the bias forgotten or
added wrongly, the padding missing or on the wrong axes, the output's size without its + 1 or its stride, the
windows' starts without the stride (`_start_mistakes`), a loop that stops one short (`_skipped`), dW or db not
added up over the examples, dA_prev not cropped, the window and the filter exchanged, the pooling modes mixed up,
the mask of the wrong region, the average's share divided wrongly... After them come diagnoses that name what
they find: the window of A_prev each wrong output of a forward pass is the value of (`_found_windows`: "the
window of output (0, 1) is rows 0:2, columns 2:4; yours gives the value of rows 1:2, columns 2:4"), examples or
channels mixed up, the one wrong part of conv_backward's three, a shape with this case's numbers. A loop answer
whose window reaches past the padded image, or whose slice is one entry short, raises a broadcasting error instead:
the `error_hint`s read the shapes in its message and name every cause that gives that shape first
(`_window_shape_hint`: the slice one entry short, the image not padded, more windows than fit), or a whole W.
"""

from __future__ import annotations

import re

import numpy as np

from utils.conv import conv_backward, conv_forward, conv_single_step, pool_backward, pool_forward, zero_pad

from .core import Exercise, Mistake, run_check

CONV_RETURNS = "(Z, cache) with cache = (A_prev, W, b, hparameters)"
CONV_SHAPES = ("A_prev (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C), hparameters "
               "{'stride', 'pad'} -> Z (m, n_H, n_W, n_C), n_H = (n_H_prev + 2 * pad - f) // stride + 1")
POOL_SHAPES = ("A_prev (m, n_H_prev, n_W_prev, n_C), hparameters {'f', 'stride'}, mode 'max' or 'average' -> "
               "A (m, n_H, n_W, n_C), n_H = (n_H_prev - f) // stride + 1")
CONV_PARTS = ("A_prev", "W", "b", "hparameters")
POOL_PARTS = ("A_prev", "hparameters")
_SIZE = "n_H = (n_H_prev + 2 * pad - f) // stride + 1"
_POOL_SIZE = "n_H = (n_H_prev - f) // stride + 1"


def _rng(seed):
    return np.random.default_rng(seed)


def _sizes(A_prev, f, pad, stride):
    """(n_H, n_W): the output's height and width, floor((n + 2 pad - f) / stride) + 1."""
    return (A_prev.shape[1] + 2 * pad - f) // stride + 1, (A_prev.shape[2] + 2 * pad - f) // stride + 1


def _conv_hp(hparameters):
    return int(hparameters["stride"]), int(hparameters["pad"])


def _pool_hp(hparameters):
    return int(hparameters["f"]), int(hparameters["stride"])


def _other(mode):
    return "average" if mode == "max" else "max"


def _shapes_in(text):
    """The shapes (tuples of ints) an error message names, in order: "(2,3,3) (3,3,3,4)" -> [(2, 3, 3), (3, 3, 3,
    4)]."""
    return [tuple(int(x) for x in s.split(",") if x.strip()) for s in re.findall(r"\(([\d, ]*)\)", text)]


#: The loop over each axis of an output (m, n_H, n_W, n_C), and what its last index is, for the hints.
_LOOPS = ("for i in range(m)", "for h in range(n_H)", "for w in range(n_W)", "for c in range(n_C)")
_LAST = ("the last example", "the last row h = n_H - 1", "the last column w = n_W - 1", "the last channel c = n_C - 1")


def _skipped(array, axis):
    """A copy of `array` (an output or its gradient) with its last index along `axis` set to 0: what a loop
    that stops one short (range(n - 1)) leaves."""
    out = np.array(array, dtype=np.float64, copy=True)
    index = [slice(None)] * out.ndim
    index[axis] = -1
    out[tuple(index)] = 0.0
    return out


def _skip_hint(axis, what):
    return f"the loops cover every output, {_LOOPS[axis]}: yours skips {_LAST[axis]}, so {what}"


def _close(a, b):
    return isinstance(a, np.ndarray) and a.shape == np.shape(b) and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _output_of(got, expected_shape):
    """The learner's output (a pair's first value, or the result itself) when it is a number array of the
    expected shape, else None."""
    out = got[0] if isinstance(got, tuple) and len(got) >= 1 else got
    if isinstance(out, np.ndarray) and out.shape == expected_shape and np.issubdtype(out.dtype, np.number):
        return out
    return None


def _mixed(expected, out, bias=None):
    """"examples" when each example of `out` is another example of `expected` (i - 1, or a permutation),
    "channels" when each channel is another channel (with its own or the other's bias); None otherwise."""
    m, n_C = expected.shape[0], expected.shape[-1]
    if m > 1 and all(any(_close(out[i], expected[j]) for j in range(m)) for i in range(m)):
        return "examples"
    if n_C > 1 and all(any(_close(out[..., c], expected[..., k])
                           or bias is not None and _close(out[..., c] - bias[c], expected[..., k] - bias[k])
                           for k in range(n_C)) for c in range(n_C)):
        return "channels"
    return None


def _window_text(rows, cols):
    return f"rows {rows[0]}:{rows[1]}, columns {cols[0]}:{cols[1]}"


def _found_windows(expected, out, values, candidates, f, stride):
    """(h, w, the learner's window) for an output (h, w) whose values are wrong, when every wrong output equals
    the value of some window among `candidates` ((r0, r1, c0, c1), nearest to the right one first): the first
    such output whose window is the only one that fits, else the first one; None when an output fits none."""
    wrong = [(h, w) for h in range(expected.shape[1]) for w in range(expected.shape[2])
             if not _close(out[:, h, w, :], expected[:, h, w, :])]
    if not wrong:
        return None
    first = None
    for h, w in wrong:
        target = out[:, h, w, :]
        tolerance = 1e-9 + 1e-6 * np.abs(target)
        fits = np.all(np.abs(values - target[None]) <= tolerance[None], axis=(1, 2))
        if not fits.any():
            return None
        right = (h * stride, h * stride + f, w * stride, w * stride + f)
        order = sorted(np.flatnonzero(fits), key=lambda k: sum(abs(x - y) for x, y in zip(candidates[k], right)))
        found = (h, w, candidates[order[0]])
        if len(order) == 1:
            return found
        first = first or found
    return first


def _window_hint(found, f, stride, image):
    h, w, (r0, r1, c0, c1) = found
    right = ((h * stride, h * stride + f), (w * stride, w * stride + f))
    return (f"the window of output (h, w) = ({h}, {w}) is {_window_text(*right)} of {image} (vert_start = h * stride, "
            f"vert_end = vert_start + f, and horiz_ likewise with w); yours gives the value of "
            f"{_window_text((r0, r1), (c0, c1))}")


def _first_short(height, width, n_H, n_W, f, stride):
    """The (rows, columns) of the first window, in the loops' order (h, then w), that an image of height x width
    cuts short so that it no longer broadcasts with an f x f filter (a side of 1 still does, silently), when n_H x
    n_W windows of f x f start every `stride` pixels; None when none does."""
    for h in range(n_H):
        for w in range(n_W):
            rows, cols = (max(0, min(f, size - k * stride)) for size, k in ((height, h), (width, w)))
            if rows not in (1, f) or cols not in (1, f):
                return rows, cols
    return None


def _window_shape_hint(window, A_prev, f, stride, pad, name, size=_SIZE, channel=":"):
    """The hint for a window of rows x cols = `window` where the loops need f x f (an error message's shape): every
    cause that gives that shape first, among an empty slice, a slice one entry short, the padding not applied and
    more windows than fit (`size`: the formula of the output's size; `channel`: the window's last index)."""
    rows, cols = window
    if rows > f or cols > f:
        return (f"the window is f x f: {name}[vert_start:vert_start + f, horiz_start:horiz_start + f, {channel}] "
                f"(yours is {rows} x {cols})")
    n_H, n_W = _sizes(A_prev, f, pad, stride)
    height, width = A_prev.shape[1] + 2 * pad, A_prev.shape[2] + 2 * pad
    causes = ["the slice is empty (a:b is empty when b <= a, and a negative a counts from the end: vert_start = h * "
              "stride, vert_end = vert_start + f)"] if rows <= 0 or cols <= 0 else []
    if (rows, cols) in ((f - 1, f), (f, f - 1), (f - 1, f - 1)):
        ends = [e for e, short in (("vert_end = vert_start + f", rows < f), ("horiz_end = horiz_start + f", cols < f))
                if short]
        causes.append(f"the slice is one entry short (a slice a:b takes b - a entries: {' and '.join(ends)})")
    if pad and _first_short(A_prev.shape[1], A_prev.shape[2], n_H, n_W, f, stride) == (rows, cols):
        causes.append("the image is not padded: A_prev_pad = zero_pad(A_prev, pad), and slice the windows from "
                      "A_prev_pad")
    more = (_first_short(height, width, n_H, n_W + 2, f, stride),
            _first_short(height, width, n_H + 2, n_W, f, stride))
    if (rows, cols) in more:
        causes.append(f"there are more windows than fit: {size} (// rounds down), and n_W likewise")
    if not causes:
        return (f"a window is {rows} x {cols} where the filter is {f} x {f}: the window of output (h, w) is "
                f"{name}[h * stride:h * stride + f, w * stride:w * stride + f, {channel}]")
    return f"a window is {rows} x {cols} where the filter is {f} x {f}: " + "; or ".join(causes)


_EMPTY_WINDOW = ("a window is empty: a slice a:b is empty when b <= a (and a negative a counts from the end); the "
                 "window of output (h, w) is [vert_start:vert_end, horiz_start:horiz_end] with vert_start = h * "
                 "stride, vert_end = vert_start + f (horiz_ likewise with w)")


def _slot_hint(text, statement):
    """The hint for `+=` of a value whose shape is not the slice's ("non-broadcastable output operand"): both
    should be the window."""
    shapes = _shapes_in(text)
    shown = f" (here the slice is {shapes[0]} and the value {shapes[1]})" if len(shapes) >= 2 else ""
    return (f"the slice you add to and the value you add are both the f x f window{shown}: {statement}, every "
            "slice being [vert_start:vert_end, horiz_start:horiz_end] with vert_end = vert_start + f")


#: Where the window of output (h, w) starts, as the loops may write it: for the rows, "own" is h and "other" is w;
#: for the columns, the reverse.
_STARTS = {"own * stride": lambda own, other, stride: own * stride, "own": lambda own, other, stride: own,
           "stride": lambda own, other, stride: stride, "other * stride": lambda own, other, stride: other * stride}
_RIGHT = "own * stride"


def _start_mistakes(make, exchanged=True):
    """One Mistake per wrong start of the windows (h instead of h * stride, the stride alone, and with `exchanged`
    h and w exchanged), on the rows, the columns or both; make(starts) -> the variant for starts = (the rows' rule,
    the columns' rule). (A convolution's loop whose windows leave the image raises instead: no `exchanged`.)"""
    out = [Mistake("vert_start = h * stride goes with the rows and horiz_start = w * stride with the columns: yours "
                   "exchanges h and w", make(("other * stride", "other * stride")))] if exchanged else []
    for rows, cols in (("own", "own"), ("own", _RIGHT), (_RIGHT, "own"), ("stride", "stride"), ("stride", _RIGHT),
                       (_RIGHT, "stride")):
        yours = []
        if rows != _RIGHT:
            yours.append("vert_start = stride" if rows == "stride" else "vert_start = h")
        if cols != _RIGHT:
            yours.append("horiz_start = stride" if cols == "stride" else "horiz_start = w")
        missing = "the factor h (w) is missing" if "stride" in (rows, cols) else "the stride is missing"
        out.append(Mistake(f"the window of output (h, w) starts at vert_start = h * stride, horiz_start = w * stride "
                           f"(yours: {', '.join(yours)}; {missing})", make((rows, cols))))
    return out


def _starts(starts, h, w, stride):
    """(row, column) where the window of output (h, w) starts under the rules `starts` (default: the right ones)."""
    rows, cols = starts or (_RIGHT, _RIGHT)
    return _STARTS[rows](h, w, stride), _STARTS[cols](w, h, stride)


# ---- conv_single_step ------------------------------------------------------------------------------------

def _single_step_cases():
    """(a_slice_prev, W, b): a hand case (one window of 2 x 2 x 2), then random windows of 3 x 3 x 3, 4 x 4 x 2 and
    2 x 2 x 5."""
    rng = _rng(70)
    hand = (np.arange(1.0, 9.0).reshape(2, 2, 2), np.array([[[1.0, 0.0], [0.0, -1.0]], [[2.0, 0.0], [0.0, 1.0]]]),
            np.array([[[0.5]]]))
    out = [hand]
    for f, n_C in ((3, 3), (4, 2), (2, 5)):
        out.append((rng.normal(0.0, 1.0, (f, f, n_C)), rng.normal(0.0, 1.0, (f, f, n_C)),
                    rng.normal(0.0, 1.0, (1, 1, 1))))
    return out


def _single_step_validate(args, got):
    if isinstance(got, np.ndarray) and got.size == 1 and got.ndim > 0:
        return (f"returned an array of shape {got.shape}, not one number: b has shape (1, 1, 1), so add it as a "
                "number, Z = np.sum(a_slice_prev * W) + b.item() (Z[i, h, w, c] = an array fails in conv_forward)")
    return None


def _single_step_exercise():
    def reference(a_slice_prev, W, b):
        return conv_single_step(a_slice_prev, W, b)

    def bias(b):
        return float(np.asarray(b).reshape(()))

    return Exercise(
        "conv_single_step", _single_step_cases, reference, "Z, one number: np.sum(a_slice_prev * W) + b.item()",
        "a_slice_prev (f, f, n_C_prev), W (f, f, n_C_prev), b (1, 1, 1) -> Z, one number",
        names="Z",
        mistakes=[
            Mistake("add the bias: Z = np.sum(a_slice_prev * W) + b.item()", lambda a, W, b: float(np.sum(a * W))),
            Mistake("add b once, after the sum: np.sum(a_slice_prev * W) + b.item() (yours adds it to each of the "
                    "f * f * n_C_prev products)", lambda a, W, b: float(np.sum(a * W + bias(b)))),
            Mistake("sum the products into one number: Z = np.sum(a_slice_prev * W) + b.item() (yours returns the "
                    "array of products)", lambda a, W, b: a * W + bias(b)),
            Mistake("sum the products into one number: Z = np.sum(a_slice_prev * W) + b.item() (yours returns the "
                    "array of products, without the bias)", lambda a, W, b: a * W),
            Mistake("sum the products, np.sum(a_slice_prev * W), not their mean",
                    lambda a, W, b: float(np.mean(a * W) + bias(b))),
            Mistake("multiply the window and the filter entry by entry, a_slice_prev * W, then sum: yours sums each "
                    "first (np.sum(a_slice_prev) * np.sum(W))", lambda a, W, b: float(np.sum(a) * np.sum(W) + bias(b))),
            Mistake("multiply the window by the filter, entry by entry, before the sum: np.sum(a_slice_prev * W) + "
                    "b.item() (yours sums the window alone)", lambda a, W, b: float(np.sum(a) + bias(b))),
            Mistake("multiply the window by the filter, entry by entry, before the sum: np.sum(a_slice_prev * W) + "
                    "b.item() (yours sums the filter alone)", lambda a, W, b: float(np.sum(W) + bias(b))),
            Mistake("Z = np.sum(a_slice_prev * W) + b.item(): yours returns the bias alone (the sum of the products "
                    "is missing)", lambda a, W, b: bias(b)),
            Mistake("add the bias, + b.item() (yours subtracts it)", lambda a, W, b: float(np.sum(a * W) - bias(b))),
        ],
        validate=_single_step_validate,
        exception_hints=[("only 0-dimensional arrays can be converted", "float() takes one number, and NumPy 2 refuses "
                          "it an array that is not 0-dimensional: the bias b (1, 1, 1) as b.item() (or np.squeeze(b)), "
                          "and the products summed first, np.sum(a_slice_prev * W)")],
        inputs=("a_slice_prev", "W", "b"))


def check_conv_single_step(fn):
    """Check `conv_single_step(a_slice_prev, W, b) -> Z` (one number) against `utils.conv.conv_single_step`."""
    return run_check(fn, _single_step_exercise())


# ---- conv_forward ----------------------------------------------------------------------------------------

#: (m, n_H_prev, n_W_prev, n_C_prev, f, n_C, stride, pad) of the random cases of conv_forward and conv_backward:
#: strides 1 and 2, pads 0 to 2, images that are not square, n_C_prev never 1 nor n_C. The second one (stride 2,
#: pad 0, (6 - 3) / 2 not whole) is where a size rounded the wrong way shows first.
CONV_SPECS = ((2, 6, 7, 3, 3, 2, 2, 0), (3, 5, 4, 2, 3, 4, 1, 2), (2, 7, 5, 3, 2, 2, 2, 1), (2, 4, 6, 2, 3, 3, 2, 2))


def _conv_case(rng, spec):
    m, n_H_prev, n_W_prev, n_C_prev, f, n_C, stride, pad = spec
    return (rng.normal(0.0, 1.0, (m, n_H_prev, n_W_prev, n_C_prev)), rng.normal(0.0, 0.5, (f, f, n_C_prev, n_C)),
            rng.normal(0.0, 0.5, (1, 1, 1, n_C)), {"stride": stride, "pad": pad})


def _conv_hand():
    """One 3 x 4 image of 2 channels, three 2 x 2 filters of -1, 0, 1, stride 1, pad 1: Z is (1, 4, 5, 3)."""
    A_prev = np.arange(1.0, 25.0).reshape(1, 3, 4, 2)
    W = np.array([[[[1, 0, -1], [0, 1, 0]], [[0, -1, 1], [1, 0, 0]]],
                  [[[-1, 1, 0], [0, 0, 1]], [[1, 0, 0], [-1, 1, 1]]]], dtype=np.float64)
    return A_prev, W, np.array([1.0, -2.0, 0.5]).reshape(1, 1, 1, 3), {"stride": 1, "pad": 1}


def _forward_cases():
    """(A_prev, W, b, hparameters): the hand case, then `CONV_SPECS`."""
    rng = _rng(71)
    return [_conv_hand()] + [_conv_case(rng, spec) for spec in CONV_SPECS]


def _correlate(A_pad, W, n_H, n_W, stride, starts=None):
    """sum(window * W[..., c]) without the bias for every output (h, w), the f x f window of (h, w) starting where
    `starts` (the rows' and columns' rules of _STARTS, h * stride by default) say in A_pad; ValueError for a window
    past the edge (where the learner's loop raises too)."""
    length = W.shape[0]
    m, n_C = A_pad.shape[0], W.shape[3]
    filters = W.reshape(-1, n_C)
    Z = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            r, c = _starts(starts, h, w, stride)
            window = A_pad[:, r:r + length, c:c + length, :]
            if window.shape[1:3] != (length, length):
                raise ValueError("a window past the edge")
            Z[:, h, w, :] = window.reshape(m, -1) @ filters
    return Z


def _forward_variant(*, pad=True, sizes=None, starts=None, flip=False, examples_padded=False):
    """A wrong conv_forward: without the padding, with other output sizes (a function (n_H, n_W, f, pad, stride)
    -> (n_H, n_W)), windows starting where `starts` say, the filter flipped, or the examples' axis padded too (and
    read as the first m)."""
    def forward(A_prev, W, b, hparameters):
        stride, p = _conv_hp(hparameters)
        f = W.shape[0]
        p_used = p if pad else 0
        A_pad = zero_pad(A_prev, p_used)
        if examples_padded:
            A_pad = np.pad(A_prev, ((p, p), (p, p), (p, p), (0, 0)))[:A_prev.shape[0]]
        n_H, n_W = _sizes(A_prev, f, p_used, stride)
        if sizes is not None:
            n_H, n_W = sizes(n_H, n_W, f, p_used, stride)
        Z = _correlate(A_pad, W[::-1, ::-1] if flip else W, n_H, n_W, stride, starts) + b.reshape(1, 1, 1, -1)
        return Z, (A_prev, W, b, hparameters)
    return forward


def _forward_windows(args, got):
    """(h, w, the learner's window) when every wrong output of Z is the convolution of another f x f window of the
    padded image (a slice off by one, a start without h...), else None."""
    A_prev, W, b, hparameters = args
    expected, _ = conv_forward(*args)
    Z = _output_of(got, expected.shape)
    if Z is None or _close(Z, expected):
        return None
    stride, pad = _conv_hp(hparameters)
    f, n_C = W.shape[0], W.shape[3]
    A_pad = zero_pad(A_prev, pad)
    candidates = [(r, r + f, c, c + f) for r in range(A_pad.shape[1] - f + 1) for c in range(A_pad.shape[2] - f + 1)]
    filters, bias = W.reshape(-1, n_C), b.reshape(n_C)
    values = np.stack([A_pad[:, r0:r1, c0:c1, :].reshape(A_pad.shape[0], -1) @ filters + bias
                       for r0, r1, c0, c1 in candidates])
    return _found_windows(expected, Z, values, candidates, f, stride)


def _forward_mixed(args, got):
    expected, _ = conv_forward(*args)
    Z = _output_of(got, expected.shape)
    return None if Z is None or _close(Z, expected) else _mixed(expected, Z, args[2].reshape(-1))


def _forward_shape(args, got):
    """The hint when Z is a 4-D array of another shape than (m, n_H, n_W, n_C), with the numbers of this case."""
    A_prev, W, b, hparameters = args
    expected, _ = conv_forward(*args)
    Z = got[0] if isinstance(got, tuple) and got else got
    if not isinstance(Z, np.ndarray) or Z.ndim != 4 or Z.shape == expected.shape:
        return None
    m, n_H, n_W, n_C = expected.shape
    return (f"Z is (m, n_H, n_W, n_C) = {expected.shape} here: m = A_prev.shape[0], n_C = W.shape[3], {_SIZE} = "
            f"{n_H} (n_H_prev = A_prev.shape[1] = {A_prev.shape[1]}) and n_W likewise from n_W_prev = A_prev.shape[2] "
            f"= {A_prev.shape[2]}; yours is {Z.shape}")


def _forward_error(args, error):
    """The hint for a broadcasting or assignment error of a loop answer, read off the shapes in its message."""
    text = str(error)
    A_prev, W, b, hparameters = args
    stride, pad = _conv_hp(hparameters)
    f, n_C_prev = W.shape[0], W.shape[2]
    shapes = _shapes_in(text)
    if "could not be broadcast" in text or "could not broadcast" in text:
        if W.shape in shapes:
            return ("multiply the window by ONE filter, W[:, :, :, c] (f, f, n_C_prev), not by the whole W "
                    "(f, f, n_C_prev, n_C): output channel c uses filter c and its bias b[:, :, :, c]")
        windows = [s for s in shapes if len(s) == 3 and s != (f, f, n_C_prev)]
        for s in windows:
            if pad and s[2] == n_C_prev + 2 * pad:
                return ("pad only the height and width: zero_pad pads axes 1 and 2, np.pad(A_prev, ((0, 0), (pad, "
                        "pad), (pad, pad), (0, 0))); yours pads the channels too")
            if s[2] == n_C_prev:
                return _window_shape_hint(s[:2], A_prev, f, stride, pad, "a_prev_pad")
    if "into shape ()" in text or "setting an array element with a sequence" in text:
        return ("Z[i, h, w, c] is one number: conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c]) with "
                "filter c and ITS bias, b[:, :, :, c] (1, 1, 1)")
    if "cannot be interpreted as an integer" in text:
        return f"the sizes are whole numbers: {_SIZE} (// rounds down; / gives a float)"
    if "negative dimensions" in text:
        return f"an output size came out negative: {_SIZE}, with n_H_prev = A_prev.shape[1] (n_W likewise)"
    return None


_FORWARD_MIXED_HINTS = {
    "examples": "each example of Z is another example's convolution: example i is computed from A_prev_pad[i] "
                "(a_prev_pad = A_prev_pad[i] in the loop over i) and stored in Z[i]",
    "channels": "each channel of Z uses another filter or bias: Z[i, h, w, c] = conv_single_step(a_slice_prev, "
                "W[:, :, :, c], b[:, :, :, c]), the same c in all three",
}


def _forward_exercise():
    def reference(A_prev, W, b, hparameters):
        return conv_forward(A_prev, W, b, hparameters)

    def no_bias(A_prev, W, b, hparameters):
        return conv_forward(A_prev, W, np.zeros_like(b), hparameters)

    def bias_in_sum(A_prev, W, b, hparameters):
        Z, cache = conv_forward(A_prev, W, b, hparameters)
        return Z + (W[..., 0].size - 1) * b, cache

    def bias_twice(A_prev, W, b, hparameters):
        Z, cache = conv_forward(A_prev, W, b, hparameters)
        return Z + b, cache

    def first_bias(A_prev, W, b, hparameters):
        Z, cache = conv_forward(A_prev, W, b, hparameters)
        return Z - b + b[..., :1], cache

    def cache_padded(A_prev, W, b, hparameters):
        Z, _ = conv_forward(A_prev, W, b, hparameters)
        return Z, (zero_pad(A_prev, hparameters["pad"]), W, b, hparameters)

    def examples_axis(args, got):
        m, pad = args[0].shape[0], args[3]["pad"]
        return pad > 0 and isinstance(got, tuple) and len(got) == 2 and np.ndim(got[0]) == 4 \
            and np.shape(got[0])[0] == m + 2 * pad

    def mixed(which):
        return lambda args, got: _forward_mixed(args, got) == which

    def skip(axis):
        def forward(A_prev, W, b, hparameters):
            Z, cache = conv_forward(A_prev, W, b, hparameters)
            return _skipped(Z, axis), cache
        return forward

    def window_hint(args, got):
        return _window_hint(_forward_windows(args, got), args[1].shape[0], args[3]["stride"], "the padded image")

    no_pad = _forward_variant(pad=False)
    return Exercise(
        "conv_forward", _forward_cases, reference, CONV_RETURNS, CONV_SHAPES, names=("Z", "cache"),
        mistakes=[
            Mistake("add the bias: Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c]), "
                    "np.sum(window * filter) + the filter's bias", no_bias),
            Mistake("add b once per output number, after the sum: np.sum(a_slice_prev * W) + b (yours adds it to "
                    "each of the f * f * n_C_prev products)", bias_in_sum),
            Mistake("add the bias once: conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c]) already adds it, "
                    "and yours adds b[:, :, :, c] again", bias_twice),
            Mistake("filter c has its own bias, b[:, :, :, c]: yours adds the first filter's bias to every channel",
                    first_bias),
            Mistake("pad the images first: A_prev_pad = zero_pad(A_prev, pad), then slice the windows from A_prev_pad "
                    f"and count {_SIZE} (yours convolves A_prev without its padding)", no_pad),
            Mistake("pad only the height and width, axes 1 and 2 (zero_pad does): yours pads the examples' axis too, "
                    "so example i is read from the wrong place", _forward_variant(examples_padded=True)),
            Mistake("pad only the height and width, axes 1 and 2: np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), "
                    "(0, 0))) (yours pads the examples' axis too: Z has m + 2 pad examples)", when=examples_axis),
            Mistake(f"{_SIZE}: the + 1 counts the first window (yours has one row and one column too few)",
                    _forward_variant(sizes=lambda n_H, n_W, f, p, s: (n_H - 1, n_W - 1))),
            Mistake(f"use the stride: {_SIZE}, and the window of output (h, w) starts at h * stride, w * stride "
                    "(yours slides the filter one pixel at a time)",
                    lambda A, W, b, hp: conv_forward(A, W, b, {"stride": 1, "pad": hp["pad"]})),
            *_start_mistakes(lambda starts: _forward_variant(starts=starts), exchanged=False),
            Mistake("the course's convolution multiplies each window by the filter as it is, entry by entry, "
                    "np.sum(a_slice_prev * W[:, :, :, c]): yours flips the filter (the textbook convolution)",
                    _forward_variant(flip=True)),
            Mistake("the cache holds the A_prev you were given, unpadded: cache = (A_prev, W, b, hparameters) "
                    "(conv_backward pads it again)", cache_padded),
            *(Mistake(_skip_hint(axis, "those outputs stay 0"), skip(axis)) for axis in range(4)),
            Mistake(window_hint, when=lambda args, got: _forward_windows(args, got) is not None),
            *(Mistake(hint, when=mixed(which)) for which, hint in _FORWARD_MIXED_HINTS.items()),
            Mistake(_forward_shape, when=lambda args, got: _forward_shape(args, got) is not None),
        ],
        error_hint=_forward_error,
        exception_hints=[("KeyError", "hparameters holds 'stride' and 'pad': stride = hparameters['stride'], pad = "
                                      "hparameters['pad']")],
        inputs=("A_prev", "W", "b", "hparameters"))


def check_conv_forward(fn):
    """Check `conv_forward(A_prev, W, b, hparameters) -> (Z, cache)` against `utils.conv.conv_forward`."""
    return run_check(fn, _forward_exercise())


# ---- pool_forward ----------------------------------------------------------------------------------------

#: (m, n_H_prev, n_W_prev, n_C, f, stride, mode) of pool_forward's and pool_backward's random cases: both modes,
#: overlapping windows (stride < f), a size that rounds down; mode None: called without it (the default, "max").
POOL_SPECS = ((2, 5, 7, 3, 3, 2, "average"), (3, 4, 5, 2, 2, 1, "max"), (2, 6, 5, 3, 3, 1, "average"),
              (2, 5, 6, 2, 2, 2, None), (1, 7, 6, 3, 3, 2, "max"))


def _pool_case(rng, spec):
    m, n_H_prev, n_W_prev, n_C, f, stride, mode = spec
    A_prev = rng.normal(0.0, 1.0, (m, n_H_prev, n_W_prev, n_C))
    args = (A_prev, {"f": f, "stride": stride})
    return args if mode is None else (*args, mode)


def _pool_hand():
    """One 4 x 4 image of 2 channels (the numbers 1 ... 32 in a shuffled order: no ties), 2 x 2 windows, stride 2."""
    values = np.array([7, 30, 12, 1, 25, 18, 3, 29, 14, 9, 32, 20, 5, 26, 16, 11,
                       22, 2, 27, 15, 10, 31, 6, 19, 28, 13, 24, 4, 17, 8, 21, 23], dtype=np.float64)
    return values.reshape(1, 4, 4, 2), {"f": 2, "stride": 2}


def _pool_forward_cases():
    """(A_prev, hparameters, mode): the hand case (max), then `POOL_SPECS`."""
    rng = _rng(72)
    return [(*_pool_hand(), "max")] + [_pool_case(rng, spec) for spec in POOL_SPECS]


def _pool(A_prev, f, stride, mode, *, starts=None, length=None, n_out=None, over_channels=False, how=None):
    """A wrong pooling: windows starting where `starts` (the rows' and columns' rules of _STARTS) say, `length`
    entries long, n_out = (n_H, n_W) outputs, over the channels too, or another function of the window (`how`:
    "sum", "min"). A window past the edge is cut short, as the learner's slice is."""
    n_H, n_W = n_out or _sizes(A_prev, f, 0, stride)
    length = length or f
    m, n_C = A_prev.shape[0], A_prev.shape[3]
    A = np.zeros((m, n_H, n_W, n_C))
    reduce = {"max": np.max, "average": np.mean, "sum": np.sum, "min": np.min}[how or mode]
    for h in range(n_H):
        for w in range(n_W):
            r, c = _starts(starts, h, w, stride)
            window = A_prev[:, r:r + length, c:c + length, :]
            A[:, h, w, :] = reduce(window, axis=(1, 2, 3), keepdims=True)[:, 0, 0, :] if over_channels \
                else reduce(window, axis=(1, 2))
    return A


def _pool_variant(**options):
    """A wrong pool_forward: `_pool` with `options`, each a value or a function (f, stride, A_prev) -> the value;
    `how` may be a dict {mode: the function used in that mode}."""
    def forward(A_prev, hparameters, mode="max"):
        f, stride = _pool_hp(hparameters)
        opts = {k: (v(f, stride, A_prev) if callable(v) else v) for k, v in options.items()}
        how = opts.pop("how", None)
        return _pool(A_prev, f, stride, mode, how=how.get(mode) if isinstance(how, dict) else how, **opts), \
            (A_prev, hparameters)
    return forward


def _pool_mode(args):
    return args[2] if len(args) > 2 else "max"


def _pool_windows(args, got):
    """(h, w, the learner's window) when every wrong output of A is the max (or mean) of another window of A_prev
    (a slice off by one, a start without h...), else None."""
    A_prev, hparameters = args[:2]
    mode = _pool_mode(args)
    expected, _ = pool_forward(A_prev, hparameters, mode)
    out = _output_of(got, expected.shape)
    if out is None or _close(out, expected):
        return None
    f, stride = _pool_hp(hparameters)
    n_H_prev, n_W_prev = A_prev.shape[1:3]
    candidates = [(r0, r1, c0, c1) for r0 in range(n_H_prev) for r1 in range(r0 + 1, n_H_prev + 1)
                  for c0 in range(n_W_prev) for c1 in range(c0 + 1, n_W_prev + 1)]
    reduce = np.max if mode == "max" else np.mean
    values = np.stack([reduce(A_prev[:, r0:r1, c0:c1, :], axis=(1, 2)) for r0, r1, c0, c1 in candidates])
    return _found_windows(expected, out, values, candidates, f, stride)


def _pool_mixed(args, got):
    expected, _ = pool_forward(args[0], args[1], _pool_mode(args))
    out = _output_of(got, expected.shape)
    return None if out is None or _close(out, expected) else _mixed(expected, out)


def _pool_shape(args, got):
    """The hint when A is a 4-D array of another shape than (m, n_H, n_W, n_C), with the numbers of this case."""
    A_prev = args[0]
    expected, _ = pool_forward(args[0], args[1], _pool_mode(args))
    out = got[0] if isinstance(got, tuple) and got else got
    if not isinstance(out, np.ndarray) or out.ndim != 4 or out.shape == expected.shape:
        return None
    return (f"A is (m, n_H, n_W, n_C) = {expected.shape} here: m and n_C those of A_prev, {_POOL_SIZE} = "
            f"{expected.shape[1]} (n_H_prev = A_prev.shape[1] = {A_prev.shape[1]}) and n_W likewise from n_W_prev = "
            f"A_prev.shape[2] = {A_prev.shape[2]}; yours is {out.shape}")


def _pool_forward_exercise():
    def reference(A_prev, hparameters, mode="max"):
        return pool_forward(A_prev, hparameters, mode)

    def skip(axis):
        def forward(A_prev, hparameters, mode="max"):
            A, cache = pool_forward(A_prev, hparameters, mode)
            return _skipped(A, axis), cache
        return forward

    def window_hint(args, got):
        return _window_hint(_pool_windows(args, got), args[1]["f"], args[1]["stride"], "A_prev")

    def mixed(which):
        return lambda args, got: _pool_mixed(args, got) == which

    def one_mode(fixed):
        return lambda A_prev, hparameters, mode="max": pool_forward(A_prev, hparameters, fixed)

    def swapped(A_prev, hparameters, mode="max"):
        return pool_forward(A_prev, hparameters, _other(mode))

    def cache_output(A_prev, hparameters, mode="max"):
        A, _ = pool_forward(A_prev, hparameters, mode)
        return A, (A, hparameters)

    def fewer(f, stride, A_prev):
        n_H, n_W = _sizes(A_prev, f, 0, stride)
        return n_H - 1, n_W - 1

    return Exercise(
        "pool_forward", _pool_forward_cases, reference, "(A, cache) with cache = (A_prev, hparameters)", POOL_SHAPES,
        names=("A", "cache"),
        mistakes=[
            Mistake("the modes are swapped: mode 'max' takes np.max of the window, mode 'average' np.mean", swapped),
            Mistake("read mode: np.max(a_prev_slice) when mode == 'max', np.mean(a_prev_slice) when mode == 'average' "
                    "(yours takes the max in both modes)", one_mode("max")),
            Mistake("read mode: np.max(a_prev_slice) when mode == 'max', np.mean(a_prev_slice) when mode == 'average' "
                    "(yours takes the mean in both modes)", one_mode("average")),
            Mistake("average-pooling takes the mean of the window, np.mean(a_prev_slice) (yours sums it)",
                    _pool_variant(how={"average": "sum"})),
            Mistake("max-pooling takes the largest entry of the window, np.max(a_prev_slice)",
                    _pool_variant(how={"max": "min"})),
            Mistake("pool each channel on its own: a_prev_slice = A_prev[i, vert_start:vert_end, "
                    "horiz_start:horiz_end, c] (yours pools over all the channels at once)",
                    _pool_variant(over_channels=True)),
            Mistake(f"use the stride: {_POOL_SIZE}, and the window of output (h, w) starts at h * stride, w * stride "
                    "(yours slides the window one pixel at a time)",
                    _pool_variant(starts=("own", "own"), n_out=lambda f, s, A: _sizes(A, f, 0, 1))),
            *_start_mistakes(lambda starts: _pool_variant(starts=starts)),
            Mistake("a slice a:b takes b - a entries: vert_end = vert_start + f and horiz_end = horiz_start + f (yours "
                    "pools f - 1 x f - 1 windows)", _pool_variant(length=lambda f, s, A: f - 1)),
            Mistake(f"{_POOL_SIZE}: the + 1 counts the first window (yours has one row and one column too few)",
                    _pool_variant(n_out=fewer)),
            Mistake("the cache holds the input: cache = (A_prev, hparameters) (yours holds the output A)",
                    cache_output),
            *(Mistake(_skip_hint(axis, "those outputs stay 0"), skip(axis)) for axis in range(4)),
            Mistake(window_hint, when=lambda args, got: _pool_windows(args, got) is not None),
            Mistake("each example of A is another example's pooling: example i pools A_prev[i] and is stored in A[i]",
                    when=mixed("examples")),
            Mistake("each channel of A pools another channel: A[i, h, w, c] pools A_prev[i, ..., c], the same c",
                    when=mixed("channels")),
            Mistake(_pool_shape, when=lambda args, got: _pool_shape(args, got) is not None),
        ],
        error_hint=_pool_error,
        exception_hints=[("missing 1 required positional argument: 'mode'", "give mode its default: def "
                          "pool_forward(A_prev, hparameters, mode=\"max\") (max-pooling when it is not given)"),
                         ("KeyError", "hparameters holds 'f' and 'stride': f = hparameters['f'], stride = "
                                      "hparameters['stride']")],
        inputs=("A_prev", "hparameters", "mode"))


def _pool_error(args, error):
    """The hint for an error of a pooling loop read off its message: the sizes as floats or negative, an empty
    window, an array where A[i, h, w, c] holds one number."""
    text = str(error)
    if "cannot be interpreted as an integer" in text:
        return f"the sizes are whole numbers: {_POOL_SIZE} (// rounds down; / gives a float)"
    if "negative dimensions" in text:
        return f"an output size came out negative: {_POOL_SIZE}, with n_H_prev = A_prev.shape[1] (n_W likewise)"
    if "zero-size array" in text:
        return _EMPTY_WINDOW
    if "setting an array element with a sequence" in text:
        return ("A[i, h, w, c] is one number: np.max(a_prev_slice) (or np.mean) of the window of channel c, "
                "a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]")
    return None


def check_pool_forward(fn):
    """Check `pool_forward(A_prev, hparameters, mode="max") -> (A, cache)`, both modes, against
    `utils.conv.pool_forward`."""
    return run_check(fn, _pool_forward_exercise())


# ---- conv_backward ---------------------------------------------------------------------------------------

def _backward_cases():
    """(dZ, cache) with conv_forward's caches: a hand case (1 x 3 x 3 x 2 image, three 2 x 2 filters, stride 1,
    pad 1, dZ of small whole numbers), then `CONV_SPECS` with another seed."""
    rng = _rng(73)
    A_prev, W, b, hparameters = _conv_hand()
    A_prev = A_prev[:, :, :3, :]
    dZ = np.array([1.0, -1.0, 2.0, 0.0, 1.0, 1.0, -2.0, 1.0, 0.0, 3.0, -1.0, 1.0] * 4).reshape(1, 4, 4, 3)
    out = [(dZ, (A_prev, W, b, hparameters))]
    for spec in CONV_SPECS:
        args = _conv_case(rng, spec)
        Z, cache = conv_forward(*args)
        out.append((rng.normal(0.0, 1.0, Z.shape), cache))
    return out


def _backward_variant(*, examples="all", dW_from="window", dA_from="W", crop=True, assign=(), starts=None,
                      db="channel"):
    """A wrong conv_backward, written as the loop's slips (vectorised over the examples and channels): dW / db
    from the last example only (`examples`: "last" for both, "last_dW"), dW from W or dA_prev from the window
    (`dW_from`, `dA_from`), dA_prev not cropped, a part assigned (=) where the loop adds (+=) (`assign`: "dW",
    "db", "dA"), windows starting where `starts` (the rows' and columns' rules of _STARTS) say, db the sum of every
    channel ("total")."""
    def backward(dZ, cache):
        A_prev, W, b, hparameters = cache
        stride, pad = _conv_hp(hparameters)
        f, n_C = W.shape[0], W.shape[3]
        m, n_H, n_W, _ = dZ.shape
        A_pad = zero_pad(A_prev, pad)
        dA_pad = np.zeros(A_pad.shape)
        dW, db_ = np.zeros(W.shape), np.zeros((1, 1, 1, n_C))
        learn = slice(m - 1, m) if examples == "last" else slice(None)
        learn_W = slice(m - 1, m) if examples in ("last", "last_dW") else slice(None)
        for h in range(n_H):
            for w in range(n_W):
                r, c = _starts(starts, h, w, stride)
                window = A_pad[:, r:r + f, c:c + f, :]
                if window.shape[1:3] != (f, f):
                    raise ValueError("a window past the edge")
                d = dZ[:, h, w, :]                                            # (m, n_C)
                if dA_from == "W":
                    contribution = np.einsum("abkc,ic->iabkc", W, d)
                else:
                    contribution = window[..., None] * d[:, None, None, None, :]
                if "dA" in assign:
                    dA_pad[:, r:r + f, c:c + f, :] = contribution[..., -1]
                else:
                    dA_pad[:, r:r + f, c:c + f, :] += contribution.sum(axis=4)
                if dW_from == "window":
                    terms = window[learn_W, ..., None] * d[learn_W, None, None, None, :]
                else:
                    terms = W[None] * d[learn_W, None, None, None, :]
                dW = terms[-1] if "dW" in assign else dW + terms.sum(axis=0)
                db_ = d[learn][-1].reshape(1, 1, 1, n_C) if "db" in assign \
                    else db_ + d[learn].sum(axis=0).reshape(1, 1, 1, n_C)
        if db == "total":
            db_ = np.full((1, 1, 1, n_C), dZ.sum())
        dA_prev = dA_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :] if crop else dA_pad
        return dA_prev, dW, db_
    return backward


def _backward_part(args, got):
    """The first wrong part of (dA_prev, dW, db) when the other two are right: "dA_prev", "dW" or "db"; None when
    two or more are wrong, a part has the wrong shape or is a constant multiple of the right one (explain.py names
    the factor)."""
    if not (isinstance(got, tuple) and len(got) == 3):
        return None
    expected = conv_backward(*args)
    right = []
    for g, e in zip(got, expected):
        if not isinstance(g, np.ndarray) or g.shape != e.shape or not np.issubdtype(g.dtype, np.number):
            return None
        right.append(bool(np.allclose(g, e, rtol=1e-6, atol=1e-9)))
        if not right[-1] and _multiple(g, e):
            return None
    wrong = [name for name, ok in zip(("dA_prev", "dW", "db"), right) if not ok]
    return wrong[0] if len(wrong) == 1 else None


def _multiple(got, expected):
    """True when got is expected times one number other than 1."""
    mask = np.abs(expected) > 1e-12
    if not mask.any():
        return False
    ratio = got[mask] / expected[mask]
    return bool(np.allclose(ratio, ratio[0], rtol=1e-6) and not np.isclose(ratio[0], 1.0)
                and np.allclose(got[~mask], 0.0))


def _backward_error(args, error):
    """The hint for a loop's error: the crop of the padding (empty with pad = 0), a whole W, a window past the edge."""
    text = str(error)
    dZ, (A_prev, W, b, hparameters) = args
    stride, pad = _conv_hp(hparameters)
    f, n_C_prev = W.shape[0], W.shape[2]
    shapes = _shapes_in(text)
    if "could not broadcast input array from shape" in text and shapes:
        got = shapes[0]
        if len(got) >= 2 and 0 in got[:2] and pad == 0:
            return ("with pad = 0, da_prev_pad[pad:-pad] is empty (-0 is 0, so the slice is 0:0): crop with "
                    "da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :], which works for every pad")
        if len(got) == 3 and got[2] == n_C_prev and got[:2] != A_prev.shape[1:3]:
            return ("crop the padding off every side: dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + "
                    f"n_W_prev, :], of A_prev[i]'s shape {A_prev.shape[1:]} (yours is {got})")
    if "non-broadcastable output operand" in text:
        return _slot_hint(text, "da_prev_pad[window] += W[:, :, :, c] * dZ[i, h, w, c] and dW[:, :, :, c] += a_slice * "
                                "dZ[i, h, w, c]")
    if "could not be broadcast" in text or "could not broadcast" in text:
        if W.shape in shapes:
            return ("each output (i, h, w, c) uses ONE filter: da_prev_pad[...] += W[:, :, :, c] * dZ[i, h, w, c], "
                    "not the whole W (f, f, n_C_prev, n_C)")
        for s in shapes:
            if len(s) == 3 and s[2] == n_C_prev and s[:2] != (f, f):
                return _window_shape_hint(s[:2], A_prev, f, stride, pad, "a_prev_pad")
    return None


def _backward_shape(args, got):
    """The hint when dA_prev, dW or db is an array of another shape than A_prev's, W's or b's."""
    if not (isinstance(got, tuple) and len(got) == 3):
        return None
    dZ, (A_prev, W, b, hparameters) = args
    if sorted(map(np.shape, got)) == sorted(map(np.shape, (A_prev, W, b))):
        return None   # the right parts in another order: the engine says so
    for name, part, like, source in (("dA_prev", got[0], A_prev, "np.zeros(A_prev.shape), cropped of its padding"),
                                     ("dW", got[1], W, "np.zeros(W.shape)"), ("db", got[2], b, "np.zeros(b.shape)")):
        if isinstance(part, np.ndarray) and part.shape != like.shape:
            return f"{name} has the shape of {name[1:]}, {like.shape} here: {source} (yours is {part.shape})"
    return None


_BACKWARD_PART_HINTS = {
    "dA_prev": "dW and db are right, dA_prev is not: every output sends dZ[i, h, w, c] back to its window, "
               "da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c], "
               "then dA_prev[i] is da_prev_pad without its padding",
    "dW": "dA_prev and db are right, dW is not: dW[:, :, :, c] += a_slice * dZ[i, h, w, c] for every example i and "
          "output (h, w), a_slice being the window of A_prev_pad that output read",
    "db": "dA_prev and dW are right, db is not: db[:, :, :, c] += dZ[i, h, w, c], the sum of dZ[..., c] over the "
          "examples and positions, shape (1, 1, 1, n_C)",
}


def _backward_exercise():
    def reference(dZ, cache):
        return conv_backward(dZ, cache)

    def factors(args):
        m = args[0].shape[0]
        return {"m": float(m), "1/m": 1.0 / m} if m > 1 else {}

    def empty_crop(args, got):
        pad = args[1][3]["pad"]
        return pad == 0 and isinstance(got, tuple) and len(got) == 3 and isinstance(got[0], np.ndarray) \
            and got[0].ndim == 4 and 0 in got[0].shape[1:3]

    def db_unsummed(args, got):
        return isinstance(got, tuple) and len(got) == 3 and np.shape(got[2]) == args[0].shape

    part = lambda which: lambda args, got: _backward_part(args, got) == which   # noqa: E731

    def skip(axis):
        return lambda dZ, cache: conv_backward(_skipped(dZ, axis), cache)

    return Exercise(
        "conv_backward", _backward_cases, reference, "(dA_prev, dW, db)",
        "dZ (m, n_H, n_W, n_C), cache = (A_prev, W, b, hparameters) -> dA_prev (m, n_H_prev, n_W_prev, n_C_prev), "
        "dW (f, f, n_C_prev, n_C), db (1, 1, 1, n_C)",
        names=("dA_prev", "dW", "db"), factors=factors,
        mistakes=[
            Mistake("add up dW and db over EVERY example: create them once, before the loop over the examples (yours "
                    "keeps the last example's only)", _backward_variant(examples="last")),
            Mistake("add up dW over EVERY example: create it once, before the loop over the examples (yours keeps the "
                    "last example's only)", _backward_variant(examples="last_dW")),
            Mistake("dW[:, :, :, c] += a_slice * dZ[i, h, w, c]: add every output's share (yours assigns, =, so only "
                    "the last one is left)", _backward_variant(assign=("dW",))),
            Mistake("db[:, :, :, c] += dZ[i, h, w, c]: add every output's share (yours assigns, =, so only the last "
                    "one is left)", _backward_variant(assign=("db",))),
            Mistake("da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c]: "
                    "windows overlap and every channel c adds its share (yours assigns, =)",
                    _backward_variant(assign=("dA",))),
            Mistake("each channel has its own db: db[:, :, :, c] += dZ[i, h, w, c], the sum of dZ[..., c] only (yours "
                    "puts the sum of all of dZ in every channel)", _backward_variant(db="total")),
            Mistake("db is the sum of dZ over the examples and positions, one number per channel: np.sum(dZ, axis=(0, "
                    "1, 2), keepdims=True), shape (1, 1, 1, n_C)", when=db_unsummed),
            Mistake("crop the padding off: dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, "
                    ":] (yours returns the padded gradient)", _backward_variant(crop=False)),
            Mistake("with pad = 0, da_prev_pad[pad:-pad] is empty (-0 is 0): crop with da_prev_pad[pad:pad + n_H_prev, "
                    "pad:pad + n_W_prev, :], which works for every pad", when=empty_crop),
            Mistake("dA_prev gets the FILTER times dZ: da_prev_pad[window] += W[:, :, :, c] * dZ[i, h, w, c] (yours "
                    "adds the window a_slice, which belongs in dW)", _backward_variant(dA_from="window")),
            Mistake("dW gets the WINDOW times dZ: dW[:, :, :, c] += a_slice * dZ[i, h, w, c], a_slice = "
                    "a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] (yours adds W, which belongs in "
                    "dA_prev)",
                    _backward_variant(dW_from="W")),
            *_start_mistakes(lambda starts: _backward_variant(starts=starts), exchanged=False),
            *(Mistake(_skip_hint(axis, "the gradients of those outputs are missing"), skip(axis)) for axis in range(4)),
            *(Mistake(hint, when=part(which)) for which, hint in _BACKWARD_PART_HINTS.items()),
            Mistake(_backward_shape, when=lambda args, got: _backward_shape(args, got) is not None),
        ],
        error_hint=_backward_error,
        exception_hints=[("unpack", "the cache is (A_prev, W, b, hparameters): A_prev, W, b, hparameters = cache"),
                         ("KeyError", "hparameters holds 'stride' and 'pad': stride = hparameters['stride'], pad = "
                                      "hparameters['pad']")],
        inputs=("dZ", "cache"), input_parts={"cache": CONV_PARTS})


def check_conv_backward(fn):
    """Check `conv_backward(dZ, cache) -> (dA_prev, dW, db)` against `utils.conv.conv_backward`."""
    return run_check(fn, _backward_exercise())


# ---- pool_backward ---------------------------------------------------------------------------------------

def _pool_backward_cases():
    """(dA, cache, mode) with pool_forward's caches: the hand case (max, dA of small whole numbers), then
    `POOL_SPECS` with another seed (one called without mode: max)."""
    rng = _rng(74)
    A_prev, hparameters = _pool_hand()
    out = [(np.array([1.0, -2.0, 3.0, 1.0, -1.0, 2.0, 4.0, 0.5]).reshape(1, 2, 2, 2), (A_prev, hparameters), "max")]
    for spec in POOL_SPECS:
        args = _pool_case(rng, spec)
        A, cache = pool_forward(*args)
        out.append((rng.normal(0.0, 1.0, A.shape), cache, *args[2:]))
    return out


def _pool_backward_variant(*, mask="window", without_dA=(), share=None, assign=False, starts=None, modes=None,
                           slot=None):
    """A wrong pool_backward: the mask of the whole image's channel ("image"), of the minimum ("min"), every entry
    ("all"); dA left out in the modes `without_dA`; average's dA divided by share(f) instead of f * f (or "upside
    down": f * f / dA); assigned (=)
    where the loop adds; windows starting where `starts` (the rows' and columns' rules of _STARTS) say; `modes` a
    function mode -> the mode used; `slot` ((a, e), (a', e')): average's share added to the slice [vert_start + a:
    vert_end + e, horiz_start + a':horiz_end + e'] (Python's slicing, as the learner's index would be)."""
    def backward(dA, cache, mode="max"):
        A_prev, hparameters = cache
        f, stride = _pool_hp(hparameters)
        mode = modes(mode) if modes else mode
        m, n_H, n_W, n_C = dA.shape
        dA_prev = np.zeros(A_prev.shape)
        for h in range(n_H):
            for w in range(n_W):
                r, c = _starts(starts, h, w, stride)
                window = A_prev[:, r:r + f, c:c + f, :]   # cut short past the edge, as the learner's slice
                d = dA[:, h, w, :][:, None, None, :] if mode not in without_dA else 1.0
                if mode == "max":
                    if mask == "whole image":   # the image's maximum gets every window's dA
                        dA_prev += (A_prev == A_prev.max(axis=(1, 2), keepdims=True)) * d
                        continue
                    if mask == "image":
                        chosen = window == A_prev.max(axis=(1, 2), keepdims=True)
                    elif mask == "min":
                        chosen = window == window.min(axis=(1, 2), keepdims=True)
                    elif mask == "all":
                        chosen = np.ones(window.shape)
                    else:
                        chosen = window == window.max(axis=(1, 2), keepdims=True)
                    value = chosen * d
                elif share == "upside down":
                    value = np.ones(window.shape) * (f * f) / d
                else:
                    value = np.ones(window.shape) * d / (share(f) if share else f * f)
                    if slot is not None:
                        (a, e), (a2, e2) = slot
                        dA_prev[:, r + a:r + f + e, c + a2:c + f + e2, :] += d / (f * f)
                        continue
                if assign:
                    dA_prev[:, r:r + f, c:c + f, :] = value
                else:
                    dA_prev[:, r:r + f, c:c + f, :] += value
        return dA_prev
    return backward


#: Slices of dA_prev one entry off the window, on the rows or the columns: ((a, e), (a', e')) as in
#: [vert_start + a:vert_end + e, horiz_start + a':horiz_end + e'].
_SLOT_OFFSETS = tuple(offsets for one in ((1, 0), (-1, 0), (0, 1), (0, -1))
                      for offsets in ((one, (0, 0)), ((0, 0), one)))


def _slot_offset_hint(offsets):
    def bound(name, k):
        return name if k == 0 else f"{name} {'+' if k > 0 else '-'} {abs(k)}"
    (a, e), (a2, e2) = offsets
    yours = f"[{bound('vert_start', a)}:{bound('vert_end', e)}, {bound('horiz_start', a2)}:{bound('horiz_end', e2)}]"
    return ("average-pooling shares dA[i, h, w, c] over the window itself, dA_prev[i, vert_start:vert_end, "
            f"horiz_start:horiz_end, c] with vert_end = vert_start + f: yours adds the share to {yours}")


def _pool_backward_error(args, error):
    """The hint for a loop's error: an empty window, a slice of dA_prev or a mask that is not the f x f window."""
    text = str(error)
    A_prev, hparameters = args[1]
    f, stride = _pool_hp(hparameters)
    if "zero-size array" in text:
        return _EMPTY_WINDOW
    if "non-broadcastable output operand" in text:
        return _slot_hint(text, "dA_prev[i, window, c] += mask * dA[i, h, w, c]")
    if "could not be broadcast" in text:
        windows = [s for s in _shapes_in(text) if len(s) == 2 and s != (f, f)]
        if windows:
            return ("the mask (or the shared gradient) and the slice of dA_prev it goes to are both the f x f window, "
                    "[vert_start:vert_end, horiz_start:horiz_end] of channel c: "
                    + _window_shape_hint(windows[0], A_prev, f, stride, 0, "a_prev", _POOL_SIZE, "c"))
    return None


def _pool_backward_exercise():
    def reference(dA, cache, mode="max"):
        return pool_backward(dA, cache, mode)

    def skip(axis):
        return lambda dA, cache, mode="max": pool_backward(_skipped(dA, axis), cache, mode)

    def other_example(dA, cache, mode="max"):
        A_prev, hparameters = cache
        return pool_backward(dA, (np.roll(A_prev, 1, axis=0), hparameters), mode)

    def shape(args, got):
        A_prev = args[1][0]
        if isinstance(got, np.ndarray) and got.shape != A_prev.shape:
            return (f"dA_prev has A_prev's shape, {A_prev.shape} here: dA_prev = np.zeros(A_prev.shape) (yours is "
                    f"{got.shape})")
        return None

    return Exercise(
        "pool_backward", _pool_backward_cases, reference, "dA_prev, of A_prev's shape",
        "dA (m, n_H, n_W, n_C), cache = (A_prev, hparameters), mode 'max' or 'average' -> dA_prev (m, n_H_prev, "
        "n_W_prev, n_C)",
        names="dA_prev",
        mistakes=[
            Mistake("the modes are swapped: mode 'max' sends dA to the window's maximum (the mask), mode 'average' "
                    "shares it equally", _pool_backward_variant(modes=_other)),
            Mistake("read mode: max-pooling sends dA to the window's maximum, average-pooling shares it over the f x f "
                    "entries (yours does max in both modes)", _pool_backward_variant(modes=lambda mode: "max")),
            Mistake("read mode: max-pooling sends dA to the window's maximum, average-pooling shares it over the f x f "
                    "entries (yours shares it in both modes)", _pool_backward_variant(modes=lambda mode: "average")),
            Mistake("average-pooling shares dA equally over the f x f entries: each gets dA[i, h, w, c] / (f * f) "
                    "(yours gives each the whole dA)", _pool_backward_variant(share=lambda f: 1.0)),
            Mistake("average-pooling shares dA over the f x f = f * f entries of the window: each gets dA / (f * f), "
                    "not dA / f", _pool_backward_variant(share=lambda f: f)),
            Mistake("average-pooling gives each entry of the window dA[i, h, w, c] / (f * f): yours is upside down, "
                    "(f * f) / dA", _pool_backward_variant(share="upside down")),
            Mistake("the mask is True only at the window's maximum: mask = (a_prev_slice == np.max(a_prev_slice)), "
                    "then dA_prev[window] += mask * dA[i, h, w, c] (yours sends dA to every entry)",
                    _pool_backward_variant(mask="all")),
            Mistake("take the mask of each window, a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, "
                    "c], not of the whole image: the window's maximum gets its dA",
                    _pool_backward_variant(mask="image")),
            Mistake("take the mask of each window and add it to that window: dA_prev[i, vert_start:vert_end, "
                    "horiz_start:horiz_end, c] += mask * dA[i, h, w, c], mask = (a_prev_slice == np.max(a_prev_slice)) "
                    "(yours sends every window's dA to the maximum of the whole image)",
                    _pool_backward_variant(mask="whole image")),
            Mistake("the gradient goes to the window's MAXIMUM: mask = (a_prev_slice == np.max(a_prev_slice))",
                    _pool_backward_variant(mask="min")),
            Mistake("multiply the mask by the gradient: dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += "
                    "mask * dA[i, h, w, c]", _pool_backward_variant(without_dA=("max",))),
            Mistake("average-pooling shares the gradient: each entry of the window gets dA[i, h, w, c] / (f * f) "
                    "(yours leaves dA out: np.ones((f, f)) / (f * f))",
                    _pool_backward_variant(without_dA=("average",))),
            Mistake("dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += ...: windows that overlap (stride "
                    "< f) both add their share (yours assigns, =)", _pool_backward_variant(assign=True)),
            *_start_mistakes(lambda starts: _pool_backward_variant(starts=starts)),
            *(Mistake(_skip_hint(axis, "the gradients of those outputs are missing"), skip(axis)) for axis in range(4)),
            Mistake("the mask of example i comes from that example, a_prev = A_prev[i] (yours takes another example's)",
                    other_example),
            *(Mistake(_slot_offset_hint(offsets), _pool_backward_variant(slot=offsets)) for offsets in _SLOT_OFFSETS),
            Mistake(shape, when=lambda args, got: shape(args, got) is not None),
        ],
        error_hint=_pool_backward_error,
        exception_hints=[("missing 1 required positional argument: 'mode'", "give mode its default: def "
                          "pool_backward(dA, cache, mode=\"max\") (max-pooling when it is not given)"),
                         ("unpack", "the cache is (A_prev, hparameters): A_prev, hparameters = cache"),
                         ("KeyError", "hparameters holds 'f' and 'stride': f = hparameters['f'], stride = "
                                      "hparameters['stride']")],
        inputs=("dA", "cache", "mode"), input_parts={"cache": POOL_PARTS})


def check_pool_backward(fn):
    """Check `pool_backward(dA, cache, mode="max") -> dA_prev`, both modes, against `utils.conv.pool_backward`."""
    return run_check(fn, _pool_backward_exercise())
