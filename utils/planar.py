"""Two-dimensional toy data for the shallow-network chapter, generated with NumPy.

Every function returns X of shape (2, m) (one column per point) and Y of shape
(1, m) with integer labels, and is reproducible from its `seed`. Nothing is
downloaded and nothing reads the global NumPy random state.
"""

from __future__ import annotations

import numpy as np

from .checks import check_arguments, check_number
from .rounding import nudge

MAX_POINTS = 10_000_000


def _check(m, noise, seed, dtype, even=False, n_classes=None, **numbers):
    """The generators' arguments: m points (an integer in 2..MAX_POINTS, even if `even`), noise >= 0,
    a seed, a floating-point dtype, n_classes in 2..m, and finite `numbers` (petals_radius, turns ...)."""
    check_number(m, "m", f"an integer number of points in 2..{MAX_POINTS}", lambda v: 2 <= v <= MAX_POINTS,
                 integer=True)
    if even and m % 2:
        raise ValueError(f"m: expected an even number of points (half per class), got {m}")
    check_arguments(noise=noise, seed=seed, dtype=dtype)
    if n_classes is not None:
        check_number(n_classes, "n_classes", f"an integer between 2 and m={m}", lambda v: 2 <= v <= m, integer=True)
    for name, value in numbers.items():
        check_number(value, name, "a finite number")


def _pack(points, labels, dtype):
    """(m, 2) points and (m,) labels -> X (2, m) of `dtype`, Y (1, m) int64.

    Where every data set's X is born: with ROUNDING_NUDGE=1 or -1 it comes out one ulp off (`utils.rounding`).
    """
    return nudge(np.asarray(points, dtype=dtype).T.copy()), np.asarray(labels, dtype=np.int64).reshape(1, -1)


def load_planar_dataset(m: int = 400, seed: int = 1, noise: float = 0.2, petals_radius: float = 4.0,
                        dtype=np.float32):
    """The two-class "flower" of the course: 8 petals, alternately red (0) and blue (1).

    For class j in {0, 1}, N = m / 2 angles and radii are drawn as

        t = linspace(3.12 j, 3.12 (j + 1), N) + noise * eps1      (angle)
        r = a sin(4 t) + noise * eps2                              (radius, a = 4)
        x = (r sin t, r cos t)

    with eps ~ N(0, 1). With the defaults (m=400, seed=1) the points are exactly
    those of the course (a local RandomState(1) draws the same numbers as its
    np.random.seed(1)). Returns X (2, m), Y (1, m) with labels in {0, 1}.
    Not linearly separable: logistic regression reaches about 47 % on it.
    """
    _check(m, noise, seed, dtype, even=True, petals_radius=petals_radius)
    rng = np.random.RandomState(seed)  # legacy generator: reproduces the course's numbers
    n = m // 2
    points = np.zeros((m, 2))
    labels = np.zeros(m, dtype=np.int64)
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = petals_radius * np.sin(4 * t) + rng.randn(n) * noise
        points[j * n:(j + 1) * n] = np.c_[r * np.sin(t), r * np.cos(t)]
        labels[j * n:(j + 1) * n] = j
    return _pack(points, labels, dtype)


def make_moons(m: int = 400, noise: float = 0.1, seed: int = 0, dtype=np.float32):
    """Two interleaving half circles.

    Class 0: (cos s, sin s); class 1: (1 - cos s, 0.5 - sin s), s in [0, pi],
    plus Gaussian noise of standard deviation `noise` on both coordinates.
    Returns X (2, m), Y (1, m); points are shuffled.
    """
    _check(m, noise, seed, dtype)
    rng = np.random.default_rng(seed)
    n0 = m // 2
    s0, s1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, m - n0)
    points = np.r_[np.c_[np.cos(s0), np.sin(s0)], np.c_[1 - np.cos(s1), 0.5 - np.sin(s1)]]
    labels = np.r_[np.zeros(n0), np.ones(m - n0)]
    points += rng.normal(scale=noise, size=points.shape)
    order = rng.permutation(m)
    return _pack(points[order], labels[order], dtype)


def make_circles(m: int = 400, noise: float = 0.05, factor: float = 0.5, seed: int = 0, dtype=np.float32):
    """A small circle (class 1, radius `factor`) inside a large one (class 0, radius 1).

    Returns X (2, m), Y (1, m); points are shuffled. Separable only by a
    non-linear boundary.
    """
    _check(m, noise, seed, dtype, factor=factor)
    if not 0 < factor < 1:
        raise ValueError(f"factor: expected the inner radius strictly between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    n0 = m // 2
    s0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    s1 = np.linspace(0, 2 * np.pi, m - n0, endpoint=False)
    points = np.r_[np.c_[np.cos(s0), np.sin(s0)], factor * np.c_[np.cos(s1), np.sin(s1)]]
    labels = np.r_[np.zeros(n0), np.ones(m - n0)]
    points += rng.normal(scale=noise, size=points.shape)
    order = rng.permutation(m)
    return _pack(points[order], labels[order], dtype)


def make_spirals(m: int = 400, noise: float = 0.2, n_classes: int = 2, turns: float = 1.0, seed: int = 0,
                 dtype=np.float32):
    """`n_classes` interleaved spiral arms (the CS231n spiral), labels 0 .. n_classes - 1.

    Arm k: radius r in [0, 1], angle = 2 pi (turns r + k / n_classes) + noise * eps,
    point = r (sin angle, cos angle). Returns X (2, m), Y (1, m); points are shuffled.
    """
    _check(m, noise, seed, dtype, n_classes=n_classes, turns=turns)
    rng = np.random.default_rng(seed)
    counts = np.full(n_classes, m // n_classes)
    counts[: m % n_classes] += 1
    points, labels = [], []
    for k, n in enumerate(counts):
        r = np.linspace(0.0, 1.0, n)
        angle = 2 * np.pi * (turns * r + k / n_classes) + rng.normal(scale=noise, size=n)
        points.append(np.c_[r * np.sin(angle), r * np.cos(angle)])
        labels.append(np.full(n, k))
    points, labels = np.concatenate(points), np.concatenate(labels)
    order = rng.permutation(m)
    return _pack(points[order], labels[order], dtype)
