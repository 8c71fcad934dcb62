"""Retrain every notebook's headline network and check it against the figures the notebooks quote.

Slow (a few minutes): marked `retrain`, deselected by `./test.sh`; `.ci/run` runs it under a forced
OpenBLAS kernel, so a figure that only holds on the recording machine fails here:

    ./test.sh -m retrain                             # on this machine's kernel
    OPENBLAS_CORETYPE=Sandybridge ./test.sh -m retrain

Each network is retrained from the hyperparameters recorded in its committed file, on the data its notebook
uses, and saved into a temporary copy of parameters_saved/ (the committed files are never written). Its
accuracies are compared with the committed file's, which the notebooks print:

Every one of them is trained in float64 and must match exactly: float64 gave the same figures on every
kernel tried (Haswell, SkylakeX, Sandybridge, Prescott for the course's network; Haswell, SkylakeX and
Sandybridge for the others). Until 2026-12 the networks of chapters 4 and 5 were float32, whose retrains
moved by up to 0.7 points between kernels; tests/test_retrain_notebooks.py retrains every notebook whole.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest

from utils import L_layer_model, NeuralNetwork, load_parameters, predict, save_parameters
from utils.datasets import load_cats_vs_noncats, load_catvnoncat, load_digits, stratified_holdout
from utils.preprocessing import (augment_with_shifts, fit_standardizer, images_to_matrix, mirror_images,
                                 preprocess_images)

pytestmark = [pytest.mark.retrain, pytest.mark.accuracy]

COMMITTED = Path(__file__).resolve().parent.parent / "parameters_saved"



@pytest.fixture(scope="module")
def saved_copy(tmp_path_factory):
    """A copy of parameters_saved/: retrained networks are written here, never over the committed files."""
    folder = tmp_path_factory.mktemp("parameters_saved")
    for path in COMMITTED.glob("*.npz"):
        shutil.copy2(path, folder / path.name)
    return folder


def committed(name):
    parameters, metadata = load_parameters(COMMITTED / name)
    return metadata


def network_from(metadata):
    """A fresh, unfitted NeuralNetwork with the hyperparameters recorded in a committed file."""
    options = dict(metadata["hyperparameters"])
    options["progress"] = False
    return NeuralNetwork(**options)


def assert_same(name, measured, quoted):
    """Every split's accuracy equal to the committed figure (float64: the same on every kernel)."""
    print(f"\n{name} retrained: " + ", ".join(f"{split} {100 * measured[split]:.1f} % (committed "
                                                f"{100 * value:.1f} %)" for split, value in quoted.items()))
    assert np.dtype(committed(name)["hyperparameters"]["dtype"]) == np.float64, f"{name}: expected a float64 network"
    assert measured == pytest.approx(quoted, abs=1e-12), f"{name}: retrained {measured}, committed {quoted}"


def save_and_reload(model, folder, name, **metadata):
    """Save the retrained network into the copy and check that what is read back predicts the same."""
    path = folder / name
    model.save(path, **metadata)
    assert NeuralNetwork.load(path).parameters_["W1"].shape == model.parameters_["W1"].shape
    return path


def test_course_four_layer_network_is_identical_in_float64(saved_copy):
    """The course's [12288, 20, 7, 5, 1] on catvnoncat: cost 0.092878 at iteration 2400, 98.6 % / 80.0 %."""
    train_x, train_y, test_x, test_y, _ = load_catvnoncat()
    prep = {"image_size": 64, "scaling": "unit"}
    X, X_test = preprocess_images(train_x, prep, np.float64), preprocess_images(test_x, prep, np.float64)
    parameters, costs = L_layer_model(X, train_y, [12288, 20, 7, 5, 1], learning_rate=0.0075, num_iterations=2500)
    quoted = committed("catvnoncat_4layer.npz")
    np.testing.assert_allclose(costs, np.asarray(quoted["history"]["cost"], dtype=float), rtol=0, atol=5e-9)
    measured = {"train": float(np.mean(predict(X, train_y, parameters, print_accuracy=False) == train_y)),
                "test": float(np.mean(predict(X_test, test_y, parameters, print_accuracy=False) == test_y))}
    assert measured == pytest.approx(quoted["accuracies"], abs=1e-12)
    save_parameters(saved_copy / "catvnoncat_4layer.npz", parameters, accuracies=measured)
    assert load_parameters(saved_copy / "catvnoncat_4layer.npz")[1]["accuracies"] == measured


