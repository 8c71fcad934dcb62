"""Reading a parameters file: the archive's members and .npy headers checked before any data is read."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .. import npz
from .metadata import (array_references, check_metadata, check_metadata_arrays, parse_metadata, rename_old_keys,
                       resolve_arrays)
from .schema import (ARRAY_PREFIX, MAX_ARCHIVE_BYTES, MAX_METADATA_CHARS, MAX_MEMBERS, METADATA_KEY, STACK_MEMBER,
                     ParametersFileError, _fail, check_weight_values)

# ------------------------------------------------------------------ reading a file
# The archive-level limits (path, zip directory, .npy headers) are `utils.npz`'s, shared with the
# notebooks' experiment caches; this module adds the parameter file's members and metadata.

WHAT = "a parameters file"


def check_readable_path(path) -> Path:
    """The path of an existing regular file of at most MAX_ARCHIVE_BYTES, else a one-line error.

    A missing file raises FileNotFoundError; a folder, a symbolic-link loop, a device or
    an unreadable path ParametersFileError (a ValueError).
    """
    try:
        return npz.check_readable_path(path, MAX_ARCHIVE_BYTES, WHAT)
    except npz.ArchiveError as error:
        raise ParametersFileError(str(error)) from None


def read_parameters_file(path):
    """(parameters, metadata) from a file in this format; every problem is one ValueError naming `path`."""
    path = check_readable_path(path)
    shown = str(path)
    try:
        return npz.open_archive(path, _read_archive)
    except (ParametersFileError, npz.ArchiveError) as error:
        text = str(error)
        if text.startswith("not a readable .npz archive"):
            raise ParametersFileError(f"path: {shown!r} is not a readable .npz parameters file"
                                      f"{text.removeprefix('not a readable .npz archive')}; pass a file written by "
                                      "save_parameters, or save it again if it was cut short") from None
        raise ParametersFileError(f"path: {shown!r}: {text}") from None


def _read_archive(archive: zipfile.ZipFile):
    members = list_members(archive)
    text = _read_metadata_text(archive, members[METADATA_KEY])
    tree = parse_metadata(text)
    wanted = [n for n in members if STACK_MEMBER.fullmatch(n)] + [n for n in array_references(tree) if n in members]
    headers = {name: read_header(archive, members[name]) for name in dict.fromkeys(wanted)}
    check_metadata(tree, {name: (h.shape, h.dtype) for name, h in headers.items()})
    arrays = {name: read_member(archive, members[name]) for name in headers}
    parameters = {name: array for name, array in arrays.items() if not name.startswith(ARRAY_PREFIX)}
    check_weight_values(parameters)
    metadata = rename_old_keys(resolve_arrays(tree, arrays))
    check_metadata_arrays(metadata)
    return parameters, metadata


_MEMBER = re.compile(rf"(?P<name>{STACK_MEMBER.pattern}|__metadata__|meta\..+)\.npy", re.S)


def list_members(archive: zipfile.ZipFile) -> dict:
    """{member name without .npy: ZipInfo}, refusing archives that are not parameter files or too large."""
    names = [info.filename.removesuffix(".npy") for info in archive.infolist()]
    if METADATA_KEY not in names:
        listing = sorted(names)[:10] + (["..."] if len(names) > 10 else [])
        _fail(f"an .npz file but not one written by save_parameters (keys {listing}): it has no {METADATA_KEY} "
              "member. Experiment caches (np.savez of results) are not parameter files: read them with "
              "utils.evaluation.read_experiment_cache")
    members = npz.check_directory(archive, MAX_MEMBERS, MAX_ARCHIVE_BYTES, WHAT)
    unknown = sorted(info.filename for info in members.values() if not _MEMBER.fullmatch(info.filename))
    if unknown:
        _fail(f"members {unknown[:10]} are not part of the format (W1, b1, ..., {METADATA_KEY}, meta.*); "
              "this is not a file written by save_parameters")
    return members


read_header, read_member, Header = npz.read_header, npz.read_member, npz.Header


def _read_metadata_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    header = read_header(archive, info)
    if header.shape != () or header.dtype.kind != "U":
        _fail(f"{METADATA_KEY}: expected a 0-d unicode array (the JSON text), got {header.dtype} of shape "
              f"{header.shape}")
    if header.dtype.itemsize // 4 > MAX_METADATA_CHARS:
        _fail(f"metadata: {header.dtype.itemsize // 4:,} characters of JSON, more than the "
              f"{MAX_METADATA_CHARS:,} allowed")
    return str(read_member(archive, info)[()])
