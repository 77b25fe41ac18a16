"""Run notebooks and print each claim's value, threshold and margin in the current mode.

    AE_FAST=1 AE_SEED=7 python -m tests.claims notebooks/03_deep_autoencoder.ipynb [...]

Executes each notebook with nbclient (nothing is written back); exit status 1 if a claim fails.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.config import quick_mode, seed
from tests import claims


def values(path: Path) -> dict:
    """Execute the notebook at ``path`` and return {expression: value or error text}."""
    module = claims.load(path.stem)
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(claims.probe_source(claims.expressions(module)))
    nb.cells.append(probe)
    NotebookClient(nb, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    return claims.parse(probe.outputs)


def main(paths) -> int:
    quick, failed = quick_mode(), 0
    for path in map(Path, paths):
        module = claims.load(path.stem)
        found = values(path)
        print(f"== {path.name} ({'quick' if quick else 'full'} mode, seed {seed()})")
        for claim in module.CLAIMS:
            v = found[claim.value]
            if isinstance(v, str):
                print(f"  ERROR  {claim.sentence}: {v}")
                failed += 1
                continue
            ok = claim.holds(v, quick)
            failed += not ok
            print(f"  {'holds' if ok else 'FAILS'}  {v:10.4g} {claim.op} {claim.threshold(quick)!s:<8} "
                  f"margin {claim.margin(v, quick):+.0%}  {claim.sentence}")
        for label, expr in getattr(module, "FIGURES", {}).items():
            print(f"  figure {label}: {found[expr]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
