"""The explorers of utils/explorers/, built headlessly (no browser, no kernel).

Each test changes a control programmatically, as the browser would, and checks
what the explorer shows: a new figure, a status line, a saved file.
"""
from __future__ import annotations

import datetime
import io
import re
import threading
import time

import numpy as np
import pytest
from PIL import Image

from image_support import sparse_png
from utils.explorers import (KERNEL_PRESETS, Debouncer, cats_explorer, course_explorer, filter_explorer, filter_maps,
                             optimizer_explorer, optimizer_trajectories, photo_explorer, planar_explorer)
from utils.persistence import load_parameters, predict_images


def _png(explorer) -> bytes:
    png = explorer.figure_png()
    assert png.startswith(b"\x89PNG"), "the explorer shows no PNG figure"
    return png


# ------------------------------------------------------------------ debouncing

def test_debouncer_runs_once_after_a_burst_of_calls():
    calls = []
    debouncer = Debouncer(lambda: calls.append(time.monotonic()), wait=0.2)
    for _ in range(20):
        debouncer()
        time.sleep(0.005)
    assert debouncer.wait_idle(10)
    assert len(calls) == 1


def test_debouncer_never_overlaps_and_reruns_once_for_calls_during_a_run():
    running, overlaps, calls = threading.Lock(), [], []

    def slow():
        if not running.acquire(blocking=False):
            overlaps.append(1)
            return
        try:
            calls.append(1)
            time.sleep(0.3)
        finally:
            running.release()

    debouncer = Debouncer(slow, wait=0.05)
    debouncer()
    time.sleep(0.15)  # the first run is in progress
    for _ in range(10):
        debouncer()
    assert debouncer.wait_idle(10)
    assert calls == [1, 1] and not overlaps


def test_debouncer_reports_errors_instead_of_losing_them_in_the_thread():
    errors = []

    def broken():
        raise ValueError("boom")

    debouncer = Debouncer(broken, wait=0.01, on_error=errors.append)
    debouncer()
    assert debouncer.wait_idle(10)
    assert [str(e) for e in errors] == ["boom"]


# ------------------------------------------------------------------ planar

def test_planar_explorer_renders_its_initial_state_and_redraws_after_a_change():
    explorer = planar_explorer(iterations=500, debounce=0.05)
    assert repr(explorer) == "<planar explorer>"
    first = _png(explorer)
    assert explorer.runs == 1 and explorer.error is None
    assert "Training accuracy" in explorer.status.value
    explorer.controls["hidden_units"].value = 8
    assert explorer.wait_idle(60)
    assert explorer.runs == 2 and explorer.error is None
    assert _png(explorer) != first


def test_planar_explorer_many_quick_changes_train_once():
    explorer = planar_explorer(iterations=200, debounce=0.3)
    assert explorer.runs == 1
    for units in range(2, 12):  # like a slider dragged over ten values
        explorer.controls["hidden_units"].value = units
    explorer.controls["learning_rate"].value = 0.5
    assert explorer.wait_idle(60)
    assert explorer.runs == 2


def test_planar_explorer_every_control_is_used():
    explorer = planar_explorer(iterations=200, debounce=None)  # synchronous: each change trains at once
    pngs = {_png(explorer)}
    changes = {"dataset": "moons", "activation": "relu", "lambd": 1.0, "keep_prob": 0.8, "iterations": 300,
               "learning_rate": 0.1}
    for name, value in changes.items():
        explorer.controls[name].value = value
        assert explorer.error is None, explorer.error
        pngs.add(_png(explorer))
    assert len(pngs) == len(changes) + 1
    sliders = [c for c in explorer.controls.values() if hasattr(c, "continuous_update")]
    assert sliders and not any(c.continuous_update for c in sliders)


def test_planar_explorer_rejects_an_unknown_data_set():
    with pytest.raises(ValueError, match="dataset"):
        planar_explorer(dataset="bananas")


# ------------------------------------------------------------------ optimisers

