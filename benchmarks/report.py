"""Render RESULTS.md from a saved benchmark run (``benchmarks/out/<run>/run.json``).

    python -m benchmarks.report benchmarks/out/<run>            # where the run wrote it
    python -m benchmarks.report benchmarks/out/<run> --output -  # print it instead

Sections: the machine and its load; the targets, met or missed; each notebook's wall time
and peak memory (seed 42); every claim with its threshold and worst value over the seeds in
each mode and its margin (``Claim.margin``; under 10 % is marked); the notebooks' headline
figures (mean ± sd over the seeds) beside the published ones.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from pathlib import Path

from tests.claims import Claim

COURSE_MINUTES, QUICK_SECONDS, MAKE_TEST_MINUTES, MARGIN = 12, 60, 4, 0.10
# Published figures a notebook's FIGURES can stand beside: (pattern of the figure's label, the figure).
PUBLISHED = [
    (r"\bPCA\b.*\b30\b", "13.87: PCA, 30 components (2006)"),
    (r"^(?!.*(PCA|seconds)).*\b(deep|conv)\b.*\b30\b", "3.00: deep autoencoder 784-1000-500-250-30 (2006)"),
    (r"^(?!.*(standard error|\(n\)|\(K\))).*\bNLL\b", "86.76 nats: VAE, NLL with K = 5,000 (2016)"),
]


def table(header, rows) -> str:
    """A Markdown table (pipes in cells escaped)."""
    line = lambda cells: "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, rows)])


def duration(seconds) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {round(seconds % 60):02d} s"


def gigabytes(size) -> str:
    return "—" if not size else f"{size / 1024**3:.2f} GB"


def number(value) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def runs_of(run: dict, notebook: str, mode: str, seed: int | None = None, main_data: bool = False) -> list[dict]:
    """A notebook's runs in one mode (of one seed; only on the run's main data set)."""
    return [r for r in run["runs"] if r["notebook"] == notebook and r["mode"] == mode
            and (seed is None or r["seed"] == seed) and (not main_data or r.get("data", run["data"]) == run["data"])]


def where(run_record: dict) -> str:
    """"seed 7" or "seed 7, offline sample": which run a worst value comes from."""
    data = run_record.get("data", "")
    return f"seed {run_record['seed']}" + (", offline sample" if data.startswith("the offline") else "")


def worst(claim: Claim, runs: list[dict], quick: bool):
    """(value, margin, seed) of the run where the claim is least inside its threshold; value is error text
    when a run did not reach the end or could not compute it. None when no run of this mode."""
    found = []
    for r in runs:
        value = r["values"].get(claim.value, r["error"] or "not computed")
        if isinstance(value, str):
            found.append((value, -math.inf, where(r)))
        else:
            margin = claim.margin(value, quick)
            sign = 1 if claim.op in ("<", "<=") else -1  # with no threshold: the value furthest its way
            found.append((value, -sign * value if math.isnan(margin) else margin, where(r)))
    return min(found, key=lambda f: f[1]) if found else None


def margin_cell(claim: Claim, found, quick: bool) -> tuple[str, str]:
    """(worst value, margin) cells of one mode."""
    if found is None:
        return "not run", ""
    value, margin, seed = found
    if isinstance(value, str):
        return f"**error** ({seed}): {value[:80]}", "**FAILS**"
    if claim.threshold(quick) is None:
        return f"{number(value)} ({seed})", "not checked"
    margin = claim.margin(value, quick)
    text = f"{margin * 100:.1f} %"
    if not claim.holds(value, quick):
        text = f"**{text}: FAILS**"
    elif margin < MARGIN:
        text = f"**{text}: under 10 %**"
    return f"{number(value)} ({seed})", text


def claim_rows(run: dict) -> tuple[list, list]:
    """The margins table's rows, and one word per claim and mode: "fails", "thin" or "ok"."""
    rows, verdicts = [], []
    for notebook, spec in run["notebooks"].items():
        for fields in spec["claims"]:
            claim = Claim(**fields)
            row = [notebook[:2], claim.sentence]
            for mode in ("quick", "full"):
                quick = mode == "quick"
                found = worst(claim, runs_of(run, notebook, mode), quick)
                limit = claim.threshold(quick)
                value, margin = margin_cell(claim, found, quick)
                row += [f"{claim.op} {limit:g}" if limit is not None else "—", value, margin]
                if found is not None and limit is not None:
                    verdicts.append("fails" if "FAILS" in margin else "thin" if "under" in margin else "ok")
            rows.append(row)
    return rows, verdicts


