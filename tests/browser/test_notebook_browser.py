"""The course as a learner meets it in JupyterLab, in a real browser.

Run with ``make test-browser`` (it installs Playwright into .venv; Chromium comes from
Debian's ``chromium`` package). The server is started with ``make lab``'s configuration
(``lab/jupyter_lab_config.py``) over a temporary copy of the repository (conftest.py).

* Every notebook and the README, opened as shipped (untrusted, no kernel run): every
  ``<img>`` has loaded (a diagram or a saved figure, naturalWidth > 0), every relative
  link answers 200 through the server with the token, every worked solution shows
  neither its code nor its outputs until clicked (clicking one reveals both), explorers
  show their saved picture, and no news pop-up appears.
* Run All in quick mode (``AE_FAST=1``) for the notebooks in ``AE_BROWSER_RUN_ALL``
  (default: 04 and 06, the two with a latent explorer; ``all`` for every notebook): no
  cell fails and no output shows an error, a stderr stream or a warning (the rules of
  tests/output_rules.py, plus what the page renders); in 04 and 06 moving a latent
  slider visibly changes the decoded digit. nbval runs every notebook in quick mode in
  ``make test`` with the same output rules; the browser adds what only a browser shows.

Screenshots, the browser console and the server log go to ``artifacts/browser/``.
"""

from __future__ import annotations

import io
import json
import os
import re
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.output_rules import problems as output_problems
from tools import shipped

REPO = shipped.ROOT

NOTEBOOKS = [p.name for p in shipped.notebook_paths(REPO)]
RUN_ALL_DEFAULT = "04,06"
_wanted = os.environ.get("AE_BROWSER_RUN_ALL", RUN_ALL_DEFAULT)
RUN_ALL_NOTEBOOKS = [n for n in NOTEBOOKS if _wanted == "all" or n[:2] in _wanted.split(",")]
SLIDER_NOTEBOOKS = {"04", "06"}  # a latent explorer whose decoded digit must follow its sliders
RUN_TIMEOUT = float(os.environ.get("AE_BROWSER_TIMEOUT", "900"))  # s per notebook: quick mode on a busy machine
KEY_PRESSES = 40
CHANGED_LEVEL = 25  # grey levels (of 255) for a pixel to count as changed
CHANGED_FRACTION = 0.03  # "visibly": more than a few percent of the decoded picture's pixels

# JavaScript run in the page (JupyterLab exposes its app as window.jupyterapp with
# --LabApp.expose_app_in_browser=True)
FIND_PANEL = """
(path) => {
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (w.context && w.context.path === path) return w;
  }
  return null;
}
"""

OPENED = f"""
(path) => {{
  const panel = ({FIND_PANEL})(path);
  return !!(panel && panel.context.isReady && panel.isVisible);
}}
"""

KERNEL_READY = f"""
(path) => {{
  const panel = ({FIND_PANEL})(path);
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
            && panel.content.widgets.length > 0);
}}
"""

# JupyterLab attaches cells as they scroll into view: visit every cell, as a learner scrolling
# down would, so that every cell is in the page
ATTACH_ALL = f"""
async (path) => {{
  const panel = ({FIND_PANEL})(path);
  const content = panel.content;
  if (!content.widgets) {{  // a Markdown document: one page, rendered (its links resolved) asynchronously
    await content.ready;
    return {{cells: 0, attached: 0}};
  }}
  for (let i = 0; i < content.widgets.length; i++) {{ await content.scrollToItem(i, 'start'); }}
  await content.scrollToItem(0, 'start');
  return {{cells: content.widgets.length, attached: content.widgets.filter(w => w.isAttached).length}};
}}
"""

IMAGES_SETTLED = f"""
(path) => [...({FIND_PANEL})(path).node.querySelectorAll('img')].every(i => i.complete)
"""

