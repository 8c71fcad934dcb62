"""Saving / loading parameters: round trip, atomic write, shape refusal, no pickle, predict_images."""

import json
import os

import numpy as np
import pytest

import utils
from utils import persistence
from utils.deep import L_model_forward
from utils.initializers import initialize_parameters_deep
from utils.persistence import load_parameters, predict_images, save_parameters
from utils.preprocessing import fit_standardizer, images_to_matrix

DIMS = [12, 4, 3, 1]  # 2x2x3 photos


def params(dims=DIMS, seed=0):
    return initialize_parameters_deep(dims, "he", seed=seed)


def photos(m=5, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (m, 2, 2, 3), dtype=np.uint8)


def test_round_trip_with_full_metadata(tmp_path):
    p = params()
    X = images_to_matrix(photos(20))
    stats = fit_standardizer(X)
    preprocessing = {"image_size": 2, "scaling": "standardize", **stats}
    history = {"cost": [np.float32(0.7), 0.5], "train_accuracy": [0.5, 0.75]}
    path = save_parameters(tmp_path / "net.npz", p, activations=["relu", "relu", "sigmoid"],
                           preprocessing=preprocessing, dataset="catvnoncat",
                           accuracies={"train": 0.98, "test": 0.8}, history=history)
    loaded, meta = load_parameters(path, expected_layer_dims=DIMS)
    assert set(loaded) == set(p)
    for k in p:
        np.testing.assert_array_equal(loaded[k], p[k])
        assert loaded[k].dtype == p[k].dtype
    assert meta["layer_dims"] == DIMS and meta["version"] == utils.__version__ == "1.0.0"
    assert meta["activations"] == ["relu", "relu", "sigmoid"]
    assert meta["dataset"] == "catvnoncat" and meta["accuracies"] == {"train": 0.98, "test": 0.8}
    assert meta["history"]["cost"] == pytest.approx([0.7, 0.5])
    np.testing.assert_array_equal(meta["preprocessing"]["mean"], stats["mean"])
    np.testing.assert_array_equal(meta["preprocessing"]["std"], stats["std"])
    assert meta["preprocessing"]["scaling"] == "standardize"


def test_file_layout_is_plain_arrays_and_json(tmp_path):
    path = save_parameters(tmp_path / "net.npz", params(), preprocessing={"image_size": 2, "scaling": "unit"})
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == ["W1", "W2", "W3", "__metadata__", "b1", "b2", "b3"]
        assert data["__metadata__"].shape == () and data["__metadata__"].dtype.kind == "U"
        assert all(data[k].dtype != object for k in data.files)
        meta = json.loads(str(data["__metadata__"]))
    assert meta["preprocessing"] == {"image_size": 2, "scaling": "unit"}
    assert meta["format_version"] == 1 and meta["layer_dims"] == DIMS


def test_load_reads_with_allow_pickle_false(tmp_path, monkeypatch):
    path = save_parameters(tmp_path / "net.npz", params())
    calls = []
    real_read = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: calls.append(k) or real_read(*a, **k))
    load_parameters(path)
    assert len(calls) == 7  # W1, b1, W2, b2, W3, b3 and the metadata
    assert all(k == {"allow_pickle": False} for k in calls)


def test_pickled_object_arrays_are_refused_without_unpickling(tmp_path, monkeypatch):
    path = tmp_path / "evil.npz"
    meta = json.dumps({"layer_dims": [1, 1]})
    np.savez(path, W1=np.array([[{"x": 1}]], dtype=object), b1=np.zeros((1, 1)), __metadata__=np.array(meta))
    import pickle
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("pickle.load was called"))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("pickle.loads was called"))
    with pytest.raises(ValueError, match=r"evil\.npz': member 'W1\.npy': holds Python objects \(dtype object\)"):
        load_parameters(path)


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    old = params(seed=1)
    save_parameters(path, old)
    before = path.read_bytes()

    def failing_savez(file, **arrays):
        file.write(b"PK\x03\x04 half a zip file")
        raise OSError("disk full")

    monkeypatch.setattr(persistence.np, "savez", failing_savez)
    with pytest.raises(OSError, match="disk full"):
        save_parameters(path, params(seed=2))
    assert path.read_bytes() == before
    loaded, _ = load_parameters(path)
    np.testing.assert_array_equal(loaded["W1"], old["W1"])
    assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind


