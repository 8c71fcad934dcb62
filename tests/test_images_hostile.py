"""Photos that break the decoder and names that break the terminal: one photo's failure stays that photo's.

Whatever Pillow raises for a damaged file (not only OSError: NotImplementedError,
TypeError, struct.error, ... were seen fuzzing it) becomes one ValueError line
naming the file; file names that are not UTF-8 or hold control characters are
shown escaped and do not break the HDF5 cache.
"""

import io
import os
import struct
import time
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image, ImageOps

from utils import images
from utils.images import decode_image, load_image, load_image_folder

NAME_BYTES = b"c\xffat \x1b[2J\n\xe2\x80\xaeevil\t.png"  # not UTF-8, ESC, newline, U+202E, tab
# IM files are among the test files (their decoder raised TypeError); Pillow 13 says the format is deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:IM image format is deprecated:DeprecationWarning")


def _image_bytes(fmt, mode="RGB", size=(16, 12), seed=0, **options) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert(mode).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def dds_with_unknown_pixel_format() -> bytes:
    """A DDS file whose pixel-format flags are 0: Pillow raises NotImplementedError."""
    data = bytearray(_image_bytes("DDS", "RGBA", size=(4, 4)))
    data[80:84] = bytes(4)
    return bytes(data)


def im_with_a_fractional_size() -> bytes:
    """An IM file whose header says 4*4.5 pixels: Pillow raises TypeError."""
    return _image_bytes("IM", size=(4, 4)).replace(b"Image size (x*y): 4*4", b"Image size (x*y): 4*4.5")


def _skipped(record) -> str:
    """The text of the one "skipped ... unreadable" warning of a folder load."""
    (message,) = [str(w.message) for w in record if str(w.message).startswith("skipped ")]
    return message


def _one_line_naming(error, path) -> str:
    message = str(error)
    assert "\n" not in message and "\r" not in message and message.isprintable(), repr(message)
    assert message.startswith(f"{path}: "), message
    return message


# ------------------------------------------------------------------ every exception type Pillow may raise

