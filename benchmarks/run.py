"""``make bench``: every notebook in full and in quick mode, for several seeds, then RESULTS.md.

    python -m benchmarks.run                           # what `make bench` runs: 3 seeds, both modes
    python -m benchmarks.run --write-notebooks         # also save the seed-42 full-mode outputs in place
    python -m benchmarks.run --offline-quick           # also quick mode on the offline sample, every seed
    python -m benchmarks.run --quick-only --only 03 --seeds 1    # one notebook, quick mode, seed 42
    python -m benchmarks.report benchmarks/out/<run>   # render RESULTS.md again without running

For each seed (``AE_SEED`` = 42, 7, 43, then 44, 45, ...), each mode (full: ``AE_FAST``
unset; quick: ``AE_FAST=1``) and each notebook, one at a time: execute the notebook in a
fresh kernel (:mod:`benchmarks.notebooks`), measuring its wall time and peak memory, then
evaluate its claims and figures (``tests/claims/nbNN.py``) in the same kernel. Everything
measured goes to ``benchmarks/out/<UTC time>/run.json`` (rewritten after every notebook),
then :mod:`benchmarks.report` renders it: into ``benchmarks/RESULTS.md`` when the run covered
every notebook of the course in both modes, else into the run's folder. Exit status 1 if a
notebook failed or a claim did not hold.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from unittest import mock

from benchmarks import report
from benchmarks.notebooks import environment, run_notebook
from tests import claims
from tools import shipped

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "benchmarks" / "out"
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
SEEDS = (42, 7, 43)  # the course's seed first: its full-mode run is the one written back
VERSIONED = ("tensorflow", "keras", "numpy", "scikit-learn", "nbclient")


def log(message: str) -> None:
    print(message, flush=True)


def seeds(count: int) -> list[int]:
    return [*SEEDS, *range(44, 44 + max(0, count - len(SEEDS)))][:count]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.lower().startswith("model name")), platform.processor() or platform.machine())
    import psutil

    found = {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
             "python": platform.python_version()}
    for name in VERSIONED:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def data_source(env: dict | None = None) -> str:
    """Which MNIST the notebooks will load with ``env``'s changes (``helpers.data.load_mnist``'s order), without its path."""
    from helpers import data

    with mock.patch.dict(os.environ, environment(env), clear=True), contextlib.redirect_stdout(io.StringIO()):
        (x_train, _), (x_test, _) = data.load_mnist(verbose=False)
    full = len(x_train) >= data.FULL_TRAINING_DIGITS
    return f"{'full MNIST' if full else 'the offline sample'}: {len(x_train):,} training and {len(x_test):,} test digits"


def find_notebooks(folder: Path | None = None, only=None) -> list[Path]:
    """The course's notebooks (git's tracked ones), or every ``NN_*.ipynb`` in ``folder``; ``only``: numbers."""
    paths = sorted(Path(folder).glob(shipped.PATTERN)) if folder else shipped.notebook_paths(ROOT)
    return [p for p in paths if not only or p.name[:2] in {n.zfill(2) for n in only}]


def refuse_to_overwrite_changes(paths) -> None:
    """Stop if writing ``paths`` back would overwrite uncommitted changes (a learner's or a contributor's)."""
    if not shipped.in_git(ROOT):
        sys.exit("--write-notebooks: not a git clone, so uncommitted changes cannot be seen; add --force to write")
    changed = {p.name for p in shipped.changed_notebooks(ROOT)} & {Path(p).name for p in paths}
    if changed:
        sys.exit(f"--write-notebooks would overwrite uncommitted changes in {', '.join(sorted(changed))}; "
                 "commit them (or `make reset-notebooks`), or add --force")


def time_make_test(out: Path) -> dict:
    log("Timing `make test` ...")
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", "test"], cwd=ROOT, capture_output=True, text=True)
    (out / "make_test.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    return {"seconds": round(time.perf_counter() - start, 1), "returncode": done.returncode}


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS), metavar="N",
                        help=f"run with the first N seeds of {', '.join(map(str, SEEDS))}, 44, ... (default 3)")
    parser.add_argument("--seed", type=int, nargs="+", metavar="S", help="run with these seeds instead")
    parser.add_argument("--quick-only", action="store_true", help="quick mode only (AE_FAST=1)")
    parser.add_argument("--only", nargs="+", metavar="NN", help="only these notebooks, e.g. --only 01 03")
    parser.add_argument("--write-notebooks", action="store_true",
                        help="write the seed-42 full-mode notebooks back with their outputs (refused while "
                             "they hold uncommitted changes)")
    parser.add_argument("--force", action="store_true", help="with --write-notebooks: overwrite uncommitted changes")
    parser.add_argument("--offline-quick", action="store_true",
                        help="also run quick mode on the offline sample (no AE_MNIST_PATH, an empty Keras cache)")
    parser.add_argument("--time-make-test", action="store_true", help="also run and time `make test`")
    parser.add_argument("--notebooks", type=Path, metavar="DIR", help="run the NN_*.ipynb in DIR instead of the course's")
    parser.add_argument("--timeout", type=int, default=3000, help="seconds allowed per cell (default 3000)")
    parser.add_argument("--out", type=Path, help="folder for run.json and the kernel logs (default benchmarks/out/<time>)")
    parser.add_argument("--output", type=Path, help="where to write RESULTS.md (default benchmarks/RESULTS.md for "
                        "every notebook in both modes, else the --out folder)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    paths = find_notebooks(args.notebooks, args.only)
    if not paths:
        sys.exit("no notebooks found")
    if args.write_notebooks and not args.force:
        refuse_to_overwrite_changes(paths)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = (args.out or OUT_DIR / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    modes = ["quick"] if args.quick_only else ["full", "quick"]
    passes = [(mode, {}) for mode in modes]  # (mode, changes to the kernels' environment)
    if args.offline_quick:
        passes.append(("quick", {"AE_MNIST_PATH": None, "KERAS_HOME": str(out / "empty-keras-home")}))
    complete = not (args.notebooks or args.only or args.quick_only)
    output = args.output or (RESULTS_MD if complete else out / "RESULTS.md")
    modules = {p.stem: claims.load(p.stem) for p in paths}
    run = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "command": "python -m benchmarks.run " + shlex.join(sys.argv[1:] if argv is None else argv),
           "machine": machine(), "data": data_source(), "load_before": os.getloadavg(),
           "seeds": args.seed or seeds(args.seeds), "modes": modes, "complete": complete, "output": str(output),
           "notebooks": {stem: {"claims": [dataclasses.asdict(c) for c in getattr(m, "CLAIMS", [])],
                                "figures": dict(getattr(m, "FIGURES", {}))} for stem, m in modules.items()},
           "runs": []}
    log(f"Benchmark {stamp}: {len(paths)} notebook(s), {' and '.join(modes)} mode, seeds {run['seeds']}; "
        f"{run['data']}; load {run['load_before'][0]:.1f}; measurements in {out}")
    failed = []
    sources = {json.dumps(extra): data_source(extra) for _, extra in passes}
    for seed in run["seeds"]:
        for mode, extra in passes:
            for path in paths:
                quick, module = mode == "quick", modules[path.stem]
                source = sources[json.dumps(extra)]
                result = run_notebook(
                    path, env={"AE_FAST": "1" if quick else None, "AE_SEED": seed, "TF_CPP_MIN_LOG_LEVEL": "2",
                               **extra},
                    exprs=claims.expressions(module) if module else [], timeout=args.timeout,
                    write_back=args.write_notebooks and mode == "full" and seed == SEEDS[0] and not extra,
                    kernel_log=out / f"{path.stem}-{mode}-{seed}{'-offline' if extra else ''}.log")
                run["runs"].append({**result, "mode": mode, "seed": seed, "data": source})
                (out / "run.json").write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
                broken = ([result["error"]] if result["status"] != "ok" else []) + (
                    claims.failures(module, result["values"], quick) if module and result["status"] == "ok" else [])
                failed += [f"{path.stem} ({mode}, seed {seed}, {source}): {b}" for b in broken]
                log(f"[{path.stem} {mode} seed {seed}, {source.split(':')[0]}] {result['status']}, {report.duration(result['wall_seconds'])}, "
                    f"peak {report.gigabytes(result['peak_rss_bytes'])}" + "".join(f"\n  FAILS {b}" for b in broken)
                    + (" (written back)" if result["written"] else ""))
    if args.time_make_test:
        run["make_test"] = time_make_test(out)
    run["load_after"] = os.getloadavg()
    (out / "run.json").write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    Path(output).write_text(report.render(run), encoding="utf-8")
    log(f"Wrote {output} (measurements in {out})")
    for line in failed:
        log("FAILED: " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
