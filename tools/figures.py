"""Write the measured figures of benchmarks/RESULTS.md into the README and the notebooks.

    python tools/figures.py           # rewrite the figures where they differ from RESULTS.md
    python tools/figures.py --check   # exit 1 (and say where) if any text is out of date

RESULTS.md (written by `make bench`) is the one source of these numbers; the text is
generated from it, so the two cannot drift:

* each notebook's "- Run time: full mode about …, quick mode (AE_FAST=1) … on a 2-core
  CPU." line (its first sentence; anything after it is left alone);
* the README's notebook table (the "Full run" and "Quick run" columns) and the
  "Together …" sentence below it;
* TEACHING.md, every number of it (tools/teaching.py, from tools/teaching_template.md);
* the README's "in short" list of results (between ``<!-- results: … -->`` and
  ``<!-- end of results -->``), from tools/readme_results_template.md with TEACHING.md's
  placeholders (tools/teaching.py);
* the README's disk and memory figures ("… GB on disk", "at most … GB of memory") and the
  time `make test` took.

A quick-mode time that RESULTS.md does not have (no `make bench BENCH_ARGS=--with-quick`
run yet) is written as "not yet measured", never guessed. Idempotent: text that is
current is not touched. Edit this script, not the generated text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import shipped  # tools/shipped.py: the course's notebooks as shipped, not a learner's copies

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"
COURSE_TARGET_MINUTES = 12  # the course's aim for a full run of every notebook (benchmarks/table.py)
NOT_MEASURED = "not yet measured"

TARGETS_HEADING = re.compile(r"^## Targets", re.M)
RUNS_HEADING = re.compile(r"^## Run time and peak memory of each notebook \(full mode", re.M)
ENV_LINE = re.compile(r"^- \*\*Environment:\*\* .*?([\d.]+) GB on disk", re.M)
CORES = re.compile(r"^- \*\*Machine:\*\* (\d+) CPU cores", re.M)
RESULTS_TEMPLATE = ROOT / "tools" / "readme_results_template.md"
RESULTS_BLOCK = re.compile(r"(<!-- results: [^\n]*-->\n)(.*?)(<!-- end of results -->)", re.S)
RUN_TIME_SENTENCE = re.compile(r"^- Run time: .*?CPU[^.\n]*\.", re.M)


@dataclass
class Figures:
    """What RESULTS.md measured: per notebook (stem) wall seconds in each mode and peak memory."""

    cores: int | None = None
    full: dict[str, float] = field(default_factory=dict)
    quick: dict[str, float] = field(default_factory=dict)
    peak_gb: dict[str, float] = field(default_factory=dict)
    disk_gb: float | None = None
    make_test: float | None = None  # seconds `make test` took once the venv existed, if this run timed it


def seconds(text: str) -> float | None:
    """ "87.1 s", "1 min 33 s", "**20 min 20 s**" -> seconds; None for "—", "ERROR: …" and the like."""
    text = text.strip().strip("*").strip()
    match = re.fullmatch(r"(?:(\d+) min)?\s*(?:([\d.]+) s)?", text)
    if not text or not match or not (match.group(1) or match.group(2)):
        return None
    return int(match.group(1) or 0) * 60 + float(match.group(2) or 0)


def table_after(text: str, heading: re.Pattern) -> list[dict[str, str]]:
    """The rows (as {column: cell}) of the first Markdown table after ``heading``."""
    found = heading.search(text)
    if not found:
        return []
    lines = text[found.end():].splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    if start is None:
        return []
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[2:]]


def read_results(path: Path = RESULTS) -> Figures:
    text = path.read_text(encoding="utf-8")
    figures = Figures()
    if match := CORES.search(text):
        figures.cores = int(match.group(1))
    if match := ENV_LINE.search(text):
        figures.disk_gb = float(match.group(1))
    for row in table_after(text, TARGETS_HEADING):
        if row.get("Target", "").startswith("`make test`") and "timed by this run" in row.get("Measured", ""):
            figures.make_test = seconds(row["Measured"].split("(")[0])
    for row in table_after(text, RUNS_HEADING):
        name = row.get("Notebook", "")
        if not re.match(r"\d\d_", name) or row.get("Status") != "ok":
            continue
        if (wall := seconds(row.get("Wall time", ""))) is not None:
            figures.full[name] = wall
        if (quick := seconds(row.get("Quick-mode wall time", ""))) is not None:
            figures.quick[name] = quick
        if match := re.fullmatch(r"([\d.]+) GB", row.get("Peak memory", "")):
            figures.peak_gb[name] = float(match.group(1))
    return figures


# --- how a figure is written ---------------------------------------------------------------


def minutes(value: float) -> str:
    """Seconds as "1.5 min" (one decimal); a whole number of minutes without ".0"."""
    text = f"{value / 60:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + " min"


def duration(value: float | None) -> str:
    if value is None:
        return NOT_MEASURED
    return f"{value:.0f} s" if value < 90 else minutes(value)


def run_time_sentence(stem: str, figures: Figures) -> str:
    full = figures.full.get(stem)
    quick = figures.quick.get(stem)
    full_text = f"about {minutes(full)}" if full is not None else NOT_MEASURED
    quick_text = f"about {duration(quick)}" if quick is not None else NOT_MEASURED
    cores = f"{figures.cores}-core" if figures.cores else "2-core"
    return (f"- Run time: full mode {full_text}, quick mode (AE_FAST=1) {quick_text}, on a {cores} CPU "
            f"as measured by `make bench`.")


def course_sentence(figures: Figures, stems: list[str]) -> str:
    cores = f"{figures.cores}-core" if figures.cores else "2-core"
    full = [figures.full.get(s) for s in stems]
    quick = [figures.quick.get(s) for s in stems]
    if None in full:
        return (f"Together: {NOT_MEASURED} for every notebook; [benchmarks/RESULTS.md](benchmarks/RESULTS.md)\n"
                "has what `make bench` measured.")
    total = sum(full)
    side = "above" if total > COURSE_TARGET_MINUTES * 60 else "within"
    quick_text = (f"and about {duration(sum(quick))} in quick mode" if None not in quick
                  else f"(quick mode: {NOT_MEASURED})")
    return (f"Together about {minutes(total)} in full mode {quick_text} on an idle {cores} CPU,\n"
            f"measured by `make bench` ({side} the course's {COURSE_TARGET_MINUTES}-minute target for a full "
            "run;\n[benchmarks/RESULTS.md](benchmarks/RESULTS.md) says by how much).")


# --- the texts ---------------------------------------------------------------------------------


def notebook_paths() -> list[Path]:
    """The course's notebooks (a learner's own copies in notebooks/ are not part of it)."""
    return shipped.notebook_paths(ROOT)


def refresh_notebook(path: Path, figures: Figures, text: str | None = None) -> tuple[dict, bool, list[str]]:
    """The notebook (its ``text``, or the file) with its run-time sentence regenerated; whether it
    changed; problems found."""
    nb = json.loads(path.read_text(encoding="utf-8") if text is None else text)
    wanted = run_time_sentence(path.stem, figures)
    hits, changed = 0, False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        new, n = RUN_TIME_SENTENCE.subn(lambda _: wanted, source)
        hits += n
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    problems = [] if hits == 1 else [f"{path.name}: {hits} '- Run time: … CPU.' sentences (want exactly 1)"]
    return nb, changed, problems


def refresh_readme(text: str, figures: Figures, stems: list[str]) -> tuple[str, list[str]]:
    problems = []
    lines = text.split("\n")
    section = next((i for i, line in enumerate(lines) if line.strip() == "## The notebooks"), None)
    if section is None:
        return text, ["README.md: no '## The notebooks' section"]
    end = next((i for i in range(section + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rows_seen = 0
    together = next((i for i in range(section, end) if lines[i].startswith("Together")), None)
    if together is not None:  # the whole paragraph, however it is wrapped
        stop = next((i for i in range(together, end) if not lines[i].strip()), end)
        lines[together:stop] = course_sentence(figures, stems).split("\n")
        end += len(lines) - len(text.split("\n"))
    for i in range(section, end):
        cells = lines[i].strip().strip("|").split("|") if lines[i].startswith("|") else None
        if cells is None:
            continue
        if cells[0].strip() == "#":
            lines[i] = "| " + " | ".join(c.strip() for c in cells[:3]) + " | Full run | Quick run |"
        elif set(lines[i]) <= set("|-: "):
            lines[i] = "|---|---|---|---|---|"
        elif match := re.search(r"\(notebooks/(\d\d_[^)]+)\.ipynb\)", lines[i]):
            stem = match.group(1)
            full, quick = figures.full.get(stem), figures.quick.get(stem)
            keep = " | ".join(c.strip() for c in cells[:3])
            lines[i] = (f"| {keep} | {minutes(full) if full is not None else NOT_MEASURED} | "
                        f"{duration(quick)} |")
            rows_seen += 1
    if rows_seen != len(stems):
        problems.append(f"README.md: {rows_seen} notebook rows in '## The notebooks', {len(stems)} notebooks")
    if not any(line.startswith("Together") for line in lines[section:end]):
        problems.append("README.md: no 'Together …' sentence below the notebook table")
    text = "\n".join(lines)
    if figures.disk_gb is not None:
        text, n = re.subn(r"(?:\d+(?:\.\d+)?–)?\d+(?:\.\d+)? GB on disk", f"{figures.disk_gb:.2f} GB on disk", text)
        if n == 0:
            problems.append("README.md: no '… GB on disk' figure")
    if figures.make_test is not None:
        text, n = re.subn(r"`make test` (?:takes|took) (?:under|about) [\d.]+ min(?:utes)?",
                          f"`make test` took about {minutes(figures.make_test)}", text)
        if n == 0:
            problems.append("README.md: no '`make test` took about … min' figure")
    if figures.peak_gb:
        heaviest = max(figures.peak_gb.values())
        text, n = re.subn(r"at most \d+(?:\.\d+)? GB of memory", f"at most {heaviest:.2f} GB of memory", text)
        if n == 0:
            problems.append("README.md: no 'at most … GB of memory' figure")
    return text, problems


def refresh_results_block(text: str) -> tuple[str, list[str]]:
    """The README's "in short" list of results, from its template with RESULTS.md's numbers."""
    import teaching  # tools/teaching.py: the placeholders, shared with TEACHING.md

    found = RESULTS_BLOCK.search(text)
    if found is None:
        return text, ["README.md: no '<!-- results: … -->' … '<!-- end of results -->' block"]
    body, problems = teaching.fill(RESULTS_TEMPLATE.read_text(encoding="utf-8"), RESULTS.read_text(encoding="utf-8"))
    return text[:found.start(2)] + body + text[found.end(2):], [f"README.md results: {p}" for p in problems]


def refresh(write: bool) -> tuple[list[str], list[str]]:
    """Bring every text up to date; return (files that were or would be changed, problems)."""
    figures = read_results()
    stems = [p.stem for p in notebook_paths()]
    changed, problems = [], []
    if not figures.full:
        problems.append("benchmarks/RESULTS.md: no full-mode run-time table found")
    if figures.disk_gb is None:
        problems.append("benchmarks/RESULTS.md: no '- **Environment:** … GB on disk' line (make bench writes it)")
    for path in notebook_paths():
        # --check judges the shipped version (git's index), never a learner's run or edit of it
        text = None if write else shipped.shipped_text(path, ROOT)
        nb, was_changed, found = refresh_notebook(path, figures, text)
        problems += found
        if was_changed:
            changed.append(str(path.relative_to(ROOT)))
            if write:
                path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    new, found = refresh_results_block(readme)
    problems += found
    new, found = refresh_readme(new, figures, stems)
    problems += found
    if new != readme:
        changed.append("README.md")
        if write:
            README.write_text(new, encoding="utf-8")
    import teaching  # tools/teaching.py: TEACHING.md's numbers from the same RESULTS.md

    found_changed, found = teaching.refresh(write)
    return changed + found_changed, problems + found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report texts that are out of date")
    args = parser.parse_args(argv)
    changed, problems = refresh(write=not args.check)
    for problem in problems:
        print(f"problem: {problem}")
    for name in changed:
        print(f"{'out of date' if args.check else 'updated'}: {name}")
    if args.check and changed:
        print("run: python tools/figures.py   (after make bench has written benchmarks/RESULTS.md)")
    return 1 if problems or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
