"""Drive a real JupyterLab in headless Chromium (used by tests/test_browser.py).

- `install_browser()` runs scripts/install_browser.sh (Debian's `chromium`).
- `JupyterLabServer` starts `jupyter lab` on 127.0.0.1 on a free port with a
  random token, with its own temporary config / data / runtime / settings /
  workspaces folders (nothing of the user's JupyterLab is read or written),
  no browser opened; `stop()` ends it and its kernels.
- `launch_chromium()` starts /usr/bin/chromium through Playwright's Python API
  with the flags that work in a sandboxed CI container.
- `Lab` wraps a Playwright page on a notebook: wait for the kernel, run a
  cell, read a cell's output images, screenshot an output.

Every wait has a timeout; the caller stops the server and the browser in a
`finally` (the pytest fixtures do).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = PROJECT_ROOT / "scripts" / "install_browser.sh"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class BrowserUnavailable(RuntimeError):
    """Chromium could not be installed or started."""


def install_browser(timeout: float = 600) -> str:
    """Make sure Chromium is installed (apt-get, quietly); return its path."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    try:
        result = subprocess.run(
            ["bash", str(INSTALL_SCRIPT)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    except subprocess.TimeoutExpired as exc:
        raise BrowserUnavailable(f"{INSTALL_SCRIPT} did not finish within {timeout:.0f} s") from exc
    if result.returncode != 0 or not os.access(CHROMIUM, os.X_OK):
        raise BrowserUnavailable(
            f"Chromium is needed at {CHROMIUM} for the browser test and could not be installed "
            f"by {INSTALL_SCRIPT} (exit code {result.returncode}):\n{result.stderr.strip()}"
        )
    return CHROMIUM


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLabServer:
    """`jupyter lab` serving `root_dir` on 127.0.0.1, isolated in a temporary home.

    The kernel inherits `extra_env` (e.g. PYTHONPATH pointing at the project so a
    notebook copied elsewhere still imports `utils`).
    """

    def __init__(self, root_dir: Path, extra_env: dict | None = None, log_path: Path | None = None):
        self.root_dir = Path(root_dir)
        self.extra_env = dict(extra_env or {})
        self.log_path = log_path
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.home = Path(tempfile.mkdtemp(prefix="jlab-home-"))
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}&reset"

    def start(self, timeout: float = 60) -> "JupyterLabServer":
        settings = self.home / "settings"
        notification = settings / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True)
        # No "would you like Jupyter news?" toast, no update check: both need the internet.
        (notification / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        for sub in ("config", "data", "runtime", "workspaces"):
            (self.home / sub).mkdir()
        env = {
            **os.environ,
            **self.extra_env,
            "HOME": str(self.home),
            "JUPYTER_CONFIG_DIR": str(self.home / "config"),
            "JUPYTER_DATA_DIR": str(self.home / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=False",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=",
            "--LabServerApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI containers run as root
        log_path = self.log_path or (self.home / "jupyterlab.log")
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the kernels too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"JupyterLab did not answer on {self.base_url} within {timeout:.0f} s; see {log_path}")

    def stop(self, timeout: float = 10) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.home, ignore_errors=True)


def launch_chromium(playwright, user_data_dir: Path):
    """A persistent headless Chromium context (fresh user-data-dir) using the system browser."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 1000},
        device_scale_factor=1,
        timeout=60_000,
    )


class Lab:
    """A Playwright page showing one notebook in JupyterLab."""

    def __init__(self, page, server: JupyterLabServer):
        self.page = page
        self.server = server

    def open_notebook(self, relpath: str, timeout_ms: int = 90_000) -> None:
        page = self.page
        page.goto(self.server.url(f"lab/tree/{relpath}"), timeout=timeout_ms)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_ms)
        self.wait_kernel_idle(timeout_ms)

    def wait_kernel_idle(self, timeout_ms: int = 90_000) -> None:
        """Wait until the notebook has a kernel and it is idle (not starting, not busy).

        The status bar's kernel item reads e.g. "Python 3 (ipykernel) | Idle"; the
        toolbar's indicator alone says idle even before a kernel is attached
        ("No Kernel | Initializing"), so both are checked.
        """
        self.page.wait_for_function(
            """() => {
                const item = document.querySelector('#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]');
                const indicator = document.querySelector(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
                if (!item || !indicator) return false;
                const text = item.textContent.trim();
                return !text.startsWith('No Kernel') && text.endsWith('| Idle')
                    && indicator.getAttribute('data-status') === 'idle';
            }""",
            timeout=timeout_ms,
        )

    def accept_dialog(self) -> None:
        """Accept a JupyterLab dialog if one is open (e.g. "Select Kernel": keep Python 3)."""
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            dialog.locator("button.jp-mod-accept").first.click(timeout=10_000)
            dialog.wait_for(state="detached", timeout=10_000)

    def cells(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def code_cell_containing(self, text: str):
        """The first code cell whose source contains `text`."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").filter(
            has=self.page.locator(".jp-InputArea-editor", has_text=text)
        ).first

    def run_cell(self, cell, timeout_ms: int = 90_000) -> None:
        """Select `cell`, run it with Shift+Enter and wait until it has finished.

        Started = its prompt changes (to `[*]` or a new number); finished = it
        shows a number again and the kernel is idle. If the key press was lost
        (the page was still settling), it is pressed once more.
        """
        prompt = cell.locator(".jp-InputArea-prompt")
        before = prompt.inner_text(timeout=timeout_ms)
        started = """([el, before]) => el.textContent !== before"""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in range(3):
            self.accept_dialog()
            cell.locator(".jp-InputPrompt").click(timeout=timeout_ms)  # select the cell (command mode)
            self.page.wait_for_function(
                "(el) => el.classList.contains('jp-mod-active')",
                arg=cell.element_handle(timeout=timeout_ms), timeout=timeout_ms)
            self.page.keyboard.press("Shift+Enter")
            try:
                self.page.wait_for_function(started, arg=[prompt.element_handle(timeout=timeout_ms), before],
                                            timeout=10_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        self.page.wait_for_function(
            """([el, before]) => /\\[\\d+\\]/.test(el.textContent) && el.textContent !== before""",
            arg=[prompt.element_handle(timeout=timeout_ms), before],
            timeout=timeout_ms,
        )
        self.wait_kernel_idle(timeout_ms)

    def output_images(self, cell) -> list[str]:
        """The `src` of every <img> in the cell's outputs (matplotlib PNGs as data URLs)."""
        return cell.locator(".jp-OutputArea img").evaluate_all("els => els.map(e => e.getAttribute('src') || '')")

    def wait_images_change(self, cell, before: list[str], timeout_ms: int = 60_000) -> list[str]:
        """Wait until the cell's output images differ from `before` (and are all loaded)."""
        self.page.wait_for_function(
            """([el, before]) => {
                const imgs = Array.from(el.querySelectorAll('.jp-OutputArea img'));
                if (imgs.length === 0 || !imgs.every(i => i.complete && i.naturalWidth > 0)) return false;
                const now = imgs.map(i => i.getAttribute('src') || '');
                return JSON.stringify(now) !== JSON.stringify(before);
            }""",
            arg=[cell.element_handle(timeout=timeout_ms), before],
            timeout=timeout_ms,
        )
        return self.output_images(cell)

    def wait_images(self, cell, count: int = 1, timeout_ms: int = 60_000) -> list[str]:
        self.page.wait_for_function(
            """([el, n]) => {
                const imgs = Array.from(el.querySelectorAll('.jp-OutputArea img'));
                return imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0);
            }""",
            arg=[cell.element_handle(timeout=timeout_ms), count],
            timeout=timeout_ms,
        )
        return self.output_images(cell)
