"""Reading photos from disk: one photo, a list of photos, a folder of class folders.

Every photo goes through `utils.preprocessing.resize_image` (RGB conversion,
Lanczos resize, uint8), the same function used at prediction time, so a photo
is prepared identically when training and when "trying your own photo".

`decode_image` is the one decoder: `load_image` (files) and the photo-upload
explorer (bytes) both call it. It scales 16- and 32-bit pictures to 8 bits
(see `to_8bit`) instead of clipping them, and refuses pictures of more than
`MAX_PIXELS` (40 megapixels) before decoding them; a larger JPEG is decoded
at 1/2, 1/4 or 1/8 of its size instead (Pillow's ``draft``), which is how a
phone's 48- or 108-megapixel photo is read. (Beyond 89 megapixels Pillow
itself warns, ``DecompressionBombWarning``, before the check runs.)

Decoding hundreds of JPEGs takes seconds; the decoded arrays can be cached in
an HDF5 file (written atomically, rebuilt when stale or unreadable), which
makes the second load about a hundred times faster.

Every failure to decode one photo -- whatever Pillow raises for a damaged or
hostile file (UnidentifiedImageError, OSError, SyntaxError, struct.error,
NotImplementedError, TypeError, IndexError, EOFError, ZeroDivisionError, ...)
-- becomes a one-line ValueError "<file>: not a readable image (<type>: <what
Pillow said>)" for that photo alone; a DecompressionBombError or a MemoryError
becomes a one-line ValueError naming the file and saying to shrink it. Only
KeyboardInterrupt and SystemExit go through. File names in messages
and warnings are shown with `utils.text.printable` (control characters,
surrogates of a non-UTF-8 name, ... as backslash escapes), and the cache copes
with any name a file system gives.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h5py
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .atomic import write_atomically
from .preprocessing import _check_image_size, resize_image, to_rgb
from .text import printable

#: Bump when decoding or resizing changes, so old caches are not reused.
CACHE_VERSION = "2"
#: Pictures with more pixels are refused before they are decoded (a JPEG is decoded smaller instead).
MAX_PIXELS = 40_000_000
#: Files skipped silently when listing a folder (system clutter, not photos).
IGNORED_NAMES = {"Thumbs.db", "desktop.ini"}
#: Longest detail quoted from a decoder's message in "not a readable image (...)".
MAX_DETAIL = 200


class _Refused(ValueError):
    """A picture refused by this module's own checks (its message already names the file)."""


def _encoded(text: str) -> bytes:
    """`text` as bytes for hashing or storing: UTF-8, lone surrogates (non-UTF-8 file names) included."""
    return text.encode("utf-8", "surrogatepass")


def load_image(path: str | os.PathLike, image_size: int | None = None) -> np.ndarray:
    """Read one photo as an (H, W, 3) uint8 RGB array (see `decode_image`).

    With `image_size`, the whole photo is resized to (image_size, image_size, 3)
    with antialiasing. A missing file raises FileNotFoundError; a corrupt,
    truncated, empty, too large or non-image file raises ValueError naming the file,
    whatever the decoder raised (see the module's docstring).
    """
    path = Path(path)
    if image_size is not None:
        _check_image_size(image_size)
    if not path.is_file():
        raise FileNotFoundError(f"{printable(path)}: no such image file")
    return decode_image(path, image_size, name=str(path))


