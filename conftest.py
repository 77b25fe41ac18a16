"""pytest hooks for the notebooks that nbval runs (``make test``, ``make test-notebooks``).

* Clean outputs: nbval in lax mode checks only that each cell runs. This hook also reads
  the outputs a cell has just produced and fails the cell when they are not clean (a
  stderr stream, a warning, a NumPy repr, a stray return value; rules in
  ``tests/output_rules.py``), naming the notebook, the cell and the offending text.
* The lessons' claims: after a notebook's last cell, one more item ("claims") evaluates
  the expressions of ``tests/claims/nbNN.py`` in the same kernel and fails, naming the
  notebook, each sentence and its numbers, when a claim does not hold in this mode.
* A learner's own notebooks in notebooks/ (a scratch notebook, a copy such as
  ``01_…-Copy1.ipynb``) are not part of the course: nbval does not run them.
"""

from collections import defaultdict
from pathlib import Path

import pytest

from tests import claims
from tests.output_rules import problems
from tools import shipped

CLAIMS_ITEM = "claims"


def _notebook(item) -> str:
    return Path(str(item.fspath)).stem


def pytest_collection_modifyitems(session, config, items):
    """After each notebook's last cell, an item that checks its lesson's claims in the same kernel."""
    from nbformat.v4 import new_code_cell
    from nbval.plugin import IPyNbCell

    last = {}
    for index, item in enumerate(items):
        if isinstance(item, IPyNbCell):
            last[item.parent] = index
    for parent, index in sorted(last.items(), key=lambda kv: -kv[1]):
        module = claims.load(_notebook(items[index]))
        if module is None:
            continue
        cell = new_code_cell(claims.probe_source(claims.expressions(module)))
        probe = IPyNbCell.from_parent(parent, name=CLAIMS_ITEM, cell_num=items[index].cell_num + 1,
                                      cell=cell, options=defaultdict(bool, check=False))
        items.insert(index + 1, probe)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    from nbval.plugin import IPyNbCell, NbCellError

    from helpers.config import quick_mode

    if not isinstance(item, IPyNbCell):
        return result
    outputs = getattr(item, "test_outputs", None)
    if outputs is None:  # never pass silently because nbval changed
        raise RuntimeError("nbval's cell item no longer keeps its outputs in `test_outputs`; "
                           "update conftest.py to read them, or the output checks do nothing")
    name = Path(str(item.fspath)).name
    if item.name == CLAIMS_ITEM:
        module = claims.load(_notebook(item))
        found = claims.failures(module, claims.parse(outputs), quick_mode())
        if found:
            raise NbCellError(item.cell_num, f"{name}: {len(found)} of the lesson's claims do not hold:\n  "
                              + "\n  ".join(found), item.cell.source)
        return result
    found = problems(outputs, item.cell.source)
    if found:
        raise NbCellError(item.cell_num, f"{name}, cell {item.cell_num}: outputs are not clean:\n  "
                          + "\n  ".join(found), item.cell.source)
    return result


_COURSE = None


def pytest_ignore_collect(collection_path, config):
    global _COURSE
    path = Path(collection_path)
    if path.suffix != ".ipynb" or path.parent.resolve() != shipped.NOTEBOOKS.resolve():
        return None
    if _COURSE is None:
        _COURSE = {p.resolve() for p in shipped.notebook_paths()}
    return True if path.resolve() not in _COURSE else None
