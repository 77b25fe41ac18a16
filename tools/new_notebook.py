"""Start a new lesson: write the skeleton of notebooks/NN_slug.ipynb with every part the tests require.

    python -m tools.new_notebook 08 "Sparse autoencoders"

The skeleton has the sections, setup cells, one collapsed worked solution and the navigation
cells the tests ask for; nothing else lists the notebooks by hand. What is left to do is in
CONTRIBUTING.md ("Adding a notebook"); this script prints the short version.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools import navigation, solutions
from tools.shipped import ROOT


def _md(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text.splitlines(keepends=True)}


def _code(cell_id: str, text: str, tags=()) -> dict:
    metadata = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": metadata,
            "outputs": [], "source": text.splitlines(keepends=True)}


def skeleton(number: str, title: str) -> dict:
    cells = [
        _md("title", f"# {number} · {title}\n\nOne paragraph: what this lesson shows and why it matters."),
        _md("learn", "## What you will learn\n\n- The idea this lesson teaches, in one line.\n"
                     "- What the learner can do afterwards."),
        _md("need", "## What you need\n\n- The notebooks this one builds on.\n"
                    "- Run time: full mode about a minute, quick mode (AE_FAST=1) well under a minute, "
                    "on a 2-core CPU."),
        _md("setup-heading", "## Setup"),
        _code("setup-keras", "import keras\n\nfrom helpers import config, data\n\nrun = config.settings()"),
        _code("setup-run", "keras.utils.set_random_seed(run.seed)\n"
                           "(x_train, y_train), (x_test, y_test) = data.load_mnist(shape=\"flat\")"),
        _md("section-1", "## 1. The first step\n\nText, then short code cells; shared code goes into `helpers/`."),
        _code("section-1-code", "print(f\"{len(x_train):,} training digits, {x_train.shape[1]} pixels each\")"),
        _md("summary", "## Summary\n\n- What the learner should remember, with the measured numbers."),
        _md("exercises", "## Exercises\n\n1. **A first exercise.** What to try and what to look for."),
        _code("solution-1", "# Solution 1\nprint(f\"{len(x_test):,} test digits\")", tags=["solution"]),
    ]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def create(number: str, title: str, root: Path = ROOT) -> Path:
    """Write the skeleton, refresh every notebook's navigation, collapse the solution; return its path."""
    if not re.fullmatch(r"\d\d", number):
        raise SystemExit(f"the number must be two digits, e.g. 08; got {number!r}")
    folder = root / "notebooks"
    taken = sorted(folder.glob(f"{number}_*.ipynb"))
    if taken:
        raise SystemExit(f"notebook {number} exists already: {taken[0].name}")
    path = folder / f"{number}_{slug(title)}.ipynb"
    nb = skeleton(number, title)
    solutions.collapse(nb)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    navigation.refresh(navigation.notebook_paths(folder), write=True)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("number", help="two digits, the next free number, e.g. 08")
    parser.add_argument("title", help='the lesson\'s title, e.g. "Sparse autoencoders"')
    args = parser.parse_args(argv)
    path = create(args.number, args.title)
    print(f"wrote {path.relative_to(ROOT)} (and refreshed the navigation cells)")
    print(f"next: write the lesson and its claims (tests/claims/nb{args.number}.py); add its row to the "
          "README table; see CONTRIBUTING.md, 'Adding a notebook'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
