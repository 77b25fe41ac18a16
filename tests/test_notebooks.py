"""The shipped notebooks (git's index, never a learner's working copy; tools/shipped.py): structure
of a lesson, collapsed solutions, and outputs from one real full-data run. nbval runs them."""

import json
import re

import pytest

from tests.output_rules import problems
from tools import navigation, shipped, solutions
from tools.shipped import ROOT

NOTEBOOKS = shipped.notebook_paths()
# the installed python3 kernel's: JupyterLab rewrites any other on opening (the notebook opens as changed)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
ids = [p.name for p in NOTEBOOKS]


# For contributors: what a failing check below means and what to do
SHIPPED = ("checked on the shipped version of {name} (git's index: the committed file, or your staged "
           "change; your unstaged runs and edits are not looked at)")


def load(path):
    """The shipped version of a notebook (see the module docstring)."""
    return json.loads(shipped.shipped_text(path))


def markdown(nb):
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_course_is_complete():
    """The notebooks are found, not listed: NN_name.ipynb numbered 01, 02, ... with no gap or
    repeat (a new lesson needs no edit here; see CONTRIBUTING.md, "Adding a notebook")."""
    names = [p.name for p in NOTEBOOKS]
    assert names, "no notebooks/NN_*.ipynb found"
    bad = [n for n in names if not re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n)]
    assert not bad, f"notebook names must look like 08_sparse_autoencoders.ipynb: {bad}"
    numbers = [int(n[:2]) for n in names]
    assert numbers == list(range(1, len(names) + 1)), f"notebooks must be numbered 01..{len(names):02d}: {names}"


def test_navigation_is_current():
    stale = navigation.refresh(NOTEBOOKS, write=False, loaded={p: load(p) for p in NOTEBOOKS})
    assert not stale, (f"navigation cells out of date in {[p.name for p in stale]} "
                       f"({SHIPPED.format(name='them')}); run: python -m tools.navigation")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solutions_wait_to_be_asked(path):
    wrong = solutions.revealed(load(path))
    assert not wrong, (f"{path.name}: a worked solution would show before the learner asks "
                       f"({SHIPPED.format(name=path.name)}):\n" + "\n".join(wrong)
                       + "\nrun: python -m tools.solutions")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_lesson_structure_links_and_images(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"] == KERNELSPEC, (
        "the kernelspec differs from the installed python3 kernel's: JupyterLab rewrites it on opening, so "
        "the untouched notebook would open as changed")
    text = markdown(nb)
    for heading in ("What you will learn", "What you need", "Summary", "Exercises"):
        assert re.search(rf"^#+ .*{heading}", text, flags=re.M | re.I), f"no '{heading}' section"
    assert "Run time:" in text, "no run-time line in 'What you need'"
    solutions = [c for c in code_cells(nb) if "solution" in c["metadata"].get("tags", [])]
    assert solutions, "exercises need worked solutions that run (code cells tagged 'solution')"
    source = "\n".join("".join(c["source"]) for c in code_cells(nb))
    assert "from helpers import" in source
    assert "sys.path" not in source and "%pip" not in source
    assert "config.settings()" in source and "keras.utils.set_random_seed(run.seed" in source
    assert "AE_FAST" not in source, "notebooks take quick mode from helpers.config, not the environment"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        assert (path.parent / target).exists(), f"broken link or image: {target}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_outputs_come_from_one_full_run(path):
    nb = load(path)
    how = (f"{SHIPPED.format(name=path.name)}. Commit the outputs of one top-to-bottom full-mode run on "
           "the full MNIST set (AE_MNIST_PATH=/path/to/mnist.npz; see CONTRIBUTING.md)")
    counts = [c.get("execution_count") for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts are not 1..n: {how}"
    outputs = [o for c in code_cells(nb) for o in c.get("outputs", [])]
    errors = [o.get("ename") for o in outputs if o.get("output_type") == "error"]
    assert not errors, f"error outputs {errors}: {how}"
    texts = "".join("".join(o.get("text", "")) for o in outputs if o.get("output_type") == "stream")
    assert "Traceback" not in texts, how
    assert "Full mode" in texts and "Quick mode" not in texts, f"not a full-mode run: {how}"
    assert "60,000 training and 10,000 test digits" in texts, f"not computed on the full MNIST set: {how}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_outputs_are_clean(path):
    """No warnings, stderr, NumPy reprs or stray return values (rules: tests/output_rules.py)."""
    found = [f"cell {i}: {problem}" for i, cell in enumerate(load(path)["cells"])
             for problem in problems(cell.get("outputs", []))]
    assert not found, f"{path.name} has unclean outputs:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_is_lean(path):
    raw = shipped.shipped_text(path)
    assert len(raw.encode("utf-8")) < 2_000_000 and "../shared" not in raw
    assert "widgets" not in json.loads(raw)["metadata"], "no saved widget state"


# Lesson cells are the lesson (issue 22): the course's own bookkeeping lives in tests/ and benchmarks/
BOOKKEEPING = re.compile(r"results\.record|results\.show|claims\.check|flops\.|cache\.remembered"
                         r"|precision\.bfloat16|setup\.import_keras|AE_SEED")
MACHINERY = re.compile(r"make bench|make warm|AE_RETRAIN|AE_SEED|lesson_claims|BENCH_ARGS|the benchmark"
                       r"|model cache", flags=re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_lessons_carry_no_bookkeeping(path):
    nb = load(path)
    calls = [f"cell {i}: {m.group()}" for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             for m in BOOKKEEPING.finditer("".join(c["source"]))]
    assert not calls, f"{path.name}: bookkeeping in lesson cells:\n" + "\n".join(calls)
    text = markdown(nb)
    words = sorted({m.group() for m in MACHINERY.finditer(text)})
    assert not words, f"{path.name}: the prose talks about the course's machinery: {words}"
    quick = len(re.findall(r"quick mode", text, flags=re.I))
    assert quick <= 2, f"{path.name}: 'quick mode' {quick} times in the prose (at most 2: one short note)"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The notebooks", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| 0")]
    assert len(rows) == len(NOTEBOOKS), f"the README's notebook table has {len(rows)} rows"
    for path, row in zip(NOTEBOOKS, rows, strict=True):
        assert f"(notebooks/{path.name})" in row, f"row for {path.name} missing or out of order: {row}"