def spread(values: list[float]) -> str:
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.4g}"
    return f"{statistics.mean(values):.4g} ± {statistics.stdev(values):.2g}"


def figure_rows(run: dict) -> list:
    rows = []
    for notebook, spec in run["notebooks"].items():
        for label, expr in spec["figures"].items():
            cells = [notebook[:2], label]
            for mode in ("full", "quick"):
                values = [r["values"][expr] for r in runs_of(run, notebook, mode, main_data=True)
                          if isinstance(r["values"].get(expr), (int, float))]
                cells.append(spread(values) + (f" ({len(values)} seeds)" if len(values) > 1 else ""))
            cells.append("; ".join(source for pattern, source in PUBLISHED if re.search(pattern, label, re.I))
                         or "")
            rows.append(cells)
    return rows


def target(label: str, measured: str, met: bool | None) -> list:
    return [label, measured, "not measured" if met is None else "**met**" if met else "**MISSED**"]


def targets(run: dict, verdicts: list) -> list:
    notebooks, first = list(run["notebooks"]), run["seeds"][0]
    full = [r for n in notebooks for r in runs_of(run, n, "full", first)]
    rows = []
    if "full" in run["modes"]:
        ok = len(full) == len(notebooks) and all(r["status"] == "ok" for r in full)
        seconds = sum(r["wall_seconds"] for r in full)
        rows.append(target(f"the whole course in full mode ≤ {COURSE_MINUTES} min (seed {first})",
                           f"{duration(seconds)}, {sum(r['status'] == 'ok' for r in full)} of {len(notebooks)} "
                           "notebooks without error", ok and seconds <= COURSE_MINUTES * 60))
    timed = [r for n in notebooks for r in runs_of(run, n, "quick", first, main_data=True)]
    quick = [r for n in notebooks for r in runs_of(run, n, "quick")]  # errors count in every run
    if timed:
        slowest = max(timed, key=lambda r: r["wall_seconds"])
        errors = sum(r["status"] != "ok" for r in quick)
        rows.append(target(f"each notebook in quick mode ≤ {QUICK_SECONDS} s (seed {first})",
                           f"slowest {duration(slowest['wall_seconds'])} ({slowest['notebook'][:2]}, "
                           f"seed {slowest['seed']}); {errors} of {len(quick)} runs with an error",
                           all(r["status"] == "ok" for r in quick) and slowest["wall_seconds"] <= QUICK_SECONDS))
    test = run.get("make_test")
    rows.append(target(f"`make test` ≤ {MAKE_TEST_MINUTES} min", "not timed (--time-make-test)" if not test else
                       duration(test["seconds"]) + ("" if test["returncode"] == 0 else ", **it failed**"),
                       None if not test else test["returncode"] == 0 and test["seconds"] <= MAKE_TEST_MINUTES * 60))
    rows.append(target(f"every claim ≥ 10 % inside its threshold over {len(run['seeds'])} seed(s), in each mode run",
                       f"{verdicts.count('ok')} of {len(verdicts)} (claim × mode); {verdicts.count('thin')} under "
                       f"10 %, {verdicts.count('fails')} failing", not verdicts.count("fails") + verdicts.count("thin")))
    return rows


