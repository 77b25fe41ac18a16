"""The helpers package: importable with no side effects; setup silences TensorFlow's start-up noise."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_has_no_side_effects():
    out = run_python("""
        import random, sys
        import numpy as np
        import matplotlib
        before_rc = dict(matplotlib.rcParams)
        state = random.getstate(); np_state = np.random.get_state()[1].copy()
        import helpers
        from helpers import config, data, metrics, plotting, results
        assert dict(matplotlib.rcParams) == before_rc, "rcParams changed"
        assert random.getstate() == state, "Python's random was seeded"
        assert (np.random.get_state()[1] == np_state).all(), "NumPy's global random state changed"
        heavy = [m for m in ("tensorflow", "keras") if m in sys.modules]
        print("heavy:", heavy)
    """)
    assert "heavy: []" in out


def test_import_keras_is_quiet_and_reports_versions():
    code = """
        import os
        from helpers import setup
        keras = setup.import_keras()
        os.write(2, b"stderr still works\\n")
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    from helpers import __version__

    assert result.stdout.startswith(f"Autoencoders course v{__version__} · Keras 3."), result.stdout
    assert "TensorFlow 2." in result.stdout
    assert result.stderr.strip() == "stderr still works"


HELPERS = sorted((Path(__file__).resolve().parents[1] / "helpers").glob("*.py"))


@pytest.mark.parametrize("path", HELPERS, ids=[p.name for p in HELPERS])
def test_helpers_modules_are_small_and_use_only_each_others_public_names(path):
    import ast

    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 600, f"{path.name} has {source.count(chr(10))} lines: split it by job"
    tree = ast.parse(source)
    siblings = {p.stem for p in HELPERS}
    aliases = {}  # local name -> sibling module, for `from . import data as _data`
    crossing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                aliases.update({a.asname or a.name: a.name for a in node.names})
            else:
                crossing += [f"from .{node.module} import {a.name}" for a in node.names
                             if a.name.startswith("_")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and aliases.get(node.value.id) in siblings and node.attr.startswith("_"):
            crossing.append(f"{node.value.id}.{node.attr}")
    assert not crossing, f"{path.name} uses private names of other helpers modules: {crossing}"


def test_module_docstrings_name_the_notebooks_that_use_them():
    """The last paragraph of each module's docstring says which notebooks use it ("every notebook",
    or their numbers); for the modules the notebooks import, that must be what they do."""
    import ast
    import json
    import re

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tools"))
    import shipped  # the notebooks as shipped (git's index), not a learner's working copies

    notebooks = shipped.notebook_paths()
    users: dict[str, set[str]] = {}
    for nb_path in notebooks:
        cells = json.loads(shipped.shipped_text(nb_path))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for line in re.findall(r"^from helpers import (.+)$", source, flags=re.M):
            for name in (n.strip() for n in line.split(",")):
                if re.search(rf"\b{name}\.", source):
                    users.setdefault(name, set()).add(nb_path.name[:2])
    everyone = {p.name[:2] for p in notebooks}
    wrong = []
    for module, used_by in sorted(users.items()):
        doc = ast.get_docstring(ast.parse((root / "helpers" / f"{module}.py").read_text(encoding="utf-8"))) or ""
        last = doc.strip().split("\n\n")[-1]
        said = everyone if "every notebook" in last else set(re.findall(r"\b\d\d\b", last))
        if said != used_by:
            wrong.append(f"helpers/{module}.py says {sorted(said)}, used by {sorted(used_by)}")
    assert not wrong, "module docstrings name the wrong notebooks:\n" + "\n".join(wrong)
