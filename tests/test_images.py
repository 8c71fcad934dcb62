"""Reading photos: modes, bad files, folders, the HDF5 cache."""

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.numpy import arrays
from PIL import Image

from image_support import sparse_png
from utils import images
from utils.images import load_image, load_image_folder


def _save(path, mode="RGB", size=(40, 30), fmt=None, color=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(abs(hash(path.name)) % 2**32)
    rgb = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    if color is not None:
        rgb = Image.new("RGB", size, color)
    image = {
        "RGB": rgb,
        "L": rgb.convert("L"),
        "P": rgb.convert("P"),
        "RGBA": rgb.convert("RGBA"),
        "LA": rgb.convert("LA"),
        "CMYK": rgb.convert("CMYK"),
    }[mode]
    image.save(path, format=fmt)
    return path


@pytest.mark.parametrize("mode, name", [("RGB", "a.jpg"), ("L", "b.png"), ("P", "c.png"), ("RGBA", "d.png"),
                                        ("LA", "e.png"), ("CMYK", "f.jpg"), ("RGB", "g.bmp"), ("P", "h.gif")])
def test_every_mode_becomes_rgb_uint8(tmp_path, mode, name):
    path = _save(tmp_path / name, mode)
    full = load_image(path)
    assert full.shape == (30, 40, 3) and full.dtype == np.uint8
    small = load_image(path, image_size=16)
    assert small.shape == (16, 16, 3) and small.dtype == np.uint8


def test_transparent_pixels_are_white(tmp_path):
    path = tmp_path / "t.png"
    Image.new("RGBA", (8, 8), (255, 0, 0, 0)).save(path)
    assert (load_image(path) == 255).all()


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    Image.new("RGB", (40, 20), "white").save(path, exif=exif)
    assert load_image(path).shape == (40, 20, 3)


@pytest.mark.parametrize("content", [b"", b"not an image at all", "truncated"])
def test_bad_file_is_a_value_error_naming_it(tmp_path, content):
    path = tmp_path / "bad.jpg"
    if content == "truncated":
        _save(tmp_path / "good.jpg", size=(200, 200))
        content = (tmp_path / "good.jpg").read_bytes()[:1500]
    path.write_bytes(content)
    with pytest.raises(ValueError, match="bad.jpg: not a readable image"):
        load_image(path)


def test_missing_file_and_bad_size(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.jpg"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ValueError, match="image_size"):
        load_image(_save(tmp_path / "a.png"), image_size=0)


def _folder(tmp_path):
    root = tmp_path / "photos"
    _save(root / "cat" / "1.jpg", "RGB")
    _save(root / "cat" / "2.png", "P")
    _save(root / "non_cat" / "3.png", "RGBA")
    _save(root / "non_cat" / "4.png", "L")
    _save(root / "non_cat" / "5.gif", "P")
    (root / "non_cat" / ".DS_Store").write_bytes(b"\0\0")
    return root


def test_folder_loads_with_labels_from_subfolders(tmp_path):
    root = _folder(tmp_path)
    x, y, classes = load_image_folder(root, image_size=12)
    assert classes == ["cat", "non_cat"]
    assert x.shape == (5, 12, 12, 3) and x.dtype == np.uint8
    assert y.tolist() == [[0, 0, 1, 1, 1]] and y.dtype == np.int64
    x2, y2, classes2, paths = load_image_folder(root, image_size=12, classes=["non_cat", "cat"], return_paths=True)
    assert classes2 == ["non_cat", "cat"] and y2.tolist() == [[0, 0, 0, 1, 1]]
    assert [p.name for p in paths] == ["3.png", "4.png", "5.gif", "1.jpg", "2.png"]
    np.testing.assert_array_equal(x[[2, 3, 4, 0, 1]], x2)


def test_bad_files_are_skipped_and_listed(tmp_path):
    root = _folder(tmp_path)
    (root / "cat" / "empty.jpg").write_bytes(b"")
    (root / "cat" / "notes.txt").write_text("hello")
    (root / "non_cat" / "cut.jpg").write_bytes((root / "cat" / "1.jpg").read_bytes()[:200])
    with pytest.warns(UserWarning, match="skipped 3 unreadable") as record:
        x, y, _ = load_image_folder(root, image_size=8)
    message = str(record[0].message)
    assert "empty.jpg" in message and "notes.txt" in message and "cut.jpg" in message
    assert x.shape[0] == 5 and y.shape == (1, 5)


@pytest.mark.parametrize("layout", ["missing", "flat", "empty", "unknown class", "only bad"])
def test_wrong_layouts_are_explained(tmp_path, layout):
    root = tmp_path / "photos"
    kwargs = {}
    if layout == "flat":
        _save(root / "1.jpg")
    elif layout == "empty":
        (root / "cat").mkdir(parents=True)
    elif layout == "unknown class":
        _save(root / "cat" / "1.jpg")
        kwargs["classes"] = ["cat", "dog"]
    elif layout == "only bad":
        (root / "cat").mkdir(parents=True)
        (root / "cat" / "x.jpg").write_bytes(b"junk")
    error = FileNotFoundError if layout == "missing" else ValueError
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=r"folder|classes"):
            load_image_folder(root, **kwargs)


def test_cache_is_used_then_rebuilt_when_stale_or_corrupt(tmp_path, monkeypatch):
    root, cache = _folder(tmp_path), tmp_path / "cache"
    first = load_image_folder(root, image_size=10, cache_dir=cache)
    files = list(cache.glob("*.h5"))
    assert len(files) == 1 and not list(cache.glob("*.tmp"))

    calls = []
    real_decode = images.decode_images
    monkeypatch.setattr(images, "decode_images", lambda *a, **k: calls.append(1) or real_decode(*a, **k))
    second = load_image_folder(root, image_size=10, cache_dir=cache)
    assert calls == [], "the second load must come from the cache"
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)

    _save(root / "cat" / "9.png")  # a new photo: the cache is stale
    third = load_image_folder(root, image_size=10, cache_dir=cache)
    assert calls == [1] and third[0].shape[0] == 6
    assert len(list(cache.glob("*.h5"))) == 1, "the stale cache is replaced, not kept"

    cache_file = next(cache.glob("*.h5"))
    cache_file.write_bytes(b"garbage")
    fourth = load_image_folder(root, image_size=10, cache_dir=cache)
    assert calls == [1, 1]
    np.testing.assert_array_equal(fourth[0], third[0])
    with h5py.File(cache_file) as f:
        assert f["images"].shape == (6, 10, 10, 3)


