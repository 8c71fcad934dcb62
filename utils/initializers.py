"""Initial weights and biases.

Biases start at zero. Weights W_l of shape (n_l, n_{l-1}) are drawn, layer by
layer in order, from the *legacy* ``np.random.RandomState(seed).randn`` stream
(a local generator, not the global state), so the same seed gives the course's
numbers exactly:

    method     W_l =                                   note
    "zeros"    0                                       every unit stays identical (symmetry)
    "random"   randn * scale                           course: scale 0.01, or 10 for "large"
    "xavier"   randn * sqrt(1 / n_{l-1})               the course's deep init ("/ np.sqrt(n_prev)")
    "glorot"   randn * sqrt(2 / (n_{l-1} + n_l))       Glorot & Bengio (2010)
    "he"       randn * sqrt(2 / n_{l-1})               He et al. (2015), for ReLU

``initialize_parameters_deep([12288, 20, 7, 5, 1], "xavier", seed=1)`` is the
initialisation of the course's application notebook (train 98.6 %, test 80 %).
"""

from __future__ import annotations

import numpy as np

from .checks import check_arguments, check_layer_dims, check_seed, lookup  # noqa: F401  (check_layer_dims re-exported)
from .rounding import nudged_result

#: method -> the factor (n_prev, n, scale) -> float multiplying the standard-normal draws of a layer
#: (n, n_prev); one line per initialiser. A factor 0 draws nothing (zeros).
INITIALIZERS = {
    "zeros": lambda n_prev, n, scale: 0.0,
    "random": lambda n_prev, n, scale: scale,
    "xavier": lambda n_prev, n, scale: np.sqrt(1.0 / n_prev),
    "glorot": lambda n_prev, n, scale: np.sqrt(2.0 / (n_prev + n)),
    "he": lambda n_prev, n, scale: np.sqrt(2.0 / n_prev),
}
METHODS = tuple(INITIALIZERS)  # the names, as a tuple (argparse choices)


def _generator(seed):
    """A legacy RandomState from an int seed (or an existing RandomState / Generator)."""
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    return np.random.RandomState(seed)


def _standard_normal(rng, shape):
    return rng.randn(*shape) if isinstance(rng, np.random.RandomState) else rng.standard_normal(shape)


def weight_scale(method, n_prev, n, scale=0.01):
    """The factor multiplying a standard-normal draw for layer (n, n_prev): INITIALIZERS[method]."""
    return lookup(INITIALIZERS, method, "method")(n_prev, n, scale)


def check_initialization(layer_dims, method, seed, dtype, scale):
    """`initialize_parameters_deep`'s arguments -> layer_dims as a list of ints."""
    check_arguments(method=method, dtype=dtype, scale=scale)
    check_seed(seed, generators=True)
    return check_layer_dims(layer_dims)


def initialize_parameters_deep(layer_dims, method="xavier", seed=1, dtype=np.float32, scale=0.01):
    """Parameters {"W1", "b1", ..., "WL", "bL"} for layer_dims = [n_0, n_1, ..., n_L].

    W_l: (n_l, n_{l-1}) = randn * weight_scale(method); b_l: (n_l, 1) zeros.
    Draws happen in float64 (so seeds reproduce the course) and are cast to `dtype`.
    """
    dims = check_initialization(layer_dims, method, seed, dtype, scale)
    rng = _generator(seed)
    parameters = {}
    for l in range(1, len(dims)):
        shape = (dims[l], dims[l - 1])
        factor = weight_scale(method, dims[l - 1], dims[l], scale)
        W = np.zeros(shape) if factor == 0 else _standard_normal(rng, shape) * factor
        parameters[f"W{l}"] = W.astype(dtype)
        parameters[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return parameters


# Where the initial weights are born: with ROUNDING_NUDGE=1 or -1 every W_l comes out one ulp off (utils.rounding;
# `initialize_parameters` calls this, so its weights too, once). Wrapped here, not in the body, so that the
# notebooks' show_source still shows the course's function; without the variable nothing changes.
initialize_parameters_deep = nudged_result(initialize_parameters_deep)


def initialize_parameters(n_x, n_h, n_y, seed=1, dtype=np.float64, scale=0.01):
    """The course's 2-layer initialisation: W1 (n_h, n_x), W2 (n_y, n_h) = randn * 0.01, b = 0.

    Same draw order as the course (``np.random.seed(1)``; W1 then W2).
    """
    check_arguments(n_x=n_x, n_h=n_h, n_y=n_y)
    return initialize_parameters_deep([n_x, n_h, n_y], "random", seed=seed, dtype=dtype, scale=scale)
