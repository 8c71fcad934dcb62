"""Values the flags give are checked by the library's own rules before any work: a refused value exits with 2 and
one line naming the flag (never the library's argument name), before the data are loaded or anything is trained.

The argparse types refuse what is not a number (tests/test_cli_guards.py); here are the numbers that parse but that
the library refuses: past MAX_ITERATIONS, MAX_LAYERS or MAX_PARAMETERS, seed + epochs past 2**32, flags that do not
fit the data set. Most cases run ``main(argv)`` in-process with the data loaders replaced by a trap.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from utils.atomic import longest_name

import utils.cli as cli
import utils.commands.compare as compare
import utils.commands.train as train
from utils.checks import MAX_ITERATIONS, MAX_LAYERS, MAX_SEED
from cli_support import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent
HUGE = "99999999999999999999"


@pytest.fixture
def no_work(monkeypatch):
    """Loading data (the first work a command does) fails the test."""
    def load(*args, **kwargs):
        raise AssertionError("the data were loaded before the flags were checked")
    monkeypatch.setattr(train, "load_data", load)
    monkeypatch.setattr(compare, "load_dataset", load)


def exit_status(main, argv):
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def refused(main, argv, capsys, *fragments, command="train"):
    """main(argv) exits with 2, prints one line 'error: <flag>: ...' with `fragments`, nothing on stdout."""
    assert exit_status(main, argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: --"), err
    assert err.rstrip().endswith(f"(see python -m utils {command} --help)"), err
    for fragment in fragments:
        assert fragment in err, err
    return err


# ---------------------------------------------------------------- train

@pytest.mark.parametrize("argv, fragments", [
    (["--epochs", HUGE], ["--epochs: expected a non-negative integer of at most 1,000,000 (MAX_ITERATIONS)",
                          f"got {HUGE}"]),
    (["--epochs", HUGE, "--batch-size", "10"], ["--epochs: expected", f"got {HUGE}"]),  # the review's case
    (["--epochs", str(MAX_ITERATIONS + 1)], ["--epochs:", f"got {MAX_ITERATIONS + 1}"]),
    (["--batch-size", "10", "--seed", str(MAX_SEED), "--epochs", "5"],
     ["--seed, --epochs: expected seed + epochs <= 2**32 with mini-batches", f"got seed {MAX_SEED} + epochs 5",
      f"give a seed of at most {MAX_SEED + 1 - 5} or at most 1 epochs"]),
    (["--batch-size", "1", "--seed", str(MAX_SEED - 10), "--epochs", "1000"], ["--seed, --epochs:"]),
    (["--layers", "5000", "5000", "5000", "5000", "5000"],
     ["--layers: expected a network of at most 1e+08 weights and biases", "already in the hidden layers"]),
    (["--layers", str(10 ** 12)], ["--layers: expected a network of at most 1e+08", "got 1e+12"]),
    (["--layers", *["1"] * MAX_LAYERS], [f"--layers: expected at most {MAX_LAYERS - 1} hidden layers",
                                         f"got {MAX_LAYERS}"]),
    (["--layers", "4", "4", "--activation", "relu", "tanh", "relu"], ["--activation: expected one name or 2"]),
    (["--layers", "4", "--activation", "relu", "tanh"], ["--activation:"]),
    (["--image-size", "8"], ["--image-size: applies to the photo sets"]),
    (["--scaling", "standardize"], ["--scaling: applies to the photo sets"]),
    (["-o", "out.txt"], ["--output: expected a file name ending in .npz"]),
])
def test_train_refuses_values_the_library_refuses_before_any_work(argv, fragments, no_work, capsys, tmp_path):
    refused(train.main, ["-d", "flower", "--output-dir", str(tmp_path), *argv], capsys, *fragments)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, fragments", [
    (["-d", "catvnoncat", "--layers", "5000", "5000", "5000"],   # the review's case: 1.11e8 weights on 64x64 photos
     ["--layers, --image-size: expected a network of at most 1e+08 weights and biases", "got 1.11e+08",
      "[12288, 5000, 5000, 5000, 1]", "use fewer or smaller --layers or a smaller --image-size"]),
    (["-d", "catvnoncat", "--image-size", "100000"], ["--image-size: expected at most 256 pixels a side", "got 100000"]),
    (["-d", "cats_vs_noncats", "--image-size", "256", "--layers", "1000"],
     ["--layers, --image-size:", "got 1.97e+08", "[196608, 1000, 1]"]),
    (["-d", "digits", "--layers", "200000", "600"], ["--layers: expected a network of at most 1e+08"]),
    (["-d", "cats_vs_noncats", "--val-fraction", "0.2"], ["--val-fraction: cats_vs_noncats has its own"]),
])
def test_train_checks_the_network_size_on_the_data_set_before_loading_it(argv, fragments, no_work, capsys, tmp_path):
    refused(train.main, [*argv, "--output-dir", str(tmp_path)], capsys, *fragments)


def test_the_library_s_argument_names_never_reach_the_user(no_work, capsys, tmp_path):
    """Every refusal names a flag: none of NeuralNetwork's names (hidden_layers, learning_rate, ...) appears."""
    cases = [["--epochs", HUGE], ["--layers", str(10 ** 9)], ["--layers", *["2"] * 2000],
             ["--batch-size", "3", "--seed", str(MAX_SEED)], ["--epochs", str(10 ** 7), "--lr", "1e308"]]
    for argv in cases:
        err = refused(train.main, ["-d", "flower", "--output-dir", str(tmp_path), *argv], capsys)
        head = err.split(": ", 2)[1]
        assert all(name.strip().startswith("--") for name in head.split(",")), err
        for name in ("hidden_layers", "learning_rate", "num_iterations", "batch_size", "keep_prob"):
            assert name not in err, err


