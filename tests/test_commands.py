"""The two commands of the README: `make lab` serves JupyterLab safely; CI runs `make test`."""

import json
import os
import re
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


def get(url: str) -> tuple[int, str | None]:
    """(status, Location header) of a GET that does not follow redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


def read_json(url: str):
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=5) as response:
        return json.loads(response.read())


def start_make_lab(tmp_path, port: int, token: str, log) -> subprocess.Popen:
    """`make lab` as the README runs it, without a browser, with Jupyter's state in tmp_path."""
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    return subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_ARGS=--no-browser"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


needs_venv = pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists(), reason="needs the installed .venv")


@needs_venv
def test_make_lab_serves_the_course_on_localhost_with_a_token(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "lab.log", "w+") as log:
        server = start_make_lab(tmp_path, port, token, log)
        try:
            status, deadline = None, time.monotonic() + 120
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    status, _ = get(f"{base}/lab?token={token}")
                    break
                except (ConnectionError, urllib.error.URLError, TimeoutError, OSError):
                    time.sleep(0.5)
            log.seek(0)
            output = log.read()
            assert status == 200, f"GET /lab with the token answered {status}; server log:\n{output}"
            # safe: localhost only, token required
            assert get(f"{base}/lab")[0] != 200, "JupyterLab answered without a token"
            assert get(f"{base}/api/contents?token=wrong")[0] == 403
            assert "0.0.0.0" not in output
            # the whole course is served: diagrams, README and RESULTS beside the notebooks
            for path in ("notebooks/01_pca_vs_autoencoders.ipynb", "images/autoencoder.svg", "README.md",
                         "benchmarks/RESULTS.md"):
                assert get(f"{base}/files/{path}?token={token}")[0] == 200, f"{path} is not served"
            # and it opens on the first notebook
            assert "/lab/tree/notebooks/01_pca_vs_autoencoders.ipynb" in output, output
            status, location = get(f"{base}/?token={token}")
            assert status in (301, 302) and location.startswith("/lab/tree/notebooks/01_pca_vs_autoencoders.ipynb")
            # no news pop-up, nothing fetched from the internet
            assert read_json(f"{base}/lab/api/news?token={token}") == {"news": []}
            assert read_json(f"{base}/lab/api/update?token={token}") == {"notification": None}
            settings = read_json(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}")
            assert settings["schema"]["properties"]["fetchNews"]["default"] == "false", "the news pop-up would ask"
        finally:
            stop(server)


def make_targets() -> list[str]:
    """Every target a rule in the Makefile defines (not files, stamps or variables)."""
    text = (ROOT / "Makefile").read_text()
    return re.findall(r"^([a-z][a-z0-9_-]*):(?!=)", text, flags=re.M)


def make(*args: str, **env: str) -> str:
    result = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_help_lists_every_target_and_the_readme_and_ci_name_only_make_targets():
    targets = set(make_targets())
    assert {"help", "install", "lab", "test", "lint", "lock"} <= targets
    listed = dict(re.findall(r"^  ([a-z][a-z0-9_-]*) +(\S.*)$", make("help"), flags=re.M))
    missing = [t for t in targets if t not in listed]
    assert not missing, f"make help does not list {missing}: give each rule a '## description'"
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    named = set(re.findall(r"\bmake ([a-z][a-z0-9_-]*)", readme + ci))
    assert {"lab", "test"} <= named
    assert not named - targets, f"the README or .ci/run names make targets that do not exist: {named - targets}"
    assert re.search(r"^make test\b", ci, flags=re.M), ".ci/run must run make test as a command"
