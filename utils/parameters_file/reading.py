"""Reading a parameters file: the archive's members and .npy headers checked before any data is read."""

from __future__ import annotations

import errno
import math
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .metadata import (array_references, check_metadata, check_metadata_arrays, parse_metadata, rename_old_keys,
                       resolve_arrays)
from .schema import (ARRAY_PREFIX, MAX_ARCHIVE_BYTES, MAX_METADATA_CHARS, MAX_MEMBERS, METADATA_KEY,
                     ParametersFileError, _fail, check_weight_values)

# ------------------------------------------------------------------ reading a file

@dataclass(frozen=True)
class Header:
    """What the .npy header of a member says, and how many data bytes the member really stores."""

    shape: tuple
    dtype: np.dtype
    stored: int

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def check_readable_path(path) -> Path:
    """The path of an existing regular file of at most MAX_ARCHIVE_BYTES, else a one-line error.

    A missing file raises FileNotFoundError; a folder, a symbolic-link loop, a device or
    an unreadable path ParametersFileError (a ValueError).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"path: no parameters file at {str(path)!r}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            _fail(f"path: {str(path)!r} is a symbolic link that loops back on itself; point it at a real .npz file")
        _fail(f"path: {str(path)!r} cannot be read ({error.strerror}); check the name and the permissions")
    if stat.S_ISDIR(info.st_mode):
        _fail(f"path: {str(path)!r} is a folder, not a parameters file; pass one of the .npz files in it")
    if not stat.S_ISREG(info.st_mode):
        _fail(f"path: {str(path)!r} is not a regular file (a device, pipe or socket); pass an .npz file")
    if info.st_size > MAX_ARCHIVE_BYTES:
        _fail(f"path: {str(path)!r} has {info.st_size:,} bytes, more than the {MAX_ARCHIVE_BYTES:,} a parameters "
              "file may hold")
    return path


def read_parameters_file(path):
    """(parameters, metadata) from a file in this format; every problem is one ValueError naming `path`."""
    path = check_readable_path(path)
    shown = str(path)
    try:
        with open(path, "rb") as f:
            if f.read(6) == b"\x93NUMPY":
                raise ValueError("it holds a single .npy array, not an .npz archive")
        with zipfile.ZipFile(path) as archive:
            return _read_archive(archive)
    except ParametersFileError as error:
        raise ParametersFileError(f"path: {shown!r}: {error}") from None
    except (ValueError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error) as error:
        raise ParametersFileError(f"path: {shown!r} is not a readable .npz parameters file ({error}); pass a file "
                                  "written by save_parameters, or save it again if it was cut short") from None


def _read_archive(archive: zipfile.ZipFile):
    members = list_members(archive)
    text = _read_metadata_text(archive, members[METADATA_KEY])
    tree = parse_metadata(text)
    wanted = [n for n in members if n[0] in "Wb"] + [n for n in array_references(tree) if n in members]
    headers = {name: read_header(archive, members[name]) for name in dict.fromkeys(wanted)}
    check_metadata(tree, {name: (h.shape, h.dtype) for name, h in headers.items()})
    arrays = {name: read_member(archive, members[name]) for name in headers}
    parameters = {name: array for name, array in arrays.items() if not name.startswith(ARRAY_PREFIX)}
    check_weight_values(parameters)
    metadata = rename_old_keys(resolve_arrays(tree, arrays))
    check_metadata_arrays(metadata)
    return parameters, metadata


_MEMBER = re.compile(r"(?P<name>[Wb][1-9][0-9]*|__metadata__|meta\..+)\.npy", re.S)


def list_members(archive: zipfile.ZipFile) -> dict:
    """{member name without .npy: ZipInfo}, refusing archives that are not parameter files or too large."""
    infos = archive.infolist()
    names = [info.filename.removesuffix(".npy") for info in infos]
    if METADATA_KEY not in names:
        listing = sorted(names)[:10] + (["..."] if len(names) > 10 else [])
        _fail(f"an .npz file but not one written by save_parameters (keys {listing}): it has no {METADATA_KEY} "
              "member. Experiment caches (np.savez of results) are not parameter files: read them with np.load")
    if len(infos) > MAX_MEMBERS:
        _fail(f"{len(infos):,} members, more than the {MAX_MEMBERS:,} a parameters file may have")
    unknown = sorted(info.filename for info in infos if not _MEMBER.fullmatch(info.filename))
    if unknown:
        _fail(f"members {unknown[:10]} are not part of the format (W1, b1, ..., {METADATA_KEY}, meta.*); "
              "this is not a file written by save_parameters")
    if len(set(names)) != len(names):
        _fail("some members appear twice in the archive; the file was not written by save_parameters")
    total = sum(info.file_size for info in infos)
    if total > MAX_ARCHIVE_BYTES:
        _fail(f"its members hold {total:,} bytes uncompressed, more than the {MAX_ARCHIVE_BYTES:,} a parameters "
              "file may hold")
    for info in infos:
        if info.flag_bits & 0x61 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _fail(f"member {info.filename!r} is encrypted, patched or compressed with an unsupported method; "
                  "write parameter files with save_parameters")
    return dict(zip(names, infos))


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
              f"{header.shape}; parameter files hold numbers only")
    if header.nbytes != header.stored:
        _fail(f"member {info.filename!r}: its header describes {header.nbytes:,} bytes of data ({dtype}, shape "
              f"{header.shape}) but it stores {header.stored:,}; the file is corrupt")
    return header


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """The array of a member, once `read_header` has checked it (never unpickles)."""
    with archive.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _read_metadata_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    header = read_header(archive, info)
    if header.shape != () or header.dtype.kind != "U":
        _fail(f"{METADATA_KEY}: expected a 0-d unicode array (the JSON text), got {header.dtype} of shape "
              f"{header.shape}")
    if header.dtype.itemsize // 4 > MAX_METADATA_CHARS:
        _fail(f"metadata: {header.dtype.itemsize // 4:,} characters of JSON, more than the "
              f"{MAX_METADATA_CHARS:,} allowed")
    return str(read_member(archive, info)[()])