def test_a_validation_share_that_leaves_nothing_out_is_a_bad_flag(capsys, tmp_path):
    """Known only once the labels are read, still before training: exit 2, naming --val-fraction."""
    refused(train.main, ["-d", "flower", "--val-fraction", "1e-9", "--output-dir", str(tmp_path)], capsys,
            "--val-fraction: a share of 1e-09 of 320 examples leaves nothing out")
    assert list(tmp_path.iterdir()) == []


def test_good_values_at_the_bounds_still_train(capsys, tmp_path):
    """The largest seed works with full batch; seed + epochs = 2**32 exactly works with mini-batches."""
    assert train.main(["-d", "flower", "--epochs", "2", "--seed", str(MAX_SEED), "-o", str(tmp_path / "a.npz"),
                       "--no-progress"]) == 0
    assert train.main(["-d", "flower", "--epochs", "2", "--batch-size", "64", "--seed", str(MAX_SEED - 1),
                       "-o", str(tmp_path / "b.npz"), "--no-progress"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz", "b.npz"]


def test_the_review_s_command_line(tmp_path):
    """The review's case as a user sees it: the flag at fault, exit 2, nothing printed on stdout."""
    result = subprocess.run([sys.executable, "-m", "utils", "train", "-d", "flower", "--epochs", HUGE,
                             "--batch-size", "10", "-o", str(tmp_path / "x.npz")], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}, cwd=ROOT,
                            timeout=120)
    assert_one_line_error(result, 2, f"error: --epochs: expected a non-negative integer of at most 1,000,000 "
                          f"(MAX_ITERATIONS), got {HUGE} (see python -m utils train --help)")
    assert result.stdout == "" and "seed" not in result.stderr


# ---------------------------------------------------------------- compare

@pytest.mark.parametrize("argv, fragments", [
    (["--iterations", HUGE], ["--iterations: expected a non-negative integer of at most 1,000,000", f"got {HUGE}"]),
    (["--epochs", str(MAX_ITERATIONS + 1)], ["--iterations:"]),  # --epochs is another name of --iterations
    (["--image-size", "2000"], ["--image-size: expected at most 256 pixels a side", "got 2000"]),
    (["--image-size", HUGE, "--quick"], ["--image-size:"]),
    (["--learning-rate", "1e308", "--iterations", str(10 ** 8)], ["--iterations:"]),
])
def test_compare_refuses_values_the_library_refuses_before_any_work(argv, fragments, no_work, capsys):
    refused(compare.main, argv, capsys, *fragments, command="compare")


# ---------------------------------------------------------------- the flag names

@pytest.mark.parametrize("message, expected", [
    ("learning_rate: training diverged at epoch 3: the cost grew. Try a smaller learning_rate than 1.0.",
     "--learning-rate: training diverged at epoch 3: the cost grew. Try a smaller --learning-rate than 1.0."),
    ("keep_prob: diverged. Dropout scales by 1/keep_prob = 1e+300: try a keep_prob of 0.5",
     "--keep-prob: diverged. Dropout scales by 1/keep_prob = 1e+300: try a --keep-prob of 0.5"),
    ("seed, epochs: expected seed + epochs <= 2**32", "--seed, --epochs: expected seed + epochs <= 2**32"),
    ("hidden_layers: expected ... for layer_dims [2, 4, 1]", "--layers: expected ... for layer_dims [2, 4, 1]"),
    ("X: training diverged: scale the inputs", "X: training diverged: scale the inputs"),   # no flag: unchanged
    ("this run would need 1 GB: use fewer --layers", "this run would need 1 GB: use fewer --layers"),
    ("no head at all", "no head at all"),
])
def test_name_flags(message, expected):
    assert cli.name_flags(message) == expected


def test_name_flags_takes_the_command_s_own_names():
    assert cli.name_flags("num_iterations: expected ...", {"num_iterations": "--steps"}) == "--steps: expected ..."


# ---------------------------------------------------------------- the output name fits the file system

def test_a_default_file_name_too_long_for_the_file_system_is_refused_before_any_work(no_work, capsys, tmp_path):
    """The default name grows with --layers (flower_3-3-...-3.npz): refused at once, not after the training."""
    assert train.main(["-d", "flower", "--output-dir", str(tmp_path), "--layers", *["3"] * 200]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: --output-dir: cannot write "), err
    assert "its file name is 410 bytes long, more than the " in err and "give a file name with --output" in err
    assert list(tmp_path.iterdir()) == []
    assert train.main(["-d", "flower", "-o", str(tmp_path / ("a" * 300 + ".npz"))]) == 1
    assert "error: --output: cannot write " in capsys.readouterr().err


def test_the_longest_name_that_fits_is_saved(tmp_path, capsys):
    path = tmp_path / ("a" * (longest_name(tmp_path) - 4) + ".npz")
    assert train.main(["-d", "flower", "--epochs", "2", "-o", str(path), "--no-progress"]) == 0
    assert path.is_file()
