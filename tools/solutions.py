"""Keep every worked solution collapsed: code and outputs hidden until the learner clicks.

    python -m tools.solutions           # collapse every solution cell that is not collapsed
    python -m tools.solutions --check   # exit 1 (and say which cells) if any solution is revealed

A code cell tagged ``solution`` gets ``metadata.jupyter.source_hidden`` and ``outputs_hidden``,
and the older ``metadata.collapsed`` (without it JupyterLab adds it on showing the cell, and an
untouched notebook opens as changed). Idempotent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.shipped import NOTEBOOKS, PATTERN

TAG = "solution"
HIDDEN = {"outputs_hidden": True, "source_hidden": True}


def solution_cells(nb: dict) -> list[tuple[int, dict]]:
    """(index, cell) of every cell tagged ``solution``."""
    return [(i, c) for i, c in enumerate(nb["cells"]) if TAG in c.get("metadata", {}).get("tags", [])]


def revealed(nb: dict) -> list[str]:
    """What is wrong with the notebook's solutions, one line per cell; empty when all wait to be asked."""
    problems = []
    for i, cell in solution_cells(nb):
        if cell["cell_type"] != "code":
            problems.append(f"cell {i} is tagged '{TAG}' but is a {cell['cell_type']} cell (only code cells)")
            continue
        shown = [k for k in HIDDEN if cell["metadata"].get("jupyter", {}).get(k) is not True]
        if shown:
            problems.append(f"cell {i}: {' and '.join(shown)} not set (its "
                            f"{' and '.join(k.split('_')[0] for k in shown)} would show before the learner asks)")
        elif cell["metadata"].get("collapsed") is not True:
            problems.append(f"cell {i}: 'collapsed' not set (JupyterLab adds it when it shows the cell, so the "
                            "notebook would open as changed)")
    return problems


def collapse(nb: dict) -> bool:
    """Collapse the code and outputs of every solution code cell in place; True if anything changed."""
    changed = False
    for _, cell in solution_cells(nb):
        if cell["cell_type"] != "code":
            continue
        jupyter = cell["metadata"].get("jupyter", {})
        wanted = dict(sorted({**jupyter, **HIDDEN}.items()))  # sorted keys, as nbformat writes them
        if jupyter != wanted or list(jupyter) != list(wanted) or cell["metadata"].get("collapsed") is not True:
            cell["metadata"]["jupyter"] = wanted
            cell["metadata"]["collapsed"] = True
            cell["metadata"] = dict(sorted(cell["metadata"].items()))
            changed = True
    return changed


def write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report revealed solutions")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/NN_*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob(PATTERN))
    failed = False
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if args.check:
            for problem in revealed(nb):
                print(f"{path.name}: {problem}")
                failed = True
        elif collapse(nb):
            write(path, nb)
            print(f"collapsed the solutions of {path.name}")
        else:
            wrong = revealed(nb)  # only a mis-tagged markdown cell can remain
            for problem in wrong:
                print(f"{path.name}: {problem}")
            failed = failed or bool(wrong)
    if args.check and failed:
        print("run: python -m tools.solutions")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