def test_mismatched_shapes_are_refused_per_layer(tmp_path):
    path = save_parameters(tmp_path / "net.npz", params())
    with pytest.raises(ValueError, match=r"expected layer_dims \[12, 5, 3, 1\], found \[12, 4, 3, 1\] "
                                         r"\(W1: expected \(5, 12\), found \(4, 12\); W2: expected \(3, 5\), found \(3, 4\)\)"):
        load_parameters(path, expected_layer_dims=[12, 5, 3, 1])
    with pytest.raises(ValueError, match=r"W4: expected \(2, 1\), found no layer"):
        load_parameters(path, expected_layer_dims=[12, 4, 3, 1, 2])


def test_missing_corrupt_and_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"path: no parameters file at .*nothing\.npz"):
        load_parameters(tmp_path / "nothing.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip archive")
    with pytest.raises(ValueError, match=r"garbage\.npz' is not a readable \.npz parameters file"):
        load_parameters(garbage)
    good = save_parameters(tmp_path / "good.npz", params())
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"truncated\.npz' is not a readable \.npz parameters file"):
        load_parameters(truncated)
    npy = tmp_path / "array.npy"
    np.save(npy, np.zeros(3))
    with pytest.raises(ValueError, match=r"not an \.npz archive"):
        load_parameters(npy)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(ValueError, match=r"not one written by save_parameters \(keys \['x'\]\)"):
        load_parameters(other)


def test_save_refuses_bad_names_and_non_finite_parameters(tmp_path):
    with pytest.raises(ValueError, match=r"path: expected a file name ending in \.npz, got '.*net\.pkl'"):
        save_parameters(tmp_path / "net.pkl", params())
    p = params()
    p["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"parameters\['W2'\]: expected finite values, got 1 NaN or inf"):
        save_parameters(tmp_path / "net.npz", p)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("scaling", ["unit", "standardize"])
def test_predict_images_applies_the_recorded_preprocessing(tmp_path, scaling):
    p = params()
    train = photos(30, seed=1)
    preprocessing = {"image_size": 2, "scaling": scaling}
    X = images_to_matrix(train)
    if scaling == "standardize":
        stats = fit_standardizer(X)
        preprocessing.update(stats)
    path = save_parameters(tmp_path / "net.npz", p, activations=["relu", "relu", "sigmoid"],
                           preprocessing=preprocessing)
    loaded, meta = load_parameters(path)
    new = photos(4, seed=2)
    Xn = images_to_matrix(new)
    if scaling == "standardize":
        Xn = (Xn - stats["mean"]) / stats["std"]
    expected, _ = L_model_forward(Xn.astype(np.float32), p)
    proba = predict_images(new, loaded, meta)
    assert proba.shape == (4,)
    np.testing.assert_allclose(proba, expected[0], rtol=1e-5)
    # larger photos are resized to the recorded size first
    big = np.repeat(np.repeat(new, 8, axis=1), 8, axis=2)
    assert predict_images(big, loaded, meta).shape == (4,)


def test_predict_images_needs_preprocessing_metadata():
    with pytest.raises(ValueError, match=r"metadata: expected a 'preprocessing' entry, got keys \['dataset'\]"):
        predict_images(photos(1), params(), {"dataset": "x"})


def test_saved_file_is_readable_by_others(tmp_path):
    path = save_parameters(tmp_path / "p.npz", initialize_parameters_deep([4, 3, 1], "he", seed=0))
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_predict_images_refuses_metadata_of_another_input_size():
    parameters = initialize_parameters_deep([16 * 16 * 3, 4, 1], "he", seed=0)
    photos = np.zeros((2, 16, 16, 3), np.uint8)
    assert predict_images(photos, parameters, {"preprocessing": {"image_size": 16}}).shape == (2,)
    with pytest.raises(ValueError, match=r"W1 expects n_x = 768 inputs, but the recorded preprocessing makes "
                                         r"32x32x3 = 3072"):
        predict_images(photos, parameters, {"preprocessing": {"image_size": 32}})


def test_predict_images_on_grey_pictures():
    parameters = initialize_parameters_deep([28 * 28, 5, 10], "he", seed=0)
    digits = np.zeros((3, 28, 28), np.uint8)
    probs = predict_images(digits, parameters, {"preprocessing": {"image_size": 28, "channels": 1},
                                                "activations": ["relu", "softmax"]})
    assert probs.shape == (10, 3)
    np.testing.assert_allclose(probs.sum(axis=0), 1.0, rtol=1e-5)


# ------------------------------------------------------------------ load_saved: how the notebooks reuse a saved network

def _a_saved_network(path):
    from utils.persistence import save_parameters

    rng = np.random.default_rng(0)
    parameters = {"W1": rng.normal(size=(3, 12)), "b1": np.zeros((3, 1)), "W2": rng.normal(size=(1, 3)),
                  "b2": np.zeros((1, 1))}
    save_parameters(path, parameters, activations=["relu", "sigmoid"])
    return parameters


def test_load_saved_reuses_a_good_file_and_says_train_when_missing_or_retrain(tmp_path, monkeypatch):
    from utils.persistence import load_saved

    path = tmp_path / "net.npz"
    assert load_saved(path) is None and not path.exists()  # missing: train it (nothing is written here)
    parameters = _a_saved_network(path)
    monkeypatch.delenv("RETRAIN", raising=False)
    loaded, metadata = load_saved(path, lambda p: load_parameters(p, expected_layer_dims=[12, 3, 1]))
    assert np.array_equal(loaded["W1"], parameters["W1"]) and metadata["activations"] == ["relu", "sigmoid"]
    assert load_saved(path, retrain=True) is None
    monkeypatch.setenv("RETRAIN", "1")
    assert load_saved(path) is None
    assert load_saved(path, retrain=False) is not None
    with pytest.raises(ValueError, match="retrain: expected True, False or None"):
        load_saved(path, retrain="yes")


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage", "experiment cache", "other layer sizes"])
def test_a_damaged_saved_network_is_one_line_and_retrain_replaces_it(tmp_path, monkeypatch, damage):
    from utils.persistence import load_saved

    monkeypatch.delenv("RETRAIN", raising=False)
    path = tmp_path / "net.npz"
    _a_saved_network(path)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:300])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(b"\x1b[2J not a zip\n" * 20)
    elif damage == "experiment cache":
        np.savez(tmp_path / "net", __key__=np.array("{}"), x=np.zeros(3))
    dims = [12, 5, 1] if damage == "other layer sizes" else None
    load = lambda p: load_parameters(p, expected_layer_dims=dims)  # noqa: E731
    with pytest.raises(ValueError) as error:
        load_saved(path, load)
    message = str(error.value)
    assert "\n" not in message and "\x1b" not in message and str(path) in message
    assert message.endswith(f"The saved network '{path.as_posix()}' cannot be used: delete it, or run with RETRAIN=1 "
                            "to train it again and replace it")
    assert load_saved(path, load, retrain=True) is None  # RETRAIN=1: not read, to be replaced
    _a_saved_network(path)
    assert load_saved(path) is not None


