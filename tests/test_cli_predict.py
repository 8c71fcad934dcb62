"""`python -m utils predict`, driven as a subprocess, with parameters trained in tmp_path."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from utils.images import load_image
from utils.network import NeuralNetwork
from utils.persistence import load_parameters, predict_images, save_parameters
from cli_support import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "Datasets" / "cats_vs_noncats" / "test"


def run(command, *args):
    """Run ``python -m utils COMMAND ARGS``; returns the CompletedProcess (text output)."""
    # One BLAS thread: the matrices here are tiny, and on a busy machine threaded OpenBLAS is 10-50x slower.
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "utils", command, *map(str, args)], capture_output=True, text=True,
                          env=environ, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def cat_parameters(tmp_path_factory):
    """A small cat / non-cat network made by the train command: 32x32 photos, standardised."""
    path = tmp_path_factory.mktemp("params") / "cats32.npz"
    result = run("train", "-d", "cats_vs_noncats", "--image-size", 32, "--scaling", "standardize",
                 "--layers", 4, "--epochs", 30, "--optimizer", "adam", "--lr", 0.001, "-o", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def photos():
    return [sorted((PHOTOS / "cat").glob("*.jpg"))[0], sorted((PHOTOS / "non_cat").glob("*.jpg"))[0]]


def printed_probabilities(stdout):
    """{file: P(cat)} from the output rows."""
    rows = [line.split() for line in stdout.splitlines()[2:]]
    return {row[2]: float(row[0]) for row in rows}


def test_prints_the_probability_of_each_photo(cat_parameters, photos):
    result = run("predict", "--parameters", cat_parameters, *photos)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"parameters {cat_parameters}: trained on cats_vs_noncats, layer_dims [3072, 4, 1]")
    assert lines[1].split() == ["P(cat)", "class", "file"]
    printed = printed_probabilities(result.stdout)
    assert list(printed) == [str(p) for p in photos]
    # The same numbers as the library's own pipeline (load_image + recorded preprocessing).
    parameters, meta = load_parameters(cat_parameters)
    expected = predict_images(np.stack([load_image(p, 32) for p in photos]), parameters, meta)
    np.testing.assert_allclose(list(printed.values()), expected, atol=6e-4)
    for line, p in zip(lines[2:], expected):
        assert line.split()[1] == ("cat" if p > 0.5 else "non-cat")


def test_unreadable_files_are_reported_and_the_others_predicted(cat_parameters, photos, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 this is not a JPEG")
    missing = tmp_path / "missing.png"
    result = run("predict", "-p", cat_parameters, photos[0], broken, missing)
    assert result.returncode == 1
    assert list(printed_probabilities(result.stdout)) == [str(photos[0])]
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(f"error: {broken}: not a readable image")
    assert errors[1] == f"error: {missing}: no such image file"
    assert errors[2] == "error: 2 of 3 file(s) could not be read"
    assert "Traceback" not in result.stderr


def test_a_single_unreadable_file(cat_parameters, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = run("predict", "-p", cat_parameters, empty)
    assert result.returncode == 1
    assert f"error: {empty}: not a readable image (empty file)" in result.stderr


def test_missing_parameters_say_how_to_make_them(tmp_path, photos):
    result = run("predict", "--parameters", tmp_path / "nothing.npz", photos[0])
    assert_one_line_error(result, 1, "no parameters file at", "project.ipynb",
                          "python -m utils train --dataset cats_vs_noncats")


def test_refuses_digits_parameters(tmp_path, photos):
    # What `python -m utils train -d digits` saves (tested in test_cli_train.py), made here in-process.
    X, y = np.random.default_rng(0).random((784, 20)), np.arange(20) % 10
    model = NeuralNetwork(hidden_layers=(8,), epochs=1).fit(X, y)
    path = model.save(tmp_path / "digits.npz", dataset="digits",
                      preprocessing={"image_size": 28, "scaling": "unit", "channels": 1})
    assert_one_line_error(run("predict", "-p", path, photos[0]), 1,
                          "was trained on 'digits' (28x28 grey images, 10 outputs)", "not on colour cat photos")


def test_refuses_planar_parameters(tmp_path, photos):
    model = NeuralNetwork(hidden_layers=(3,), epochs=2).fit(np.zeros((2, 4)), np.array([[0, 1, 0, 1]]))
    path = model.save(tmp_path / "moons.npz", dataset="moons", preprocessing=None)
    assert_one_line_error(run("predict", "-p", path, photos[0]), 1,
                          "records no image preprocessing (data set 'moons', layer_dims [2, 3, 1])")


def test_refuses_parameters_for_another_image_size(tmp_path, photos):
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.normal(size=(4, 16 * 16 * 3)).astype(np.float32), "b1": np.zeros((4, 1), np.float32),
                  "W2": rng.normal(size=(1, 4)).astype(np.float32), "b2": np.zeros((1, 1), np.float32)}
    metadata = {"layer_dims": [768, 4, 1], "activations": ["relu", "sigmoid"], "dataset": "cats_vs_noncats",
                "preprocessing": {"image_size": 64, "scaling": "unit"}}
    with pytest.raises(ValueError, match=r"photos of 64x64x3 make n_0 = 12288 inputs, but W1 takes n_0 = 768"):
        save_parameters(tmp_path / "refused.npz", parameters, **metadata)
    path = tmp_path / "mismatch.npz"  # written by hand: what save_parameters refuses to write
    np.savez(path, __metadata__=np.array(json.dumps(metadata)), **parameters)
    assert_one_line_error(run("predict", "-p", path, photos[0]), 1, "mismatch.npz",
                          "photos of 64x64x3 make n_0 = 12288 inputs, but W1 takes n_0 = 768",
                          "save the preprocessing the network was trained with")


def _huge_header_file(path):
    """A parameters file whose W1 header claims 2 TiB of data."""
    n = 2**19
    header = repr({"descr": "<f8", "fortran_order": False, "shape": (n, n)}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    metadata = io.BytesIO()
    np.lib.format.write_array(metadata, np.array(json.dumps({"layer_dims": [n, n]})))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__metadata__.npy", metadata.getvalue())
        archive.writestr("W1.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 8)
    return path


def _bad_parameter_file(kind, folder: Path, good: Path) -> Path:
    if kind == "folder":
        (folder / "folder.npz").mkdir()
        return folder / "folder.npz"
    if kind == "link loop":
        (folder / "a.npz").symlink_to(folder / "b.npz")
        (folder / "b.npz").symlink_to(folder / "a.npz")
        return folder / "a.npz"
    if kind == "truncated":
        (folder / "cut.npz").write_bytes(good.read_bytes()[:-300])
        return folder / "cut.npz"
    if kind == "experiment cache":
        np.savez(folder / "results.npz", **{"adam/cost": np.zeros(3)})
        return folder / "results.npz"
    return _huge_header_file(folder / "huge.npz")


@pytest.mark.parametrize("kind, fragment", [
    ("folder", "is a folder, not a parameters file"),
    ("link loop", "is a symbolic link that loops back on itself"),
    ("truncated", "is not a readable .npz parameters file"),
    ("experiment cache", "not one written by save_parameters"),
    ("header of 2 TiB", "its header describes 2,199,023,255,552 bytes of data"),
])
def test_a_bad_parameters_file_is_one_line_and_exit_1(cat_parameters, photos, tmp_path, kind, fragment):
    path = _bad_parameter_file(kind, tmp_path, cat_parameters)
    assert_one_line_error(run("predict", "-p", path, photos[0]), 1, fragment)


def test_predictions_that_overflow_are_an_error_not_nan(tmp_path, photos):
    dims = [12, 4, 4, 4, 4, 4, 1]
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.full((dims[l], dims[l - 1]), 1e6, np.float32)
        parameters[f"b{l}"] = np.zeros((dims[l], 1), np.float32)
    parameters["W6"][0, ::2] = -1e6
    path = save_parameters(tmp_path / "overflow.npz", parameters, activations=["relu"] * 5 + ["sigmoid"],
                           preprocessing={"image_size": 2, "scaling": "unit"}, dataset="cats_vs_noncats")
    result = run("predict", "-p", path, photos[0])
    assert "nan" not in result.stdout
    assert_one_line_error(result, 1, "predictions: the network's output overflows (float32) to NaN or inf")


def test_refuses_a_file_that_is_not_parameters(tmp_path, photos):
    bogus = tmp_path / "bogus.npz"
    bogus.write_text("not an archive")
    assert_one_line_error(run("predict", "-p", bogus, photos[0]), 1, "is not a readable .npz parameters file")


def test_no_path_is_a_usage_error():
    assert_one_line_error(run("predict"), 2, "the following arguments are required: PATH")