def test_optimizer_trajectories_are_the_library_updates():
    paths = optimizer_trajectories("ravine", learning_rate=0.1, beta=0.9, beta1=0.9, beta2=0.99, steps=3)
    assert set(paths) == {"gd", "momentum", "rmsprop", "adam"}
    gd = paths["gd"]
    x, y = -9.0, 1.5
    for t in range(3):  # f = 0.05 x^2 + y^2: x <- x - 0.1 * 0.1 x, y <- y - 0.1 * 2 y
        x, y = x - 0.1 * 0.1 * x, y - 0.1 * 2 * y
        assert gd[t + 1, :2] == pytest.approx([x, y])
    # Adam's first step moves each coordinate by the learning rate against the gradient's sign.
    assert paths["adam"][1, :2] == pytest.approx([-9.0 + 0.1, 1.5 - 0.1], abs=1e-6)
    assert all(len(p) == 4 for p in paths.values())


def test_optimizer_trajectories_stop_when_they_diverge():
    paths = optimizer_trajectories("Rosenbrock", learning_rate=1.0, beta=0.9, beta1=0.9, beta2=0.99, steps=200)
    assert len(paths["gd"]) < 201
    assert np.isfinite(paths["gd"]).all()


def test_optimizer_explorer_redraws_when_a_slider_moves():
    explorer = optimizer_explorer(debounce=0.05)
    first = _png(explorer)
    for name, value in (("learning_rate", 0.05), ("beta", 0.5), ("beta1", 0.8), ("beta2", 0.9), ("surface", "saddle")):
        before = _png(explorer)
        explorer.controls[name].value = value
        assert explorer.wait_idle(30)
        assert explorer.error is None, explorer.error
        assert _png(explorer) != before, name
    assert _png(explorer) != first
    assert "adam" in explorer.status.value


# ------------------------------------------------------------------ cats (small synthetic photos)

@pytest.fixture(scope="module")
def tiny_cats():
    """(X_train, y_train, X_val, y_val, preprocessing) for 8x8 "photos": bright = cat."""
    rng = np.random.default_rng(0)
    y = (np.arange(60) % 2).reshape(1, -1)
    images = rng.integers(0, 120, size=(60, 8, 8, 3)).astype(np.uint8) + (y.ravel()[:, None, None, None] * 120)
    images = images.astype(np.uint8)
    X = (images.reshape(60, -1).T / 255.0).astype(np.float32)
    mean, std = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True) + 1e-8
    Xs = (X - mean) / std
    preprocessing = {"image_size": 8, "scaling": "standardize", "mean": mean, "std": std}
    return Xs[:, :40], y[:, :40], Xs[:, 40:], y[:, 40:], preprocessing


def test_cats_explorer_trains_shows_progress_and_saves_a_valid_npz(tiny_cats, tmp_path):
    target = tmp_path / "explorer_cats.npz"
    explorer = cats_explorer(epochs=20, learning_rate=0.01, data=tiny_cats, save_path=target, image_size=8)
    assert explorer.runs == 1 and explorer.error is None
    first = _png(explorer)
    assert explorer.progress.value == explorer.progress.max == 20
    assert "validation accuracy" in explorer.live.value and "validation accuracy" in explorer.status.value
    assert not explorer.buttons["save"].disabled

    explorer.controls["epochs"].value = 40
    explorer.controls["depth"].value = 2
    explorer.buttons["train"].click()
    assert explorer.wait_idle(60)
    assert explorer.runs == 2 and explorer.error is None
    assert explorer.progress.value == 40
    assert explorer.model.layer_dims_ == [192, 7, 7, 1]
    assert _png(explorer) != first

    assert not target.exists()
    explorer.buttons["save"].click()
    assert target.is_file() and explorer.saved_path == target
    assert "Saved to" in explorer.status.value
    parameters, metadata = load_parameters(target)
    assert metadata["layer_dims"] == [192, 7, 7, 1]
    assert metadata["preprocessing"]["image_size"] == 8
    assert len(metadata["history"]["cost"]) == 40
    photos = np.random.default_rng(1).integers(0, 256, size=(3, 8, 8, 3)).astype(np.uint8)
    p = predict_images(photos, parameters, metadata)
    assert p.shape == (3,) and np.all((p >= 0) & (p <= 1))
    assert list(tmp_path.iterdir()) == [target]  # written atomically: no temporary file left behind


