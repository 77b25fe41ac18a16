"""``make bench``: run every notebook in full mode, collect its results, write RESULTS.md.

    .venv/bin/python -m benchmarks.run                      # what `make bench` runs
    .venv/bin/python -m benchmarks.run --write-notebooks    # also save the executed notebooks in place
    .venv/bin/python -m benchmarks.run --longer --time-make-test   # + 04 at AE_EPOCH_SCALE=2, 02 at 10, + `make test`
    .venv/bin/python -m benchmarks.run --quick --notebooks 04      # smoke check: quick mode, one notebook
    .venv/bin/python -m benchmarks.run --with-quick                # + every notebook in quick mode (AE_FAST=1)
    .venv/bin/python -m benchmarks.run --with-cache                # + every notebook again from the models cached
    .venv/bin/python -m benchmarks.run --table-only benchmarks/out/<run>   # rebuild the table of a saved run

Steps: say which MNIST the notebooks will get (``helpers.data.load_mnist``'s own
notice); execute each ``notebooks/NN_*.ipynb`` top to bottom, one at a time, in a fresh
kernel, in full mode (``AE_FAST`` removed from its environment) with ``AE_RESULTS_DIR``
pointing at a fresh folder, so every ``helpers.results.record`` row of the run lands
there; time each notebook and measure its peak memory; run ``benchmarks/explorers.py``
and, in JupyterLab and Chromium, ``benchmarks/browser_latency.py`` (key press to painted picture);
measure the machine's matrix-multiply peak (``benchmarks/roofline.py``, the roofline's limit);
compute PCA at the code sizes the notebooks used; evaluate each notebook's claims
(``helpers/lesson_claims.py``) on the recorded rows; write ``benchmarks/RESULTS.md`` and
print the same table. With ``--with-quick`` every notebook also runs in quick mode
(``AE_FAST=1``, rows in ``results-quick/``): RESULTS.md then lists each claim with its
quick and its full measurement and each notebook's quick-mode wall time. A claim that
does not hold is printed with the notebook, the claim and the numbers, and the run
exits with status 1. Everything the run measured is kept in
``benchmarks/out/<UTC time>/`` (``run.json`` and the result rows).

A quick-mode run or a run of only some notebooks writes its table into that folder
and leaves ``benchmarks/RESULTS.md`` alone, unless ``--output`` says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
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

from . import table

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "benchmarks" / "out"
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
EXPLORERS = ROOT / "benchmarks" / "explorers.py"
# "Where the time went": each notebook's wall time before the speed-up work (an earlier run,
# cited in the file) and the per-cell profile that found the biggest costs.
BEFORE_JSON = ROOT / "benchmarks" / "before_speedup.json"
PROFILE_JSON = ROOT / "benchmarks" / "profile_cells.json"
LONGER_NOTEBOOK = "04"
# Notebook 04's 30-number candidates (benchmarks/candidates.py), rendered from their own committed run.
CANDIDATES_JSON = ROOT / "benchmarks" / "candidates_04.json"
SEEDS_NOTEBOOK = "04"  # --seeds N: its headline again with AE_SEED = 43, 44, ... (the main run is seed 42)
LONGER_SCALE = 2.0
# --longer also runs notebook 02 ten times as long: its recipes at the tutorials' 50 epochs (5 x 10).
RECIPES_NOTEBOOK, RECIPES_SCALE = "02", 10.0
VERSIONED = ("tensorflow", "keras", "numpy", "scikit-learn", "matplotlib", "ipywidgets", "nbclient")


def log(message: str = "") -> None:
    print(message, flush=True)


# --- where and what ------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> dict:
    info = {"cores": os.cpu_count(), "cpu_model": cpu_model(), "memory_gb": None}
    try:
        import psutil

        info["memory_gb"] = psutil.virtual_memory().total / 1024**3
    except ImportError:
        pass
    return info


def environment_size(prefix: str | None = None) -> dict:
    """The installed environment (``sys.prefix``, i.e. .venv) and its size on disk, counted as ``du`` does.

    Allocated blocks of every file, each hard-linked file once, symbolic links not followed.
    """
    prefix = Path(prefix or sys.prefix)
    total, seen = 0, set()
    for folder, _, files in os.walk(prefix):
        for name in [".", *files]:  # the folder itself too, as du counts it
            try:
                info = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            total += info.st_blocks * 512 if hasattr(info, "st_blocks") else info.st_size
    try:
        name = str(prefix.relative_to(ROOT))
    except ValueError:
        name = prefix.name
    return {"name": name, "bytes": total}


def versions() -> dict:
    found = {"Python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def load_data(quick: bool):
    """The digits the notebooks will get, and the loader's own notice saying where they come from.

    Uses ``helpers.data.load_mnist`` (same order of sources as the notebooks) and, in quick
    mode, the same subsets as ``helpers.config`` gives the notebooks.
    """
    from helpers import config, data

    notice = io.StringIO()
    with contextlib.redirect_stdout(notice):
        (x_train, _), (x_test, _) = data.load_mnist(shape="flat")
    if quick:
        run = config.RunSettings(quick=True, train_size=config.QUICK_TRAIN_SIZE, test_size=config.QUICK_TEST_SIZE)
        x_train, x_test = run.train_subset(x_train), run.test_subset(x_test)
    text = notice.getvalue().strip()
    full = "offline sample" not in text and len(x_test) >= 10_000
    return x_train, x_test, text, full


def _shipped():
    """tools/shipped.py: which notebooks are the course's, and which differ from the commit."""
    sys.path.insert(0, str(ROOT / "tools"))
    import shipped

    return shipped


