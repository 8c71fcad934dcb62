"""Fetching files: from a local mirror or over HTTP(S), in parallel, under a lock on the data folder.

Every file is staged in ``<datasets_dir>/.partial/``, resumed with HTTP Range
requests after a cut, bounded by the manifest's size, and only moved where the
loaders look (atomically) once its SHA-256 matched.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import shutil
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .manifests import FileEntry, entries_for, local_path, sha256_file
from .registry import FILES_MANIFEST, SOURCES, DatasetError, NetworkError, check_names, datasets_dir
from .verify import is_valid

try:
    import fcntl
except ImportError:  # Windows: no lock between concurrent downloads
    fcntl = None

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


class _Stopped(Exception):
    """Raised in a download thread when the download is being stopped (Ctrl-C or a network failure)."""



def _staging_path(entry: FileEntry, root: Path) -> Path:
    """Partial downloads live outside the data folders, in ``<datasets_dir>/.partial/``."""
    return root / ".partial" / entry.dataset / (entry.path + ".part")


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


