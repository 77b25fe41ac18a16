"""Measured figures in prose come from benchmarks/RESULTS.md (tools/figures.py), and RESULTS.md measures them.

- The README's run-time table, disk and memory figures and each notebook's run-time line
  are what tools/figures.py generates from RESULTS.md (`--check`).
- What benchmarks/table.py writes is what tools/figures.py reads (one format, tested here).
- `make bench` measures the installed environment's size on disk as `du` does.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
import figures  # noqa: E402

from benchmarks import run, table  # noqa: E402


def test_readme_and_notebooks_quote_results_md():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "figures.py"), "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_figures_reads_what_the_benchmark_table_writes(tmp_path):
    runs = [{"notebook": "01_a", "status": "ok", "wall_seconds": 87.1, "cpu_seconds": 100, "peak_rss_bytes": 2.5e9},
            {"notebook": "02_b", "status": "ok", "wall_seconds": 375.0, "cpu_seconds": 500,
             "peak_rss_bytes": 3.1e9}]
    quick_runs = [{"notebook": "01_a", "status": "ok", "wall_seconds": 41.6},
                  {"notebook": "02_b", "status": "error", "error": "boom", "wall_seconds": 5.0}]
    meta = {"machine": {"cores": 2}, "environment": {"name": ".venv", "bytes": 3_071_295_488}}
    text = "\n".join(table.header_lines(meta) + table.runs_section(runs, meta, quick_runs)) + "\n"
    (tmp_path / "RESULTS.md").write_text(text, encoding="utf-8")
    found = figures.read_results(tmp_path / "RESULTS.md")
    assert found.cores == 2
    assert found.full == {"01_a": 87.1, "02_b": 375.0}
    assert found.quick == {"01_a": 41.6}, "a failed quick run must not give a time"
    assert found.peak_gb == {"01_a": round(2.5e9 / 1024**3, 2), "02_b": round(3.1e9 / 1024**3, 2)}
    assert found.disk_gb == round(3_071_295_488 / 1024**3, 2)


def test_generated_text_says_what_was_measured_and_nothing_else():
    measured = figures.Figures(cores=2, full={"01_a": 87.1, "02_b": 375.0}, quick={"01_a": 41.6})
    assert figures.run_time_sentence("01_a", measured) == (
        "- Run time: full mode about 1.5 min, quick mode (AE_FAST=1) about 42 s, on a 2-core CPU "
        "as measured by `make bench`.")
    assert "quick mode (AE_FAST=1) not yet measured" in figures.run_time_sentence("02_b", measured)
    readme = ("## The notebooks\n\n| # | Notebook | What you learn | Full run |\n|---|---|---|---|\n"
              "| 01 | [A](notebooks/01_a.ipynb) | a | 9 min |\n| 02 | [B](notebooks/02_b.ipynb) | b | 9 min |\n\n"
              "Together about 99 minutes on\ntwo lines.\n\n## Next\n\n2–3 GB on disk, at most 3 GB of memory.\n")
    measured.disk_gb, measured.peak_gb = 2.86, {"01_a": 2.95, "02_b": 1.2}
    new, problems = figures.refresh_readme(readme, measured, ["01_a", "02_b"])
    assert problems == []
    assert "| 01 | [A](notebooks/01_a.ipynb) | a | 1.5 min | 42 s |" in new
    assert "| 02 | [B](notebooks/02_b.ipynb) | b | 6.2 min | not yet measured |" in new
    assert "99 minutes" not in new and "two lines" not in new and "Together about 7.7 min in full mode" in new
    assert "2.86 GB on disk" in new and "at most 2.95 GB of memory" in new
    assert figures.refresh_readme(new, measured, ["01_a", "02_b"]) == (new, []), "not idempotent"


def test_run_time_line_keeps_what_follows_it():
    source = "- Run time: full mode about 2 min, quick mode (AE_FAST=1) under 1 min, on a 2-core CPU. Quick mode uses"
    new = figures.RUN_TIME_SENTENCE.sub("X.", source)
    assert new == "X. Quick mode uses"


def test_environment_size_counts_like_du(tmp_path):
    env = tmp_path / "venv"
    (env / "lib").mkdir(parents=True)
    data = env / "lib" / "big.bin"
    data.write_bytes(os.urandom(1_000_000))
    os.link(data, env / "lib" / "hardlink.bin")  # counted once
    (env / "lib" / "symlink.bin").symlink_to(data)  # not followed
    size = run.environment_size(str(env))["bytes"]
    du = subprocess.run(["du", "-s", "--block-size=1", str(env)], capture_output=True, text=True)
    if du.returncode == 0:
        assert size == int(du.stdout.split()[0])
    assert 1_000_000 <= size < 1_200_000
