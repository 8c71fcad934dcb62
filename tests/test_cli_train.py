"""`python -m utils train`, driven as a subprocess with small, fast settings.

Every output goes to tmp_path (--output / --output-dir), never to parameters_saved/.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from utils.datasets import load_catvnoncat
from utils.network import NeuralNetwork
from utils.persistence import load_parameters, predict_images
from cli_support import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None, cwd=None):
    """Run ``python -m utils train ARGS``; returns the CompletedProcess (text output)."""
    # One BLAS thread: the matrices here are tiny, and on a busy machine threaded OpenBLAS is 10-50x slower.
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "utils", "train", *map(str, args)], capture_output=True,
                          text=True, env=environ, cwd=cwd or ROOT, timeout=120)


def accuracy_row(stdout, split):
    """The accuracy in % printed on the row of `split`, or the text 'n/a'."""
    row = next(line for line in stdout.splitlines() if line.startswith(split + " "))
    value = row.split()[2]
    return value if value == "n/a" else float(value)


def test_flower_prints_accuracies_and_saves_full_metadata(tmp_path):
    out = tmp_path / "flower.npz"
    result = run("--dataset", "flower", "--epochs", 300, "--layers", 4, "--activation", "tanh",
                 "--learning-rate", 1.2, "--seed", 3, "--output", out, "--progress")
    assert result.returncode == 0, result.stderr
    assert "training" in result.stderr and "epoch" in result.stderr  # the tqdm bar, forced on
    assert accuracy_row(result.stdout, "validation") == "n/a"
    assert "flower has no validation split; --val-fraction" in result.stdout
    train, test = accuracy_row(result.stdout, "train"), accuracy_row(result.stdout, "test")
    parameters, meta = load_parameters(out)
    assert meta["layer_dims"] == [2, 4, 1] and parameters["W1"].shape == (4, 2)
    assert meta["activations"] == ["tanh", "sigmoid"]
    assert meta["dataset"] == "flower" and meta["preprocessing"] is None
    assert meta["accuracies"]["val"] is None
    assert meta["accuracies"]["train"] * 100 == pytest.approx(train, abs=0.006)
    assert meta["accuracies"]["test"] * 100 == pytest.approx(test, abs=0.006)
    assert len(meta["history"]["cost"]) == 300 and meta["history"]["val_accuracy"] == []
    hyper = meta["hyperparameters"]
    assert (hyper["learning_rate"], hyper["epochs"], hyper["seed"], hyper["initialization"]) == (1.2, 300, 3, "random")
    assert meta["version"] and meta["split_sizes"] == {"train": 320, "val": None, "test": 80}
    assert meta["command"] == (f"python -m utils train --dataset flower --epochs 300 --layers 4 --activation tanh "
                               f"--learning-rate 1.2 --seed 3 --output {out} --progress")  # the command, once
    # The saved model reproduces the recorded test accuracy.
    model = NeuralNetwork.load(out)
    assert model.layer_dims_ == [2, 4, 1]


def test_catvnoncat_standardized_with_carved_validation(tmp_path):
    out = tmp_path / "cat.npz"
    result = run("-d", "catvnoncat", "--image-size", 8, "--scaling", "standardize", "--val-fraction", 0.2,
                 "--layers", 5, "--epochs", 20, "--optimizer", "adam", "--lr", 0.001, "--batch-size", 32,
                 "--lambd", 0.1, "--keep-prob", 0.9, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no bar when stderr is not a terminal
    assert "168 train, 41 validation, 50 test" in result.stdout  # stratified: 14 of 72 cats, 27 of 137 non-cats
    assert isinstance(accuracy_row(result.stdout, "validation"), float)
    parameters, meta = load_parameters(out)
    pre = meta["preprocessing"]
    assert pre["image_size"] == 8 and pre["scaling"] == "standardize"
    assert pre["mean"].shape == (192, 1) and pre["std"].shape == (192, 1)
    assert meta["layer_dims"] == [192, 5, 1] and meta["val_fraction"] == 0.2
    hyper = meta["hyperparameters"]
    assert (hyper["optimizer"], hyper["batch_size"], hyper["lambd"], hyper["keep_prob"]) == ("adam", 32, 0.1, 0.9)
    assert len(meta["history"]["val_accuracy"]) == 20
    # What predict does (raw photos + recorded preprocessing) gives the recorded test accuracy.
    _, _, test_x, test_y, _ = load_catvnoncat()
    p_cat = predict_images(test_x, parameters, meta)
    assert np.mean((p_cat > 0.5) == test_y[0]) == pytest.approx(meta["accuracies"]["test"])


def test_cats_vs_noncats_has_its_own_validation_split(tmp_path):
    result = run("-d", "cats_vs_noncats", "--image-size", 32, "--layers", 3, "--epochs", 3,
                 "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "609 train, 131 validation, 130 test" in result.stdout
    assert isinstance(accuracy_row(result.stdout, "validation"), float)
    out = tmp_path / "cats_vs_noncats_3.npz"  # the default name: data set + hidden layers
    assert f"saved     {out}" in result.stdout
    _, meta = load_parameters(out)
    assert meta["preprocessing"] == {"image_size": 32, "scaling": "unit"}
    assert set(meta["accuracies"]) == {"train", "val", "test"}


def test_digits_softmax(tmp_path):
    out = tmp_path / "digits.npz"
    result = run("-d", "digits", "--epochs", 1, "--layers", 16, "--batch-size", 256, "-o", out)
    assert result.returncode == 0, result.stderr
    _, meta = load_parameters(out)
    assert meta["layer_dims"] == [784, 16, 10] and meta["activations"][-1] == "softmax"
    assert meta["preprocessing"]["channels"] == 1 and meta["n_classes"] == 10


@pytest.mark.parametrize("args, fragment", [
    (["--epochs", "0"], "--epochs: expected a positive integer, got '0'"),
    (["--keep-prob", "1.5"], "--keep-prob: expected a probability in (0, 1]"),
    (["--dataset", "nope"], "--dataset/-d: invalid choice: 'nope'"),
    (["--optimizer", "sgd"], "invalid choice: 'sgd'"),
    (["--lr", "abc"], "--learning-rate/--lr: expected a positive number"),
    (["--val-fraction", "1"], "--val-fraction: expected a fraction strictly between 0 and 1"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_bad_flags_are_one_line_errors(args, fragment):
    assert_one_line_error(run(*args), 2, fragment, "--help")


@pytest.mark.parametrize("args, fragment", [
    (["-d", "flower", "--image-size", "8"], "--image-size: applies to the photo sets"),
    (["-d", "cats_vs_noncats", "--val-fraction", "0.2"], "cats_vs_noncats has its own validation split"),
    (["-d", "flower", "--layers", "4", "4", "--activation", "relu", "tanh", "relu"], "--activation: expected one"),
    (["-d", "flower", "-o", "out.txt"], "--output: expected a file name ending in .npz"),
])
def test_flags_that_do_not_fit_the_data_set(args, fragment):
    """A flag that does not fit the data set is a bad flag: exit 2, before any work."""
    result = run(*args)
    assert_one_line_error(result, 2, fragment, "(see python -m utils train --help)")
    assert result.stdout == ""


def test_missing_data_set_says_how_to_fetch_it(tmp_path):
    result = run("-d", "catvnoncat", "-o", tmp_path / "x.npz", env={"DATASETS_DIR": str(tmp_path / "empty")})
    assert_one_line_error(result, 1, "data set 'catvnoncat' not found", "python -m utils.datasets download catvnoncat")
    assert not (tmp_path / "x.npz").exists()


def test_diverging_training_is_a_one_line_error(tmp_path):
    result = run("-d", "moons", "--lr", "1e30", "--layers", 50, 50, "--activation", "relu", "--epochs", 20,
                 "-o", tmp_path / "x.npz")
    assert_one_line_error(result, 1, "--learning-rate: training diverged", "Try a smaller --learning-rate than 1e+30")
    assert not (tmp_path / "x.npz").exists()
