"""Fixtures for the real-browser test: a JupyterLab server and headless Chromium.

* ``lab``: JupyterLab 4 started as ``make lab`` starts it, with the same configuration file
  (``lab/jupyter_lab_config.py``: the repository root served, 127.0.0.1, token, no port
  retries, no news), on a free port with a random token, serving a temporary COPY of the
  repository, so nothing the browser does (running cells, autosave) touches the
  repository's notebooks. It starts as a new learner's would: no user settings, no
  trusted notebooks. Test-only additions: quick mode (``AE_FAST=1``) in the server's
  environment, and ``expose_app_in_browser`` so the test can ask JupyterLab's app object
  about cells and outputs.
* ``page``: a Playwright page in Debian's Chromium (``/usr/bin/chromium``, or the path in
  ``AE_CHROMIUM``). Playwright never downloads a browser here.

The server's log and the screenshots go to ``artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = os.environ.get("AE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT = 180  # seconds; a busy 2-core machine can be slow to import JupyterLab

# What the copy of the repository leaves out (environments, caches, run outputs, backups)
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", ".venv-*", "artifacts", "out", "notebooks-backup",
                                    "__pycache__", ".ipynb_checkpoints", "*.egg-info", ".pytest_cache",
                                    ".ruff_cache", "build")


def pytest_collection_modifyitems(config, items):
    """Run only when asked for by path (``pytest tests/browser``, as ``make test-browser`` does).

    A plain ``pytest`` or ``pytest tests`` skips these tests: they start JupyterLab and a browser
    and take minutes.
    """
    here = Path(__file__).resolve().parent
    asked = any(here == p or here in p.parents
                for p in (Path(str(arg).split("::")[0]).resolve() for arg in config.args))
    if asked:
        return
    skip = pytest.mark.skip(reason="real-browser test: run it with `make test-browser`")
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: ``url(path)`` gives a page address with the token."""

    def __init__(self, root: Path, port: int, token: str, process: subprocess.Popen, log: Path):
        self.root, self.port, self.token, self.process, self.log = root, port, token, process, log

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every kernel and session the pages started (opening a notebook starts a kernel)."""
        for session in self.api("sessions") or []:
            self.api(f"sessions/{session['id']}", method="DELETE")

    def status(self, url: str) -> int:
        """HTTP status of a GET of ``url`` (an address on this server) with the token."""
        request = urllib.request.Request(url, headers={"Authorization": f"token {self.token}"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab(tmp_path_factory, artifacts):
    root = tmp_path_factory.mktemp("lab") / "course"
    shutil.copytree(REPO, root, ignore=NOT_COPIED)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, AE_FAST="1", JUPYTERLAB_SETTINGS_DIR=str(tmp_path_factory.mktemp("lab-settings")),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path_factory.mktemp("lab-workspaces")),
               JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("jupyter-runtime")),
               JUPYTER_CONFIG_DIR=str(tmp_path_factory.mktemp("jupyter-config")),
               # a fresh data dir: no notebook is trusted from an earlier session (kernels and
               # lab extensions are found in the venv's own share/jupyter)
               JUPYTER_DATA_DIR=str(tmp_path_factory.mktemp("jupyter-data")),
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    # as the Makefile's `lab` target, with the copy's own configuration file (which serves the copy)
    command = [
        sys.executable, "-m", "jupyter", "lab", f"--config={root / 'lab' / 'jupyter_lab_config.py'}",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--no-browser",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses to run as root otherwise (CI containers)
    log = artifacts / "jupyterlab.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=log_file, stderr=subprocess.STDOUT)
    server = Lab(root, port, token, process, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode} while starting:\n{server.log_tail()}")
            try:
                server.api("status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer on port {port} within {SERVER_START_TIMEOUT} s:\n"
                                f"{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        try:
            server.api("shutdown", method="POST")  # stops the kernels too
            process.wait(timeout=30)
        except Exception:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: run `make test-browser`, which installs "
                    "requirements-browser.txt into .venv")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's package (sudo apt-get install chromium) "
                    "or set AE_CHROMIUM to a Chromium executable. (Playwright's own browser download "
                    "is not used.)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, artifacts, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"[pageerror] {e}"))
    yield page
    name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    (artifacts / f"{name}.console.log").write_text("\n".join(messages), encoding="utf-8")
    context.close()
