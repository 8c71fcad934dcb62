"""The real HTTP download path, against a server on 127.0.0.1 that can misbehave.

The server serves a handful of files (copied from the mirror, or from a
populated Datasets/) laid out like the mirror: /<dataset>/<source path>.
"""

from __future__ import annotations

import csv
import hashlib
import os
import threading
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


class Server:
    """A loopback HTTP server with per-path behaviours and a request log."""

    def __init__(self, files: dict[str, bytes]):
        self.files = dict(files)
        self.behaviour: dict[str, list[str]] = {}  # path -> queue of "cut", "503", "404", "corrupt", "norange"
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                queue = server.behaviour.get(self.path, [])
                action = queue.pop(0) if queue else "ok"
                data = server.files.get(self.path)
                if data is None or action == "404":
                    self.send_error(404, "Not Found")
                    return
                if action == "503":
                    self.send_error(503, "Service Unavailable")
                    return
                if action == "corrupt":
                    data = data[:-1] + bytes([data[-1] ^ 0xFF])
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
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
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