def find_notebooks(selection=None) -> list[Path]:
    """The course's notebooks (a learner's own copies in notebooks/ are not part of it)."""
    paths = _shipped().notebook_paths(ROOT)
    if selection:
        wanted = {s.zfill(2) for s in selection}
        paths = [p for p in paths if p.name[:2] in wanted]
    return paths


# --- the steps -----------------------------------------------------------------------------


def run_notebooks(paths, results_dir: Path, quick: bool, write_back: bool, timeout: int,
                  scale: float | None = None, cache_dir: Path | None = None) -> list[dict]:
    """Run ``paths`` one at a time. ``cache_dir``: the model cache the kernels use (helpers/cache.py);
    without one the cache is switched off (AE_CACHE=0), so every model trains."""
    from .notebooks import run_notebook

    env = {"AE_RESULTS_DIR": str(results_dir), "AE_FAST": "1" if quick else None,
           "AE_EPOCH_SCALE": None if scale is None else f"{scale:g}", "TF_CPP_MIN_LOG_LEVEL": "2",
           "AE_CACHE": "1" if cache_dir else "0", "AE_CACHE_DIR": str(cache_dir) if cache_dir else None,
           "AE_RETRAIN": None}
    runs = []
    for path in paths:
        log(f"[{path.stem}] running ({'quick' if quick else 'full'} mode) ...")
        run = run_notebook(path, env=env, timeout=timeout, write_back=write_back,
                           kernel_log=results_dir.parent / f"{results_dir.name}-{path.stem}.kernel.log")
        runs.append(run)
        where = " (written back)" if run["written"] else ""
        state = "ok" if run["status"] == "ok" else f"ERROR {run['error']}"
        log(f"[{path.stem}] {state}: {table.fmt_duration(run['wall_seconds'])} wall, "
            f"{table.fmt_duration(run['cpu_seconds'])} kernel CPU, peak {table.fmt_bytes(run['peak_rss_bytes'])}"
            f"{where}")
    return runs