def render(run: dict) -> str:
    m, first = run["machine"], run["seeds"][0]
    versions = ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("cpu", "cores", "memory_gb"))
    load = f"{run['load_before'][0]:.1f}" + (f" → {run['load_after'][0]:.1f}" if run.get("load_after") else "")
    rows, verdicts = claim_rows(run)
    others = sorted({r["data"] for r in run["runs"] if r.get("data", run["data"]) != run["data"]})
    data = run["data"] + "".join(f"; quick mode also on {other}" for other in others)
    per_notebook = []
    for notebook in run["notebooks"]:
        cells = [notebook]
        for mode in ("full", "quick"):
            r = (runs_of(run, notebook, mode, first, main_data=True) or [None])[0]
            cells += ["not run", ""] if r is None else [
                duration(r["wall_seconds"]) + ("" if r["status"] == "ok" else f" **{r['error'][:60]}**"),
                gigabytes(r["peak_rss_bytes"])]
        per_notebook.append(cells)
    parts = [
        "# Benchmark results",
        f"`{run['command']}` ({'`make bench`: ' if run['complete'] else ''}every notebook top to bottom in a fresh "
        "kernel, one at a time), rendered by `benchmarks/report.py`. Errors are squared error per image (the sum "
        "over the 784 pixels of the squared difference, averaged over the test digits); lower is better.",
        f"- **Date:** {run['date']}\n- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB memory, "
        f"no GPU\n- **Versions:** {versions}\n- **Data:** {data}\n- **Seeds** (`AE_SEED`): "
        + "; ".join(f"{mode} mode {', '.join(str(s) for s in run['seeds'] if any(r['seed'] == s and r['mode'] == mode for r in run['runs']))}"
                    for mode in run["modes"]) + "\n"
        f"- **Load average** (1 min, {m['cores']} cores) before → after: {load}; above {m['cores']}, other work "
        "on the machine inflates the times" + (f"\n- **Note:** {run['note']}" if run.get("note") else ""),
        "## Targets", table(["Target", "Measured", "Status"], targets(run, verdicts)),
        f"## Each notebook (seed {first})",
        table(["Notebook", "Full mode: time", "Full: peak memory", "Quick mode: time", "Quick: peak memory"],
              per_notebook),
        "## Each claim: its worst seed in each mode, and the margin",
        "Declared in `tests/claims/nbNN.py`, evaluated in the notebook's kernel after its last cell. Worst: the "
        "seed where the value is least inside the threshold; margin: how far inside, relative to the threshold "
        "(`Claim.margin`). Under 10 % is marked.",
        table(["NB", "Claim", "Quick: needs", "Quick: worst", "Quick: margin", "Full: needs", "Full: worst",
               "Full: margin"], rows),
        "## Headline figures, beside the published ones",
        "Mean ± standard deviation over the seeds. Published: Hinton & Salakhutdinov (2006), *Reducing the "
        "dimensionality of data with neural networks*, Science 313, on MNIST's test digits at 30 numbers; Burda, "
        "Grosse & Salakhutdinov (2016), *Importance weighted autoencoders*, ICLR (the VAE's negative "
        "log-likelihood, nats).",
        table(["NB", "Figure", "Full mode", "Quick mode", "Published"], figure_rows(run)),
    ]
    return "\n\n".join(parts) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, nargs="+",
                        help="a run's folder (benchmarks/out/<time>) or its run.json; more than one: their runs "
                             "are reported together (e.g. more seeds of a run cut short), the first one's machine")
    parser.add_argument("--output", help="where to write (default: where the first run wrote it; - prints)")
    args = parser.parse_args(argv)
    runs = [json.loads((p / "run.json" if p.is_dir() else p).read_text(encoding="utf-8")) for p in args.run_dir]
    run = runs[0]
    for more in runs[1:]:
        run["runs"] += more["runs"]
        run["seeds"] += [s for s in more["seeds"] if s not in run["seeds"]]
        run["modes"] += [m for m in more["modes"] if m not in run["modes"]]
        run["command"] += f"`, then `{more['command']}"
        run["load_after"] = more.get("load_after", run.get("load_after"))
    text, output = render(run), args.output or run["output"]
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
