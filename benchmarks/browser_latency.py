"""Slider latency as the learner feels it: key press to the new decoded picture painted.

``benchmarks/explorers.py`` times an explorer's update inside the kernel. This measures the
whole loop in a real browser: JupyterLab (``lab/jupyter_lab_config.py``, as ``make lab``
serves it) in headless Chromium driven by Playwright (the machinery of ``make test-browser``).
A small notebook, written to a temporary folder, shows two ``helpers.explore.latent_sliders``
explorers: a dense decoder with a 20-number code (like notebook 06's) and a convolutional
one with a 30-number code (like notebook 04's), built by ``benchmarks.explorers.build_models``
(untrained weights: an update costs the same whatever the weights are). For each, the first
slider is given focus and moved one arrow-key step at a time, waiting for each new picture.

What one measurement is, all in the page's clock (``performance.now()``):

* start: the ``keydown`` event, seen by a capturing listener on the document;
* end: the decoded ``<img>`` got a new ``src`` (a MutationObserver), the browser decoded it
  (``img.decode()``), and the frame that shows it was painted (a ``requestAnimationFrame``
  callback, then a ``setTimeout(0)``, which runs after that frame's paint).

A key press after which no new picture is painted within the timeout is an error
(:class:`NoPaint`), never a silent zero. Median and 95th percentile over the moves (after a
few warm-up moves). Goal (issue 12): median <= 50 ms. A benchmark figure, not a timed test.

    .venv/bin/python -m benchmarks.browser_latency                 # print the figures
    .venv/bin/python -m benchmarks.browser_latency --json out.json --moves 60

Needs Playwright for Python (requirements-browser.txt, ``make test-browser`` installs it) and
Debian's Chromium (``/usr/bin/chromium`` or ``AE_CHROMIUM``); without them it says so and
exits with code 3 (``make bench`` then notes the step as skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("AE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]
GOAL_MS = 50.0
UNAVAILABLE = 3  # exit code: Playwright or Chromium missing
EXPLORERS = {"dense": 20, "conv": 30}  # model -> code size (notebook 06's and notebook 04's sliders)

# Installed once per page: the keydown clock and, per watched image, a MutationObserver that
# records when the new picture was painted. window.__aeLatency.events: [{image, t0, src, paint}]
INSTALL = """
() => {
  if (window.__aeLatency) return;
  const rec = window.__aeLatency = {t0: null, events: []};
  document.addEventListener('keydown', () => { rec.t0 = performance.now(); }, {capture: true});
  rec.watch = (img, name) => {
    new MutationObserver(() => {
      const t0 = rec.t0, src = performance.now();
      const painted = () => requestAnimationFrame(
          () => setTimeout(() => rec.events.push({image: name, t0, src, paint: performance.now()}), 0));
      img.decode().then(painted, painted);
    }).observe(img, {attributes: true, attributeFilter: ['src']});
  };
}
"""


class NoPaint(RuntimeError):
    """A key press after which no new picture was painted."""


def unavailable() -> str | None:
    """Why the browser measurement cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright for Python is not installed (requirements-browser.txt; `make test-browser` "
                "installs it into .venv)")
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set AE_CHROMIUM)"
    return None


def watch(page, image, name: str) -> None:
    """Start recording when ``image`` (a Playwright locator of an <img>) shows a new picture."""
    page.evaluate(INSTALL)
    image.evaluate(f"(img) => window.__aeLatency.watch(img, {json.dumps(name)})")


def measure_moves(page, image, name: str, keys: list[str], timeout_s: float = 10.0) -> list[dict]:
    """Press each of ``keys`` in turn, each after the previous press's picture was painted.

    ``image`` is a locator of the <img> to watch; the control that reacts to the keys must have
    focus.
    Returns, per press, milliseconds from its keydown to the paint of the new picture
    (``paint_ms``) and to the arrival of the new picture's ``src`` (``arrive_ms``: the round trip
    through the kernel). Raises :class:`NoPaint` when a press paints nothing.
    """
    watch(page, image, name)
    times = []
    for i, key in enumerate(keys):
        seen = page.evaluate("(name) => window.__aeLatency.events.filter(e => e.image === name).length", name)
        page.keyboard.press(key)
        try:
            page.wait_for_function("([name, n]) => window.__aeLatency.events.filter(e => e.image === name).length > n",
                                   arg=[name, seen], timeout=timeout_s * 1000)
        except Exception as e:  # Playwright's TimeoutError
            raise NoPaint(f"{name}: key press {i + 1} ({key}) painted no new picture within {timeout_s:g} s "
                          "(the picture did not change, or the update never arrived)") from e
        event = page.evaluate("(name) => window.__aeLatency.events.filter(e => e.image === name).at(-1)", name)
        times.append({"paint_ms": event["paint"] - event["t0"], "arrive_ms": event["src"] - event["t0"]})
    return times


def summary(times: list[dict], warmup: int) -> dict:
    """Median and p95 of the presses after the first ``warmup``."""
    kept = np.asarray([t["paint_ms"] for t in times[warmup:]], dtype=float)
    arrive = np.asarray([t["arrive_ms"] for t in times[warmup:]], dtype=float)
    return {"median_ms": float(np.median(kept)), "p95_ms": float(np.percentile(kept, 95)),
            "arrive_median_ms": float(np.median(arrive)), "moves": int(len(kept)), "warmup_moves": warmup,
            "meets_goal": bool(np.median(kept) <= GOAL_MS)}