def test_cache_keeps_the_skip_list(tmp_path):
    root, cache = _folder(tmp_path), tmp_path / "cache"
    (root / "cat" / "bad.jpg").write_bytes(b"junk")
    for _ in range(2):
        with pytest.warns(UserWarning, match="bad.jpg"):
            x, y, _ = load_image_folder(root, image_size=8, cache_dir=cache)
        assert x.shape[0] == y.shape[1] == 5


def test_unwritable_cache_only_warns(tmp_path):
    root = _folder(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with pytest.warns(UserWarning, match="could not write the image cache"):
        x, _, _ = load_image_folder(root, image_size=8, cache_dir=blocker / "cache")
    assert x.shape[0] == 5


# ------------------------------------------------------------------ bit depth and size limits

def _grey_gradient(dtype):
    """A 256 x 256 gradient over the whole range of a 16-bit picture (values 0..65535)."""
    return np.linspace(0, 65535, 256 * 256).reshape(256, 256).astype(dtype)


def test_a_16_bit_grey_png_is_scaled_to_8_bits_not_clipped(tmp_path):
    path = tmp_path / "grey16.png"
    Image.fromarray(_grey_gradient(np.uint16)).save(path)
    with Image.open(path) as check:
        assert check.mode == "I;16"
    image = load_image(path)
    assert image.shape == (256, 256, 3) and image.dtype == np.uint8
    assert abs(image.mean() - 127.5) < 1, f"mean {image.mean():.1f}: 16-bit values were clipped, not scaled"
    assert image.min() == 0 and image.max() == 255
    assert abs(load_image(path, image_size=32).mean() - 127.5) < 1


@pytest.mark.parametrize("array, name", [
    (_grey_gradient(">u2"), "big_endian_16.tif"),                  # mode I;16B
    (_grey_gradient(np.int32) * 1000, "int32.tif"),                # mode I: its range is stretched
    (_grey_gradient(np.float32) / 65535 * 3 - 1, "float32.tif"),   # mode F: -1..2 stretched to 0..255
])
def test_other_16_and_32_bit_modes_are_scaled(tmp_path, array, name):
    path = tmp_path / name
    Image.fromarray(array).save(path)
    image = load_image(path)
    assert abs(image.mean() - 127.5) < 1 and image.min() == 0 and image.max() == 255


def test_a_uniform_32_bit_picture_keeps_its_value(tmp_path):
    path = tmp_path / "flat.tif"
    Image.fromarray(np.full((8, 8), 100, np.int32)).save(path)
    assert (load_image(path) == 100).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=arrays(np.uint16, (5, 7)))