RAISED = [
    NotImplementedError("Unknown pixel format flags 0"),
    AttributeError("'NoneType' object has no attribute 'read'"),
    SyntaxError("not a TIFF file"),
    struct.error("unpack requires a buffer of 4 bytes"),
    IndexError("list index out of range"),
    TypeError("'float' object cannot be interpreted as an integer"),
    ValueError("buffer is not large enough"),
    EOFError(),
    ZeroDivisionError("division by zero"),
    KeyError("mode"),
    RuntimeError("unexpected"),
    RecursionError("maximum recursion depth exceeded"),
    OverflowError("Python int too large to convert to C int"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    OSError("broken data stream when reading image file"),
    Image.UnidentifiedImageError("cannot identify image file"),
    Image.DecompressionBombError("Image size (200000000 pixels) exceeds limit"),
    Exception("multi\nline \x1b[2J message\u202e"),
]


def _raise_at(monkeypatch, stage, error):
    """Make Pillow raise `error` when opening the file, or later, while decoding it."""
    def fail(*args, **kwargs):
        raise error

    if stage == "open":
        monkeypatch.setattr(images.Image, "open", fail)
    else:
        monkeypatch.setattr(images.ImageOps, "exif_transpose", fail)


@pytest.mark.parametrize("stage", ["open", "decode"])
@pytest.mark.parametrize("error", RAISED, ids=lambda e: type(e).__name__)
def test_any_decoder_exception_is_one_value_error_naming_the_file(tmp_path, monkeypatch, stage, error):
    path = tmp_path / "photo.jpg"
    path.write_bytes(_image_bytes("JPEG"))
    _raise_at(monkeypatch, stage, error)
    with pytest.raises(ValueError) as caught:
        load_image(path, 8)
    message = _one_line_naming(caught.value, path)
    if isinstance(error, Image.DecompressionBombError):
        assert "photos may have at most 40 megapixels: shrink it first" in message
    else:
        assert message.startswith(f"{path}: not a readable image ({type(error).__name__}")
    with pytest.raises(ValueError, match=r"^upload\.png: "):
        decode_image(path.read_bytes(), name="upload.png")


@pytest.mark.parametrize("error", [KeyboardInterrupt(), SystemExit(3)], ids=lambda e: type(e).__name__)
def test_ctrl_c_and_exit_still_go_through(tmp_path, monkeypatch, error):
    path = tmp_path / "photo.png"
    path.write_bytes(_image_bytes("PNG"))
    _raise_at(monkeypatch, "decode", error)
    with pytest.raises(type(error)):
        load_image(path)


def test_running_out_of_memory_is_one_line_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    path.write_bytes(_image_bytes("PNG"))
    _raise_at(monkeypatch, "decode", MemoryError())
    with pytest.raises(ValueError) as caught:
        load_image(path)
    assert "MemoryError" in _one_line_naming(caught.value, path)


def test_a_decoder_message_is_cut_to_one_short_line(tmp_path, monkeypatch):
    path = tmp_path / "p.png"
    path.write_bytes(_image_bytes("PNG"))
    _raise_at(monkeypatch, "decode", ValueError("x\n" * 5000))
    with pytest.raises(ValueError) as caught:
        load_image(path)
    assert len(_one_line_naming(caught.value, path)) < len(str(path)) + 300


@pytest.mark.parametrize("content, kind", [(dds_with_unknown_pixel_format, "NotImplementedError"),
                                           (im_with_a_fractional_size, "TypeError")])
def test_real_files_that_make_pillow_raise_other_exceptions(tmp_path, content, kind):
    with pytest.raises(Exception) as raw:  # what Pillow itself does with them
        with Image.open(io.BytesIO(content())) as image:
            image.load()
    assert type(raw.value).__name__ == kind
    path = tmp_path / "holiday.jpg"
    path.write_bytes(content())
    with pytest.raises(ValueError, match=rf"^{path}: not a readable image \({kind}: "):
        load_image(path, 16)


def test_a_folder_skips_each_undecodable_photo_and_keeps_the_others(tmp_path):
    root = tmp_path / "photos"
    for label in ("cat", "non_cat"):
        (root / label).mkdir(parents=True)
        for i in range(2):
            (root / label / f"{i}.png").write_bytes(_image_bytes("PNG", seed=i))
    (root / "cat" / "dds.jpg").write_bytes(dds_with_unknown_pixel_format())
    (root / "non_cat" / "im.png").write_bytes(im_with_a_fractional_size())
    with pytest.warns(UserWarning, match="skipped 2 unreadable") as record:
        x, y, _ = load_image_folder(root, image_size=8, workers=2)
    message = _skipped(record)
    assert "dds.jpg (not a readable image (NotImplementedError: " in message
    assert "im.png (not a readable image (TypeError: " in message
    assert x.shape == (4, 8, 8, 3) and y.tolist() == [[0, 0, 1, 1]]


# ------------------------------------------------------------------ a seeded mutation fuzz

def _seeds():
    """Small real files of the formats people upload (and the ones whose decoders raised odd exceptions)."""
    return {".png": [_image_bytes("PNG"), _image_bytes("PNG", "P", seed=1), _image_bytes("PNG", "RGBA", seed=2)],
            ".jpg": [_image_bytes("JPEG", quality=85), _image_bytes("JPEG", "L", seed=3, progressive=True),
                     _exif_jpeg()],
            ".gif": [_image_bytes("GIF", "P")], ".tif": [_image_bytes("TIFF")], ".dds": [_image_bytes("DDS", "RGBA")],
            ".im": [_image_bytes("IM")], ".bmp": [_image_bytes("BMP")], ".webp": [_image_bytes("WEBP")]}


def _exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "white").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _mutate(data: bytes, rng) -> bytes:
    """1-4 random edits, mostly in the header: replace, flip a bit, delete, insert, extreme integers, truncate."""
    data = bytearray(data)
    for _ in range(int(rng.integers(1, 5))):
        if not data:
            break
        i = int(rng.integers(0, min(len(data), 120))) if rng.random() < 0.7 else int(rng.integers(0, len(data)))
        kind = int(rng.integers(0, 6))
        if kind == 0:
            data[i] = int(rng.integers(0, 256))
        elif kind == 1:
            data[i] ^= 1 << int(rng.integers(0, 8))
        elif kind == 2:
            del data[i:i + int(rng.integers(1, 64))]
        elif kind == 3:
            data[i:i] = rng.integers(0, 256, int(rng.integers(1, 16)), dtype=np.uint8).tobytes()
        elif kind == 4:
            data[i:i + 4] = (b"\xff\xff\xff\xff", b"\0\0\0\0", b"\x7f\xff\xff\xff", b"\x80\0\0\0")[int(rng.integers(4))]
        else:
            del data[i:]
    return bytes(data)


