"""The rounding nudge: checks that no printed figure rests on the last bit of a floating-point number.

Why. Matrix products are computed by the BLAS library, which picks a kernel for the CPU it runs on
(OpenBLAS: SkylakeX with AVX-512, Haswell, Sandybridge, ...). The kernels add and multiply in different
orders and round differently, so the same product can differ in its last bit between two machines, even in
float64. A long training at a large learning rate can grow such a difference into a printed figure that
moves (chapter 2's flower: cost 0.2195 on one CPU, 0.2194 on another after 8,000 steps at learning
rate 1.2). A notebook's committed output must hold on every CPU, but no machine can run the kernels its
CPU lacks. So instead of trying CPUs, the check perturbs the numbers at the level of rounding itself.

What. The environment variable ``ROUNDING_NUDGE`` moves the arrays the notebooks start from by exactly one
unit in the last place (ulp), in each array's own precision (``np.nextafter``: about 1e-16 relative in
float64, 6e-8 in float32):

    ROUNDING_NUDGE=1     every entry one ulp away from zero (magnitudes grow)
    ROUNDING_NUDGE=-1    every entry one ulp towards zero (magnitudes shrink)
    unset, empty or 0    nothing: `nudge` returns its argument itself, to the last bit

Whole numbers are kept (0, 1, -1, ...: a black or a white pixel, a zero bias, the "zeros" initialisation):
they are exact in every precision and come out the same on every machine, and keeping them keeps X of the
photos within [0, 1]. So are NaN, infinities and non-float arrays. The library applies the nudge where the
notebooks' arrays are born:

- `utils.preprocessing.images_to_matrix`: the matrix X of photos or digits (so `preprocess_images`,
  `fit_preprocessing` and the data loaders too);
- `utils.planar`: X of every 2-D data set (flower, moons, circles, spirals);
- `utils.initializers.initialize_parameters_deep` (and `initialize_parameters`, which calls it): the
  initial weights W_l.

The two functions the notebooks display with `show_source` are wrapped by `nudged_result` after their
definition rather than changed inside, so the learner still sees the course's code.

A figure that survives both nudges does not depend on how the machine rounds; one that moves must be
printed with fewer digits, or asserted and printed as a range. Each nudge is one sample of how a chaotic
computation can end: a figure that sits near a rounding boundary may survive one direction and not the
other, which is why the check runs both. Run it as ``ROUNDING_NUDGE=1 ./test.sh -m notebook`` and
``ROUNDING_NUDGE=-1 ./test.sh -m notebook`` (nbval over every notebook against the committed outputs;
`.ci/run` does both). Saved networks and cached experiments are loaded, not recomputed, so figures read from
`parameters_saved/` and `experiments_saved/` do not move; `conftest.py` checks that such a pass leaves those
folders as they were. This module is the one place that reads the variable.
"""

from __future__ import annotations

import functools
import os

import numpy as np

#: The environment variable that switches the nudge on: "1" away from zero, "-1" towards zero.
ENVIRONMENT_VARIABLE = "ROUNDING_NUDGE"
#: Its values: which way the entries move (+1 away from zero, -1 towards zero, 0 not at all).
DIRECTIONS = {"1": 1, "-1": -1, "0": 0, "": 0}


def nudge_direction() -> int:
    """+1 (ROUNDING_NUDGE=1), -1 (ROUNDING_NUDGE=-1) or 0 (unset, empty or 0); read at every call.

    Any other value raises ValueError: a misspelt setting must not quietly switch the check off.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if value not in DIRECTIONS:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}: expected 1 (one ulp away from zero), -1 (one ulp towards zero), "
                         f"0 or unset (no nudge), got {value!r}")
    return DIRECTIONS[value]


def nudge_enabled() -> bool:
    """True when the environment asks for a rounding nudge (ROUNDING_NUDGE=1 or -1)."""
    return nudge_direction() != 0


def nudge(array):
    """`array` with every entry that is not a whole number moved one ulp (see ROUNDING_NUDGE), else `array` itself.

    A floating-point array gives a new array of the same dtype and shape: x -> nextafter(x, +-inf) away from
    zero (ROUNDING_NUDGE=1) or nextafter(x, 0) towards it (ROUNDING_NUDGE=-1). Whole numbers (zeros
    included), NaN and infinities are kept. Without the variable, or for anything but a floating-point
    NumPy array (integers, booleans, lists), the argument itself is returned.
    """
    direction = nudge_direction()
    if not direction or not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        return array
    if direction > 0:
        target = np.copysign(np.array(np.inf, dtype=array.dtype), array)
    else:
        target = np.zeros_like(array)
    with np.errstate(invalid="ignore"):
        fraction = np.isfinite(array) & (array != np.round(array))
    return np.where(fraction, np.nextafter(array, target), array).astype(array.dtype, copy=False)


def nudged_result(function):
    """`function` wrapped so that its result goes through `nudge` (an array, or each value of a dict of arrays).

    Used on the library functions where arrays are born whose source a notebook shows: `inspect.getsource`
    (`show_source`) follows `__wrapped__` to the unchanged function. Without ROUNDING_NUDGE the wrapper
    returns the function's result itself.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, dict):
            return {key: nudge(value) for key, value in result.items()} if nudge_enabled() else result
        return nudge(result)
    return wrapper
