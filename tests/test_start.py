"""The README's main command, ./start.sh, brings up JupyterLab serving project.ipynb (also as root).

The test starts it on a free port of 127.0.0.1 with a random token, fetches the notebook through the server's
contents API and the lab page that opens it, then stops the server. The data sets are already in Datasets/
(./test.sh downloads them first), so start.sh only verifies them.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def wait_for(url, process, deadline):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"start.sh exited with code {process.returncode} before JupyterLab answered")
        try:
            return get(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer {url} within the time limit")


def test_start_sh_serves_the_main_notebook(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "start.log", "w+")
    process = subprocess.Popen(
        ["./start.sh", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = wait_for(f"{base}/api/contents/project.ipynb?token={token}", process, time.monotonic() + 180)
        assert status == 200
        model = json.loads(body)
        assert model["type"] == "notebook" and model["name"] == "project.ipynb"
        assert model["content"]["cells"], "the served notebook has no cells"
        status, page = get(f"{base}/lab/tree/project.ipynb?token={token}")
        assert status == 200 and b"JupyterLab" in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    if os.geteuid() == 0:
        assert "running as root (as in a container)" in output, output[-2000:]
    assert "Running as root is not recommended" not in output, output[-2000:]


def test_nbgrader_ui_is_hidden_from_learners_and_shown_to_teachers(tmp_path):
    """scripts/env.sh switches nbgrader's lab and server extensions off (learners) or on (TEACHER=1)."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("nbgrader_ui", ROOT / "scripts" / "nbgrader_ui.py")
    ui = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ui)
    page = tmp_path / "etc" / "jupyter" / "labconfig" / "page_config.json"
    server = tmp_path / "etc" / "jupyter" / "jupyter_server_config.d" / "zz_nbgrader_ui.json"
    page.parent.mkdir(parents=True)
    page.write_text(json.dumps({"disabledExtensions": {"other": True}}))
    ui.switch(tmp_path, on=False)
    assert json.loads(page.read_text())["disabledExtensions"] == {"other": True, "@jupyter/nbgrader": True}
    assert set(json.loads(server.read_text())["ServerApp"]["jpserver_extensions"].values()) == {False}
    ui.switch(tmp_path, on=True)
    assert json.loads(page.read_text())["disabledExtensions"] == {"other": True}
    assert set(json.loads(server.read_text())["ServerApp"]["jpserver_extensions"].values()) == {True}
    assert "scripts/nbgrader_ui.py" in (ROOT / "scripts" / "env.sh").read_text()