def decode_image(source, image_size: int | None = None, name: str | None = None) -> np.ndarray:
    """Decode an image file (a path, or its bytes) to an (H, W, 3) uint8 RGB array.

    Palette, grayscale and RGBA images are converted to RGB (transparency on
    white); 16- and 32-bit pictures are scaled to 8 bits (`to_8bit`); the EXIF
    orientation of phone photos is applied. Pictures over MAX_PIXELS are
    refused before decoding, except JPEGs, which are decoded at a reduced size.
    With `image_size` the result is resized to (image_size, image_size, 3).
    Raises ValueError "<name>: ..." (one line, `name` shown with `utils.text.printable`)
    for anything that is not a usable image, whatever exception the decoder raised;
    only KeyboardInterrupt and SystemExit go through.
    """
    is_bytes = isinstance(source, (bytes, bytearray, memoryview))
    shown = printable(name or ("the image bytes" if is_bytes else source))
    if image_size is not None:
        _check_image_size(image_size)
    try:
        if is_bytes:
            source = bytes(source)
            size, source = len(source), io.BytesIO(source)
        else:
            size = Path(source).stat().st_size
        if size == 0:
            raise _Refused(f"{shown}: not a readable image (empty file)")
        with Image.open(source) as image:
            _limit_pixels(image, shown)
            image.load()  # decode now: truncated files fail here, not later
            image = to_8bit(ImageOps.exif_transpose(image))
            if image_size is None:
                return np.array(to_rgb(image), dtype=np.uint8)
            return resize_image(image, image_size)
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ValueError(f"{shown}: {_detail(e)}; photos may have at most {MAX_PIXELS / 1e6:g} megapixels: "
                         "shrink it first") from None
    except MemoryError:
        raise ValueError(f"{shown}: too large to decode in the memory available (MemoryError); shrink it first "
                         "or close other programs") from None
    except UnidentifiedImageError:  # its message only repeats the name (or "<_io.BytesIO object at 0x...>")
        raise ValueError(f"{shown}: not a readable image (UnidentifiedImageError: no image format Pillow knows)"
                         ) from None
    except Exception as e:  # noqa: BLE001 - whatever a damaged file makes Pillow raise, see the docstring
        detail = _detail(e)
        raise ValueError(f"{shown}: not a readable image ({type(e).__name__}{': ' * bool(detail)}{detail})") from None


def _detail(error: BaseException) -> str:
    """A decoder's message on one line, printable, at most MAX_DETAIL characters ("" if it has none)."""
    try:
        text = printable(" ".join(str(error).split()))
    except Exception:  # noqa: BLE001 - an exception whose message cannot be made: its type says enough
        return ""
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL - 3] + "..."