def test_mutated_photos_only_ever_give_a_one_line_value_error(tmp_path):
    """500 mutated files (seeded; under a second): load_image returns a picture or raises one ValueError line."""
    rng = np.random.default_rng(20240607)
    seeds = [(suffix, data) for suffix, files in _seeds().items() for data in files]
    outcomes, raw_types = {}, set()
    start = time.perf_counter()
    for case in range(500):
        suffix, data = seeds[case % len(seeds)]
        mutated = _mutate(data, rng)
        path = tmp_path / f"case{case % 10}{('.jpg', '.png', suffix)[case % 3]}"
        path.write_bytes(mutated)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's "Corrupt EXIF data" and such: not what is tested here
            try:
                with Image.open(io.BytesIO(mutated)) as image:  # what escaped before the fix
                    image.load()
                    ImageOps.exif_transpose(image)
            except Exception as error:  # noqa: BLE001 - recording the types Pillow raises
                raw_types.add(type(error).__name__)
            try:
                picture = load_image(path, 8)
                assert picture.shape == (8, 8, 3) and picture.dtype == np.uint8
                outcome = "decoded"
            except ValueError as error:
                _one_line_naming(error, path)
                outcome = "ValueError"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert time.perf_counter() - start < 60
    assert outcomes.get("ValueError", 0) > 100 and outcomes.get("decoded", 0) > 20, outcomes
    assert len(raw_types) >= 3, raw_types  # the fuzz reaches several kinds of decoder failure


# ------------------------------------------------------------------ names the terminal cannot print

@pytest.fixture
def odd_name(tmp_path):
    """A file name with byte 0xff (not UTF-8: '\\udcff' in Python), ESC, a newline, U+202E and a tab."""
    name = os.fsdecode(NAME_BYTES)
    try:
        (tmp_path / name).write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take such names")
    (tmp_path / name).unlink()
    return name


def test_an_odd_name_is_escaped_in_errors(tmp_path, odd_name):
    path = tmp_path / odd_name
    path.write_bytes(b"junk")
    with pytest.raises(ValueError) as caught:
        load_image(path)
    message = str(caught.value)
    assert "\\udcff" in message and "\\x1b[2J\\n\\u202eevil\\t.png: not a readable image" in message
    assert message.isprintable()
    with pytest.raises(FileNotFoundError) as missing:
        load_image(tmp_path / ("gone" + odd_name))
    assert str(missing.value).isprintable() and "\\udcff" in str(missing.value)