def test_project_cats_network(saved_copy):
    """project.ipynb: the network chosen on validation, saved as cats_vs_noncats_mlp.npz (float64: exact)."""
    name = "cats_vs_noncats_mlp.npz"
    quoted = committed(name)
    dtype = np.dtype(quoted["hyperparameters"]["dtype"])
    assert dtype == np.float64, "project.ipynb trains in float64, whose figures are the same on every kernel"
    tr, ytr, va, yva, te, yte, _ = load_cats_vs_noncats(image_size=quoted["preprocessing"]["image_size"])
    X_tr, X_va, X_te = (preprocess_images(images, quoted["preprocessing"], dtype) for images in (tr, va, te))
    model = network_from(quoted).fit(X_tr, ytr, X_va, yva)
    measured = {"train": model.score(X_tr, ytr), "val": model.score(X_va, yva), "test": model.score(X_te, yte)}
    print(name, {k: f"{v:.1%}" for k, v in measured.items()})
    save_and_reload(model, saved_copy, name, accuracies=measured)
    assert measured == pytest.approx(quoted["accuracies"], abs=1e-12)


def test_optimised_cats_network(saved_copy):
    """optimization_code.ipynb: the chosen candidate (Adam, L2, early stopping; mirrored photos if recorded)."""
    name = "cats_vs_noncats_optimized.npz"
    quoted = committed(name)
    prep = quoted["preprocessing"]
    tr, ytr, va, yva, te, yte, _ = load_cats_vs_noncats(image_size=prep["image_size"])
    assert quoted["augmentation"] in ("horizontal mirror of every training photo", "none")
    if quoted["augmentation"] != "none":
        tr, ytr = np.concatenate([tr, mirror_images(tr)]), np.concatenate([ytr, ytr], axis=1)
    if prep["scaling"] == "standardize":  # the training statistics must be those of the (augmented) training photos
        np.testing.assert_allclose(fit_standardizer(images_to_matrix(tr))["mean"], prep["mean"], rtol=1e-6)
    X_tr, X_va, X_te = (preprocess_images(images, prep) for images in (tr, va, te))
    model = network_from(quoted).fit(X_tr, ytr, X_va, yva)
    measured = {"train": model.score(X_tr, ytr), "val": model.score(X_va, yva), "test": model.score(X_te, yte)}
    print(name, {k: f"{v:.1%}" for k, v in measured.items()}, "best epoch", model.best_epoch_)
    save_and_reload(model, saved_copy, name, accuracies=measured)
    assert_same(name, measured, quoted["accuracies"])


def test_digits_network(saved_copy):
    """Chapter 5: the selected candidate on the shifted training digits."""
    name = "digits_softmax.npz"
    quoted = committed(name)
    train_x, train_y_all, test_x, test_y = load_digits(test_fraction=0.2, seed=0)
    tr_idx, va_idx = map(np.sort, stratified_holdout(train_y_all, fraction=0.2, seed=1))  # as chapter 5
    tr_x, train_y, va_x, val_y = train_x[tr_idx], train_y_all[tr_idx], train_x[va_idx], train_y_all[va_idx]
    fit_x, fit_y = augment_with_shifts(tr_x, train_y) if quoted["augmentation"] != "none" else (tr_x, train_y)
    X_tr, X_va, X_te = (images_to_matrix(x) for x in (tr_x, va_x, test_x))
    model = network_from(quoted).fit(images_to_matrix(fit_x), fit_y, X_va, val_y)
    measured = {"train": model.score(X_tr, train_y), "val": model.score(X_va, val_y),
                "test": model.score(X_te, test_y)}
    print(name, {k: f"{v:.1%}" for k, v in measured.items()})
    save_and_reload(model, saved_copy, name, accuracies=measured)
    assert_same(name, measured, quoted["accuracies"])
