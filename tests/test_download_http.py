"""The real HTTP download path, against a server on 127.0.0.1 that can misbehave.

The server serves a handful of files (copied from the mirror, or from a
populated Datasets/) laid out like the mirror: /<dataset>/<source path>.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from utils import datasets as ds

MIRROR = Path(os.environ.get("DATASETS_MIRROR") or ds.PROJECT_ROOT.parent / "shared" / "datasets")


def _file_bytes(entry: ds.FileEntry) -> bytes:
    """The bytes of a manifest file, from the mirror or from an already populated Datasets/."""
    for path in (MIRROR / entry.dataset / entry.source, ds.local_path(entry)):
        if path.is_file():
            return path.read_bytes()
    pytest.skip(f"no copy of {entry.dataset}/{entry.source}: set DATASETS_MIRROR or run the download first")


@pytest.fixture(scope="module")
def handful():
    """Four small cats_vs_noncats files (two per class) and their bytes."""
    rows = ds.entries_for(["cats_vs_noncats"])
    small = sorted(rows, key=lambda e: (e.bytes, e.path))
    picked = [e for e in small if "/cat/" in e.path][:2] + [e for e in small if "/non_cat/" in e.path][:2]
    return {e: _file_bytes(e) for e in picked}


#: How long a misbehaving handler may hang at most (the server's exit releases it sooner).
HANG = 30.0
#: An "endless" body stops here, so that even a downloader without a size bound ends (and fails) quickly.
ENDLESS_CAP = 32 << 20


class Server:
    """A loopback HTTP server with per-path behaviours and a request log.

    Behaviours (a queue per path, then `default`): "ok", "cut", "503", "404",
    "corrupt", "norange", and the hostile ones: "oversized" (a Content-Length
    and body 1000 bytes longer than the file), "endless" (no Content-Length,
    bytes until the client hangs up), "stall" (headers, then nothing),
    "silent" (no answer at all) and "slow" (the body spread over `slow_seconds`).
    """

    def __init__(self, files: dict[str, bytes], default: str = "ok", slow_seconds: float = 1.0):
        self.files = dict(files)
        self.behaviour: dict[str, list[str]] = {}  # path -> queue of actions
        self.default, self.slow_seconds = default, slow_seconds
        self.requests: list[tuple[str, str | None]] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                try:
                    self.answer()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: fine
                    self.close_connection = True

            def answer(self):
                server.requests.append((self.path, self.headers.get("Range")))
                queue = server.behaviour.get(self.path, [])
                action = queue.pop(0) if queue else server.default
                if action == "silent":
                    server.stop.wait(HANG)
                    return
                data = server.files.get(self.path)
                if data is None or action == "404":
                    self.send_error(404, "Not Found")
                    return
                if action == "503":
                    self.send_error(503, "Service Unavailable")
                    return
                if action == "corrupt":
                    data = data[:-1] + bytes([data[-1] ^ 0xFF])
                if action == "oversized":
                    data = data + b"\0" * 1000
                if action == "endless":
                    self.send_endless()
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and action != "norange":
                    start = int(rng.removeprefix("bytes=").split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if action == "cut":  # promise everything, send half, hang up
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if action == "stall":
                    self.wfile.flush()
                    server.stop.wait(HANG)
                    return
                if action == "slow":
                    self.send_slowly(body)
                    return
                self.wfile.write(body)

            def send_endless(self):
                self.send_response(200)
                self.end_headers()
                self.close_connection = True
                for _ in range(ENDLESS_CAP // 65536):
                    if server.stop.is_set():
                        return
                    self.wfile.write(b"\0" * 65536)

            def send_slowly(self, body, pieces=50):
                step = -(-len(body) // pieces)
                for start in range(0, len(body), step):
                    if server.stop.wait(server.slow_seconds / pieces):
                        return
                    self.wfile.write(body[start:start + step])
                    self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(handful):
    with Server({f"/{e.dataset}/{e.source}": data for e, data in handful.items()}) as s:
        yield s


@pytest.fixture
def manifest(tmp_path, handful):
    """A files.csv listing only the handful of files."""
    path = tmp_path / "files.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["dataset", "source", "path", "sha256", "bytes"])
        for e in handful:
            writer.writerow([e.dataset, e.source, e.path, e.sha256, e.bytes])
    return path


def _get(server, manifest, root, **kwargs):
    return ds.download(["cats_vs_noncats"], root=root, base_url=server.url, manifest=manifest, progress=False,
                       backoff=0.01, log=lambda *a: None, **kwargs)


def _url_path(entry):
    return f"/{entry.dataset}/{entry.source}"


def test_clean_download_then_nothing_to_do(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    assert _get(server, manifest, root) == {"ok": 0, "fetched": len(handful)}
    for entry, data in handful.items():
        assert ds.local_path(entry, root).read_bytes() == data
    assert not (root / ".partial").exists()
    n = len(server.requests)
    assert _get(server, manifest, root) == {"ok": len(handful), "fetched": 0}
    assert len(server.requests) == n, "a second run must not touch the network"


def test_changed_bytes_are_refused_and_nothing_kept(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    bad = next(iter(handful))
    server.behaviour[_url_path(bad)] = ["corrupt"] * 10
    with pytest.raises(ds.DatasetError, match="do not match the manifest") as info:
        _get(server, manifest, root)
    assert bad.path in str(info.value) and "nothing was kept" in str(info.value)
    assert not ds.local_path(bad, root).exists()
    assert not list((root / ".partial").rglob("*.part"))
    others = [e for e in handful if e != bad]
    assert all(ds.is_valid(e, ds.local_path(e, root)) for e in others)


def test_404_names_the_file_and_address(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    gone = list(handful)[1]
    del server.files[_url_path(gone)]
    with pytest.raises(ds.DatasetError) as info:
        _get(server, manifest, root)
    message = str(info.value)
    assert "HTTP 404" in message and gone.path in message and server.url.rstrip("/") + _url_path(gone) in message
    assert sum(p == _url_path(gone) for p, _ in server.requests) == 1, "a 404 is final, not retried"
    assert not ds.local_path(gone, root).exists()


def test_cut_connection_is_resumed_with_range(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    entry = max(handful, key=lambda e: e.bytes)
    server.behaviour[_url_path(entry)] = ["cut"]
    _get(server, manifest, root)
    assert ds.is_valid(entry, ds.local_path(entry, root))
    ranges = [r for p, r in server.requests if p == _url_path(entry)]
    assert ranges[0] is None and ranges[1] == f"bytes={entry.bytes // 2}-", ranges


def test_server_ignoring_range_still_gives_the_right_file(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    entry = max(handful, key=lambda e: e.bytes)
    server.behaviour[_url_path(entry)] = ["cut", "norange"]
    _get(server, manifest, root)
    assert ds.is_valid(entry, ds.local_path(entry, root))


def test_transient_errors_are_retried(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    entry = next(iter(handful))
    server.behaviour[_url_path(entry)] = ["503", "cut", "503"]
    _get(server, manifest, root)
    assert ds.is_valid(entry, ds.local_path(entry, root))
    assert sum(p == _url_path(entry) for p, _ in server.requests) == 4


def test_gives_up_after_the_retries(server, manifest, handful, tmp_path):
    root = tmp_path / "Datasets"
    entry = next(iter(handful))
    server.behaviour[_url_path(entry)] = ["503"] * 10
    with pytest.raises(ds.DatasetError, match="HTTP 503"):
        _get(server, manifest, root, retries=2)
    assert sum(p == _url_path(entry) for p, _ in server.requests) == 3
    assert not ds.local_path(entry, root).exists()


def test_unreachable_server(manifest, tmp_path):
    with Server({}) as s:
        url = s.url
    with pytest.raises(ds.DatasetError, match="could not download .* after 2 attempts"):
        ds.download(["cats_vs_noncats"], root=tmp_path, base_url=url, manifest=manifest, progress=False,
                    backoff=0.01, retries=1, log=lambda *a: None)


def test_cli_download_over_http(tmp_path, capsys):
    """The command line, with --base-url, fetching the course's two HDF5 files."""
    entries = ds.entries_for(["catvnoncat"])
    with Server({f"/catvnoncat/{e.source}": _file_bytes(e) for e in entries}) as s:
        root = tmp_path / "Datasets"
        assert ds.main(["download", "catvnoncat", "--base-url", s.url, "--root", str(root)]) == 0
        assert ds.main(["download", "catvnoncat", "--base-url", s.url, "--root", str(root)]) == 0
        assert len(s.requests) == len(entries)
    out = capsys.readouterr().out
    assert "fetched and verified 2 files" in out and "all 2 files present and verified" in out
    for e in entries:
        assert hashlib.sha256((root / "catvnoncat" / e.path).read_bytes()).hexdigest() == e.sha256


