"""Stratified splits: ONE helper, `stratify`, behind every split of the project.

- `stratify(labels, fractions, order)`: the indices of each class cut into
  parts of the given shares, in the order `order` puts them;
- `stratified_split` (the photos' train / val / test manifest): the order is
  the photos' SHA-256, so the split depends only on the set of images;
- `stratified_holdout` (the digits' test split, ``--val-fraction``, the 2-D
  sets' test split, the notebooks' validation carve): the order is a seeded
  shuffle.
"""

from __future__ import annotations

import numpy as np

from .registry import SPLIT_FRACTIONS, SPLITS


def stratify(labels, fractions, order=None) -> list[np.ndarray]:
    """Cut the indices of every class into ``len(fractions)`` parts of those shares.

    Class by class (in sorted label order), the class's indices are put in the
    order ``order(indices)`` returns (default: as they are) and cut at
    round(cumulative fraction x class size); the last part takes the rest.
    Returns one index array per fraction, each holding its share of every class.
    """
    labels = np.asarray(labels).reshape(-1)
    parts = [[] for _ in fractions]
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        if order is not None:
            idx = order(idx)
        bounds = np.round(np.cumsum(fractions[:-1]) * len(idx)).astype(int).tolist() + [len(idx)]
        start = 0
        for part, stop in zip(parts, bounds):
            part.append(idx[start:stop])
            start = stop
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.intp) for p in parts]


def stratified_split(items, fractions=SPLIT_FRACTIONS, splits=SPLITS) -> dict:
    """Assign each (sha256, label) item to a split, class by class (the photos' manifest).

    Within each label the items are ranked by their SHA-256 (a content-derived,
    machine-independent pseudo-random order); the first round(70 %) go to train,
    the next round(15 %) to val, the rest to test. The result depends only on
    the set of images, not on their order or on any random state.
    Returns {sha256: split}. A thin name over `stratify`.
    """
    if len(fractions) != len(splits) or abs(sum(fractions) - 1) > 1e-9 or min(fractions) < 0:
        raise ValueError(f"fractions: expected {len(splits)} non-negative numbers summing to 1, got {fractions}")
    pairs = list(dict.fromkeys(items))  # each (sha, label) once
    shas = np.array([sha for sha, _ in pairs], dtype=object)
    parts = stratify([label for _, label in pairs], list(fractions), order=lambda idx: idx[np.argsort(shas[idx])])
    return {shas[i]: split for split, part in zip(splits, parts) for i in part}


def stratified_holdout(labels, fraction: float, seed=0):
    """Hold out `fraction` of every class: returns (rest_idx, held_idx), two index arrays.

    Class by class, the indices of that class are shuffled with `seed` (an int
    or an ``np.random.Generator``) and the first round(fraction * n_class) are
    held out, so each class keeps the same share on both sides. Used for the
    digits' test split, ``--val-fraction``, the 2-D sets' test split and, in the
    notebooks, to carve a validation split out of a training split. Sort the
    arrays to keep the original order. A thin name over `stratify`.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction: expected a number strictly between 0 and 1, got {fraction!r}")
    rng = np.random.default_rng(seed)
    held, rest = stratify(labels, [fraction, 1 - fraction], order=rng.permutation)
    return rest, held
