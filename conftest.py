"""pytest hook for the notebooks that nbval runs (``make test``, ``make test-notebooks``).

nbval in lax mode checks only that each cell runs. This hook also reads the outputs a
cell has just produced (nbval keeps them on the item as ``test_outputs``) and fails the
cell when they are not clean: a stderr stream, a library warning or retracing notice,
a NumPy repr, a stray return value (rules: ``tests/output_rules.py``). The failure
names the notebook, the cell and the offending text.
"""

import os
import sys
from pathlib import Path

import pytest

# The tests and the notebooks nbval runs test training itself: the model cache (helpers/cache.py)
# is switched off for them and for the kernels they start (tests/test_cache.py switches it on
# for its own temporary store).
os.environ["AE_CACHE"] = "0"

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
from output_rules import problems  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    from nbval.plugin import IPyNbCell, NbCellError

    if isinstance(item, IPyNbCell):
        outputs = getattr(item, "test_outputs", None)
        if outputs is None:  # never pass silently because nbval changed
            raise RuntimeError("nbval's cell item no longer keeps its outputs in `test_outputs`; "
                               "update conftest.py to read them, or the output checks do nothing")
        found = problems(outputs, item.cell.source)
        if found:
            raise NbCellError(
                item.cell_num,
                f"{Path(str(item.fspath)).name}, cell {item.cell_num}: outputs are not clean:\n  "
                + "\n  ".join(found),
                item.cell.source,
            )
    return result


# A learner's own notebooks in notebooks/ (a scratch notebook, a copy such as 01_…-Copy1.ipynb)
# are not part of the course: nbval does not run them (tools/shipped.py says which are).
sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
import shipped  # noqa: E402

_COURSE = None


def pytest_ignore_collect(collection_path, config):
    global _COURSE
    path = Path(collection_path)
    if path.suffix != ".ipynb" or path.parent.resolve() != shipped.NOTEBOOKS.resolve():
        return None
    if _COURSE is None:
        _COURSE = {p.resolve() for p in shipped.notebook_paths()}
    return True if path.resolve() not in _COURSE else None
