"""utils/rounding.py: ROUNDING_NUDGE=1 / -1 moves the arrays the notebooks start from by one ulp; unset, nothing.

The nudge stands in for a CPU whose BLAS kernel rounds differently (see the module's docstring): it must be
exactly one unit in the last place, in the array's own precision, away from zero (1) or towards it (-1), at
every place where the notebooks' arrays are born (the photos' and digits' X, the 2-D data sets' X, the
initial weights), and off by default, to the last bit.
"""

import inspect
import re

import numpy as np
import pytest

from utils import initialize_parameters, initialize_parameters_deep
from utils.planar import load_planar_dataset, make_circles, make_moons, make_spirals
from utils.preprocessing import fit_preprocessing, images_to_matrix, preprocess_images
from utils.rounding import ENVIRONMENT_VARIABLE, nudge, nudge_direction, nudge_enabled

INTEGER_OF = {np.dtype(np.float64): np.int64, np.dtype(np.float32): np.int32}


@pytest.fixture(params=[1, -1], ids=["away_from_zero", "towards_zero"])
def direction(request, monkeypatch):
    """Each test runs once per nudge; it starts off and is switched on by `switch_on`, after the plain run."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    return request.param


def switch_on(monkeypatch, direction):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(direction))


def bits(array):
    return array.view(INTEGER_OF[array.dtype]).astype(np.int64)


def assert_one_ulp(after, before, direction):
    """Every entry that is not a whole number moved by exactly one ulp, away from zero (+1) or towards it (-1);
    whole numbers (zeros included) untouched, to the last bit."""
    assert after.dtype == before.dtype and after.shape == before.shape
    moved = before != np.round(before)
    assert moved.any()
    # Same sign, so the bit patterns of neighbouring floats differ by one: +1 is a larger magnitude.
    assert (bits(after)[moved] - bits(before)[moved] == direction).all()
    assert (np.sign(after) == np.sign(before)).all()
    assert np.array_equal(bits(after)[~moved], bits(before)[~moved])
    ulp = np.spacing(before[moved])                                    # the ulp, with the sign of the value
    assert np.array_equal(after[moved] - before[moved], ulp if direction > 0 else -np.spacing(after[moved]))


def photos(m=5, size=8, seed=0):
    images = np.random.default_rng(seed).integers(0, 256, size=(m, size, size, 3), dtype=np.uint8)
    images[0, 0, 0] = (0, 255, 128)    # a black and a white value: X = 0 and 1 exactly, which the nudge keeps
    return images


# --- the nudge itself ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nudge_is_exactly_one_ulp_in_the_arrays_precision(monkeypatch, direction, dtype):
    tiny = 1e-300 if dtype == np.float64 else 1e-30
    x = np.array([[0.1, -0.1, 0.5, tiny, 0.0, -0.0, 1.0, -3.0, 3.0e5 + 0.5, -7.25, 2.0 / 3.0]], dtype=dtype)
    switch_on(monkeypatch, direction)
    y = nudge(x)
    assert y is not x
    assert_one_ulp(y, x, direction)
    farther, nearer = np.nextafter(dtype(0.1), dtype(1.0)), np.nextafter(dtype(0.1), dtype(0.0))
    assert y[0, 0] == (farther if direction > 0 else nearer) and y[0, 1] == -y[0, 0]
    assert np.signbit(y[0, 5]) and y[0, 6] == 1.0 and y[0, 7] == -3.0   # -0.0 and whole numbers stay
    assert x[0, 0] == dtype(0.1)                                       # the argument is not changed


def test_towards_zero_keeps_values_on_their_side(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "-1")
    x = np.array([np.nextafter(0.0, 1.0), 0.5, np.nextafter(1.0, 0.0)])
    y = nudge(x)
    assert (y >= 0).all() and (y <= 1).all() and y[1] == np.nextafter(0.5, 0.0)


def test_nudge_keeps_nan_inf_and_non_float_arrays(monkeypatch, direction):
    switch_on(monkeypatch, direction)
    x = np.array([np.nan, np.inf, -np.inf, 2.5])
    y = nudge(x)
    assert np.isnan(y[0]) and y[1] == np.inf and y[2] == -np.inf and y[3] == np.nextafter(2.5, 3.0 * direction)
    for other in (np.arange(5), np.ones(3, dtype=bool), np.ones(2, dtype=np.uint8), 1.5, [1.5, 2.5], None):
        assert nudge(other) is other


def test_off_by_default(monkeypatch):
    x = np.array([0.1, 2.5])
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert nudge_direction() == 0 and not nudge_enabled() and nudge(x) is x
    for value in ("", "0"):
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, value)
        assert nudge_direction() == 0 and not nudge_enabled() and nudge(x) is x, value
    for value, expected in (("1", 1), ("-1", -1)):
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, value)
        assert nudge_direction() == expected and nudge_enabled() and nudge(x) is not x


@pytest.mark.parametrize("value", ["yes", "true", "2", " 1", "+1", "up"])
def test_a_misspelt_setting_is_refused_not_ignored(monkeypatch, value):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, value)
    with pytest.raises(ValueError, match=f"ROUNDING_NUDGE: expected 1 .*, got {re.escape(repr(value))}"):
        nudge(np.array([0.1]))
    with pytest.raises(ValueError, match="ROUNDING_NUDGE"):
        images_to_matrix(photos())


# --- where the notebooks' arrays are born --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_images_to_matrix(monkeypatch, direction, dtype):
    images = photos()
    exact = (images.reshape(5, -1).T / 255.0).astype(dtype)           # the function's formula
    plain = images_to_matrix(images, dtype)
    assert plain.dtype == dtype and np.array_equal(bits(plain), bits(exact))   # off: the same, to the last bit
    switch_on(monkeypatch, direction)
    nudged = images_to_matrix(images, dtype)
    assert_one_ulp(nudged, exact, direction)
    assert nudged.min() == 0.0 and nudged.max() == 1.0                 # black and white pixels stay exact


def test_digits_and_the_recorded_preprocessing(monkeypatch, direction):
    digits = photos()[..., 0]                                          # grey (m, H, W), as chapter 5's digits
    unit = {"image_size": 8, "scaling": "unit"}
    plain_digits, plain_unit = images_to_matrix(digits), preprocess_images(photos(), unit, np.float64)
    switch_on(monkeypatch, direction)
    assert_one_ulp(images_to_matrix(digits), plain_digits, direction)
    assert_one_ulp(preprocess_images(photos(), unit, np.float64), plain_unit, direction)
    recipe = fit_preprocessing(photos(), 8, "standardize")             # statistics of the nudged X
    assert recipe["mean"].shape == (8 * 8 * 3, 1) and np.isfinite(recipe["std"]).all()


GENERATORS = {"flower": (load_planar_dataset, {}), "flower_seed_3": (load_planar_dataset, {"seed": 3}),
              "moons": (make_moons, {"noise": 0.3}), "circles": (make_circles, {"noise": 0.08}),
              "spirals": (make_spirals, {}), "spirals_3_classes": (make_spirals, {"n_classes": 3})}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", GENERATORS)
def test_planar_data(monkeypatch, direction, name, dtype):
    generate, kwargs = GENERATORS[name]
    X, Y = generate(dtype=dtype, **kwargs)
    switch_on(monkeypatch, direction)
    X_nudged, Y_nudged = generate(dtype=dtype, **kwargs)
    assert_one_ulp(X_nudged, X, direction)
    assert np.array_equal(Y_nudged, Y) and Y_nudged.dtype == Y.dtype   # labels are never touched


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", ["random", "xavier", "he", "glorot"])
def test_initialize_parameters_deep(monkeypatch, direction, method, dtype):
    dims = [6, 5, 3, 1]
    plain = initialize_parameters_deep(dims, method, seed=1, dtype=dtype)
    draws = np.random.RandomState(1)                                   # the documented draws, to the last bit
    factors = {"random": lambda n_prev, n: 0.01, "xavier": lambda n_prev, n: np.sqrt(1 / n_prev),
               "he": lambda n_prev, n: np.sqrt(2 / n_prev), "glorot": lambda n_prev, n: np.sqrt(2 / (n_prev + n))}
    for l in range(1, len(dims)):
        expected = (draws.randn(dims[l], dims[l - 1]) * factors[method](dims[l - 1], dims[l])).astype(dtype)
        assert np.array_equal(bits(plain[f"W{l}"]), bits(expected))
    switch_on(monkeypatch, direction)
    nudged_parameters = initialize_parameters_deep(dims, method, seed=1, dtype=dtype)
    assert sorted(nudged_parameters) == sorted(plain)
    for l in range(1, len(dims)):
        assert_one_ulp(nudged_parameters[f"W{l}"], plain[f"W{l}"], direction)
        assert nudged_parameters[f"b{l}"].dtype == dtype and not nudged_parameters[f"b{l}"].any()


def test_zeros_initialisation_stays_zero(monkeypatch, direction):
    switch_on(monkeypatch, direction)
    parameters = initialize_parameters_deep([4, 3, 1], "zeros", dtype=np.float64)
    assert not any(value.any() for value in parameters.values())


def test_initialize_parameters_is_nudged_once(monkeypatch, direction):
    plain = initialize_parameters(2, 4, 1, seed=2, dtype=np.float64)
    switch_on(monkeypatch, direction)
    nudged_parameters = initialize_parameters(2, 4, 1, seed=2, dtype=np.float64)
    for name in ("W1", "W2"):
        assert_one_ulp(nudged_parameters[name], plain[name], direction)   # one ulp, not two


def test_the_notebooks_still_show_the_course_functions():
    """show_source (inspect) follows the wrapper to the function itself: the shown code has no nudge in it."""
    for function in (images_to_matrix, initialize_parameters_deep):
        source = inspect.getsource(function)
        assert source.startswith(f"def {function.__name__}(") and "nudge" not in source
        assert function.__doc__ == inspect.unwrap(function).__doc__
    assert inspect.signature(images_to_matrix) == inspect.signature(inspect.unwrap(images_to_matrix))
