"""How sure is a measured accuracy? Intervals, paired tests, seeds, cross-validation, cached experiments.

- `wilson_interval(n_correct, n)`: the Wilson score interval of an accuracy measured on n examples;
- `mcnemar_test(correct_a, correct_b)`: exact McNemar test, two classifiers scored on the same examples;
- `mean_sd(values)`, `format_mean_sd(values)`: a result over several seeds, "78.4 ± 2.1";
  `format_known_range(value, known)`: a figure that moves with rounding, as the range it is known to fall in;
- `repeated_stratified_kfold(labels)`, `cross_validate(fit_and_score, X, Y, folds)`: repeated, stratified
  k-fold cross-validation (columns are examples, as everywhere in the project);
- `cached_experiment(name, key, compute)`: an expensive experiment computed once and saved in
  `experiments_saved/<name>.npz` together with the settings (`key`) that determine it;
- `over_seeds(contenders, run_one, seeds)` and `by_contender(flat)`: every contender run over several
  seeds, in the flat form `cached_experiment` stores, and back;
- `parameter_count(layer_dims)` and `image_fingerprints(images)`: small helpers the notebooks share.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .atomic import check_writable, write_atomically
from .blas import map_in_parallel
from .npz import ArchiveError, read_npz, write_npz
from .paths import DEFAULT_EXPERIMENTS_DIR, experiments_dir, provenance, retrain_requested  # noqa: F401  (re-exported)
from .checks import check_bool, check_callable, check_layer_dims, check_positive_int, check_seed, got
from .datasets.splits import stratify

KEY_ENTRY = "__key__"  # the member of a cached experiment's .npz that holds its key (JSON text)


def _count(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {got(value)}")
    return int(value)


def _confidence(confidence):
    if isinstance(confidence, (bool, np.bool_)) or not isinstance(confidence, (int, float, np.floating)) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence: expected a number strictly between 0 and 1, got {got(confidence)}")
    return float(confidence)


def _normal_quantile(p):
    """z with P(N(0, 1) <= z) = p, for 0 < p < 1: bisection on the normal CDF, 0.5 erfc(-z / sqrt 2)."""
    low, high = -40.0, 40.0
    for _ in range(200):
        middle = (low + high) / 2
        if 0.5 * math.erfc(-middle / math.sqrt(2)) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def wilson_interval(n_correct, n, confidence=0.95):
    """Wilson score interval for an accuracy p = n_correct / n: returns (low, high) as fractions.

    With z the two-sided normal quantile of `confidence` (1.96 for 95 %):

        centre = (p + z^2 / 2n) / (1 + z^2 / n),
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2).

    Unlike p ± z sqrt(p (1 - p) / n) it stays inside [0, 1] and is honest for small n
    (80 of 100 correct -> (0.711, 0.867)).
    """
    n_correct, n = _count(n_correct, "n_correct"), _count(n, "n")
    if n == 0:
        raise ValueError("n: expected at least one example, got 0")
    if n_correct > n:
        raise ValueError(f"n_correct: expected at most n = {n}, got {n_correct}")
    z = _normal_quantile(0.5 + _confidence(confidence) / 2)
    p = n_correct / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


class McNemarResult(NamedTuple):
    """Discordant pairs (examples only A got right, only B got right) and the exact two-sided p-value."""
    n_a_only: int
    n_b_only: int
    p_value: float


def _correct_vector(values, name):
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype != np.bool_:
        raise ValueError(f"{name}: expected a boolean array of shape (m,) (True = example classified correctly), "
                         f"got {got(values)}")
    return array


def mcnemar_test(correct_a, correct_b):
    """Exact McNemar test: do classifiers A and B, scored on the SAME m examples, differ in accuracy?

    correct_a, correct_b: boolean arrays (m,), True where that classifier is right.
    Only the discordant examples count: b = right for A only, c = right for B only. Under
    "same accuracy" each discordant example is A's with probability 1/2, so b ~ Binomial(b + c, 1/2),
    and the two-sided p-value is min(1, 2 * P(X <= min(b, c))). No discordant pair: p = 1.
    """
    a, b = _correct_vector(correct_a, "correct_a"), _correct_vector(correct_b, "correct_b")
    if a.shape != b.shape:
        raise ValueError(f"correct_b: expected the shape of correct_a {a.shape} (the same examples), got {b.shape}")
    a_only, b_only = int(np.sum(a & ~b)), int(np.sum(~a & b))
    n, k = a_only + b_only, min(a_only, b_only)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n if n else 1.0
    return McNemarResult(a_only, b_only, min(1.0, 2 * tail))


def _values(values, name="values"):
    try:
        array = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a list of numbers, got {got(values)}") from None
    if array.size < 2 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: expected at least 2 finite numbers (a standard deviation needs two), got {got(values)}")
    return array


def mean_sd(values):
    """(mean, sample standard deviation) of results over seeds or folds: sd = sqrt(sum (v - mean)^2 / (n - 1))."""
    array = _values(values)
    return float(array.mean()), float(array.std(ddof=1))


def format_mean_sd(values, scale=100, digits=1):
    """ "mean ± sd" of `values` times `scale` (accuracies as fractions -> percent), e.g. "78.4 ± 2.1"."""
    mean, sd = mean_sd(values)
    return f"{mean * scale:.{digits}f} ± {sd * scale:.{digits}f}"


def format_known_range(value, known, scale=100, digits=1):
    """A figure that moves with the last bits of rounding, printed as the range it is known to fall in.

    A chaotic training (a large learning rate, many steps) turns a difference in the last bit of a
    product, which differs from one CPU to another, into a different result; such a figure cannot be
    printed as one number that holds on every machine. `known` = (low, high), in the printed unit
    (percent by default), is the range measured under several BLAS kernels and rounding nudges;
    the text is "low to high", the same on every machine whose `value` (a fraction) falls inside,
    else "low to high (here: value, outside the known range)": never a silent wrong claim.
    """
    low, high = (float(x) for x in known)
    if not low <= high:
        raise ValueError(f"known: expected (low, high) with low <= high, got {known!r}")
    text = f"{low:.{digits}f} to {high:.{digits}f}"
    shown = float(value) * scale
    if not low - 0.5 * 10 ** -digits <= shown <= high + 0.5 * 10 ** -digits:
        text += f" (here: {shown:.{digits}f}, outside the known range)"
    return text


def _labels_of(labels, name="labels"):
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[0] > 1:  # one-hot (C, m)
        array = np.argmax(array, axis=0)
    array = array.reshape(-1)
    if array.size < 2:
        raise ValueError(f"{name}: expected class labels (m,), (1, m) or one-hot (C, m) with m >= 2, got {got(labels)}")
    return array


def repeated_stratified_kfold(labels, n_splits=5, n_repeats=3, seed=0):
    """n_repeats x n_splits (train_idx, val_idx) pairs of stratified k-fold cross-validation.

    labels: (m,), (1, m) or one-hot (C, m). In each repeat the indices of every class are shuffled
    (one generator seeded with `seed` for all repeats) and cut into `n_splits` near-equal parts
    (`utils.datasets.splits.stratify`); fold k validates on part k of every class and trains on
    the rest. Within a repeat the validation folds are disjoint and cover every index once.
    Returns a list of n_repeats * n_splits pairs of sorted index arrays, repeat by repeat.
    """
    y = _labels_of(labels)
    n_splits = check_positive_int(n_splits, "n_splits")
    n_repeats = check_positive_int(n_repeats, "n_repeats")
    if n_splits < 2:
        raise ValueError(f"n_splits: expected at least 2 folds, got {n_splits}")
    smallest = int(np.min(np.unique(y, return_counts=True)[1]))
    if smallest < n_splits:
        raise ValueError(f"n_splits: expected at most {smallest} (the size of the smallest class), got {n_splits}")
    rng = np.random.default_rng(check_seed(seed))
    everything = np.arange(y.size)
    folds = []
    for _ in range(n_repeats):
        parts = stratify(y, [1 / n_splits] * n_splits, order=rng.permutation)
        for part in parts:
            val_idx = np.sort(part)
            folds.append((np.setdiff1d(everything, val_idx), val_idx))
    return folds


def cross_validate(fit_and_score, X, Y, folds):
    """Scores of `fit_and_score(X_train, Y_train, X_val, Y_val)` on every (train_idx, val_idx) fold.

    X is (n_x, m) and Y is (1, m) or (C, m): a fold takes their columns. Returns an array (len(folds),).
    """
    check_callable(fit_and_score, "fit_and_score", allow_none=False)
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"Y: expected X (n_x, m) and Y (1, m) or (C, m) with the same m, "
                         f"got X {X.shape} and Y {Y.shape}")
    scores = []
    for train_idx, val_idx in folds:
        scores.append(float(fit_and_score(X[:, train_idx], Y[:, train_idx], X[:, val_idx], Y[:, val_idx])))
    return np.array(scores)


def _key_text(key):
    try:
        return json.dumps(key, sort_keys=True)
    except (TypeError, ValueError):
        raise ValueError(f"key: expected a JSON-compatible dict of the experiment's settings, got {got(key)}") from None


#: Limits of an experiment cache, checked from the zip directory and the .npy headers before any data
#: is read (`utils.npz`, the reader parameter files use too). The largest cache of the project holds
#: 0.6 MB; 256 MiB leaves room for much larger searches and refuses a small file that would inflate
#: to gigabytes in memory.
MAX_CACHE_BYTES = 256 * 1024**2
MAX_CACHE_MEMBERS = 100_000


class DamagedCacheError(ValueError):
    """An experiment cache that cannot be read; the message names it and the way out."""


def read_experiment_cache(path):
    """(key text, results) of the experiment cache at `path`, or (None, None) when there is no file.

    Read under `MAX_CACHE_BYTES` / `MAX_CACHE_MEMBERS` with every .npy header checked before any data
    (`utils.npz.read_npz`, allow_pickle=False). A file that cannot be read (truncated, empty, a folder,
    not an .npz, over the limits, without its key) is a `DamagedCacheError` naming the file and how to
    recover: delete it, or run with RETRAIN=1, which computes the experiment again and replaces it.
    """
    path = Path(path)
    if path.is_dir():
        raise DamagedCacheError(f"experiment cache {path.as_posix()!r} is a folder, not a file: remove or rename it "
                                "(RETRAIN=1 does not replace a folder)")
    try:
        arrays = read_npz(path, MAX_CACHE_BYTES, MAX_CACHE_MEMBERS, kinds="biufcUS", what="an experiment cache")
        key = arrays.pop(KEY_ENTRY, None)
        if key is None or key.shape != () or key.dtype.kind != "U":
            raise ArchiveError(f"it has no {KEY_ENTRY!r} entry (the settings it was computed with); it was not "
                               "written by cached_experiment")
    except FileNotFoundError:
        return None, None
    except ArchiveError as error:
        raise DamagedCacheError(f"experiment cache {path.as_posix()!r} is damaged: {' '.join(str(error).split())}. "
                                "Delete it, or run with RETRAIN=1 to compute it again and replace it") from None
    return str(key[()]), arrays


def cached_experiment(name, key, compute, directory=None, retrain=None, verbose=False):
    """Results of an expensive experiment: loaded from <directory>/<name>.npz, or computed and saved there.

    key: a JSON-compatible dict of every setting that determines the results; it is stored in
    the file, and when the stored key differs (or `retrain` is true; default: the environment
    variable RETRAIN is "1") `compute()` runs again. compute() returns {name: array-like} of
    numbers, booleans or strings (no objects: the file is written with numpy.savez through
    `write_atomically` and read with allow_pickle=False, see `read_experiment_cache`). Returns
    {name: np.ndarray}.

    Nothing is lost: before `compute()` runs, the destination is checked (`check_writable`: not a
    folder, its folder writable), so a wrong EXPERIMENTS_DIR fails in a second, not after the
    experiment; a damaged cache stops with one line naming it and the way out, unless `retrain`,
    which computes the results again and replaces it.
    """
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith(".") or \
            not name.isprintable():
        raise ValueError(f"name: expected a file name without folders, e.g. 'search', got {got(name)}")
    if not isinstance(key, dict):
        raise ValueError(f"key: expected a dict of the experiment's settings, got {got(key)}")
    key_text = _key_text(key)
    check_callable(compute, "compute", allow_none=False)
    retrain = retrain_requested(None if retrain is None else check_bool(retrain, "retrain"))
    path = experiments_dir(directory) / f"{name}.npz"
    if not retrain:
        stored_key, results = read_experiment_cache(path)
        if stored_key == key_text:
            if verbose:
                print(provenance(path, loaded=True, made="computed"))
            return results
    where = "pass another directory=" if directory is not None else "set EXPERIMENTS_DIR to a folder you can write"
    check_writable(path, f"{where} (the results of {name!r} are saved there)")
    results = compute()
    if not isinstance(results, dict) or not all(isinstance(k, str) and k and k != KEY_ENTRY for k in results):
        raise ValueError(f"compute: expected it to return a dict {{name: array}} with string names, got {got(results)}")
    arrays = {k: np.asarray(v) for k, v in results.items()}
    for k, v in arrays.items():
        if v.dtype.kind not in "biufcUS":
            raise ValueError(f"compute: expected arrays of numbers, booleans or strings, got {v.dtype} for {k!r}")
        if not k.isprintable() or k.startswith(".") or "/" in k or "\\" in k:
            raise ValueError(f"compute: expected result names that can be file names in the cache (printable, no "
                             f"'/' or '\\', not starting with '.'), got {k!r}")
    total = sum(v.nbytes for v in arrays.values())
    if total + 1024 * (len(arrays) + 1) > MAX_CACHE_BYTES or len(arrays) + 1 > MAX_CACHE_MEMBERS:  # + headers
        raise ValueError(f"compute: its results ({len(arrays):,} arrays, {total:,} bytes) are more than an "
                         f"experiment cache may hold ({MAX_CACHE_MEMBERS - 1:,} arrays, {MAX_CACHE_BYTES:,} bytes): "
                         "keep summaries (accuracies, curves), not whole data sets")
    write_atomically(path, lambda file: write_npz(file, {KEY_ENTRY: np.array(key_text), **arrays}))
    if verbose:
        print(provenance(path, loaded=False, made="computed"))
    return arrays


SEPARATOR = "|"  # between a contender's name and a quantity in the flat results of over_seeds


def over_seeds(contenders, run_one, seeds, workers=None):
    """Run `run_one(options, seed) -> {quantity: array}` for every contender and every seed.

    The runs go `workers` at a time (`utils.blas.map_in_parallel`: one per core by default; the
    results are those of one run after another). contenders: {name: options}. Returns {"name|quantity": array (n_seeds, ...)}, the flat dict of
    arrays that `cached_experiment` stores. A quantity that only some seeds return (the first seed's
    weights, kept for a figure) is stacked over those seeds only, e.g. (1, n, m).
    """
    check_callable(run_one, "run_one")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds: expected at least one seed, got none")
    for name in contenders:
        if SEPARATOR in str(name):
            raise ValueError(f"contenders: expected names without {SEPARATOR!r}, got {name!r}")
    runs = [(name, seed) for name in contenders for seed in seeds]
    done = dict(zip(runs, map_in_parallel(lambda run: run_one(contenders[run[0]], run[1]), runs, workers)))
    flat = {}
    for name in contenders:
        records = [done[name, seed] for seed in seeds]
        for quantity in records[0]:
            flat[f"{name}{SEPARATOR}{quantity}"] = np.stack([np.asarray(r[quantity], dtype=float)
                                                             for r in records if quantity in r])
    return flat


def by_contender(flat):
    """{contender: {quantity: array (n_seeds, ...)}} from the flat dict of `over_seeds` (the inverse)."""
    results = {}
    for key, value in flat.items():
        name, separator, quantity = key.rpartition(SEPARATOR)
        if not separator:
            raise ValueError(f"flat: expected keys 'contender{SEPARATOR}quantity' (from over_seeds), got {key!r}")
        results.setdefault(name, {})[quantity] = value
    return results


def parameter_count(network):
    """Number of weights and biases of a network, from its layer sizes or its parameters.

    network: layer_dims [n_0, n_1, ..., n_L] (count: sum over l of n_l * n_(l-1) + n_l), or a
    parameters dict {"W1": ..., "b1": ..., ...} (count: the sum of the arrays' sizes).
    """
    if isinstance(network, dict):
        if not network or not all(isinstance(v, np.ndarray) for v in network.values()):
            raise ValueError(f"network: expected layer_dims or a parameters dict of arrays, got {got(network)}")
        return int(sum(v.size for v in network.values()))
    dims = check_layer_dims(network, "network")
    return sum(n * n_prev + n for n_prev, n in zip(dims[:-1], dims[1:]))


def image_fingerprints(images):
    """The set of SHA-256 fingerprints of the pictures (m, ...) in `images` (one per distinct picture)."""
    array = np.asarray(images)
    if array.ndim < 2:
        raise ValueError(f"images: expected an array of pictures (m, H, W[, 3]), got {got(images)}")
    return {hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest() for image in array}


__all__ = ["wilson_interval", "McNemarResult", "mcnemar_test", "mean_sd", "format_mean_sd", "format_known_range",
           "repeated_stratified_kfold", "cross_validate", "experiments_dir", "cached_experiment",
           "read_experiment_cache", "DamagedCacheError", "MAX_CACHE_BYTES",
           "over_seeds", "by_contender", "parameter_count", "image_fingerprints"]
