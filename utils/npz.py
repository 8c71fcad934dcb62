"""Reading `.npz` archives under limits: the zip directory and every member's .npy header are checked
before any array is read, and nothing is ever unpickled.

One reader for the project's two kinds of `.npz` files:

- parameter files (`utils.parameters_file`), which add their own member names and metadata schema;
- the notebooks' experiment caches (`utils.evaluation.cached_experiment`), plain ``numpy.savez``
  tables of results, read with `read_npz`.

What is refused, with a `ArchiveError` (a ValueError) naming the problem:

- a path that is not a regular file (a folder, a device, a link loop), or larger than `max_bytes`;
- a single ``.npy`` array or anything that is not a zip archive, a truncated or corrupt archive;
- more than `max_members` members, members whose uncompressed sizes add up to more than
  `max_bytes` (a small file that would inflate to gigabytes: a "zip bomb"), encrypted members or
  unsupported compression, members named twice;
- a member whose .npy header describes Python objects, a negative shape, or a different number of
  bytes than the member stores (a header claiming a terabyte is refused, not allocated).

A missing file is a FileNotFoundError, as for `open`.
"""

from __future__ import annotations

import errno
import math
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np


#: Shapes a member may describe: NumPy's own limit is 64 dimensions; a length past 2**40 (10**12) cannot be
#: an array of a file of at most a few GiB, and a header may claim one with a zero elsewhere (0 bytes).
MAX_DIMENSIONS, MAX_LENGTH = 32, 2**40
#: A deflated member may expand at most this many times (and past MIN_RATIO_BYTES): numpy.savez stores its
#: members uncompressed; savez_compressed shrinks numbers 2 to 10 times; a member of zeros a thousand
#: times: a small file that would take gigabytes of memory.
MAX_RATIO, MIN_RATIO_BYTES = 100, 16 * 1024**2


class ArchiveError(ValueError):
    """An .npz archive breaks the limits, or is not a readable .npz archive."""


def _fail(message: str):
    raise ArchiveError(message)


