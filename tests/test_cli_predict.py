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


# ------------------------------------------------------------------ undecodable photos, odd names, hostile metadata

def _run_bytes(*args, encoding="utf-8"):
    """``python -m utils predict ARGS`` with byte-string arguments (file names that are not UTF-8) and
    PYTHONIOENCODING=`encoding`; returns the CompletedProcess with stdout / stderr as bytes."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
               "PYTHONIOENCODING": encoding}
    return subprocess.run([sys.executable, "-m", "utils", "predict", *[os.fsencode(a) for a in args]],
                          capture_output=True, env=environ, cwd=ROOT, timeout=120)


def _safe_lines(output: bytes, encoding: str) -> list:
    """The lines of a command's output, after checking that no byte could drive the terminal."""
    for byte in (b"\x1b", b"\r", b"\x00", b"\x07", b"\x9b", b"\xe2\x80\xae"):
        assert byte not in output, (byte, output)
    text = output.decode(encoding)
    assert all(line.isprintable() for line in text.splitlines()), text
    return text.splitlines()


@pytest.mark.filterwarnings("ignore:IM image format is deprecated:DeprecationWarning")
def test_an_undecodable_photo_costs_only_its_own_line(cat_parameters, photos, tmp_path):
    """Files that make Pillow raise NotImplementedError or TypeError (not OSError) among good photos."""
    from test_images_hostile import dds_with_unknown_pixel_format, im_with_a_fractional_size

    dds, im = tmp_path / "holiday.jpg", tmp_path / "scan.png"
    dds.write_bytes(dds_with_unknown_pixel_format())
    im.write_bytes(im_with_a_fractional_size())
    result = run("predict", "-p", cat_parameters, photos[0], dds, photos[1], im)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert list(printed_probabilities(result.stdout)) == [str(photos[0]), str(photos[1])]
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"error: {dds}: not a readable image (NotImplementedError: ")
    assert errors[1].startswith(f"error: {im}: not a readable image (TypeError: ")
    assert errors[2:] == ["error: 2 of 4 file(s) could not be read"]


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
def test_odd_names_and_the_file_s_text_are_printed_escaped(cat_parameters, photos, tmp_path, encoding):
    parameters, metadata = load_parameters(cat_parameters)
    evil = save_parameters(tmp_path / "evil.npz", parameters, activations=metadata["activations"],
                           preprocessing=metadata["preprocessing"],
                           dataset="cats\x1b[2J\r\n 0.999  cat      forged.jpg\u202e\t\x00 \u20ac",
                           class_names=["non\x1b[31m-cat\n", "c\u00e9t\r\x07\u202e"])
    names = [b"c\xffat \xc3\xa9.jpg", b"a\x1b[2J\nb\xe2\x80\xae\t.jpg"]
    odd = []
    for name, photo in zip(names, photos):
        path = tmp_path / os.fsdecode(name)
        path.write_bytes(photo.read_bytes())
        odd.append(path)
    broken = tmp_path / os.fsdecode(b"bro\xfeken\x1b[2J\n.png")
    broken.write_bytes(b"\x89PNG not really")
    result = _run_bytes("-p", evil, odd[0], broken, odd[1], encoding=encoding)
    assert result.returncode == 1
    out, err = _safe_lines(result.stdout, encoding), _safe_lines(result.stderr, encoding)
    assert len(out) == 4, out  # describe, the heading, one line per photo: nothing forged
    e_acute = "é" if encoding != "ascii" else "\\xe9"
    euro = "€" if encoding == "utf-8" else "\\u20ac"
    assert out[0].startswith(f"parameters {cli_path(evil)}: trained on cats\\x1b[2J\\r\\n 0.999  cat      "
                             f"forged.jpg\\u202e\\t\\x00 {euro}, layer_dims [3072, 4, 1]")
    labels = {"non\\x1b[31m-cat\\n", f"c{e_acute}t\\r\\x07\\u202e"}
    files = [f"{tmp_path}/c\\udcffat {e_acute}.jpg", f"{tmp_path}/a\\x1b[2J\\nb\\u202e\\t.jpg"]
    for line, file in zip(out[2:], files):  # "P(cat)  class    file"
        label, shown = line[8:].split(" ", 1)
        assert 0 <= float(line[:6]) <= 1 and label in labels and shown.lstrip() == file, line
    assert err == [f"error: {tmp_path}/bro\\udcfeken\\x1b[2J\\n.png: not a readable image "
                   "(UnidentifiedImageError: no image format Pillow knows)",
                   "error: 1 of 3 file(s) could not be read"]


def cli_path(path):
    from utils.cli import display_path

    return display_path(path)


