"""Run notebooks and print each claim's value, threshold and margin in the current mode.

    AE_FAST=1 AE_SEED=7 python -m tests.claims notebooks/03_deep_autoencoder.ipynb [...]

Executes each notebook as the benchmark does (``benchmarks.notebooks.run_notebook``, nothing
written back); exit status 1 if a notebook fails or a claim does not hold.
"""

import sys
from pathlib import Path

from benchmarks.notebooks import run_notebook
from helpers.config import quick_mode, seed
from tests import claims


def main(paths) -> int:
    quick, failed = quick_mode(), 0
    for path in map(Path, paths):
        module = claims.load(path.stem)
        result = run_notebook(path, exprs=claims.expressions(module))
        print(f"== {path.name} ({'quick' if quick else 'full'} mode, seed {seed()})")
        if result["status"] != "ok":
            print(f"  ERROR  the notebook stopped: {result['error']}")
            failed += 1
        found = result["values"]
        for claim in module.CLAIMS:
            v = found.get(claim.value, "not computed")
            if isinstance(v, str):
                print(f"  ERROR  {claim.sentence}: {v}")
                failed += 1
                continue
            ok = claim.holds(v, quick)
            failed += not ok
            print(f"  {'holds' if ok else 'FAILS'}  {v:10.4g} {claim.op} {claim.threshold(quick)!s:<8} "
                  f"margin {claim.margin(v, quick):+.0%}  {claim.sentence}")
        for label, expr in getattr(module, "FIGURES", {}).items():
            print(f"  figure {label}: {found.get(expr, 'not computed')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