def test_load_saved_reads_with_the_loader_it_is_given(tmp_path, monkeypatch):
    from utils.network import NeuralNetwork
    from utils.persistence import load_saved

    monkeypatch.delenv("RETRAIN", raising=False)
    path = tmp_path / "net.npz"
    _a_saved_network(path)
    model = load_saved(path, NeuralNetwork.load)
    assert isinstance(model, NeuralNetwork) and model.layer_dims_ == [12, 3, 1]


@pytest.mark.parametrize("where", ["a file as the folder", "under a file", "a folder at the path"])
def test_the_destination_is_checked_before_the_training(tmp_path, where):
    from utils.persistence import load_saved, save_parameters

    blocker = tmp_path / "blocker"
    blocker.write_text("keep me")
    path = {"a file as the folder": blocker / "net.npz", "under a file": blocker / "a" / "b" / "net.npz",
            "a folder at the path": tmp_path / "net.npz"}[where]
    if where == "a folder at the path":
        path.mkdir()
    for retrain in (False, True):
        with pytest.raises(ValueError) as error:
            load_saved(path, retrain=retrain)
        assert "\n" not in str(error.value) and "net.npz" in str(error.value)
    with pytest.raises(ValueError, match=r"path: .*net\.npz'"):
        save_parameters(path, {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))})
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize("name", ["a" * 300 + ".npz", "a\x00b.npz"])
def test_names_no_file_system_takes_are_refused_before_the_training(tmp_path, name):
    from utils.evaluation import cached_experiment
    from utils.persistence import load_saved

    for retrain in (False, True):
        with pytest.raises(ValueError, match=r"cannot write .*(file name is \d+ bytes long|NUL character)"):
            load_saved(tmp_path / name, retrain=retrain)
    calls = []
    with pytest.raises(ValueError):
        cached_experiment(name.removesuffix(".npz"), {}, lambda: calls.append(1) or {"x": 1}, directory=tmp_path,
                          retrain=True)
    assert not calls and not list(tmp_path.iterdir())
