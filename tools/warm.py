"""``make warm``: run every notebook of the course once in full mode, so the model cache holds
every trained model (for a teacher, the evening before class).

    python tools/warm.py                  # every notebook, one at a time
    python tools/warm.py --notebooks 04   # only some

Each notebook is executed top to bottom in a fresh kernel (``benchmarks/notebooks.py``,
as ``make bench`` does), in memory: the notebooks in notebooks/ are read, never
written, so a learner's runs and edits stay as they are. Full mode (``AE_FAST``
removed), the cache switched on (``AE_CACHE`` removed, ``AE_RETRAIN`` removed), with
the data the notebooks find themselves (set ``AE_MNIST_PATH`` as for a normal run). A
model already in the cache is reused, so running it twice costs little the second
time. One line per notebook, then the total time and what the cache holds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import shipped  # noqa: E402  (tools/shipped.py: the course's notebooks)


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", metavar="NN", help="only these notebooks, e.g. --notebooks 04")
    parser.add_argument("--timeout", type=int, default=3000, help="seconds allowed per cell (default 3000)")
    args = parser.parse_args(argv)

    from benchmarks.notebooks import run_notebook
    from helpers import cache

    if not cache.enabled():
        print("make warm: the model cache is switched off (AE_CACHE=0 in your environment); "
              "warming it would keep nothing. Unset AE_CACHE and run it again.", file=sys.stderr)
        return 1
    paths = shipped.notebook_paths(ROOT)
    if args.notebooks:
        wanted = {n.zfill(2) for n in args.notebooks}
        paths = [p for p in paths if p.name[:2] in wanted]
    if not paths:
        print(f"make warm: no notebooks match {args.notebooks}", file=sys.stderr)
        return 1
    print(f"Warming the model cache in {cache.directory()}: {len(paths)} notebook(s) in full mode, "
          "one at a time (notebooks/ is not written).", flush=True)
    env = {"AE_FAST": None, "AE_CACHE": None, "AE_RETRAIN": None, "AE_RESULTS_DIR": None,
           "AE_EPOCH_SCALE": None, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start, failed = time.perf_counter(), []
    for i, path in enumerate(paths, 1):
        run = run_notebook(path, env=env, timeout=args.timeout, write_back=False,
                           kernel_log=Path(cache.directory()).parent / "warm-kernel.log")
        state = "ok" if run["status"] == "ok" else f"ERROR {run['error']}"
        if run["status"] != "ok":
            failed.append(path.name)
        print(f"[{i}/{len(paths)}] {path.stem}: {state}, {duration(run['wall_seconds'])}", flush=True)
    total = time.perf_counter() - start
    summary = cache.summary()
    print(f"Done in {duration(total)}. The cache holds {summary['entries']} trained model(s), "
          f"{summary['bytes'] / 1024**2:.1f} MB, in {summary['path']} (make cache-size, make clean-cache).")
    if failed:
        print(f"Notebooks with errors (their later models are not cached): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
