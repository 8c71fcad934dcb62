"""What the commands check before any work, and how they stop: bad numbers in flags (exit 2), an output that
cannot be written, a run too large for the machine's memory, a diverging training, SIGTERM (exit 1 or 143).

Most cases call ``main(argv)`` in-process (fast); the subprocess tests are the ones a user would see differently.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import utils.cli as cli
import utils.commands as commands
import utils.commands.compare as compare
import utils.commands.predict as predict
import utils.commands.train as train
import utils.datasets as datasets
from utils.persistence import save_parameters
from cli_support import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent

POSITIVE_INT = ["0", "-3", "2.5", "ten"]
POSITIVE_FLOAT = ["0", "-1", "nan", "inf", "1e400", "fast"]
NON_NEGATIVE_FLOAT = ["-0.1", "nan", "inf"]
PROBABILITY = ["0", "1.5", "-0.5", "nan"]
FRACTION = ["0", "1", "1.5", "nan"]
SEED = ["-1", "4294967296", "2.5"]

#: {command: {flag: bad values}}: every flag of every command that takes a number.
NUMERIC_FLAGS = {
    "train": {"--layers": POSITIVE_INT, "--learning-rate": POSITIVE_FLOAT, "--epochs": POSITIVE_INT,
              "--batch-size": POSITIVE_INT, "--lambd": NON_NEGATIVE_FLOAT, "--keep-prob": PROBABILITY,
              "--seed": SEED, "--image-size": POSITIVE_INT, "--val-fraction": FRACTION},
    "compare": {"--iterations": POSITIVE_INT, "--learning-rate": POSITIVE_FLOAT, "--image-size": POSITIVE_INT,
                "--seed": SEED},
    "predict": {},
    "download": {"--workers": POSITIVE_INT, "--timeout": POSITIVE_FLOAT, "--retries": ["-1", "2.5"]},
}


def run(command, *args, wait=True, prefix=()):
    """Run ``python -m utils COMMAND ARGS`` (one BLAS thread); the CompletedProcess, or the Popen with wait=False."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    line = [*prefix, sys.executable, "-m", "utils", command, *map(str, args)]
    if not wait:
        return subprocess.Popen(line, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ, cwd=ROOT)
    return subprocess.run(line, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=120)


def call(command, *args):
    """The exit status of ``python -m utils COMMAND ARGS`` run in-process (argparse exits through SystemExit)."""
    try:
        return commands.main([command, *map(str, args)])
    except SystemExit as stop:
        return stop.code


# ---------------------------------------------------------------- flags: exit 2, the flag named

def test_every_numeric_flag_is_listed():
    """A new flag taking a number must be added to NUMERIC_FLAGS (and so get its bad-value tests)."""
    for command, build in (("train", train.build_parser), ("compare", compare.build_parser),
                           ("predict", predict.build_parser)):
        typed = {action.option_strings[0] for action in build()._actions
                 if action.option_strings and action.type not in (None, Path)}
        assert typed == set(NUMERIC_FLAGS[command]), command


@pytest.mark.parametrize("command, flag, value", [
    (command, flag, value) for command, flags in NUMERIC_FLAGS.items() for flag, values in flags.items()
    for value in values])
def test_a_bad_number_exits_2_naming_the_flag(command, flag, value, capsys):
    code = call(command, f"{flag}={value}")
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"argument {flag}" in err and f"got '{value}'" in err and "Traceback" not in err
    if command != "download":  # the commands' own parser: one line, no usage block
        assert err.count("\n") == 1 and err.startswith("error: argument "), err


def test_the_seed_message_says_the_range():
    result = run("train", "--seed", "-1")
    assert_one_line_error(result, 2, "error: argument --seed: expected an integer 0..4294967295, got '-1'")


# ---------------------------------------------------------------- the output file, checked before training