# what the page shows: images, links, solution cells, pop-ups
LOOK = f"""
(path) => {{
  const panel = ({FIND_PANEL})(path);
  const images = [...panel.node.querySelectorAll('img')].map(i => ({{
      src: i.getAttribute('src').startsWith('data:') ? 'data:…' : i.src, loaded: i.complete && i.naturalWidth > 0}}));
  const links = [...panel.node.querySelectorAll('.jp-RenderedMarkdown a[href], .jp-RenderedHTMLCommon a[href]')]
      .map(a => ({{href: a.getAttribute('href'), url: a.href, text: a.innerText.slice(0, 60)}}));
  const solutions = !panel.content.widgets ? [] : panel.content.widgets
      .map((cell, index) => ({{cell, index}}))
      .filter(({{cell}}) => (cell.model.getMetadata('tags') || []).includes('solution'))
      .map(({{cell, index}}) => {{
        const input = cell.node.querySelector('.jp-InputArea');
        const outputs = cell.node.querySelector('.jp-OutputArea');
        return {{index, inputHidden: cell.inputHidden, outputHidden: cell.outputHidden,
                 codeShown: !!(input && input.offsetParent !== null),
                 outputsShown: !!(outputs && outputs.offsetParent !== null && outputs.children.length > 0),
                 nOutputs: cell.model.outputs ? cell.model.outputs.length : 0}};
      }});
  const rendered = panel.node.querySelectorAll(
      '.jp-OutputArea-output.jp-RenderedImage img, .jp-OutputArea-output .jp-RenderedImage img').length;
  const outputText = [...panel.node.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText.slice(0, 120));
  return {{images, links, solutions, rendered, outputText, news: document.body.innerText.includes('Jupyter news')}};
}}
"""

RUN_ALL = f"""
async (path) => {{
  const app = window.jupyterapp;
  const panel = ({FIND_PANEL})(path);
  app.shell.activateById(panel.id);
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells');  // resolves when queued; completion is polled
  return panel.content.widgets.filter(c => c.model.type === 'code').length;
}}
"""

# 'done' when every code cell has run and the kernel is idle; the first error if one occurred
RUN_STATE = f"""
(path) => {{
  const panel = ({FIND_PANEL})(path);
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  for (const [i, cell] of cells.entries()) {{
    for (const out of cell.model.outputs.toJSON()) {{
      if (out.output_type === 'error') {{
        return {{state: 'error', cell: i, ename: out.ename, evalue: out.evalue,
                 source: cell.model.sharedModel.getSource().slice(0, 300)}};
      }}
    }}
  }}
  const done = cells.filter(c => c.model.executionCount !== null).length;
  const idle = panel.sessionContext.session.kernel.status === 'idle';
  return {{state: (done === cells.length && idle) ? 'done' : 'running', done, total: cells.length}};
}}
"""

OUTPUTS = f"""
(path) => ({FIND_PANEL})(path).content.widgets
    .map((c, index) => ({{index, outputs: c.model.type === 'code' ? c.model.outputs.toJSON() : []}}))
"""

# what the page renders as stderr or as an error, whatever the model says
RENDERED_PROBLEMS = f"""
(path) => [...({FIND_PANEL})(path).node.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], ' +
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')].map(o => o.innerText.slice(0, 300))
"""


def _open(page, lab, path, kernel=True):
    # "reset": a fresh workspace, not the tabs earlier tests left open
    page.goto(lab.url(f"lab/tree/{path}") + "&reset", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=120_000)
    page.wait_for_function(OPENED, arg=path, timeout=120_000, polling=250)
    if kernel:
        page.wait_for_function(KERNEL_READY, arg=path, timeout=180_000, polling=500)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def _relative_targets(markdown: str) -> set[str]:
    """Relative link and image targets written in Markdown or HTML (no fragments, no URLs)."""
    found = re.findall(r"\]\(([^)\s]+)\)", markdown) + re.findall(r"""(?:src|href)=["']([^"']+)["']""", markdown)
    return {t.split("#")[0] for t in found if not re.match(r"[a-z]+:", t) and not t.startswith("#")}