def test_a_folder_of_odd_names_loads_through_the_cache(tmp_path, odd_name):
    root, cache = tmp_path / f"photos {odd_name[:3]}[*]", tmp_path / "cache"
    (root / "cat").mkdir(parents=True)
    (root / "non_cat").mkdir()
    (root / "cat" / odd_name).write_bytes(_image_bytes("PNG", seed=1))
    (root / "cat" / ("bad " + odd_name)).write_bytes(dds_with_unknown_pixel_format())
    (root / "non_cat" / "plain.png").write_bytes(_image_bytes("PNG", seed=2))
    (root / "non_cat" / os.fsdecode(b"\xfe\xfd.jpg")).write_bytes(b"junk")
    results = []
    for _ in range(2):  # the second load comes from the cache
        with pytest.warns(UserWarning) as record:
            results.append(load_image_folder(root, image_size=8, cache_dir=cache, return_paths=True))
        message = _skipped(record)
        assert message.startswith("skipped 2 unreadable file(s)") and message.isprintable()
        assert "bad c\\udcffat \\x1b[2J\\n\\u202eevil\\t.png" in message and "\\udcfe\\udcfd.jpg" in message
    assert len(list(cache.iterdir())) == 1
    (first_x, first_y, _, first_paths), (x, y, classes, paths) = results
    np.testing.assert_array_equal(first_x, x)
    assert y.tolist() == first_y.tolist() == [[0, 1]] and classes == ["cat", "non_cat"]
    assert paths == first_paths == [root / "cat" / odd_name, root / "non_cat" / "plain.png"]
    with h5py.File(next(cache.iterdir())) as f:
        assert sorted(f["failed_index"][()].tolist()) == [0, 3]


def test_a_cache_that_does_not_add_up_is_rebuilt(tmp_path):
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"{i}.png")
        paths[-1].write_bytes(_image_bytes("PNG", seed=i) if i != 1 else b"junk")
    cache = tmp_path / "c_key.h5"
    x, failures = images.load_images(paths, 8, cache_file=cache, key="k")
    assert x.shape[0] == 2 and [p for p, _ in failures] == [paths[1]]
    x2, failures2 = images.load_images(paths, 8, cache_file=cache, key="k")
    assert failures2 == [(paths[1], "unreadable when the cache was built")]
    images.write_cache(cache, "k", images=x, failed_index=np.array([0, 1]))  # 2 + 2 != 3 photos
    x3, failures3 = images.load_images(paths, 8, cache_file=cache, key="k")
    np.testing.assert_array_equal(x3, x)
    assert [p for p, _ in failures3] == [paths[1]] and failures3[0][1].startswith("not a readable image")


def test_a_cache_of_the_earlier_format_is_still_used(tmp_path):
    """Caches written before the failures were stored by index list the failed paths ("failed")."""
    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    paths[0].write_bytes(_image_bytes("PNG"))
    paths[1].write_bytes(b"junk")
    cache = tmp_path / "c_key.h5"
    x, _ = images.load_images(paths, 8)
    images.write_cache(cache, "k", images=x, failed=[str(paths[1])])
    calls = []
    real = images.decode_images
    try:
        images.decode_images = lambda *a, **k: calls.append(1) or real(*a, **k)
        x2, failures = images.load_images(paths, 8, cache_file=cache, key="k")
    finally:
        images.decode_images = real
    assert calls == [] and failures == [(paths[1], "unreadable when the cache was built")]
    np.testing.assert_array_equal(x2, x)


def test_cache_strings_keep_any_name(tmp_path):
    names = [os.fsdecode(b"a\xff"), "b\ud800", "c\x1b\n", "é€😀"]
    images.write_cache(tmp_path / "s_key.h5", "k", names=names)
    assert images.read_cache(tmp_path / "s_key.h5", "k")["names"] == names


def test_the_cache_file_name_is_safe_whatever_the_folder_is_called(tmp_path, odd_name):
    root = tmp_path / ("[x]*?" + odd_name + "y" * 200)[:200]
    (root / "cat").mkdir(parents=True)
    (root / "cat" / "a.png").write_bytes(_image_bytes("PNG"))
    load_image_folder(root, image_size=8, cache_dir=tmp_path / "cache")
    (cache_file,) = (tmp_path / "cache").iterdir()
    assert cache_file.name.isascii() and cache_file.name.isprintable() and len(cache_file.name) < 100
    assert not set("[]*?") & set(cache_file.name)
    load_image_folder(root, image_size=8, cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == [cache_file]


def test_the_name_of_bytes_without_a_name_is_short():
    with pytest.raises(ValueError, match=r"^the image bytes: not a readable image \(UnidentifiedImageError"):
        decode_image(b"\x00" * 100_000)


def test_a_path_given_as_text_is_shown_escaped(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no such image file"):
        load_image(Path(tmp_path, "a\x1bb.png"))