def test_cli_http_error_is_one_line(tmp_path, capsys):
    with Server({}) as s:
        status = ds.main(["download", "catvnoncat", "--base-url", s.url, "--root", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1 and err.startswith("error: 2 file(s) failed") and "HTTP 404" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_explicit_base_url_beats_a_mirror_in_the_environment(server, manifest, handful, tmp_path, monkeypatch):
    """CI sets $DATASETS_MIRROR; an explicit --base-url must still download over HTTP."""
    monkeypatch.setenv("DATASETS_MIRROR", str(tmp_path / "no-such-mirror"))
    result = _get(server, manifest, tmp_path / "Datasets")
    assert result["fetched"] == len(handful)
    assert len(server.requests) == len(handful)


# --- hostile servers: bounded size, bounded time ------------------------------------


@pytest.mark.parametrize("action", ["oversized", "endless"])
def test_a_body_longer_than_the_manifest_is_cut_and_refused(server, manifest, handful, tmp_path, action):
    root = tmp_path / "Datasets"
    entry = next(iter(handful))
    server.behaviour[_url_path(entry)] = [action] * 10
    with pytest.raises(ds.DatasetError, match=f"more than the manifest's {entry.bytes} bytes") as info:
        _get(server, manifest, root)
    assert "nothing was kept" in str(info.value)
    assert sum(p == _url_path(entry) for p, _ in server.requests) == 1, "a too long body is final, not retried"
    assert not ds.local_path(entry, root).exists()
    assert not ds._staging_path(entry, root).exists()


@pytest.mark.parametrize("action", ["stall", "silent"])
def test_a_stalled_server_fails_within_the_timeout(server, manifest, handful, tmp_path, action):
    """Headers then nothing, or no answer at all: (retries + 1) timeouts, then the other files are not tried."""
    server.default = action
    start = time.monotonic()
    with pytest.raises(ds.DatasetError, match=r"after 2 attempts \(the server sent nothing for 0.3 s; "
                                               r"see --timeout\).*2 more file\(s\) not attempted"):
        _get(server, manifest, tmp_path / "Datasets", timeout=0.3, retries=1, workers=2)
    elapsed = time.monotonic() - start
    assert elapsed < 3, f"took {elapsed:.1f} s"
    assert len(server.requests) == 4, "two files, two attempts each; the two queued files are skipped"
    assert not any(ds.local_path(e, tmp_path / "Datasets").exists() for e in handful)


def test_a_failing_server_is_not_asked_for_every_file(server, manifest, handful, tmp_path):
    server.default = "503"
    with pytest.raises(ds.DatasetError, match=r"1 file\(s\) failed: .*HTTP 503.*; 3 more file\(s\) not attempted"):
        _get(server, manifest, tmp_path / "Datasets", retries=1, workers=1)
    assert len(server.requests) == 2, "one file, two attempts; the three queued files are skipped"


def _cli_download(root, url, *args):
    """`python -m utils.datasets download catvnoncat` in a subprocess that Ctrl-C can interrupt."""
    return subprocess.Popen(
        [sys.executable, "-m", "utils.datasets", "download", "catvnoncat", "--base-url", url, "--root", str(root),
         *args],
        cwd=ds.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if our SIGINT is ignored
    )


def _wait_for(condition, proc, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"gave up waiting; the download said: {proc.communicate()}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def catvnoncat_files():
    """{entry: bytes} of the course's two HDF5 files (3 MB)."""
    return {e: _file_bytes(e) for e in ds.entries_for(["catvnoncat"])}


def _serve(files, **kwargs):
    return Server({f"/{e.dataset}/{e.source}": data for e, data in files.items()}, **kwargs)


def test_ctrl_c_stops_the_download_at_once_and_keeps_the_partial_file(catvnoncat_files, tmp_path):
    root = tmp_path / "Datasets"
    partial = root / ".partial" / "catvnoncat"
    with _serve(catvnoncat_files, default="slow", slow_seconds=20) as s:
        proc = _cli_download(root, s.url, "--workers", "1")
        try:
            _wait_for(lambda: any(p.stat().st_size for p in partial.glob("*.part")), proc)
            proc.send_signal(signal.SIGINT)
            start = time.monotonic()
            out, err = proc.communicate(timeout=10)
            elapsed = time.monotonic() - start
        finally:
            proc.kill()
    assert elapsed < 2, f"exited {elapsed:.1f} s after Ctrl-C"
    assert proc.returncode == 130, (out, err)
    assert err == "interrupted; run the same command again to resume\n", err
    assert len(s.requests) == 1, "the queued file was not fetched"
    (part,) = partial.glob("*.part")
    entry = next(e for e in catvnoncat_files if part.name == e.path + ".part")
    kept = part.stat().st_size
    assert 0 < kept < entry.bytes and part.read_bytes() == catvnoncat_files[entry][:kept], "a prefix, resumable"
    assert not any(ds.local_path(e, root).exists() for e in catvnoncat_files)

    with _serve(catvnoncat_files) as s:  # the same command again resumes
        assert ds.main(["download", "catvnoncat", "--base-url", s.url, "--root", str(root)]) == 0
    assert (f"/catvnoncat/{entry.source}", f"bytes={kept}-") in s.requests
    assert all(ds.is_valid(e, ds.local_path(e, root)) for e in catvnoncat_files)


def test_two_downloads_into_one_folder(catvnoncat_files, tmp_path):
    """The second waits for the first's lock, then finds every file verified; never a partial file in place."""
    root = tmp_path / "Datasets"
    finals = {ds.local_path(e, root): e for e in catvnoncat_files}
    seen_sizes = set()  # (name, size) of every file seen where the loaders look, while both run

    def record_sizes():
        for path in finals:
            with contextlib.suppress(FileNotFoundError):
                seen_sizes.add((path.name, path.stat().st_size))

    with _serve(catvnoncat_files, default="slow", slow_seconds=3) as s:
        first = _cli_download(root, s.url)
        _wait_for(lambda: s.requests, first)
        second = _cli_download(root, s.url)
        try:
            deadline = time.monotonic() + 30
            while (first.poll() is None or second.poll() is None) and time.monotonic() < deadline:
                record_sizes()
                time.sleep(0.01)
            results = [p.communicate(timeout=5) for p in (first, second)]
        finally:
            first.kill()
            second.kill()
    assert (first.returncode, second.returncode) == (0, 0), results
    assert "fetched and verified 2 files" in results[0][0]
    assert "waiting for it to finish" in results[1][0] and "all 2 files present and verified" in results[1][0]
    assert len(s.requests) == 2, "only the first download fetched"
    assert seen_sizes <= {(p.name, e.bytes) for p, e in finals.items()}, f"a partial file in place: {seen_sizes}"
    assert all(ds.is_valid(e, path) for path, e in finals.items())


def test_a_waiting_download_can_be_interrupted(catvnoncat_files, tmp_path):
    """While another process holds the lock, Ctrl-C ends the waiting one at once."""
    fcntl = pytest.importorskip("fcntl")
    root = tmp_path / "Datasets"
    root.mkdir()
    with open(root / ds.LOCK_NAME, "a") as lock, _serve(catvnoncat_files) as s:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = _cli_download(root, s.url)
        watchdog = threading.Timer(10, proc.kill)  # bounds the readline below
        watchdog.start()
        try:
            line = proc.stdout.readline()
            assert "another download into" in line and "is running; waiting" in line, line
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=5)
        finally:
            watchdog.cancel()
            proc.kill()
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert not s.requests