def _source_markdown(root: Path, path: str) -> str:
    file = root / path
    if file.suffix == ".md":
        return file.read_text(encoding="utf-8")
    nb = json.loads(file.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def what_is_broken(page, lab, path: str, artifacts: Path, shot: str) -> tuple[list[str], dict]:
    """Open ``path`` as shipped and list everything broken a learner would meet (empty: nothing)."""
    _open(page, lab, path, kernel=False)
    attached = page.evaluate(ATTACH_ALL, path)
    page.wait_for_function(IMAGES_SETTLED, arg=path, timeout=60_000, polling=250)
    seen = page.evaluate(LOOK, path)
    page.screenshot(path=str(artifacts / f"{shot}.png"))
    lab.shutdown_kernels()  # nothing runs in these checks; kernels left idle would only take memory
    broken = []
    if attached["attached"] < attached["cells"]:
        broken.append(f"only {attached['attached']} of {attached['cells']} cells came into the page")
    broken += [f"image did not load: {i['src']}" for i in seen["images"] if not i["loaded"]]

    # links: every relative one, as JupyterLab resolved it, answers 200 with the token
    base = lab.base + "/files/"
    served = set()
    for link in seen["links"]:
        if link["href"].startswith("#") or not link["url"].startswith(base):
            continue  # in-page anchors; links to other sites
        served_path = urllib.parse.unquote(urllib.parse.urlsplit(link["url"]).path[len("/files/"):])
        served.add(served_path)
        status = lab.status(f"{lab.base}/api/contents/{urllib.parse.quote(served_path)}?content=0")
        if status != 200:
            broken.append(f"link '{link['text']}' -> {served_path} answers {status}")
    folder = Path(path).parent
    for target in sorted(_relative_targets(_source_markdown(lab.root, path))):
        resolved = os.path.normpath(folder / urllib.parse.unquote(target)).replace(os.sep, "/")
        image_shown = any(i["src"].startswith(base) and urllib.parse.unquote(
            urllib.parse.urlsplit(i["src"]).path[len("/files/"):]) == resolved for i in seen["images"])
        if resolved not in served and not image_shown:
            broken.append(f"'{target}' in the source is not a working link or image on the page")

    if seen["news"]:
        broken.append("a Jupyter news pop-up is shown")
    for s in seen["solutions"]:
        if s["codeShown"] or s["outputsShown"] or not (s["inputHidden"] and s["outputHidden"]):
            broken.append(f"solution cell {s['index']} shows its {'code' if s['codeShown'] else 'outputs'} "
                          "before the learner clicks")
    for text in seen["outputText"]:
        if "Error displaying widget" in text or "Loading widget" in text:
            broken.append(f"an explorer shows no saved picture: {text!r}")
    return broken, seen


@pytest.mark.parametrize("path", ["README.md", *[f"notebooks/{n}" for n in NOTEBOOKS]],
                         ids=lambda p: Path(p).stem)
def test_what_a_learner_sees_before_running(lab, page, artifacts, path):
    name = Path(path).stem
    broken, seen = what_is_broken(page, lab, path, artifacts, f"static_{name}")
    assert not broken, f"{path} as a learner opens it:\n" + "\n".join(broken)
    if path.endswith(".ipynb"):
        nb = json.loads((lab.root / path).read_text(encoding="utf-8"))
        # saved figures outside the (collapsed) solutions, explorers' static pictures included
        pngs = sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "solution" not in c["metadata"].get("tags", [])
                   for o in c.get("outputs", []) if "image/png" in o.get("data", {}) and "text/html" not in o["data"])
        assert seen["rendered"] >= pngs, f"{pngs} saved figures, {seen['rendered']} on the page"
        assert seen["solutions"], "no worked solutions (cells tagged 'solution') on the page"


