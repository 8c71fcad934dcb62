"""Checks of single values: messages ("got ..."), numbers, choices and registries, the conventionally
named arguments (`ARGUMENTS`), layer sizes."""

from __future__ import annotations

import math
import numbers
from importlib import import_module

import numpy as np


MAX_CLASSES = 10_000
MAX_PARAMETERS = 10 ** 8
MAX_SEED = 2 ** 32 - 1  # what np.random.RandomState accepts
#: At most this many epochs / iterations: a training records a cost per epoch (history_), and a
#: million is already days of the course's photos; a typing slip (10**20) is refused at once.
MAX_ITERATIONS = 10 ** 6
#: At most this many layers (L, the output layer included): deeper nets are a typing slip here, and a
#: parameters file holds at most 10,000 arrays (two per layer).
MAX_LAYERS = 1000


# ---------------------------------------------------------------- messages

def shown(value, limit=80):
    """repr(value), shortened to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + " ..."


def got(value):
    """How a refused value appears after "got": its repr, with its type when the repr does not say it."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return f"{value!r} (a bool)"
    if value is None or isinstance(value, (int, float, str, np.number, list, tuple, dict, set, range)):
        return shown(value)
    return f"{type(value).__name__} {shown(value)}"


def sample(values, k=8):
    """The distinct values of an array, at most k of them, for error messages: "[0, 1, 2, ...]"."""
    u = np.unique(np.asarray(values))
    text = ", ".join(str(v) for v in u[:k].tolist())
    return f"[{text}{', ...' if u.size > k else ''}]"


# ---------------------------------------------------------------- numbers and options

def _scalar(value):
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _finite(v):
    """math.isfinite, False for an int too large for a float (10**400)."""
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def check_number(value, name, expected, valid=None, integer=False):
    """`value` if it is a finite real number (an integer if `integer`) with valid(value) true.

    Otherwise ValueError "{name}: expected {expected}, got {value}". Returns the value unchanged.
    """
    v = _scalar(value)
    if type(v) is int or type(v) is float:  # the common case, decided without the slower ABC checks
        real = type(v) is int or not integer
    else:
        real = isinstance(v, numbers.Integral if integer else numbers.Real) and not isinstance(v, (bool, np.bool_))
    ok = real and (integer or _finite(v)) and (valid is None or bool(valid(v)))
    if not ok:
        raise ValueError(f"{name}: expected {expected}, got {got(value)}")
    return v


def check_positive(value, name):
    """A positive finite number, as a float (learning rates, epsilon, scales)."""
    return float(check_number(value, name, "a positive finite number", lambda v: v > 0))


def check_non_negative(value, name):
    """A non-negative finite number, as a float (lambd, decay_rate, noise)."""
    return float(check_number(value, name, "a non-negative finite number", lambda v: v >= 0))


def check_fraction(value, name):
    """A number in [0, 1), as a float (the optimisers' beta, beta1, beta2)."""
    return float(check_number(value, name, "a number in [0, 1)", lambda v: 0 <= v < 1))


def check_probability(value, name):
    """A probability in (0, 1], as a float (keep_prob)."""
    return float(check_number(value, name, "a probability in (0, 1]", lambda v: 0 < v <= 1))


def check_positive_int(value, name):
    """An integer >= 1, as an int."""
    return int(check_number(value, name, "a positive integer", lambda v: v >= 1, integer=True))


def check_non_negative_int(value, name):
    """An integer >= 0, as an int."""
    return int(check_number(value, name, "a non-negative integer", lambda v: v >= 0, integer=True))


def check_count(value, name):
    """A number of epochs or iterations: an integer in 0 .. MAX_ITERATIONS, as an int."""
    return int(check_number(value, name, f"a non-negative integer of at most {MAX_ITERATIONS:,} (MAX_ITERATIONS)",
                            lambda v: 0 <= v <= MAX_ITERATIONS, integer=True))


