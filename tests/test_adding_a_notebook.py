"""Adding a notebook 08 as CONTRIBUTING.md says needs no hard-coded list anywhere.

In a temporary copy of the course: tools/new_notebook.py writes the 08 skeleton, nbclient
executes it in full mode on a stand-in for the full MNIST file, its README row is added, and
then the tests of
the shipped notebooks (tests/test_notebooks.py) run in the copy: they must find 08 by
themselves and accept it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv*", "artifacts", "notebooks-backup", "benchmarks/out",
                                "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info")


def fake_full_mnist(path: Path) -> None:
    """A file laid out like Keras' mnist.npz with the full set's sizes (blank digits: the
    skeleton only loads and counts them)."""
    np.savez_compressed(path, x_train=np.zeros((60_000, 28, 28), np.uint8), y_train=np.arange(60_000) % 10,
                        x_test=np.zeros((10_000, 28, 28), np.uint8), y_test=np.arange(10_000) % 10)


def run(args, cwd, env=None, timeout=600):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def notebook_tests(cwd: Path) -> dict[str, str]:
    """Run tests/test_notebooks.py in ``cwd``: test id -> PASSED / FAILED / ERROR / SKIPPED."""
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/test_notebooks.py", "-q", "-rA",
                             "-p", "no:cacheprovider"], cwd=cwd, capture_output=True, text=True, timeout=600)
    outcomes = dict((test, status) for status, test in
                    re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED) (\S+)", result.stdout, flags=re.M))
    assert outcomes, result.stdout[-3000:] + result.stderr[-3000:]
    return outcomes


@pytest.fixture(scope="module")
def course_with_08(tmp_path_factory):
    copy = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(ROOT, copy, ignore=IGNORE)  # outside git: the tests read the files themselves
    before = sorted(p.name for p in (copy / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    baseline = notebook_tests(copy)  # whatever state the other notebooks are in, 08 must add no failure
    number = f"{len(before) + 1:02d}"
    run([sys.executable, "-m", "tools.new_notebook", number, "Sparse autoencoders"], cwd=copy)
    path = copy / "notebooks" / f"{number}_sparse_autoencoders.ipynb"
    assert path.exists()

    mnist = copy / "mnist_stand_in.npz"
    fake_full_mnist(mnist)
    # one full-mode run on a stand-in for the full MNIST file, written back as a contributor commits it
    run([sys.executable, "-c", "import sys, nbclient, nbformat; nb = nbformat.read(sys.argv[1], 4); "
         "nbclient.NotebookClient(nb, kernel_name='python3', timeout=600).execute(); "
         "nbformat.write(nb, sys.argv[1])", str(path)], cwd=copy, timeout=900,
        env={"AE_FAST": "", "AE_MNIST_PATH": str(mnist)})
    mnist.unlink()

    readme = copy / "README.md"
    text = readme.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 0")]
    # a row like the last one: number, linked title, what it covers, then the run-time column(s)
    template = rows[-1].split("|")
    cells = ["", f" {number} ", f" [Sparse autoencoders](notebooks/{path.name}) ", " What the lesson covers "]
    cells += [" about 1 min " if "min" in c else c for c in template[4:]]
    readme.write_text(text.replace(rows[-1], rows[-1] + "\n" + "|".join(cells), 1), encoding="utf-8")
    return copy, path, baseline


def test_a_new_notebook_needs_no_hard_coded_list(course_with_08):
    copy, path, baseline = course_with_08
    nb = json.loads(path.read_text(encoding="utf-8"))
    previous = sorted((copy / "notebooks").glob("[0-9][0-9]_*.ipynb"))[-2]
    assert path.name in "".join(json.loads(previous.read_text(encoding="utf-8"))["cells"][-1]["source"]), \
        "the previous notebook's navigation links to the new one"
    assert nb["cells"][0]["metadata"]["tags"] == ["navigation"]
    after = notebook_tests(copy)
    ours = {test: status for test, status in after.items() if f"[{path.name}]" in test}
    assert len(ours) >= 5, f"the tests did not check {path.name} by themselves: {sorted(after)}"
    assert set(ours.values()) == {"PASSED"}, f"{path.name} is not accepted: {ours}"
    newly_failing = [t for t, s in after.items() if s != "PASSED" and baseline.get(t, "PASSED") == "PASSED"
                     and t not in ours]
    assert not newly_failing, f"adding {path.name} broke: {newly_failing}"
