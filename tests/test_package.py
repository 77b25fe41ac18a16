"""The helpers package: importable with no side effects, each module small and using only the others' public names."""

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
        from helpers import config, data, metrics, plotting
        assert dict(matplotlib.rcParams) == before_rc, "rcParams changed"
        assert random.getstate() == state, "Python's random was seeded"
        assert (np.random.get_state()[1] == np_state).all(), "NumPy's global random state changed"
        heavy = [m for m in ("tensorflow", "keras") if m in sys.modules]
        print("heavy:", heavy)
    """)
    assert "heavy: []" in out


HELPERS = sorted((Path(__file__).resolve().parents[1] / "helpers").glob("*.py"))


@pytest.mark.parametrize("path", HELPERS, ids=[p.name for p in HELPERS])
def test_helpers_modules_are_small_and_use_only_each_others_public_names(path):
    import ast

    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 600, f"{path.name} has {source.count(chr(10))} lines: split it by job"
    private = [name for name in ("keras.src", "._flatten_layers", "._compile_config") if name in source]
    assert not private, f"{path.name} uses Keras' private API {private}: a minor release can break it"
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