def test_cats_explorer_saves_to_its_own_file_by_default(tiny_cats):
    explorer = cats_explorer(train=False, data=tiny_cats)
    assert explorer.save_path.name == "explorer_cats.npz"
    assert explorer.save_path.parent.name == "parameters_saved"
    assert explorer.model is None and explorer.buttons["save"].disabled
    explorer.save()  # nothing trained: a message, no file
    assert "Train first" in explorer.status.value


def test_cats_explorer_methods_are_not_replaced_by_instance_attributes(tiny_cats, tmp_path):
    explorer = cats_explorer(train=False, data=tiny_cats, save_path=tmp_path / "c.npz")
    shadowing = [name for name in vars(explorer) if callable(getattr(type(explorer), name, None))]
    assert shadowing == []
    assert explorer.wait_idle(1)  # the class's method: nothing is running


def test_cats_explorer_stop_button_ends_training_early(tiny_cats, tmp_path):
    explorer = cats_explorer(train=False, data=tiny_cats, image_size=8, epochs=1000, save_path=tmp_path / "c.npz")
    seen = threading.Event()
    explorer.progress.observe(lambda change: seen.set() if change["new"] >= 5 else None, names="value")
    explorer.train()
    assert seen.wait(30)
    explorer.stop()
    assert explorer.wait_idle(60)
    assert explorer.model is not None and explorer.model.n_epochs_ < 1000
    assert "(stopped)" in explorer.status.value


# ------------------------------------------------------------------ your own photo

@pytest.fixture
def saved_dir(tiny_cats, tmp_path):
    explorer = cats_explorer(epochs=20, learning_rate=0.01, data=tiny_cats, image_size=8,
                             save_path=tmp_path / "explorer_cats.npz")
    explorer.save()
    return tmp_path