def check_bool(value, name):
    """True or False (a NumPy bool too), as a bool; 0, 1, "yes" ... are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: expected True or False, got {got(value)}")
    return bool(value)


def check_choice(value, choices, name):
    """`value` if it is one of `choices` (strings, or None)."""
    if not (value is None or isinstance(value, str)) or value not in choices:
        raise ValueError(f"{name}: expected one of {tuple(choices)}, got {got(value)}")
    return value


def check_seed(seed, name="seed", generators=False):
    """An integer seed in [0, 2**32 - 1], as an int; with `generators`, a NumPy Generator / RandomState too."""
    if generators and isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    also = " or a NumPy random generator" if generators else ""
    return int(check_number(seed, name, f"an integer seed in [0, 2**32 - 1]{also}", lambda v: 0 <= v <= MAX_SEED,
                            integer=True))


def check_dtype(dtype, name="dtype", kinds="f"):
    """A NumPy dtype of one of `kinds` ("f": floating point, e.g. np.float32 or "float64"), as np.dtype."""
    expected = "a floating-point dtype (np.float32, np.float64, ...)" if kinds == "f" else \
        "a numeric dtype (np.float32, np.int64, ...)"
    try:
        resolved = None if dtype is None else np.dtype(dtype)
    except (TypeError, ValueError):
        resolved = None
    if resolved is None or resolved.kind not in kinds:
        raise ValueError(f"{name}: expected {expected}, got {got(dtype)}")
    return resolved


def check_batch_size(batch_size, name="batch_size"):
    """None (full batch) or a positive integer."""
    if batch_size is None:
        return None
    return int(check_number(batch_size, name, "None (full batch) or a positive integer", lambda v: v >= 1,
                            integer=True))


def check_callable(value, name, allow_none=True):
    """Something callable (a callback, a predict function), or None if `allow_none`."""
    if not callable(value) and not (allow_none and value is None):
        raise ValueError(f"{name}: expected a function{' (or None)' if allow_none else ''}, got {got(value)}")
    return value


def _choice_from(module, constant):
    """A check against a tuple of names defined in another module of the library (imported when used)."""
    def check(value, name):
        return check_choice(value, getattr(import_module(f"..{module}", __package__), constant), name)
    return check


#: The check of every conventionally named argument: `check_arguments(learning_rate=..., seed=...)`.
ARGUMENTS = {
    "learning_rate": check_positive, "epsilon": check_positive, "init_scale": check_positive,
    "scale": check_positive, "eps": check_positive,
    "lambd": check_non_negative, "weight_decay": check_non_negative, "decay_rate": check_non_negative, "noise": check_non_negative,
    "keep_prob": check_probability,
    "beta": check_fraction, "beta1": check_fraction, "beta2": check_fraction,
    "num_iterations": check_count, "epochs": check_count,
    "time_interval": check_positive_int, "patience": check_positive_int, "mini_batch_size": check_positive_int,
    "print_every": check_positive_int, "n_x": check_positive_int, "n_h": check_positive_int,
    "n_y": check_positive_int,
    "batch_size": check_batch_size,
    "seed": check_seed, "dtype": check_dtype,
    "print_cost": check_bool, "print_accuracy": check_bool, "print_msg": check_bool,
    "early_stopping": check_bool, "progress": check_bool,
    "initialization": _choice_from("initializers", "INITIALIZERS"),
    "method": _choice_from("initializers", "INITIALIZERS"),
    "optimizer": _choice_from("optimizers", "OPTIMIZERS"), "lr_schedule": _choice_from("optimizers", "SCHEDULES"),
}


def check_arguments(**arguments):
    """Check keyword arguments by their conventional names (see ARGUMENTS); return them checked, as a dict.

    ``check_arguments(learning_rate=0.1, seed=1)`` -> {"learning_rate": 0.1, "seed": 1}.
    """
    return {name: ARGUMENTS[name](value, name) for name, value in arguments.items()}


def check_learning_rate(learning_rate):
    """A positive finite learning rate, as a float."""
    return check_positive(learning_rate, "learning_rate")


def check_iterations(num_iterations, name="num_iterations"):
    """A number of iterations (or epochs): an integer in 0 .. MAX_ITERATIONS, as an int."""
    return check_count(num_iterations, name)


def check_keep_prob(keep_prob):
    """A dropout keep probability in (0, 1], as a float."""
    return check_probability(keep_prob, "keep_prob")


def lookup(registry, name, argument):
    """registry[name] (an optimiser, schedule, initialiser ... by name), else a ValueError naming `argument`
    and listing the registry's names."""
    return registry[check_choice(name, registry, argument)]