# --- the notebook and the server ------------------------------------------------------------------

CELLS = [
    "import numpy as np\n"
    "from helpers import explore, setup\n"
    "from benchmarks.explorers import build_models\n"
    "keras = setup.import_keras()\n"
    "rng = np.random.default_rng(0)",
    *[f"explore.latent_sliders(build_models(keras, code={d})[{model!r}][1], "
      f"rng.normal(size=(500, {d})).astype('float32'))" for model, d in EXPLORERS.items()],
]


def write_notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
              "source": source} for i, source in enumerate(CELLS)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def serve_lab(root: Path, log: Path, start_timeout: float = 180):
    """JupyterLab with make lab's configuration file, serving ``root``; yields (base URL, token)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    scratch = Path(tempfile.mkdtemp(prefix="ae-lab-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1",
           **{f"JUPYTER{k}": str(scratch / k.lower().strip("_")) for k in
              ("LAB_SETTINGS_DIR", "LAB_WORKSPACES_DIR", "_RUNTIME_DIR", "_CONFIG_DIR", "_DATA_DIR")}}
    command = [sys.executable, "-m", "jupyter", "lab", f"--config={ROOT / 'lab' / 'jupyter_lab_config.py'}",
               f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
               "--no-browser", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=log_file, stderr=subprocess.STDOUT)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {process.returncode} while starting (see {log})")
            try:
                opener.open(urllib.request.Request(f"{base}/api/status",
                                                   headers={"Authorization": f"token {token}"}), timeout=10)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within {start_timeout:g} s (see {log})") from None
                time.sleep(0.5)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
  return panel.content.widgets.length;
}
"""

DONE = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.sessionContext.session || !panel.sessionContext.session.kernel) return false;
  const cells = panel.content.widgets;
  const error = cells.flatMap(c => c.model.outputs.toJSON()).find(o => o.output_type === 'error');
  if (error) return {error: error.ename + ': ' + error.evalue};
  const ran = cells.every(c => c.model.executionCount !== null);
  return ran && panel.sessionContext.session.kernel.status === 'idle'
      && document.querySelectorAll('.ae-explorer img.ae-explore-decoded').length >= cells.length - 1 ? {ok: true} : false;
}
"""


def measure(moves: int = 60, warmup: int = 5, log_dir: Path | None = None) -> dict:
    """Both explorers' latencies in a fresh JupyterLab and Chromium."""
    from playwright.sync_api import sync_playwright

    load_start = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="ae-browser-latency-"))
    write_notebook(folder / "latency.ipynb")
    log_dir = log_dir or folder
    result = {"moves": moves, "warmup_moves": warmup, "goal_ms": GOAL_MS, "rows": []}
    with serve_lab(folder, log_dir / "browser_latency.jupyterlab.log") as (base, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(f"{base}/lab/tree/latency.ipynb?token={token}&reset", wait_until="domcontentloaded")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=180_000)
            page.evaluate(RUN_ALL)
            state = page.wait_for_function(DONE, timeout=600_000, polling=500).json_value()
            if "error" in state:
                raise RuntimeError(f"the latency notebook failed: {state['error']}")
            for index, (model, d) in enumerate(EXPLORERS.items()):
                explorer = page.locator(".ae-explorer").nth(index)
                explorer.scroll_into_view_if_needed()
                image = explorer.locator("img.ae-explore-decoded").first
                handle = explorer.locator(".widget-hslider .noUi-handle").first
                value, low, high = (float(handle.get_attribute(a))
                                    for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
                # back and forth over 10 steps on the roomier side of the start: every press moves
                first, back = ("ArrowLeft", "ArrowRight") if value - low > high - value else ("ArrowRight", "ArrowLeft")
                handle.focus()
                keys = [first if (i // 10) % 2 == 0 else back for i in range(moves + warmup)]
                ms = measure_moves(page, image, model, keys)
                result["rows"].append({"explorer": "latent_sliders", "model": model, "code_size": d,
                                       **summary(ms, warmup), "all_ms": [round(t["paint_ms"], 2) for t in ms]})
        finally:
            browser.close()
    result["load_average_start"], result["load_average_end"] = list(load_start), list(os.getloadavg())
    result["chromium"] = CHROMIUM
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=60, help="timed key presses per explorer (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed key presses first (default 5)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    missing = unavailable()
    if missing:
        print(f"Browser slider latency not measured: {missing}.", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({"skipped": missing}, indent=2) + "\n", encoding="utf-8")
        return UNAVAILABLE
    result = measure(args.moves, args.warmup, args.json.parent if args.json else None)
    for r in result["rows"]:
        print(f"{r['explorer']} ({r['model']}, {r['code_size']}-d): median {r['median_ms']:.1f} ms, "
              f"p95 {r['p95_ms']:.1f} ms (new picture's src after {r['arrive_median_ms']:.1f} ms) over {r['moves']} key presses (goal: median <= {GOAL_MS:g} ms)")
    print(f"load average {result['load_average_start'][0]:.1f} -> {result['load_average_end'][0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
