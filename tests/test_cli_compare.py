"""`python -m utils compare`, driven as a subprocess with few iterations on small photos."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    # One BLAS thread: the matrices here are tiny, and on a busy machine threaded OpenBLAS is 10-50x slower.
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "utils", "compare", *map(str, args)], capture_output=True,
                          text=True, env=environ, cwd=ROOT, timeout=120)


def rows(stdout):
    """{(data set, model): (layer dims, [train, val, test] as float % or 'n/a', seconds)} from the table."""
    table = {}
    for line in stdout.splitlines()[2:]:
        dataset, model, rest = line[:17].strip(), line[17:26].strip(), line[26:]
        dims, numbers = rest[:22].strip(), rest[22:].replace("%", "").split()
        acc = [v if v == "n/a" else float(v) for v in numbers[:3]]
        table[dataset, model] = (dims, acc, float(numbers[3]))
    return table


def test_compares_both_models_on_both_data_sets():
    result = run("--quick", "--iterations", 30)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "30 iterations of gradient descent, lr 0.0075, photos 32x32, scaling unit, seed 1"
    assert lines[1].split() == ["data", "set", "model", "layer", "dims", "train", "val", "test", "time"]
    table = rows(result.stdout)
    assert list(table) == [("catvnoncat", "2-layer"), ("catvnoncat", "4-layer"),
                           ("cats_vs_noncats", "2-layer"), ("cats_vs_noncats", "4-layer")]
    assert table["catvnoncat", "2-layer"][0] == "[3072, 7, 1]"
    assert table["cats_vs_noncats", "4-layer"][0] == "[3072, 20, 7, 5, 1]"
    for (dataset, _), (_, acc, seconds) in table.items():
        assert (acc[1] == "n/a") == (dataset == "catvnoncat")  # catvnoncat has no validation split
        assert all(0 <= a <= 100 for a in acc if a != "n/a") and seconds >= 0


def test_the_same_flags_give_the_same_table():
    """The course's own recipe is deterministic: the same flags give the same table."""
    first = run("--datasets", "catvnoncat", "--iterations", 40, "--image-size", 8)
    second = run("--datasets", "catvnoncat", "--iterations", 40, "--image-size", 8)
    assert first.returncode == second.returncode == 0
    strip_time = [{k: v[:2] for k, v in rows(r.stdout).items()} for r in (first, second)]
    assert strip_time[0] == strip_time[1] and len(strip_time[0]) == 2


@pytest.mark.parametrize("args, fragment", [
    (["--iterations", "0"], "--iterations/--epochs: expected a positive integer, got '0'"),
    (["--datasets", "digits"], "invalid choice: 'digits'"),
    (["--learning-rate", "-1"], "expected a positive number, got '-1'"),
])
def test_bad_flags_are_one_line_errors(args, fragment):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and fragment in result.stderr


def test_missing_data_set_is_a_one_line_error(tmp_path):
    result = run("--quick", env={"DATASETS_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "data set 'catvnoncat' not found" in result.stderr
    assert "python -m utils.datasets download catvnoncat" in result.stderr


def test_a_diverging_model_is_a_one_line_error_not_a_row():
    """The course's functions stop only on NaN / inf; compare also stops on a cost far past its start."""
    result = run("--datasets", "catvnoncat", "--iterations", 20, "--image-size", 8, "--learning-rate", 1e30)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --learning-rate: training diverged at "
                                                                        "iteration "), result.stderr
    assert "of 2-layer on catvnoncat" in result.stderr and "Try a smaller --learning-rate than 1e+30" in result.stderr
    assert len(result.stdout.splitlines()) == 2  # the heading lines only: no row for a diverged network


@pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
def test_an_error_quoting_an_odd_folder_name_is_one_escaped_line(tmp_path, encoding):
    """A data folder whose name holds ESC, CR, LF, U+202E and a byte that is not UTF-8."""
    folder = os.fsencode(tmp_path) + b"/D\x1b[2J\rx\ny\xe2\x80\xae\xff\xc3\xa9"
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
               "PYTHONIOENCODING": encoding}
    environ = {os.fsencode(k): os.fsencode(v) for k, v in environ.items()} | {b"DATASETS_DIR": folder}
    result = subprocess.run([sys.executable, "-m", "utils", "compare", "--quick"], capture_output=True,
                            env=environ, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    for byte in (b"\x1b", b"\r", b"\xe2\x80\xae", b"\xff"):
        assert byte not in result.stdout + result.stderr
    stdout, stderr = result.stdout.decode(encoding), result.stderr.decode(encoding)
    assert len(stdout.splitlines()) == 2 and stderr.count("\n") == 1, stderr
    e_acute = "é" if encoding == "utf-8" else "\\xe9"
    assert stderr.startswith(f"error: data set 'catvnoncat' not found at "
                             f"{tmp_path}/D\\x1b[2J\\rx\\ny\\u202e\\udcff{e_acute}/catvnoncat/")
    assert stderr.rstrip("\n").isprintable()


@pytest.mark.parametrize("module", ["compare", "predict"])
def test_every_line_goes_out_through_echo(module):
    """compare and predict print through utils.text.echo only, which escapes for the stream's encoding
    (a name the encoding lacks cannot stop a run after its training)."""
    import ast

    tree = ast.parse((ROOT / "utils" / "commands" / f"{module}.py").read_text())
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "print" not in calls and "echo" in calls