def _upload(explorer, name: str, content: bytes):
    explorer.controls["upload"].value = ({
        "name": name, "type": "image/png", "size": len(content), "content": memoryview(content),
        "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    },)


def _photo_bytes(colour=(250, 250, 250), size=(40, 30), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def test_photo_explorer_classifies_an_uploaded_photo(saved_dir):
    explorer = photo_explorer(parameters_dir=saved_dir)
    assert explorer.controls["model"].options == (("explorer_cats.npz", "explorer_cats.npz"),)  # (label, value)
    _upload(explorer, "bright.jpg", _photo_bytes(fmt="JPEG"))
    assert explorer.error is None, explorer.error
    assert explorer.probability is not None and 0 <= explorer.probability <= 1
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    assert "P(cat)" in explorer.verdict.value
    assert "bright.jpg: 40×30 pixels" in explorer.status.value
    bright = explorer.probability
    _upload(explorer, "dark.png", _photo_bytes(colour=(5, 5, 5)))
    assert explorer.probability is not None and explorer.probability != bright


def test_photo_explorer_explains_a_corrupt_upload(saved_dir):
    explorer = photo_explorer(parameters_dir=saved_dir)
    good = _photo_bytes()
    for name, content in (("broken.png", good[: len(good) // 2]), ("notes.txt", b"not an image at all"),
                          ("empty.jpg", b"")):
        _upload(explorer, name, content)
        assert explorer.probability is None
        assert f"Could not read {name} as an image" in explorer.status.value
        assert bytes(explorer.picture.value) == b""


def test_photo_explorer_without_saved_networks_says_what_to_do(tmp_path):
    explorer = photo_explorer(parameters_dir=tmp_path)
    assert "No saved cat classifier" in explorer.status.value
    _upload(explorer, "cat.png", _photo_bytes())
    assert explorer.probability is None and "No saved cat classifier" in explorer.status.value


def test_photo_explorer_ignores_files_that_are_not_cat_classifiers(saved_dir):
    (saved_dir / "garbage.npz").write_bytes(b"not a zip")
    explorer = photo_explorer(parameters_dir=saved_dir)
    assert explorer.controls["model"].options == (("explorer_cats.npz", "explorer_cats.npz"),)  # (label, value)


def test_photo_explorer_decodes_like_load_image_16_bit_and_size_limit(saved_dir, tmp_path):
    explorer = photo_explorer(parameters_dir=saved_dir)
    _upload(explorer, "grey8.png", _photo_bytes(colour=(128, 128, 128)))
    grey8 = explorer.probability
    buffer = io.BytesIO()
    Image.fromarray(np.full((30, 40), 128 * 257, np.uint16)).save(buffer, format="PNG")  # 16-bit grey 128/255
    _upload(explorer, "grey16.png", buffer.getvalue())
    assert explorer.error is None and "grey16.png: 40×30 pixels" in explorer.status.value
    assert explorer.probability == grey8, "a 16-bit picture must be scaled to 8 bits, not clipped"
    huge = sparse_png(tmp_path / "huge.png", 10_000, 5_000)
    _upload(explorer, "huge.png", huge.read_bytes())
    assert explorer.probability is None and bytes(explorer.picture.value) == b""
    assert ("Could not read huge.png as an image: 10000x5000 pixels (50 megapixels) is more than the 40 "
            "megapixels a photo may have here") in explorer.status.value


# ------------------------------------------------------------------ the course's 4-layer network on catvnoncat

def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.accuracy
def test_course_explorer_trains_the_course_network_on_training_photos_and_scores_validation_photos():
    explorer = course_explorer()
    assert repr(explorer) == "<course explorer>"
    assert explorer.runs == 1 and explorer.error is None
    assert {name: c.value for name, c in explorer.controls.items()} == {
        "learning_rate": 0.0075, "iterations": 2500, "lambd": 0.0}
    X, Y, X_val, Y_val = explorer.photos
    assert Y.shape == (1, 168) and Y_val.shape == (1, 41) and int(Y_val.sum()) == 14  # 20 % of each class
    assert not hasattr(explorer, "test_accuracy")  # the test photos are not used for comparing settings
    model = explorer.model
    assert model.layer_dims_ == [12288, 20, 7, 5, 1] and model.parameters_["W1"].dtype == np.float64
    assert model.history_["cost"][2400] == pytest.approx(0.073810, abs=1e-6)  # float64: the same on every CPU
    assert round(explorer.train_accuracy, 3) == 0.994 and explorer.validation_accuracy == 26 / 41  # 167/168, 26/41
    status = _text(explorer.status.value)
    assert "Training accuracy 99.4 %, validation accuracy 63.4 % (41 photos never trained on; one photo = 2.4 points)" \
        in status
    assert re.search(r"Updated in \d+\.\d\d s \(training \d+\.\d\d s\)", status), status
    assert explorer.latency is None  # no slider has moved yet
    _png(explorer)


def test_course_explorer_retrains_after_a_slider_move_and_shows_the_time_taken():
    explorer = course_explorer(debounce=0.05)
    first_png, first_status = _png(explorer), explorer.status.value
    sliders = list(explorer.controls.values())
    assert sliders and not any(c.continuous_update for c in sliders)

    explorer.controls["lambd"].value = 0.7
    assert explorer.wait_idle(60)
    assert explorer.runs == 2 and explorer.error is None, explorer.error
    assert explorer.model.lambd == 0.7
    assert _png(explorer) != first_png  # the new cost curve (the first run's stays, in grey)
    status = _text(explorer.status.value)
    assert status != _text(first_status)
    assert f"Training accuracy {explorer.train_accuracy * 100:.1f} %" in status
    assert f"validation accuracy {explorer.validation_accuracy * 100:.1f} %" in status
    assert re.search(r"Updated in \d+\.\d\d s \(training \d+\.\d\d s, shown \d+\.\d\d s after the slider "
                     r"moved\)", status), status
    assert 0 < explorer.seconds < explorer.latency < 30  # seconds on a busy CI machine; about 1.5 here

    explorer.controls["iterations"].value = 500
    assert explorer.wait_idle(60)
    assert explorer.runs == 3 and len(explorer.model.history_["cost"]) == 500
    assert explorer.reference["cost"] != explorer.model.history_["cost"]
    assert len(explorer.reference["cost"]) == 2500  # the first run, drawn for comparison


def test_course_explorer_without_the_photos_says_how_to_fetch_them(monkeypatch, tmp_path):
    monkeypatch.setenv("DATASETS_DIR", str(tmp_path))
    explorer = course_explorer()
    assert explorer.model is None and explorer.runs == 0 and explorer.photos is None
    assert "Could not load the catvnoncat photos" in explorer.status.value
    assert "python -m utils.datasets download catvnoncat" in explorer.status.value
    assert explorer.wait_idle(1)


# ------------------------------------------------------------------ filters: convolution and pooling (chapter 7)

@pytest.fixture(scope="module")
def tiny_photos():
    """{"train": 3 photos 8 x 8, "test": 2}: a bright square on a dark background, shifted, for the filter explorer."""
    images = np.zeros((5, 8, 8, 3), np.uint8)
    for k in range(5):
        images[k, 2 + k % 3:5 + k % 3, 2:6] = 200
    return {"train": (images[:3], np.array([1, 0, 1])), "test": (images[3:], np.array([0, 1]))}


def _kernel(explorer):
    return np.array([[explorer.controls[f"w{i}{j}"].value for j in range(3)] for i in range(3)])


def test_filter_explorer_draws_the_course_maps_of_a_cat_photo():
    explorer = filter_explorer()  # the catvnoncat photos, train photo 19, vertical edges
    assert repr(explorer) == "<filter explorer>"
    assert explorer.runs == 1 and explorer.error is None
    _png(explorer)
    assert explorer.image.shape == (64, 64, 3) and explorer.label == 1
    assert explorer.feature_map.shape == (64, 64) and explorer.pooled_map.shape == (32, 32)
    np.testing.assert_array_equal(_kernel(explorer), KERNEL_PRESETS["vertical edges"])
    feature, pooled = filter_maps(explorer.photos["train"][0][19], KERNEL_PRESETS["vertical edges"])
    np.testing.assert_array_equal(explorer.feature_map, feature)
    np.testing.assert_array_equal(explorer.pooled_map, pooled)
    status = _text(explorer.status.value)
    assert status.startswith("train photo 19 (cat): Z = conv_forward(A (1, 64, 64, 1), W (3, 3, 1, 1), b = 0, "
                             "{'stride': 1, 'pad': 1}) → (1, 64, 64, 1)"), status
    assert "pool_forward(relu(Z), {'f': 2, 'stride': 2}, 'max') → (1, 32, 32, 1), from 0.00 to" in status
    assert explorer.controls["index"].max == 208 and explorer.controls["w11"].continuous_update


def test_filter_explorer_redraws_when_a_weight_moves_and_calls_the_kernel_custom(tiny_photos):
    explorer = filter_explorer(index=0, photos=tiny_photos, debounce=0.05)
    first, feature = _png(explorer), explorer.feature_map
    explorer.controls["w11"].value = 2.0
    assert explorer.wait_idle(30)
    assert explorer.runs == 2 and explorer.error is None, explorer.error
    assert explorer.controls["preset"].value == "custom"
    assert _png(explorer) != first and not np.array_equal(explorer.feature_map, feature)
    expected = np.array(KERNEL_PRESETS["vertical edges"])
    expected[1, 1] = 2.0
    np.testing.assert_array_equal(explorer.kernel, expected)
    np.testing.assert_array_equal(explorer.feature_map, filter_maps(tiny_photos["train"][0][0], expected)[0])
    explorer.controls["w11"].value = 0.0  # back to the preset's weights: the dropdown names it again
    assert explorer.wait_idle(30)
    assert explorer.controls["preset"].value == "vertical edges"


def test_filter_explorer_preset_sets_the_nine_weights_and_redraws_once(tiny_photos):
    explorer = filter_explorer(index=0, photos=tiny_photos, debounce=0.2)
    first = _png(explorer)
    explorer.controls["preset"].value = "sharpen"
    np.testing.assert_array_equal(_kernel(explorer), KERNEL_PRESETS["sharpen"])
    assert explorer.wait_idle(30)
    assert explorer.runs == 2 and explorer.error is None, explorer.error
    assert explorer.controls["preset"].value == "sharpen" and _png(explorer) != first
    synchronous = filter_explorer(index=0, photos=tiny_photos, debounce=None)  # every redraw at once: one per preset
    synchronous.controls["preset"].value = "blur (box)"
    assert synchronous.runs == 2
    np.testing.assert_array_equal(synchronous.kernel, KERNEL_PRESETS["blur (box)"])
    synchronous.controls["preset"].value = "custom"  # naming the kernel custom changes nothing
    assert synchronous.runs == 2 and synchronous.controls["w00"].value == pytest.approx(1 / 9)


def test_filter_explorer_every_control_is_used(tiny_photos):
    explorer = filter_explorer(index=0, photos=tiny_photos, debounce=None)
    pngs = {_png(explorer)}
    changes = [("index", 2), ("preset", "horizontal edges"), ("relu", False), ("w02", 1.5), ("split", "test")]
    for name, value in changes:
        explorer.controls[name].value = value
        assert explorer.error is None, explorer.error
        pngs.add(_png(explorer))
    assert len(pngs) == len(changes) + 1
    assert explorer.controls["index"].value == 1 and explorer.controls["index"].max == 1  # 2 test photos: clamped
    assert explorer.label == 1 and "test photo 1 (cat)" in explorer.status.value
    assert explorer.pooled_map.min() < 0 and "pool_forward(Z," in explorer.status.value  # no relu: negatives kept


def test_filter_explorer_many_quick_slider_moves_redraw_once(tiny_photos):
    explorer = filter_explorer(index=0, photos=tiny_photos, debounce=0.3)
    for value in np.linspace(-1, 1, 20):  # like a weight dragged (continuous_update=True)
        explorer.controls["w00"].value = float(value)
    assert explorer.wait_idle(30)
    assert explorer.runs == 2 and explorer.kernel[0, 0] == 1.0


def test_filter_explorer_names_bad_arguments(tiny_photos):
    with pytest.raises(ValueError, match=r"^preset: expected one of \['identity', "):
        filter_explorer(preset="edges", index=0, photos=tiny_photos)
    with pytest.raises(ValueError, match=r"^index: expected a photo number from 0 to 2 of the 3 train photos, got 3$"):
        filter_explorer(index=3, photos=tiny_photos)
    with pytest.raises(ValueError, match=r"^split: expected one of \['train', 'test'\], got 'val'$"):
        filter_explorer(split="val", index=0, photos=tiny_photos)


def test_filter_explorer_without_the_photos_says_how_to_fetch_them(monkeypatch, tmp_path):
    monkeypatch.setenv("DATASETS_DIR", str(tmp_path))
    explorer = filter_explorer()
    assert explorer.photos is None and explorer.runs == 0 and explorer.image is None
    assert "Could not load the catvnoncat photos" in explorer.status.value
    assert "python -m utils.datasets download catvnoncat" in explorer.status.value
    assert explorer.wait_idle(1)


# ------------------------------------------------------------------ your own photo: hostile files and names

HOSTILE = "<b>x</b>&\x1b[2J\r\n\t\x00\u202e\udcff\u00e9"  # HTML, ANSI, CR LF, tab, NUL, RTL override, surrogate
HOSTILE_SHOWN = "&lt;b&gt;x&lt;/b&gt;&amp;\\x1b[2J\\r\\n\\t\\x00\\u202e\\udcff\u00e9"


def _shown_safely(explorer):
    """Every text the photo explorer shows is printable (nothing raw from a file) and HTML-escaped."""
    labels = [label for label, _ in explorer.controls["model"].options]
    for text in [explorer.status.value, explorer.verdict.value, *labels]:
        assert text.isprintable(), repr(text)
    assert "<b>x" not in explorer.status.value


def test_escape_shows_control_characters_and_html_as_text():
    from utils.explorers.common import escape

    assert escape(HOSTILE) == HOSTILE_SHOWN
    assert escape("it's \"quoted\"") == "it&#x27;s &quot;quoted&quot;"
    assert escape(ValueError("a\nb")) == "a\\nb"


def test_photo_explorer_shows_an_uploaded_file_s_name_escaped(saved_dir):
    explorer = photo_explorer(parameters_dir=saved_dir)
    _upload(explorer, HOSTILE + ".png", _photo_bytes())
    assert explorer.probability is not None
    assert f"{HOSTILE_SHOWN}.png: 40×30 pixels" in explorer.status.value
    _shown_safely(explorer)
    _upload(explorer, HOSTILE + ".jpg", b"not an image")
    assert explorer.probability is None
    assert f"Could not read {HOSTILE_SHOWN}.jpg as an image: it is not a photo Pillow can open" in \
        explorer.status.value
    _shown_safely(explorer)


@pytest.mark.filterwarnings("ignore:IM image format is deprecated:DeprecationWarning")
def test_photo_explorer_explains_files_that_make_pillow_raise_anything(saved_dir, monkeypatch):
    """Real files whose decoders raise NotImplementedError / TypeError, then every other exception type."""
    from test_images_hostile import RAISED, dds_with_unknown_pixel_format, im_with_a_fractional_size
    from utils import images

    explorer = photo_explorer(parameters_dir=saved_dir)
    for name, content in (("texture.png", dds_with_unknown_pixel_format()), ("scan.jpg", im_with_a_fractional_size())):
        _upload(explorer, name, content)
        assert explorer.probability is None and explorer.error == "unreadable image"
        assert f"Could not read {name} as an image: it is not a photo Pillow can open" in explorer.status.value
    for error in [*RAISED, MemoryError()]:
        monkeypatch.setattr(images.Image, "open", lambda *a, error=error, **k: (_ for _ in ()).throw(error))
        explorer.classify("photo.png", _photo_bytes())
        assert explorer.probability is None and "Could not read photo.png as an image: " in explorer.status.value
        _shown_safely(explorer)
    assert "too large to decode in the memory available (MemoryError)" in explorer.status.value


def test_photo_explorer_lists_odd_file_names_escaped_and_still_uses_them(saved_dir):
    odd = "net \x1b[2J\n<i>\u202e\udcff.npz"
    try:
        (saved_dir / odd).write_bytes((saved_dir / "explorer_cats.npz").read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take such names")
    explorer = photo_explorer(parameters_dir=saved_dir)
    chooser = explorer.controls["model"]
    assert dict(chooser.options)["net \\x1b[2J\\n<i>\\u202e\\udcff.npz"] == odd  # a text label: no HTML escaping
    chooser.value = odd
    _upload(explorer, "bright.png", _photo_bytes())
    assert explorer.probability is not None
    assert "for net \\x1b[2J\\n&lt;i&gt;\\u202e\\udcff.npz (layers" in explorer.status.value
    _shown_safely(explorer)

    (saved_dir / odd).write_bytes(b"corrupted since it was listed")
    explorer.classify("bright.png", _photo_bytes())
    assert explorer.probability is None
    assert "Could not use net \\x1b[2J\\n&lt;i&gt;\\u202e\\udcff.npz: " in explorer.status.value
    assert explorer.error.isprintable()
    _shown_safely(explorer)
    explorer.refresh()
    assert chooser.value == "explorer_cats.npz" and len(chooser.options) == 1  # the corrupt file is no longer listed