def _limit_pixels(image: Image.Image, name: str) -> None:
    """Refuse (`_Refused`, naming `name`) an image of more than MAX_PIXELS before decoding it; draft a JPEG
    down to fit instead."""
    width, height = image.size
    if width * height <= MAX_PIXELS:
        return
    for scale in (2, 4, 8):  # JPEG decoders can scale by these factors at no cost
        if -(-width // scale) * -(-height // scale) <= MAX_PIXELS:
            image.draft(image.mode, (width // scale, height // scale))
            break
    if image.size[0] * image.size[1] > MAX_PIXELS:
        raise _Refused(f"{name}: {width}x{height} pixels ({width * height / 1e6:.0f} megapixels) is more than "
                       f"the {MAX_PIXELS / 1e6:g} megapixels a photo may have here; shrink it first "
                       "(e.g. to 4000x3000) or save it as a JPEG")


def to_8bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit grey pictures scaled to 8-bit "L" (never clipped); other modes unchanged.

    16-bit modes ("I;16", "I;16B", ...): value / 257, so 0..65535 becomes 0..255.
    32-bit modes ("I" integers, "F" floats): their actual range [min, max] is
    stretched to 0..255 (NaN and inf count as min); a uniform picture keeps its
    value clipped to 0..255.
    """
    if image.mode.startswith("I;16"):
        values = np.asarray(image).astype(np.float64) / 257.0
    elif image.mode in ("I", "F"):
        values = np.asarray(image).astype(np.float64)
        finite = np.isfinite(values)
        low, high = (values[finite].min(), values[finite].max()) if finite.any() else (0.0, 0.0)
        values = np.where(finite, values, low)
        values = (values - low) * (255.0 / (high - low)) if high > low else np.clip(values, 0, 255)
    else:
        return image
    return Image.fromarray(np.rint(values).astype(np.uint8))  # 2-D uint8: mode "L"


def _try_load(path: Path, image_size: int):
    """(array, None) or (None, reason) for one photo: one photo's failure never stops the others."""
    try:
        return load_image(path, image_size), None
    except (ValueError, OSError) as e:
        return None, printable(" ".join(str(e).split())).removeprefix(f"{printable(path)}: ")
    except Exception as e:  # noqa: BLE001 - load_image turns decode failures into ValueError; anything else
        detail = _detail(e)
        return None, f"not a readable image ({type(e).__name__}{': ' * bool(detail)}{detail})"


def decode_images(paths, image_size: int, workers: int | None = None):
    """Decode and resize photos in a thread pool (Pillow releases the GIL while decoding).

    Returns (images (k, S, S, 3) uint8 for the k readable photos, in order;
    ok, a boolean mask over `paths`; failures [(path, reason)]).
    """
    paths = [Path(p) for p in paths]
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda p: _try_load(p, image_size), paths))
    ok = np.array([img is not None for img, _ in results], dtype=bool)
    failures = [(p, reason) for p, (img, reason) in zip(paths, results) if img is None]
    arrays = [img for img, _ in results if img is not None]
    images = np.stack(arrays) if arrays else np.zeros((0, image_size, image_size, 3), np.uint8)
    return images, ok, failures


def read_cache(cache_file: str | os.PathLike, key: str) -> dict | None:
    """The arrays stored in `cache_file` if it exists, is readable and was written for `key`; else None.

    Lists of strings come back as lists of str (lone surrogates, as `write_cache` stored them, included).
    """
    try:
        with h5py.File(cache_file, "r") as f:
            if f.attrs.get("key") != key:
                return None
            data = {name: f[name][()] for name in f}
        for name, value in data.items():
            if value.dtype == object:  # variable-length strings come back as bytes
                data[name] = [v.decode("utf-8", "surrogatepass") if isinstance(v, bytes) else str(v)
                              for v in value]
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever h5py makes of it
        return None
    return data


def write_cache(cache_file: str | os.PathLike, key: str, **arrays) -> None:
    """Write arrays to an HDF5 cache atomically (temporary file, then rename).

    Lists of strings are stored as variable-length UTF-8 (a lone surrogate of a
    non-UTF-8 file name as its 3 bytes, so that `read_cache` gives it back). Old caches with the
    same name prefix (another manifest or set of files) are removed. A
    read-only folder only costs the speed-up: a warning, no error.
    """
    cache_file = Path(cache_file)

    def write(file):
        with h5py.File(file, "w") as f:
            f.attrs["key"] = key
            for name, value in arrays.items():
                if isinstance(value, list):
                    f.create_dataset(name, data=[_encoded(str(v)) for v in value], dtype=h5py.string_dtype())
                else:
                    f.create_dataset(name, data=value)

    try:
        write_atomically(cache_file, write)
    except OSError as e:
        warnings.warn(f"could not write the image cache {cache_file} ({e}); loading still works, uncached",
                      stacklevel=3)
        return
    prefix = cache_file.name.rsplit("_", 1)[0] + "_"
    for old in cache_file.parent.iterdir():  # not glob: a name may hold [, * or ?
        if old != cache_file and old.name.endswith(".h5") and old.name.rsplit("_", 1)[0] + "_" == prefix:
            old.unlink(missing_ok=True)


def load_images(paths, image_size: int, cache_file=None, key: str = "", workers: int | None = None):
    """Decode `paths` to (m, S, S, 3) uint8, through an HDF5 cache if `cache_file` is given.

    `key` must change whenever the photos or the way they are decoded change
    (callers build it from paths, sizes, modification times and image_size).
    The cache records which photos failed by their index in `paths` (any file
    name will do); one that does not add up with `paths` is rebuilt.
    Returns (images of the readable photos, failures [(path, reason)]).
    """
    _check_image_size(image_size)
    paths = [Path(p) for p in paths]
    if cache_file is not None:
        cached = read_cache(cache_file, key)
        failed = _cached_failures(cached, paths, image_size)
        if failed is not None:
            return cached["images"], [(paths[i], "unreadable when the cache was built") for i in failed]
    images, ok, failures = decode_images(paths, image_size, workers)
    if cache_file is not None:
        write_cache(cache_file, key, images=images, failed_index=np.flatnonzero(~ok).astype(np.int64))
    return images, failures


def _cached_failures(cached: dict | None, paths: list, image_size: int) -> list | None:
    """The indices of the failed photos a cache records, or None when it cannot be used for `paths`.

    Caches written before the indices were stored list the failed paths ("failed").
    """
    if cached is None or "images" not in cached:
        return None
    images = cached["images"]
    if images.ndim != 4 or images.shape[1:] != (image_size, image_size, 3) or images.dtype != np.uint8:
        return None
    if "failed_index" in cached:
        failed = np.asarray(cached["failed_index"]).ravel()
        if failed.dtype.kind not in "iu":
            return None
        failed = [int(i) for i in failed]
    elif "failed" in cached:
        where = {str(p): i for i, p in enumerate(paths)}
        failed = [where.get(str(name), -1) for name in cached["failed"]]
    else:
        return None
    if any(not 0 <= i < len(paths) for i in failed) or len(set(failed)) != len(failed):
        return None
    if len(images) + len(failed) != len(paths):
        return None
    return sorted(failed)


def _listing_key(files, image_size: int) -> str:
    """A cache key from the files' relative paths, sizes and modification times."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}|{image_size}".encode())
    for label, path, rel in files:
        st = path.stat()
        digest.update(_encoded(f"|{label}|{rel}|{st.st_size}|{st.st_mtime_ns}"))
    return digest.hexdigest()


def _cache_name_part(name: str) -> str:
    """A folder name reduced to ASCII letters, digits and . _ - (what any file system and glob take), 40 at most."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:40] or "folder"


def list_image_folder(folder: str | os.PathLike, classes=None):
    """The files of a class-per-subfolder tree: (classes, [(label, path, relative path)]).

    Without `classes`, the subfolder names in sorted order are the classes
    (label i = classes[i]). Raises FileNotFoundError / ValueError with the
    expected layout when the folder is missing or not laid out that way.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"folder: {printable(folder)} does not exist")
    subfolders = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if classes is None:
        classes = subfolders
    classes = list(classes)
    if not classes:
        raise ValueError(
            f"folder: expected one subfolder per class in {printable(folder)} (e.g. {printable(folder / 'cat')}/, "
            f"{printable(folder / 'non_cat')}/), "
            "found no subfolders"
        )
    absent = [c for c in classes if c not in subfolders]
    if absent:
        raise ValueError(f"classes: expected subfolders {classes} in {printable(folder)}, missing {absent}; "
                         f"found {subfolders}")
    files = []
    for label, name in enumerate(classes):
        for path in sorted((folder / name).rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.name not in IGNORED_NAMES:
                files.append((label, path, path.relative_to(folder).as_posix()))
    return classes, files


def load_image_folder(folder: str | os.PathLike, image_size: int = 64, classes=None, cache_dir=None,
                      workers: int | None = None, return_paths: bool = False):
    """Load every photo of ``folder/<class>/...`` resized to image_size x image_size.

    Returns (images (m, S, S, 3) uint8, labels (1, m) int64, classes) and,
    with `return_paths`, the list of the m paths. Labels index `classes`
    (default: the subfolder names sorted; pass ``classes=["non_cat", "cat"]``
    to get 1 = cat for the project's folders). Photos are in class order, then
    by path. Corrupt, truncated, empty or non-image files are skipped and
    listed in one warning. With `cache_dir`, the decoded arrays are cached
    there (HDF5), keyed by the files' paths, sizes, times and `image_size`.
    """
    _check_image_size(image_size)
    folder = Path(folder)
    classes, files = list_image_folder(folder, classes)
    if not files:
        raise ValueError(f"folder: no files in the class subfolders {classes} of {printable(folder)}")
    labels_all = np.array([label for label, _, _ in files], dtype=np.int64)
    paths = [path for _, path, _ in files]
    cache_file = key = None
    if cache_dir is not None:
        key = _listing_key(files, image_size)
        tag = hashlib.sha256(_encoded(str(folder.resolve()))).hexdigest()[:8]
        cache_file = Path(cache_dir) / f"folder_{_cache_name_part(folder.name)}_{tag}_{image_size}_{key[:12]}.h5"
    images, failures = load_images(paths, image_size, cache_file=cache_file, key=key or "", workers=workers)
    failed = {Path(p) for p, _ in failures}
    if failures:
        listing = "; ".join(f"{printable(p)} ({reason})" for p, reason in failures)
        warnings.warn(f"skipped {len(failures)} unreadable file(s) in {printable(folder)}: {listing}", stacklevel=2)
    keep = np.array([p not in failed for p in paths], dtype=bool)
    if not keep.any():
        raise ValueError(f"folder: none of the {len(paths)} files in {printable(folder)} is a readable image")
    labels = labels_all[keep].reshape(1, -1)
    if return_paths:
        return images, labels, classes, [p for p, k in zip(paths, keep) if k]
    return images, labels, classes