def test_16_bit_values_are_divided_by_257(tmp_path, values):
    path = tmp_path / "random16.png"
    Image.fromarray(values).save(path)
    expected = np.rint(values / 257.0).astype(np.uint8)
    np.testing.assert_array_equal(load_image(path), np.repeat(expected[:, :, None], 3, axis=2))


def test_a_100_megapixel_png_is_refused_quickly(tmp_path):
    path = sparse_png(tmp_path / "huge.png", 10_000, 10_000)
    assert path.stat().st_size < 50_000
    start = time.perf_counter()
    # Beyond 89 megapixels Pillow itself warns (an error under this project's pytest settings): same refusal.
    with pytest.raises(ValueError, match=r"huge\.png: .*photos may have at most 40 megapixels: shrink it first"):
        load_image(path)
    assert time.perf_counter() - start < 2


def test_a_100_megapixel_png_is_refused_without_decoding_it(tmp_path):
    """Without warnings as errors (as a learner runs it): refused by the size check, memory unchanged."""
    path = sparse_png(tmp_path / "huge.png", 10_000, 10_000)
    script = (
        "import resource, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from utils.images import load_image\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    load_image(sys.argv[1])\n"
        "except ValueError as error:\n"
        "    print(error)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60,
                            cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    message, grown_mb = result.stdout.strip().splitlines()
    assert message == (f"{path}: 10000x10000 pixels (100 megapixels) is more than the 40 megapixels a photo may "
                       "have here; shrink it first (e.g. to 4000x3000) or save it as a JPEG")
    assert int(grown_mb) < 30, f"decoding started: {grown_mb} MB more memory"


def test_a_50_megapixel_png_is_refused_by_the_project_limit(tmp_path):
    path = sparse_png(tmp_path / "big.png", 10_000, 5_000)
    with pytest.raises(ValueError, match=r"big\.png: 10000x5000 pixels \(50 megapixels\) is more than the 40 "
                                         r"megapixels"):
        load_image(path)


def test_a_large_jpeg_is_decoded_at_a_reduced_size(tmp_path):
    path = tmp_path / "phone.jpg"
    Image.new("L", (8000, 6000), 120).save(path, quality=80)  # 48 megapixels (grey: quick to write)
    image = load_image(path)
    assert image.shape == (3000, 4000, 3)  # drafted at 1/2
    assert np.abs(image[::97, ::89].astype(int) - 120).max() <= 2
    assert load_image(path, image_size=16).shape == (16, 16, 3)


def test_decoding_bytes_gives_what_decoding_the_file_gives(tmp_path):
    path = _save(tmp_path / "x.png", "RGBA")
    np.testing.assert_array_equal(images.decode_image(path.read_bytes(), name="upload"), load_image(path))
    with pytest.raises(ValueError, match=r"^upload: not a readable image \(empty file\)$"):
        images.decode_image(b"", name="upload")
    with pytest.raises(ValueError, match=r"^upload: not a readable image \(UnidentifiedImageError"):
        images.decode_image(b"GIF89a but not really", name="upload")