def test_a_solution_reveals_its_code_and_outputs_when_clicked(lab, page, artifacts):
    path = f"notebooks/{NOTEBOOKS[0]}"
    _open(page, lab, path, kernel=False)
    page.evaluate(ATTACH_ALL, path)
    cell = page.evaluate_handle(f"""(path) => ({FIND_PANEL})(path).content.widgets
        .find(c => (c.model.getMetadata('tags') || []).includes('solution')).node""", path).as_element()
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(artifacts / "solution_collapsed.png"))
    assert not cell.query_selector(".jp-InputArea"), "the solution's code shows before a click"
    cell.query_selector(".jp-InputPlaceholder").click()
    cell.query_selector(".jp-OutputPlaceholder").click()
    page.wait_for_timeout(500)
    cell.screenshot(path=str(artifacts / "solution_revealed.png"))
    lab.shutdown_kernels()
    code = cell.query_selector(".jp-InputArea")
    assert code and code.is_visible() and code.inner_text().strip(), "clicking did not reveal the solution's code"
    outputs = cell.query_selector(".jp-OutputArea")
    assert outputs and outputs.is_visible() and outputs.query_selector(".jp-OutputArea-output"), \
        "clicking did not reveal the solution's outputs"


@pytest.mark.parametrize("name", RUN_ALL_NOTEBOOKS, ids=lambda n: Path(n).stem)
def test_run_all_in_quick_mode(lab, page, artifacts, name):
    path = f"notebooks/{name}"
    stem = name[:2]
    _open(page, lab, path)
    n_code = page.evaluate(RUN_ALL, path)
    state = page.wait_for_function(
        f"(path) => {{ const s = ({RUN_STATE})(path); return s.state !== 'running' ? s : false; }}",
        arg=path, timeout=RUN_TIMEOUT * 1000, polling=1000).json_value()
    page.screenshot(path=str(artifacts / f"run_all_{stem}.png"))
    assert state["state"] == "done", f"a cell failed while running all {n_code} code cells of {name}: {state}"

    unclean = [f"cell {c['index']}: {p}" for c in page.evaluate(OUTPUTS, path) for p in output_problems(c["outputs"])]
    unclean += [f"the page shows: {t!r}" for t in page.evaluate(RENDERED_PROBLEMS, path)]
    assert not unclean, f"{name} after Run All in quick mode:\n" + "\n".join(unclean)

    if stem in SLIDER_NOTEBOOKS:
        slider_moves_the_decoded_digit(page, path, artifacts, stem)


def slider_moves_the_decoded_digit(page, path, artifacts, stem):
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    explorer = panel.locator(".ae-explorer").filter(has=page.locator("img.ae-explore-decoded")).first
    explorer.wait_for(state="visible", timeout=60_000)
    explorer.scroll_into_view_if_needed()
    image = explorer.locator("img.ae-explore-decoded").first
    slider = explorer.locator(".widget-hslider").first
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                           timeout=30_000)
    before_src, before_value = image.get_attribute("src"), readout.inner_text()
    before_png = image.screenshot()
    explorer.screenshot(path=str(artifacts / f"explorer_{stem}_before.png"))

    # move towards the slider's farther end, as a learner exploring the code would
    value, low, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
    key = "ArrowLeft" if value - low > high - value else "ArrowRight"
    handle.focus()
    for _ in range(KEY_PRESSES):
        page.keyboard.press(key)
    page.wait_for_function("([img, old]) => img.src !== old && img.complete && img.naturalWidth > 0",
                           arg=[image.element_handle(), before_src], timeout=30_000)
    page.wait_for_timeout(1000)  # let the last of the key presses' updates arrive
    after_value = readout.inner_text()
    after_png = image.screenshot()
    explorer.screenshot(path=str(artifacts / f"explorer_{stem}_after.png"))

    assert after_value != before_value, f"the slider's readout did not change ({before_value})"
    changed = float(np.mean(np.abs(_pixels(after_png) - _pixels(before_png)) > CHANGED_LEVEL))
    print(f"{path}: slider {before_value} -> {after_value}: {changed:.1%} of the decoded picture's pixels changed")
    assert changed > CHANGED_FRACTION, (
        f"{path}: moving the slider {before_value} -> {after_value} changed only {changed:.1%} of the decoded "
        f"picture's pixels (by more than {CHANGED_LEVEL} grey levels); a learner sees no change. "
        f"See artifacts/browser/explorer_{stem}_before.png and _after.png")