def run_step(out: Path, name: str, command: list[str], env: dict | None = None) -> dict:
    """Run one measuring script (``benchmarks/<name>.py``) that writes ``out/<name>.json``; its output
    goes to ``out/<name>.log``. Returns the JSON, or ``{"error": ...}`` saying how the script failed."""
    target = out / f"{name}.json"
    done = subprocess.run([*command, "--json", str(target)], cwd=ROOT, capture_output=True, text=True,
                          env=None if env is None else {**os.environ, **env})
    (out / f"{name}.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if target.exists():
        return json.loads(target.read_text(encoding="utf-8"))
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    log(f"benchmarks/{name}.py failed (exit {done.returncode}): {tail[0]}")
    return {"error": f"benchmarks/{name}.py failed (exit {done.returncode}): {tail[0]}"}


def run_explorers(out: Path, skip: bool, quick: bool = False) -> dict | None:
    if skip:
        return None
    if not EXPLORERS.exists():
        log("benchmarks/explorers.py is not there: explorer update times are not measured.")
        return {"error": "benchmarks/explorers.py is missing"}
    log("Timing the slider explorers (benchmarks/explorers.py) ...")
    smoke = ["--updates", "20", "--naive-updates", "5"] if quick else []  # a smoke check of the plumbing
    return run_step(out, "explorers", [sys.executable, str(EXPLORERS), *smoke])


def run_browser_latency(out: Path, skip: bool, quick: bool = False) -> dict | None:
    """benchmarks/browser_latency.py: slider key press to painted picture in JupyterLab + Chromium."""
    if skip:
        return None
    log("Timing slider key press -> painted picture in Chromium (benchmarks/browser_latency.py) ...")
    smoke = ["--moves", "10", "--warmup", "2"] if quick else []  # a smoke check of the plumbing
    measured = run_step(out, "browser_latency", [sys.executable, "-m", "benchmarks.browser_latency", *smoke],
                        env={"TF_CPP_MIN_LOG_LEVEL": "2"})
    if measured.get("skipped"):
        log(f"Browser slider latency skipped: {measured['skipped']}.")
    return measured


def run_roofline(out: Path, skip: bool, quick: bool = False) -> dict | None:
    """benchmarks/roofline.py in a fresh process (TensorFlow's default threads, as the notebooks get)."""
    if skip:
        return None
    log("Measuring the machine's matrix-multiply peak (benchmarks/roofline.py) ...")
    smoke = ["--sizes", "256", "--repeats", "2"] if quick else []  # a smoke check of the plumbing
    return run_step(out, "roofline", [sys.executable, "-m", "benchmarks.roofline", *smoke],
                    env={"TF_CPP_MIN_LOG_LEVEL": "2"})


def read_json(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def read_seeded_rows(folder: Path) -> list[dict]:
    """The rows the seeded runs recorded: one per (notebook, name, seed). All seeds write the same
    names into one folder, so ``results.read_dir`` (the last row of each name wins) would keep only
    the last seed's."""
    latest: dict[tuple, dict] = {}
    for path in sorted(folder.glob("*.jsonl")) if folder.exists() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[(row["notebook"], row["name"], row.get("seed"))] = row
    return list(latest.values())


def run_seeds(out: Path, count: int, quick: bool, timeout: int) -> dict | None:
    """Notebook 04 up to its headline's recorded result, once per extra seed (AE_SEED=43, 44, ...)."""
    if count < 2:
        return None
    from helpers import config
    from helpers.lesson_claims import CONV_04

    from .notebooks import run_notebook

    paths = find_notebooks([SEEDS_NOTEBOOK])
    if not paths:
        log(f"Seeds skipped: notebook {SEEDS_NOTEBOOK} is not there.")
        return None
    runs = []
    for seed in range(config.DEFAULT_SEED + 1, config.DEFAULT_SEED + count):
        log(f"[{paths[0].stem}] up to its headline with AE_SEED={seed} ...")
        env = {"AE_RESULTS_DIR": str(out / "results-seeds"), "AE_FAST": "1" if quick else None,
               "AE_EPOCH_SCALE": None, "AE_SEED": str(seed), "TF_CPP_MIN_LOG_LEVEL": "2"}
        run = run_notebook(paths[0], env=env, timeout=timeout, stop_after=CONV_04,
                           kernel_log=out / f"results-seeds-{seed}.kernel.log")
        runs.append({**run, "seed": seed})
        log(f"  seed {seed}: {run['status']} {run['error'] or ''} {table.fmt_duration(run['wall_seconds'])} wall")
    return {"runs": runs}


def add_recipes(out: Path, timeout: int, output: Path | None) -> int:
    """--longer's 50-epoch recipes (notebook 02 at RECIPES_SCALE) added to the saved full-mode run ``out``."""
    out = out.resolve()  # the kernels run in notebooks/: a relative results folder would land there
    saved = read_json(out / "run.json")
    if saved is None or saved["meta"].get("quick"):
        sys.exit(f"{out} holds no saved full-mode run (run.json); give the folder of a full `make bench` run")
    if (out / "results-recipes").exists():
        sys.exit(f"{out} already has the recipes at 50 epochs (results-recipes/); nothing to add")
    paths = find_notebooks([RECIPES_NOTEBOOK])
    if not paths:
        sys.exit(f"notebook {RECIPES_NOTEBOOK} is not there")
    os.environ["AE_CACHE"] = "0"
    log(f"The recipes at 50 epochs: notebook {RECIPES_NOTEBOOK} with AE_EPOCH_SCALE={RECIPES_SCALE:g}, "
        f"load {os.getloadavg()[0]:.1f} ...")
    saved["recipes"] = {"scale": RECIPES_SCALE, "load": [round(os.getloadavg()[0], 1)],
                        "runs": run_notebooks(paths, out / "results-recipes", False, False, timeout,
                                              scale=RECIPES_SCALE)}
    saved["recipes"]["load"].append(round(os.getloadavg()[0], 1))
    (out / "run.json").write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    log(build_and_write(out, output))
    return 0 if all(run["status"] == "ok" for run in saved["recipes"]["runs"]) else 1


def time_make_test(out: Path) -> dict:
    log("Timing `make test` ...")
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k not in ("AE_RESULTS_DIR", "AE_EPOCH_SCALE")}
    done = subprocess.run(["make", "--no-print-directory", "test"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (out / "make_test.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    how = "timed by this run" + ("" if done.returncode == 0 else f", FAILED with exit {done.returncode}")
    log(f"`make test`: {table.fmt_duration(seconds)} ({how})")
    return {"seconds": seconds, "how": how, "returncode": done.returncode}


def code_sizes(*row_lists) -> set[int]:
    sizes = {table.PAPER_CODE_SIZE, table.LINEAR_CODE_SIZE}
    for rows in row_lists:
        sizes |= {k for r in rows if (k := table.code_size(r)) is not None}
    return sizes


def build_and_write(out: Path, output: Path | None) -> str:
    """Rebuild the table from a saved run folder, write it, and return it."""
    from helpers import results

    saved = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rows = results.read_dir(out / "results")
    longer = saved.get("longer")
    if longer is not None:
        longer["rows"] = results.read_dir(out / "results-longer")
    quick = saved.get("quick_pass")
    recipes = saved.get("recipes")
    if recipes is not None:
        recipes["rows"] = results.read_dir(out / "results-recipes") if (out / "results-recipes").exists() else []
    seeds = saved.get("seeds")
    if seeds is not None:
        seeds["rows"] = read_seeded_rows(out / "results-seeds")
    if quick is not None:
        quick["rows"] = results.read_dir(out / "results-quick") if (out / "results-quick").exists() else []
    cached = saved.get("cached_pass")
    if cached is not None:
        cached["rows"] = results.read_dir(out / "results-cached") if (out / "results-cached").exists() else []
    text = table.build(rows, saved["runs"], saved.get("pca", {}), saved["meta"], saved.get("explorers"), longer,
                       quick, roofline=saved.get("roofline"), before=read_json(BEFORE_JSON),
                       profile=read_json(PROFILE_JSON), candidates=read_json(CANDIDATES_JSON), seeds=seeds, recipes=recipes,
                       cached=cached, browser=saved.get("browser_latency"))
    target = output or Path(saved["meta"].get("output") or out / "RESULTS.md")
    target.write_text(text, encoding="utf-8")
    return text


def refuse_to_overwrite_changes(paths) -> None:
    """Stop before running anything if writing ``paths`` back would overwrite uncommitted work
    (a learner's runs and edits, or a contributor's unfinished change)."""
    shipped = _shipped()
    if not shipped.in_git(ROOT):
        sys.exit("--write-notebooks: this folder is not a git clone, so uncommitted changes to the notebooks "
                 "cannot be seen and would be overwritten. Add --overwrite-changed-notebooks to write anyway.")
    changed = [p.name for p in shipped.changed_notebooks(ROOT) if p.name in {q.name for q in paths}]
    if changed:
        sys.exit(f"--write-notebooks would overwrite uncommitted changes in {', '.join(changed)}. Commit them, "
                 "or keep a copy and restore the shipped versions with `make reset-notebooks`, or add "
                 "--overwrite-changed-notebooks to overwrite them.")


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description="Run every notebook in full mode and write benchmarks/RESULTS.md.")
    parser.add_argument("--quick", action="store_true", help="quick mode (AE_FAST=1): a smoke check, not results")
    parser.add_argument("--notebooks", nargs="+", metavar="NN", help="only these notebooks, e.g. --notebooks 01 04")
    parser.add_argument("--write-notebooks", action="store_true",
                        help="write each executed notebook back in place (only if it ran without error); "
                             "refused while notebooks/ holds uncommitted changes, which it would overwrite")
    parser.add_argument("--overwrite-changed-notebooks", action="store_true",
                        help="with --write-notebooks: overwrite notebooks even if they hold uncommitted "
                             "changes (yours are lost; `make reset-notebooks` keeps a backup instead)")
    parser.add_argument("--with-quick", action="store_true",
                        help="also run every selected notebook in quick mode (AE_FAST=1): quick-mode claims "
                             "and wall times beside the full ones")
    parser.add_argument("--longer", action="store_true",
                        help=f"also run notebook {LONGER_NOTEBOOK} with AE_EPOCH_SCALE={LONGER_SCALE:g} and notebook "
                             f"{RECIPES_NOTEBOOK} with AE_EPOCH_SCALE={RECIPES_SCALE:g} (its recipes at 50 epochs)")
    make_test = parser.add_mutually_exclusive_group()
    make_test.add_argument("--time-make-test", action="store_true", help="also run and time `make test`")
    make_test.add_argument("--make-test-seconds", type=float, help="a `make test` time measured elsewhere")
    parser.add_argument("--skip-explorers", action="store_true",
                        help="do not run benchmarks/explorers.py (with --quick it runs only 20 updates each)")
    parser.add_argument("--skip-browser-latency", action="store_true",
                        help="do not time slider key press -> painted picture in Chromium "
                             "(benchmarks/browser_latency.py; skipped with a note when Playwright or Chromium is missing)")
    parser.add_argument("--skip-roofline", action="store_true",
                        help="do not measure the matrix-multiply peak (benchmarks/roofline.py; with --quick it "
                             "times only small products)")
    parser.add_argument("--with-cache", action="store_true",
                        help="after the training pass, run every notebook again reading the models it cached "
                             "(its own cache in the run folder): wall times with a warm cache and whether the "
                             "recorded results are the same (make bench passes it)")
    parser.add_argument("--seeds", type=int, default=1, metavar="N",
                        help=f"run notebook {SEEDS_NOTEBOOK} up to its headline result with N - 1 more seeds "
                             "(AE_SEED), for its mean ± spread (make bench passes --seeds 3)")
    parser.add_argument("--timeout", type=int, default=3000, help="seconds allowed per cell (default 3000)")
    parser.add_argument("--out", type=Path, help="folder for this run's measurements (default benchmarks/out/<time>)")
    parser.add_argument("--output", type=Path, help="where to write the table (default benchmarks/RESULTS.md "
                                                    "for a full run of every notebook)")
    parser.add_argument("--add-recipes", type=Path, metavar="RUN_DIR",
                        help=f"run only --longer's notebook {RECIPES_NOTEBOOK} at AE_EPOCH_SCALE={RECIPES_SCALE:g} (the "
                             "recipes at 50 epochs) into a saved full-mode run, then rebuild that run's table")
    parser.add_argument("--table-only", type=Path, metavar="RUN_DIR",
                        help="rebuild the table from a saved run folder without running anything")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    if args.table_only:
        log(build_and_write(args.table_only, args.output))
        return 0
    if args.add_recipes:
        return add_recipes(args.add_recipes, args.timeout, args.output)

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = args.out or OUT_DIR / (stamp + ("-quick" if args.quick else ""))
    out.mkdir(parents=True, exist_ok=True)
    results_dir = out / "results"
    if results_dir.exists() and any(results_dir.iterdir()):
        sys.exit(f"{results_dir} already holds results; give a fresh --out folder")
    paths = find_notebooks(args.notebooks)
    if not paths:
        sys.exit("no notebooks found" + (f" for {args.notebooks}" if args.notebooks else ""))
    if args.write_notebooks and not args.overwrite_changed_notebooks:
        refuse_to_overwrite_changes(paths)
    everything = not args.notebooks or {p.name for p in paths} == {p.name for p in find_notebooks()}
    output = args.output or (RESULTS_MD if everything and not args.quick else out / "RESULTS.md")

    log(f"Benchmark run {stamp}: {len(paths)} notebook(s), {'QUICK' if args.quick else 'full'} mode; "
        f"measurements in {out}")
    _, _, notice, full_data = load_data(args.quick)
    log(f"Data the notebooks will use: {notice}")
    load_start = os.getloadavg()[0]
    # The training pass trains every model (its own empty model cache, which it fills); every other
    # kernel this run starts (quick, longer, seeds, make test) has the cache switched off.
    os.environ["AE_CACHE"] = "0"
    cache_dir = out / "cache"
    runs = run_notebooks(paths, results_dir, args.quick, args.write_notebooks, args.timeout, cache_dir=cache_dir)
    cached_pass = None
    if args.with_cache:
        log("Warm-cache pass: every notebook again, reading the models the training pass cached ...")
        cached_pass = {"runs": run_notebooks(paths, out / "results-cached", args.quick, False, args.timeout,
                                             cache_dir=cache_dir)}

    quick_pass = None
    if args.with_quick and not args.quick:
        log("Quick-mode pass: every notebook with AE_FAST=1 ...")
        quick_pass = {"runs": run_notebooks(paths, out / "results-quick", True, False, args.timeout)}

    longer = None
    if args.longer:
        longer_paths = find_notebooks([LONGER_NOTEBOOK])
        if longer_paths:
            log(f"Longer training: notebook {LONGER_NOTEBOOK} with AE_EPOCH_SCALE={LONGER_SCALE:g} ...")
            longer_runs = run_notebooks(longer_paths, out / "results-longer", args.quick, False, args.timeout,
                                        scale=LONGER_SCALE)
            longer = {"scale": LONGER_SCALE, "runs": longer_runs}
        else:
            log(f"Longer training skipped: notebook {LONGER_NOTEBOOK} is not there.")
    recipes = None
    if args.longer and not args.quick and find_notebooks([RECIPES_NOTEBOOK]):
        log(f"The recipes at 50 epochs: notebook {RECIPES_NOTEBOOK} with AE_EPOCH_SCALE={RECIPES_SCALE:g} ...")
        recipes = {"scale": RECIPES_SCALE, "runs": run_notebooks(find_notebooks([RECIPES_NOTEBOOK]), out / "results-recipes",
                                                                  False, False, args.timeout, scale=RECIPES_SCALE)}
    seeds = run_seeds(out, args.seeds, args.quick, args.timeout) if SEEDS_NOTEBOOK in {p.name[:2] for p in paths} \
        else None
    explorers = run_explorers(out, args.skip_explorers, args.quick)
    browser_latency = run_browser_latency(out, args.skip_browser_latency, args.quick)
    roofline = run_roofline(out, args.skip_roofline, args.quick)
    make_test = None
    if args.time_make_test:
        make_test = time_make_test(out)
    elif args.make_test_seconds is not None:
        make_test = {"seconds": args.make_test_seconds, "how": "figure passed in with --make-test-seconds"}
    load_end = os.getloadavg()[0]

    from helpers import results

    from .pca import pca_errors

    rows = results.read_dir(results_dir) if results_dir.exists() else []
    longer_rows = results.read_dir(out / "results-longer") if (out / "results-longer").exists() else []
    log("Computing PCA at the code sizes the notebooks used ...")
    x_train, x_test, _, _ = load_data(args.quick)
    pca = pca_errors(x_train, x_test, code_sizes(rows, longer_rows))
    del x_train, x_test

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "arguments": " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)),
        "machine": machine(), "versions": versions(), "environment": environment_size(),
        "data_source": notice, "full_data": full_data, "quick": args.quick,
        "notebooks_expected": len(find_notebooks()),  # the whole course, whatever this run selected
        "load_average": {"start": load_start, "end": load_end},
        "make_test": make_test, "output": str(output),
    }
    saved = {"meta": meta, "runs": runs, "pca": pca, "explorers": explorers, "longer": longer,
             "quick_pass": quick_pass, "roofline": roofline, "seeds": seeds, "recipes": recipes,
             "cached_pass": cached_pass, "browser_latency": browser_latency}
    (out / "run.json").write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    text = build_and_write(out, output)
    log("")
    log(text)
    log(f"Wrote {output} (measurements kept in {out}).")
    failed = [r["notebook"] for r in runs if r["status"] != "ok"]
    if quick_pass:
        failed += [f"{r['notebook']} (quick mode)" for r in quick_pass["runs"] if r["status"] != "ok"]
    if seeds:
        failed += [f"{r['notebook']} (AE_SEED={r['seed']})" for r in seeds["runs"] if r["status"] != "ok"]
    if cached_pass:
        failed += [f"{r['notebook']} (warm cache)" for r in cached_pass["runs"] if r["status"] != "ok"]
        cached_rows = results.read_dir(out / "results-cached") if (out / "results-cached").exists() else []
        matched, compared, differ = table.compare_recorded(rows, cached_rows)
        log(f"Warm-cache pass: {matched} of {compared} recorded results equal to the training pass's to 3 decimals"
            + ("" if not differ else ": " + "; ".join(differ[:5])))
        if differ:
            failed.append("the warm-cache pass (recorded results differ: a reused model is not the trained one)")
    if failed:
        log(f"Notebooks with errors: {', '.join(failed)}")
    broken = failing_claims(rows, runs, args.quick)
    if quick_pass:
        quick_rows = results.read_dir(out / "results-quick") if (out / "results-quick").exists() else []
        broken += failing_claims(quick_rows, quick_pass["runs"], True)
    for message in broken:
        log("")
        log("CLAIM DOES NOT HOLD: " + message)
    return 1 if failed or broken else 0


def failing_claims(rows, runs, quick: bool) -> list[str]:
    """The claims messages (notebook, claim, numbers) of the notebooks ``runs`` executed that do not hold."""
    from helpers import claims

    messages = []
    for nb in table.ran_notebooks(runs):
        message = claims.failure_message(nb, claims.evaluate(nb, rows, quick))
        if message:
            messages.append(message)
    return messages


if __name__ == "__main__":
    sys.exit(main())
