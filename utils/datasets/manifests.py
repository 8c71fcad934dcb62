"""The committed manifests: ``Datasets/files.csv`` (every file, its SHA-256 and size) and
``Datasets/cats_vs_noncats_split.csv`` (the project's split of the photos), read and regenerated."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .registry import (FILES_MANIFEST, LABEL_DIRS, MANIFEST_DIR, PINNED_FILES, SOURCE_LABELS, SPLIT_MANIFEST,
                       SPLITS, DatasetError, check_names, datasets_dir)
from .splits import stratified_split


@dataclass(frozen=True)
class FileEntry:
    """One row of ``Datasets/files.csv``.

    `source` is the path below the data set's public folder (and below
    ``<mirror>/<dataset>/``); `path` is where it goes below ``Datasets/<dataset>/``.
    """

    dataset: str
    source: str
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class SplitRow:
    """One row of ``Datasets/cats_vs_noncats_split.csv``."""

    path: str
    sha256: str
    label: int
    split: str
    source: str


def _safe_relpath(text: str, what: str) -> str:
    """A manifest path must be relative and stay inside its folder."""
    parts = text.split("/")
    if not text or text.startswith("/") or "\\" in text or ".." in parts or "" in parts:
        raise DatasetError(f"{what}: expected a relative path inside the data folder, got {text!r}")
    return text


def _manifest_rows(path: Path) -> list[dict]:
    """The rows of a committed CSV manifest, as dicts keyed by its header."""
    if not path.is_file():
        raise DatasetError(f"manifest {path} is missing; it is committed in the repository (git checkout it)")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_files_manifest(path: str | os.PathLike = FILES_MANIFEST) -> list[FileEntry]:
    """Rows of ``Datasets/files.csv`` (dataset, source, path, sha256, bytes)."""
    path = Path(path)
    return [FileEntry(r["dataset"], _safe_relpath(r["source"], path.name), _safe_relpath(r["path"], path.name),
                      r["sha256"].lower(), int(r["bytes"]))
            for r in _manifest_rows(path)]


def read_split_manifest(path: str | os.PathLike = SPLIT_MANIFEST) -> list[SplitRow]:
    """Rows of ``Datasets/cats_vs_noncats_split.csv`` in their committed order."""
    path = Path(path)
    return [SplitRow(_safe_relpath(r["path"], path.name), r["sha256"].lower(), int(r["label"]), r["split"],
                     r["source"])
            for r in _manifest_rows(path)]


def manifest_hash(path: str | os.PathLike = SPLIT_MANIFEST) -> str:
    """SHA-256 of a manifest's bytes (the cache key of the decoded arrays)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _source_label(source: str) -> int:
    folder = PurePosixPath(source).parent.name.lower()
    if folder not in SOURCE_LABELS:
        raise DatasetError(f"{source}: expected it in a class folder named one of {sorted(SOURCE_LABELS)}")
    return SOURCE_LABELS[folder]


def _source_order(source: str):
    """Canonical order of source files: train/, val/, test/, then by path."""
    top = PurePosixPath(source).parts[0].lower()
    return (SPLITS.index(top) if top in SPLITS else len(SPLITS), source)


def deduplicate(files: dict[str, str]):
    """Keep each distinct content once. `files` maps source path -> sha256.

    Returns (kept {source: sha256} in canonical order, duplicates [(copy, kept)]).
    The first path (train/ before val/ before test/) wins.
    """
    kept, first, duplicates = {}, {}, []
    for source in sorted(files, key=_source_order):
        sha = files[source]
        if sha in first:
            duplicates.append((source, first[sha]))
        else:
            first[sha] = source
            kept[source] = sha
    return kept, duplicates