def test_an_output_under_a_regular_file_is_refused_before_training(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    result = run("train", "-d", "flower", "-o", tmp_path / "notes.txt" / "out.npz")
    assert_one_line_error(result, 1, "--output: cannot write", "notes.txt is a file, not a folder")
    assert result.stdout == ""  # nothing loaded, nothing trained


def as_a_user():
    """A command prefix that takes away root's power to write in any folder (none needed when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and no setpriv to drop CAP_DAC_OVERRIDE: root writes in read-only folders")
    return ["setpriv", "--bounding-set", "-dac_override", "--inh-caps", "-dac_override"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_output_in_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run("train", "-d", "flower", "-o", folder / "sub" / "out.npz", prefix=as_a_user())
    finally:
        folder.chmod(0o755)
    assert_one_line_error(result, 1, f"error: --output: cannot write {folder / 'sub' / 'out.npz'}: no file can be "
                          f"made in {folder} (Permission denied)")
    assert result.stdout == "" and list(folder.iterdir()) == []


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="Linux's /sys: read-only even for root")
def test_an_output_in_a_folder_where_no_file_can_be_made_is_refused(capsys):
    assert train.main(["-d", "flower", "--output-dir", "/sys/kernel"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: --output-dir: cannot write /sys/kernel/flower_4.npz: no file can be "
                                        "made in /sys/kernel ("), err


def test_an_output_that_is_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "x.npz").mkdir()
    assert train.main(["-d", "flower", "-o", str(tmp_path / "x.npz")]) == 1
    assert capsys.readouterr().err == f"error: --output: {tmp_path / 'x.npz'} is a folder; give a file name ending " \
                                      "in .npz\n"


def test_missing_output_folders_are_created(tmp_path, capsys):
    out = tmp_path / "new" / "sub" / "x.npz"
    assert train.main(["-d", "flower", "--epochs", "3", "-o", str(out), "--no-progress"]) == 0
    assert out.is_file() and sorted(p.name for p in out.parent.iterdir()) == ["x.npz"]


# ---------------------------------------------------------------- memory, estimated before any work

def test_memory_estimate_counts_data_weights_and_activations():
    # [3, 4, 1]: 3*4 + 4 + 4*1 + 1 = 21 parameters; m = 10 examples, batches of 5, float32, Adam (2 more copies)
    assert cli.memory_estimate([3, 4, 1], 10, batch=5, itemsize=4, optimizer_copies=2) == {
        "data": 3 * 10 * 4, "weights": 21 * 4 * 5, "activations": 4 * (4 + 1) * 5 * 4}
    assert cli.memory_estimate([3, 4, 1], 10, batch=500)["activations"] == 4 * 5 * 10 * 4  # a batch of at most m


def test_available_memory_is_read_from_the_system():
    available = cli.available_memory()
    assert available is None or available > 0
    if Path("/proc/meminfo").is_file():
        assert available > 1e6


@pytest.mark.parametrize("n, text", [(512, "512 B"), (12_345_678, "12.3 MB"), (21 * 10**9, "21.0 GB"),
                                     (7_300_000_000_000, "7.3 TB"), (10**40, "10^40 B")])
def test_format_bytes(n, text):
    assert cli.format_bytes(n) == text


def test_a_run_larger_than_the_memory_is_refused_with_the_estimate(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "available_memory", lambda: 2 * 10**8)
    path = str(tmp_path / "x.npz")
    # 3 x 256^2 inputs x 20 units: 3.9e6 weights, under MAX_PARAMETERS, but 0.4 GB of photos in float64
    assert train.main(["-d", "catvnoncat", "--image-size", "256", "--layers", "20", "-o", path]) == 1
    out, err = capsys.readouterr()
    assert out == "" and list(tmp_path.iterdir()) == []
    n_x = 3 * 256**2
    expected = cli.memory_estimate([n_x, 20, 1], 259, itemsize=8)   # float64, the command's default --dtype
    assert sum(expected.values()) > 2 * 10**8
    assert err == (f"error: this run would need about {cli.format_bytes(sum(expected.values()))} of memory "
                   f"(data {cli.format_bytes(expected['data'])}, weights {cli.format_bytes(expected['weights'])}, "
                   f"activations {cli.format_bytes(expected['activations'])}); this machine has "
                   f"{cli.format_bytes(2 * 10**8)} available. Use fewer or smaller --layers or a smaller --image-size\n")
    assert train.main(["-d", "catvnoncat", "--image-size", "256", "--layers", "20", "-o", path,
                       "--dtype", "float32"]) == 1                                  # half of it in float32
    expected32 = cli.memory_estimate([n_x, 20, 1], 259, itemsize=4)
    assert f"about {cli.format_bytes(sum(expected32.values()))} of memory" in capsys.readouterr().err


def test_the_memory_check_passes_when_there_is_room_or_no_figure(monkeypatch):
    parts = {"data": 10**9, "weights": 10**9}
    monkeypatch.setattr(cli, "available_memory", lambda: 3 * 10**9)
    cli.check_memory(parts, "")
    monkeypatch.setattr(cli, "available_memory", lambda: None)  # the system does not say: no check
    cli.check_memory({"data": 10**30}, "")
    monkeypatch.setattr(cli, "available_memory", lambda: 10**9)
    with pytest.raises(cli.CLIError, match=r"about 2\.0 GB of memory .*; this machine has 1\.0 GB available\. Advice"):
        cli.check_memory(parts, "Advice")


def test_compare_checks_the_memory_of_its_largest_run(monkeypatch, capsys):
    monkeypatch.setattr(cli, "available_memory", lambda: 10**9)
    assert compare.main(["--image-size", "256"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: this run would need about ") and "Use a smaller --image-size" in err


def test_absurd_layers_are_refused_at_once(tmp_path):
    """A network past MAX_PARAMETERS is a bad --layers (exit 2), refused before the memory check and any work."""
    result = run("train", "-d", "flower", "--layers", 10**12, "-o", tmp_path / "x.npz")
    assert_one_line_error(result, 2, "error: --layers: expected a network of at most 1e+08 weights and biases",
                          "use fewer or smaller layers")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_the_data_set_sizes_of_the_memory_check_are_right():
    train_x, _, test_x, _, _ = datasets.load_catvnoncat()
    assert train.EXAMPLES["catvnoncat"] == len(train_x) + len(test_x)
    assert train.EXAMPLES["cats_vs_noncats"] == len(datasets.read_split_manifest())
    train_x, _, test_x, _ = datasets.load_digits()
    assert train.EXAMPLES["digits"] == len(train_x) + len(test_x)
    sizes = train.load_data("moons").sizes()
    assert train.EXAMPLES["moons"] == sizes["train"] + sizes["test"]


# ---------------------------------------------------------------- divergence: nothing saved

def test_a_diverging_run_leaves_a_good_file_untouched(tmp_path):
    good = tmp_path / "good.npz"
    save_parameters(good, {"W1": np.ones((4, 2), np.float32), "b1": np.zeros((4, 1), np.float32),
                           "W2": np.ones((1, 4), np.float32), "b2": np.zeros((1, 1), np.float32)})
    before = good.read_bytes()
    result = run("train", "-d", "flower", "--learning-rate", "1e30", "-o", good)
    assert_one_line_error(result, 1, "error: --learning-rate: training diverged at epoch 1: the cost grew from 0.6931 "
                          "to ", "Try a smaller --learning-rate than 1e+30.")
    assert good.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["good.npz"]


# ---------------------------------------------------------------- SIGTERM: a clean exit, no temporary file

def test_sigterm_during_training_exits_143_without_a_file(tmp_path):
    process = run("train", "-d", "flower", "--epochs", 10**6, "-o", tmp_path / "x.npz", wait=False)  # MAX_ITERATIONS
    try:
        for line in process.stdout:  # the "network ..." line is printed just before training starts
            if line.startswith("network"):
                break
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 143 and err == "terminated\n", err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_while_saving_removes_the_temporary_file(tmp_path, monkeypatch, capsys):
    """run's SIGTERM handler and write_atomically's clean-up work together: no .tmp file, the old file kept."""
    path = tmp_path / "x.npz"
    path.write_bytes(b"the good file")
    real_savez = np.savez

    def savez_then_sigterm(file, **arrays):
        real_savez(file, **arrays)
        # a handler must be in place, else SIGTERM would end pytest itself
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs here

    monkeypatch.setattr(np, "savez", savez_then_sigterm)
    weights = {"W1": np.ones((1, 2), np.float32), "b1": np.zeros((1, 1), np.float32)}
    before = signal.getsignal(signal.SIGTERM)
    assert cli.run(lambda argv: save_parameters(path, weights)) == 143
    assert capsys.readouterr().err == "terminated\n"
    assert path.read_bytes() == b"the good file" and [p.name for p in tmp_path.iterdir()] == ["x.npz"]
    assert signal.getsignal(signal.SIGTERM) is before  # run put the handler back