def check_optimizer(name):
    """One of `utils.optimizers.OPTIMIZERS`."""
    return ARGUMENTS["optimizer"](name, "optimizer")


# ---------------------------------------------------------------- layer sizes

def _int_list(value):
    """`value` as a list of ints if it is a list / tuple / range / 1-D array of integers (not bools), else None."""
    if not isinstance(value, (list, tuple, range, np.ndarray)) or np.ndim(value) != 1:
        return None
    items = list(value)
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_)) for n in items):
        return None
    return [int(n) for n in items]


def _parameter_count(dims):
    return sum(dims[l] * (dims[l - 1] + 1) for l in range(1, len(dims)))


def check_layer_dims(layer_dims, name="layer_dims", length=None):
    """[n_x, n_1, ..., n_L]: at least 2 (or exactly `length`) positive integers, at most MAX_PARAMETERS weights."""
    dims = _int_list(layer_dims)
    if length is None:
        expected = "a list of at least 2 positive integers [n_x, n_1, ..., n_L]"
        ok = dims is not None and len(dims) >= 2
    else:
        expected = f"{length} positive integers (n_x, n_h, n_y)" if length == 3 else f"{length} positive integers"
        ok = dims is not None and len(dims) == length
    if not ok or min(dims) < 1:
        raise ValueError(f"{name}: expected {expected}, got {got(layer_dims)}")
    if len(dims) - 1 > MAX_LAYERS:
        raise ValueError(f"{name}: expected at most {MAX_LAYERS} layers (MAX_LAYERS) after n_x, got {len(dims) - 1}; "
                         "use fewer layers")
    check_parameter_count(dims, name)
    return dims


def check_parameter_count(dims, name, count=None):
    """Refuse a network [n_0, ..., n_L] (or of `count` weights and biases, a network of other layers) with more
    than MAX_PARAMETERS weights and biases."""
    described = f"layer_dims {dims}" if count is None else "its layers"
    count = _parameter_count(dims) if count is None else count
    if count > MAX_PARAMETERS:
        raise ValueError(f"{name}: expected a network of at most {MAX_PARAMETERS:.0e} weights and biases "
                         f"(MAX_PARAMETERS), got {count:.3g} for {described}")


def check_hidden_layers(hidden_layers, name="hidden_layers"):
    """Hidden layer sizes: a list / tuple of positive integers, possibly empty; returned as a list."""
    sizes = _int_list(hidden_layers)
    if sizes is None and isinstance(hidden_layers, (list, tuple)) and not hidden_layers:
        sizes = []
    if sizes is None or any(n < 1 for n in sizes):
        raise ValueError(f"{name}: expected a list of positive integers, the hidden layer sizes (e.g. (20, 7, 5); "
                         f"(5,) for one layer, () for none), got {got(hidden_layers)}")
    if len(sizes) >= MAX_LAYERS:
        raise ValueError(f"{name}: expected at most {MAX_LAYERS - 1} hidden layers (MAX_LAYERS = {MAX_LAYERS} "
                         f"layers with the output layer), got {len(sizes)}; use fewer layers")
    if any(n > MAX_PARAMETERS for n in sizes) or _parameter_count(sizes) > MAX_PARAMETERS:
        count = max(max(sizes), _parameter_count(sizes))
        raise ValueError(f"{name}: expected a network of at most {MAX_PARAMETERS:.0e} weights and biases "
                         f"(MAX_PARAMETERS), got {count:.3g} already in the hidden layers {shown(sizes)}; "
                         "use fewer or smaller layers")
    return sizes