def build_split_rows(files: dict[str, str]):
    """Split manifest rows from {source path: sha256}: de-duplicated, stratified, ordered.

    Returns (rows, duplicates). Rows are ordered by split, then by SHA-256 (so
    cats and non-cats are interleaved). The local path is
    ``<split>/<cat|non_cat>/<file name>`` (the source folder is prefixed if two
    kept files would share a name).
    """
    kept, duplicates = deduplicate(files)
    labels = {source: _source_label(source) for source in kept}
    conflicts = [(c, k) for c, k in duplicates if _source_label(c) != labels[k]]
    if conflicts:
        copy, orig = conflicts[0]
        raise DatasetError(f"{copy} is a copy of {orig} but in another class; fix the source before splitting")
    assignment = stratified_split([(sha, labels[s]) for s, sha in kept.items()])
    rows, used = [], set()
    for source in sorted(kept, key=lambda s: (SPLITS.index(assignment[kept[s]]), kept[s])):
        sha, label = kept[source], labels[source]
        folder = PurePosixPath(assignment[sha], LABEL_DIRS[label])
        name = PurePosixPath(source).name
        if str(folder / name) in used:
            name = "_".join(PurePosixPath(source).parts[:-1]) + "_" + name
        used.add(str(folder / name))
        rows.append(SplitRow(str(folder / name), sha, label, assignment[sha], source))
    return rows, duplicates


def _write_csv_atomic(path: Path, header: list[str], rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buffer.getvalue())
    os.replace(tmp, path)


def make_manifests(source_dir: str | os.PathLike, out_dir: str | os.PathLike = MANIFEST_DIR, log=print):
    """Regenerate ``files.csv`` and ``cats_vs_noncats_split.csv`` from a local copy of the sources.

    `source_dir` is laid out like the mirror: ``catvnoncat/*.h5`` and
    ``cats_vs_noncats/<the source repository's Datasets/working/ tree>``.
    Every file is hashed; if `source_dir/SHA256SUMS` exists the hashes must agree.
    Duplicates (same bytes) are reported and kept once.
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise DatasetError(f"source folder {source_dir} does not exist")
    sums = _read_sha256sums(source_dir / "SHA256SUMS")
    entries: list[FileEntry] = []
    for name in ("catvnoncat", "cats_vs_noncats"):
        folder = source_dir / name
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise DatasetError(f"no files for {name!r} under {folder}")
        hashes = {p.relative_to(folder).as_posix(): sha256_file(p) for p in files}
        for source, sha in hashes.items():
            listed = sums.get(f"{name}/{source}")
            if sums and listed != sha:
                raise DatasetError(f"{name}/{source}: SHA256SUMS says {listed}, the file hashes to {sha}")
        if name == "cats_vs_noncats":
            rows, duplicates = build_split_rows(hashes)
            for copy, kept in duplicates:
                log(f"duplicate: {copy} is a byte-for-byte copy of {kept} (kept once)")
            log(f"cats_vs_noncats: {len(hashes)} files, {len(rows)} distinct, {len(duplicates)} duplicates")
            _write_csv_atomic(out_dir / SPLIT_MANIFEST.name, ["path", "sha256", "label", "split", "source"],
                              [(r.path, r.sha256, r.label, r.split, r.source) for r in rows])
            entries += [FileEntry(name, r.source, r.path, r.sha256, (folder / r.source).stat().st_size)
                        for r in rows]
        else:
            entries += [FileEntry(name, s, s, sha, (folder / s).stat().st_size) for s, sha in hashes.items()]
    entries += [FileEntry(*row) for row in PINNED_FILES]
    _write_csv_atomic(out_dir / FILES_MANIFEST.name, ["dataset", "source", "path", "sha256", "bytes"],
                      [(e.dataset, e.source, e.path, e.sha256, e.bytes) for e in entries])
    log(f"wrote {out_dir / FILES_MANIFEST.name} ({len(entries)} files) and {out_dir / SPLIT_MANIFEST.name}")
    return entries


def _read_sha256sums(path: Path) -> dict[str, str]:
    """{relative path: sha256} from a ``sha256sum`` listing, or {} if there is none."""
    if not path.is_file():
        return {}
    sums = {}
    for line in path.read_text().splitlines():
        if line.strip():
            sha, name = line.split(maxsplit=1)
            sums[name.strip().lstrip("*").removeprefix("./")] = sha.lower()
    return sums


def entries_for(names=None, manifest: str | os.PathLike = FILES_MANIFEST) -> list[FileEntry]:
    """Manifest rows of the named data sets (default data sets if no names)."""
    names = check_names(names)
    return [e for e in read_files_manifest(manifest) if e.dataset in names]


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_path(entry: FileEntry, root: str | os.PathLike | None = None) -> Path:
    """Where the loaders find `entry`: ``<datasets_dir>/<dataset>/<path>``."""
    return Path(root if root is not None else datasets_dir()) / entry.dataset / entry.path


