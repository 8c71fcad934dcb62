"""Generated 2-D data: shapes, labels, reproducibility, and the course's flower."""

import numpy as np
import pytest

from utils.planar import load_planar_dataset, make_circles, make_moons, make_spirals

GENERATORS = [load_planar_dataset, make_moons, make_circles, make_spirals]


def _course_flower():
    """The course's load_planar_dataset, verbatim (global seed, restored afterwards)."""
    state = np.random.get_state()
    try:
        np.random.seed(1)
        m, N, D, a = 400, 200, 2, 4
        X = np.zeros((m, D))
        Y = np.zeros((m, 1), dtype="uint8")
        for j in range(2):
            ix = range(N * j, N * (j + 1))
            t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
            r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            Y[ix] = j
        return X.T, Y.T
    finally:
        np.random.set_state(state)


def test_flower_is_the_course_flower():
    X, Y = load_planar_dataset(dtype=np.float64)
    X_course, Y_course = _course_flower()
    np.testing.assert_array_equal(X, X_course)
    np.testing.assert_array_equal(Y, Y_course)


def test_flower_does_not_touch_global_state():
    before = np.random.get_state()[1].copy()
    load_planar_dataset()
    assert np.array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("m", [2, 10, 400])
def test_shapes_dtypes_and_balance(make, m):
    X, Y = make(m=m)
    assert X.shape == (2, m) and X.dtype == np.float32
    assert Y.shape == (1, m) and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1}
    assert abs(int(Y.sum()) - m / 2) <= 0.5
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", GENERATORS)
def test_seeded(make):
    X1, Y1 = make(seed=3)
    X2, Y2 = make(seed=3)
    X3, _ = make(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_spirals])
def test_noise_zero_is_exact_geometry(make):
    X, Y = make(m=200, noise=0.0, dtype=np.float64)
    radius = np.hypot(X[0], X[1])
    if make is make_circles:
        np.testing.assert_allclose(radius[Y[0] == 0], 1.0)
        np.testing.assert_allclose(radius[Y[0] == 1], 0.5)
    elif make is make_spirals:
        assert radius.max() <= 1 + 1e-12
    else:
        np.testing.assert_allclose(np.hypot(X[0, Y[0] == 0], X[1, Y[0] == 0]), 1.0)
        np.testing.assert_allclose(np.hypot(X[0, Y[0] == 1] - 1, X[1, Y[0] == 1] - 0.5), 1.0)


def test_spirals_with_more_classes():
    X, Y = make_spirals(m=300, n_classes=3)
    assert X.shape == (2, 300) and np.bincount(Y[0]).tolist() == [100, 100, 100]


def test_flower_radius_is_bounded():
    X, Y = load_planar_dataset(noise=0.0, dtype=np.float64)
    assert np.hypot(X[0], X[1]).max() <= 4 + 1e-9


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: load_planar_dataset(m=401), "m"),
        (lambda: make_moons(m=1), "m"),
        (lambda: make_moons(m=2.5), "m"),
        (lambda: make_circles(noise=-1), "noise"),
        (lambda: make_circles(factor=1.5), "factor"),
        (lambda: make_spirals(n_classes=1), "n_classes"),
    ],
)
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=f"^{argument}:"):
        call()
