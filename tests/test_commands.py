"""The two commands of the README: `make lab` serves JupyterLab safely; CI runs `make test`."""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists(), reason="needs the installed .venv")
def test_make_lab_serves_jupyterlab_on_localhost_with_a_token(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    log = open(tmp_path / "lab.log", "w+")
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_ARGS=--no-browser"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status, deadline = None, time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = get(f"http://127.0.0.1:{port}/lab?token={token}")
                break
            except (ConnectionError, urllib.error.URLError, TimeoutError, OSError):
                time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert status == 200, f"GET /lab with the token answered {status}; server log:\n{output}"
        assert get(f"http://127.0.0.1:{port}/lab") != 200, "JupyterLab answered without a token"
        assert get(f"http://127.0.0.1:{port}/api/contents?token=wrong") == 403
        assert "0.0.0.0" not in output
        assert get(f"http://127.0.0.1:{port}/api/contents?token={token}") == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make test" in readme and "make lab" in readme