@dataclass(frozen=True)
class Header:
    """What the .npy header of a member says, and how many data bytes the member really stores."""

    shape: tuple
    dtype: np.dtype
    stored: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def check_readable_path(path, max_bytes: int, what: str = "an .npz file") -> Path:
    """The path of an existing regular file of at most `max_bytes`, else a one-line error.

    A missing file raises FileNotFoundError; a folder, a symbolic-link loop, a device or an
    unreadable path `ArchiveError`. `what` names the expected file in the messages.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"path: no {what.removeprefix('an ').removeprefix('a ')} at {str(path)!r}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            _fail(f"path: {str(path)!r} is a symbolic link that loops back on itself; point it at a real .npz file")
        _fail(f"path: {str(path)!r} cannot be read ({error.strerror}); check the name and the permissions")
    if stat.S_ISDIR(info.st_mode):
        _fail(f"path: {str(path)!r} is a folder, not {what}; pass one of the .npz files in it")
    if not stat.S_ISREG(info.st_mode):
        _fail(f"path: {str(path)!r} is not a regular file (a device, pipe or socket); pass an .npz file")
    if info.st_size > max_bytes:
        _fail(f"path: {str(path)!r} has {info.st_size:,} bytes, more than the {max_bytes:,} {what} may hold")
    return path


def open_archive(path: Path, read):
    """read(archive) on the zip archive at `path`; every way the file can be unreadable is one ArchiveError.

    `read` may raise ArchiveError (or a subclass) itself; those pass through unchanged.
    """
    try:
        with open(path, "rb") as f:
            if f.read(6) == b"\x93NUMPY":
                raise ValueError("it holds a single .npy array, not an .npz archive")
        with zipfile.ZipFile(path) as archive:
            return read(archive)
    except ArchiveError:
        raise
    except (ValueError, OSError, EOFError, NotImplementedError, OverflowError, MemoryError, zipfile.BadZipFile,
            zlib.error) as error:
        _fail(f"not a readable .npz archive ({type(error).__name__}: {' '.join(str(error).split())[:200]})")


def check_directory(archive: zipfile.ZipFile, max_members: int, max_bytes: int, what: str = "the file") -> dict:
    """{member name without .npy: ZipInfo}, after the limits that the zip directory alone can tell."""
    infos = archive.infolist()
    names = [info.filename.removesuffix(".npy") for info in infos]
    if len(infos) > max_members:
        _fail(f"{len(infos):,} members, more than the {max_members:,} {what} may have")
    if len(set(names)) != len(names):
        _fail("some members appear twice in the archive; the file was not written by numpy.savez")
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        _fail(f"its members hold {total:,} bytes uncompressed, more than the {max_bytes:,} {what} may hold")
    for info in infos:
        if info.flag_bits & 0x61 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _fail(f"member {info.filename!r} is encrypted, patched or compressed with an unsupported method; "
                  "write .npz files with numpy.savez")
        if info.file_size > MIN_RATIO_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            _fail(f"member {info.filename!r} would expand from {info.compress_size:,} to {info.file_size:,} bytes "
                  f"(more than {MAX_RATIO} times): a file that small cannot hold that much real data; write .npz "
                  "files with numpy.savez")
    return dict(zip(names, infos))


def _short(shape) -> str:
    text = repr(shape)
    return text if len(text) <= 60 else text[:57] + "..."


def read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Header:
    """Shape and dtype from a member's .npy header, without reading its data."""
    with archive.open(info) as f:
        version = np.lib.format.read_magic(f)
        readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        if version not in readers:
            _fail(f"member {info.filename!r}: .npy format version {version} is not used by numpy.savez for numbers")
        shape, _, dtype = readers[version](f)
        header = Header(tuple(shape), dtype, info.file_size - f.tell())
    if dtype.hasobject or any(n < 0 for n in header.shape):
        _fail(f"member {info.filename!r}: holds Python objects (dtype {dtype}) or a negative shape "
              f"{header.shape}; these files hold numbers and text only")
    if len(header.shape) > MAX_DIMENSIONS or any(n > MAX_LENGTH for n in header.shape):
        _fail(f"member {info.filename!r}: its header describes a shape {_short(header.shape)} that no array of "
              f"this project has (at most {MAX_DIMENSIONS} dimensions of at most {MAX_LENGTH:,}); the file is corrupt "
              "or crafted")
    if header.nbytes != header.stored:
        _fail(f"member {info.filename!r}: its header describes {header.nbytes:,} bytes of data ({dtype}, shape "
              f"{header.shape}) but it stores {header.stored:,}; the file is corrupt")
    return header


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """The array of a member, once `read_header` has checked it (never unpickles)."""
    with archive.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def read_npz(path, max_bytes: int, max_members: int, kinds: str = "biufcUS", what: str = "an .npz file") -> dict:
    """{name: array} of every member of the .npz archive at `path`, each header checked before any data.

    kinds: the dtype kinds a member may have (default: booleans, numbers, text). Every problem is one
    ArchiveError (a ValueError) saying what is wrong; the caller adds the file's name.
    """
    path = check_readable_path(path, max_bytes, what)

    def read(archive):
        members = check_directory(archive, max_members, max_bytes, what)
        headers = {name: read_header(archive, info) for name, info in members.items()}
        for name, header in headers.items():
            if header.dtype.kind not in kinds:
                _fail(f"member {name!r}: dtype {header.dtype} is not one {what} holds (numbers, booleans, text)")
        return {name: read_member(archive, members[name]) for name in headers}

    return open_archive(path, read)


def write_npz(file, arrays: dict) -> None:
    """Write {name: array} to the open binary `file` as numpy.savez does (uncompressed members ``<name>.npy``,
    allow_pickle=False), without savez's own keyword arguments: a result named "file" or "allow_pickle" is
    stored as any other."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


__all__ = ["write_npz", "ArchiveError", "Header", "check_readable_path", "open_archive", "check_directory", "read_header",
           "read_member", "read_npz"]
