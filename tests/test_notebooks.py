"""The committed notebooks: structure of a lesson, and outputs from one real full-data run.

nbval (in `make test`) executes the notebooks; these tests read the committed files.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402
from output_rules import problems  # noqa: E402  (tests/output_rules.py)

NOTEBOOKS = navigation.notebook_paths()
EXPECTED = [
    "01_pca_vs_autoencoders.ipynb",
    "02_dense_autoencoder.ipynb",
    "03_deep_autoencoder.ipynb",
    "04_convolutional_autoencoder.ipynb",
    "05_denoising_autoencoder.ipynb",
    "06_variational_autoencoder.ipynb",
    "07_autoencoders_at_work.ipynb",
]
ids = [p.name for p in NOTEBOOKS]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def markdown(nb):
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_course_is_complete():
    assert [p.name for p in NOTEBOOKS] == EXPECTED
    stray = [p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p not in NOTEBOOKS]
    assert not stray, f"stray notebooks: {stray}"


def test_navigation_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "navigation.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_lesson_structure(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    text = markdown(nb)
    for heading in ("What you will learn", "What you need", "Summary", "Exercises"):
        assert re.search(rf"^#+ .*{heading}", text, flags=re.M | re.I), f"no '{heading}' section"
    assert re.search(r"Run time:.*full.*quick", text, flags=re.I), "no run-time line"
    solutions = [c for c in code_cells(nb) if "solution" in c["metadata"].get("tags", [])]
    assert solutions, "exercises need worked solutions that run (code cells tagged 'solution')"
    source = "\n".join("".join(c["source"]) for c in code_cells(nb))
    assert "from helpers import" in source
    assert "sys.path" not in source and "%pip" not in source
    assert "config.settings()" in source and "set_seed(" in source
    assert "AE_FAST" not in source, "notebooks take quick mode from helpers.config, not the environment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_links_and_images_exist(path):
    text = markdown(load(path))
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        assert (path.parent / target).exists(), f"broken link or image: {target}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_outputs_come_from_one_full_run(path):
    nb = load(path)
    counts = [c.get("execution_count") for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "execution counts must be 1..n: one top-to-bottom run"
    outputs = [o for c in code_cells(nb) for o in c.get("outputs", [])]
    errors = [o.get("ename") for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"error outputs: {errors}"
    texts = "".join("".join(o.get("text", "")) for o in outputs if o.get("output_type") == "stream")
    assert "Traceback" not in texts
    assert "Full mode" in texts and "Quick mode" not in texts, "commit the outputs of a full-mode run"
    assert "60,000 training and 10,000 test digits" in texts, "commit outputs computed on the full MNIST set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_outputs_are_clean(path):
    """No warnings, stderr, NumPy reprs or stray return values (rules: tests/output_rules.py)."""
    found = [f"cell {i}: {problem}" for i, cell in enumerate(load(path)["cells"])
             for problem in problems(cell.get("outputs", []))]
    assert not found, f"{path.name} has unclean outputs:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_is_lean(path):
    raw = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 2_000_000
    nb = json.loads(raw)
    assert "widgets" not in nb["metadata"], "no saved widget state"
    assert "../shared" not in raw


def test_readme_lists_every_notebook_with_its_run_time():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The notebooks", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| 0")]
    assert len(rows) == len(NOTEBOOKS), f"the README's notebook table has {len(rows)} rows"
    for path, row in zip(NOTEBOOKS, rows, strict=True):
        assert f"(notebooks/{path.name})" in row, f"row for {path.name} missing or out of order: {row}"
        # the "Full run" column (then "Quick run"); tools/figures.py writes both from benchmarks/RESULTS.md
        assert re.search(r"\d+(\.\d+)? min", row.rsplit("|", 3)[-3]), f"no full-run time in: {row}"