def test_refusals_quote_the_file_s_data_set_escaped(tmp_path, photos):
    X, y = np.random.default_rng(0).random((12, 20)), np.arange(20) % 3
    model = NeuralNetwork(hidden_layers=(4,), epochs=1).fit(X, y)
    path = model.save(tmp_path / "three.npz", dataset="digits\x1b[2J\nfake line\u202e",
                      preprocessing={"image_size": 2, "scaling": "unit"})
    result = _run_bytes("-p", path, photos[0], encoding="ascii")
    lines = _safe_lines(result.stderr, "ascii")
    assert result.returncode == 1 and len(lines) == 1, lines
    assert "(data set 'digits\\x1b[2J\\nfake line\\u202e')" in lines[0]


def test_describe_escapes_the_data_set_for_the_encoding():
    from utils.commands.predict import describe

    line = describe("p.npz", {"dataset": "caf\u00e9\x1b[2J\n", "accuracies": {"test": 0.5}}, [3, 1], "ascii")
    assert line == "parameters p.npz: trained on caf\\xe9\\x1b[2J\\n, layer_dims [3, 1], test accuracy 50.0 %"


def test_a_warning_while_reading_a_photo_is_one_line_naming_it(monkeypatch, tmp_path):
    import warnings

    from utils.commands import predict as command

    def warn_then_decode(path, size):
        warnings.warn("Corrupt EXIF data.\n  Expecting to read 2 bytes", UserWarning)
        warnings.warn("IM image format is deprecated", DeprecationWarning)  # for developers: not shown
        return np.zeros((size, size, 3), np.uint8)

    monkeypatch.setattr(command, "load_image", warn_then_decode)
    path = tmp_path / "a\x1b[2J.jpg"
    images, readable, failures, notes = command.read_photos([path, path], 4)
    assert len(images) == 2 and readable == [path, path] and failures == []
    assert notes == [f"warning: {tmp_path}/a\\x1b[2J.jpg: Corrupt EXIF data. Expecting to read 2 bytes"] * 2


def test_a_network_of_layers_with_batch_normalization_predicts_as_the_library_does(tmp_path, photos):
    """A format_version 2 file (a stack of layers, running statistics) through the predict command."""
    from utils.datasets import load_cats_vs_noncats
    from utils.layers import hidden_block
    from utils.preprocessing import images_to_matrix
    train_x, train_y, *_ = load_cats_vs_noncats(32)
    model = NeuralNetwork(layers=hidden_block(8, "relu", batchnorm=True, depth=2), optimizer="adam",
                          learning_rate=0.01, batch_size=64, epochs=3, dtype=np.float64)
    model.fit(images_to_matrix(train_x, np.float64), train_y)
    path = model.save(tmp_path / "bn.npz", dataset="cats_vs_noncats",
                      preprocessing={"image_size": 32, "scaling": "unit"}, class_names=["non-cat", "cat"])
    result = run("predict", "--parameters", path, *photos)
    assert result.returncode == 0, result.stderr
    parameters, metadata = load_parameters(path)
    assert metadata["format_version"] == 2
    expected = predict_images(np.stack([load_image(p, 32) for p in photos]), parameters, metadata)
    printed = printed_probabilities(result.stdout)
    assert [printed[str(p)] for p in photos] == pytest.approx(expected, abs=6e-4)


def test_a_convolutional_cat_network_predicts_as_the_library_does(tmp_path, photos):
    """A format_version 2 file with an Image layer and 4-D filters through the predict command."""
    from utils.datasets import load_cats_vs_noncats
    from utils.layers import Activation, Conv2D, Flatten, Image, Pool2D
    from utils.preprocessing import images_to_matrix
    train_x, train_y, *_ = load_cats_vs_noncats(32)
    layers = [Image(32, 32, 3), Conv2D(4, 3), Activation("relu"), Pool2D(2), Flatten()]
    model = NeuralNetwork(layers=layers, optimizer="adam", learning_rate=0.01, batch_size=64, epochs=2,
                          dtype=np.float64)
    model.fit(images_to_matrix(train_x, np.float64), train_y)
    path = model.save(tmp_path / "cnn.npz", dataset="cats_vs_noncats",
                      preprocessing={"image_size": 32, "scaling": "unit"}, class_names=["non-cat", "cat"])
    result = run("predict", "--parameters", path, *photos)
    assert result.returncode == 0, result.stderr
    assert "layer_dims [3072, 1]" in result.stdout
    parameters, metadata = load_parameters(path)
    assert parameters["W1"].shape == (3, 3, 3, 4)
    expected = predict_images(np.stack([load_image(p, 32) for p in photos]), parameters, metadata)
    printed = printed_probabilities(result.stdout)
    assert [printed[str(p)] for p in photos] == pytest.approx(expected, abs=6e-4)
