"""The benchmark (`make bench`): the results table from synthetic rows, and the notebook runner."""

import json
import math
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package
from benchmarks import run as bench_run  # noqa: E402
from benchmarks import table  # noqa: E402
from benchmarks.notebooks import PROBE_TAG, run_notebook, strip_execution_metadata  # noqa: E402
from benchmarks.pca import pca_errors  # noqa: E402

FULL = {"quick": False, "full_data": True, "notebooks_expected": 2,
        "machine": {"cores": 2, "cpu_model": "Test CPU", "memory_gb": 8.0},
        "versions": {"Python": "3.11", "keras": "3"}, "data_source": "MNIST: test", "date": "today"}


def status_of(name_part, rows, runs=(), pca=None, meta=FULL):
    found = [t for t in table.targets(rows, list(runs), pca or {}, meta) if name_part in t["target"]]
    assert len(found) == 1
    return found[0]


# --- ratio to PCA and the model table ------------------------------------------------------


def test_ratio_to_pca_prefers_the_notebooks_pca_row_and_falls_back_to_the_benchmarks():
    rows = [{"notebook": "01", "name": "PCA, k=32", "code_size": 32, "test_error": 13.0},
            {"notebook": "02", "name": "dense AE", "code_size": 32, "test_error": 6.5},
            {"notebook": "04", "name": "conv AE", "code_size": 30, "test_error": 2.8}]
    pca = {32: 99.0, 30: 14.0}
    assert table.pca_reference(32, pca, rows) == 13.0
    assert table.pca_reference(30, pca, rows) == 14.0
    assert table.ratio_to_pca(6.5, 13.0) == pytest.approx(0.5)
    assert table.ratio_to_pca(1.0, 0.0) is None  # PCA exact (k >= 784): no ratio
    assert table.ratio_to_pca(None, 13.0) is None
    text = "\n".join(table.models_section(rows, pca))
    assert "| 02 | dense AE | 32 |" in text and "| 0.50 |" in text
    assert "| 0.20 |" in text  # 2.8 / 14.0
    assert "PCA, k=32" not in text  # PCA is the baseline, not a model row


def test_missing_fields_show_a_dash_and_odd_rows_do_not_break_the_table():
    rows = [{"notebook": "05", "name": "denoiser", "test_error": 9.0, "params": 1000},  # no code size, no time
            {"notebook": "07", "name": "AUC held-out digit", "auc": 0.93},  # no test error at all
            {"notebook": "07", "name": "compression PNG", "test_error": 0.0, "bytes_per_image": 170},  # not a model
            {"notebook": "03", "name": "weird", "test_error": "n/a", "code_size": None}]
    text = table.build(rows, [], {}, FULL)
    line = next(ln for ln in text.splitlines() if "| denoiser |" in ln)
    assert line.count(table.DASH) >= 5
    models = text.split("## Every model")[1].split("##")[0]
    assert "denoiser" in models and "compression PNG" not in models and "weird" not in models
    other = text.split("## Other measurements")[1]
    assert "auc=0.930" in other and "compression PNG" not in other and "weird" in other
    assert "| PNG | 170.0 | — | — | 0.00 |" in text.split("## Compression")[1]
    assert "No row with `neg_elbo_nats`" in text
    assert "Not measured in this run." in text  # no explorer figures


def test_vae_rows_and_the_2006_rows_appear():
    rows = [{"notebook": "06", "name": "VAE, 16-d latent", "latent_dim": 16, "neg_elbo_nats": 101.26},
            {"notebook": "03", "name": "deep AE 784-512-256-128-30", "code_size": 30, "test_error": 3.4,
             "train_seconds": 100.0}]
    text = table.build(rows, [], {30: 13.87, 32: 13.19}, FULL)
    assert "| 06 | VAE, 16-d latent | 16 | 101.3 |" in text
    assert "2006 paper: deep autoencoder | 3.00" in text
    assert "2006 paper: logistic PCA | 8.01" in text and "2006 paper: PCA | 13.87" in text
    assert "this course: PCA | 13.87" in text
    assert "best 30-unit autoencoder (deep AE 784-512-256-128-30) | 3.40" in text


# --- targets -------------------------------------------------------------------------------


def test_best_30_target_met_and_missed_by_how_much():
    fast_good = {"notebook": "04", "name": "conv", "code_size": 30, "test_error": 2.30, "train_seconds": 240.0}
    slow_better = {"notebook": "04", "name": "long conv", "code_size": 30, "test_error": 2.20, "train_seconds": 900.0}
    t = status_of("30-unit", [fast_good, slow_better])
    assert t["status"] == "MET"  # the 5-minute model counts, not the slower better one
    assert "2.30" in t["measured"] and "0.20 below 2.50" in t["margin"]
    assert "≤ 2.50" in t["target"] and "≤ 5 min of training" in t["target"]

    t = status_of("30-unit", [{**fast_good, "test_error": 2.75}])
    assert t["status"] == "MISSED" and "0.25 above 2.50" in t["margin"] and "10% over" in t["margin"]

    t = status_of("30-unit", [slow_better])  # good enough, but only with 15 minutes of training
    assert t["status"] == "MISSED" and "10 min 00 s over 5 min" in t["margin"]

    t = status_of("30-unit", [{**fast_good, "code_size": 32}])
    assert t["status"] == "NOT CHECKED"

    # no model does both: the one closest to the target is shown, with what it misses by, not a fast poor one
    fast_poor = {"notebook": "03", "name": "deep", "code_size": 30, "test_error": 5.92, "train_seconds": 51.0}
    slow_good = {"notebook": "04", "name": "conv", "code_size": 30, "test_error": 2.38, "train_seconds": 353.0}
    t = status_of("30-unit", [fast_poor, slow_good])
    assert t["status"] == "MISSED" and "2.38" in t["measured"] and "04 conv" in t["measured"]
    assert "0.12 below 2.50" in t["margin"] and "53.0 s over 5 min (18%)" in t["margin"]


def test_error_targets_are_not_checked_in_quick_mode_or_on_the_sample():
    row = {"notebook": "04", "name": "conv", "code_size": 30, "test_error": 2.8, "train_seconds": 10.0}
    assert status_of("30-unit", [row], meta={**FULL, "quick": True})["status"] == "NOT CHECKED (quick mode)"
    t = status_of("30-unit", [row], meta={**FULL, "full_data": False})
    assert t["status"].startswith("NOT CHECKED (offline sample")
    assert "2.80" in t["measured"]  # the measurement is still shown


def test_linear_gap_target_from_a_recorded_gap_or_computed_from_pca():
    recorded = [{"notebook": "01", "name": "linear AE, k=32", "code_size": 32, "test_error": 13.3,
                 "gap_to_pca_percent": 0.4}]
    t = status_of("linear", recorded)
    assert t["status"] == "MET" and "+0.40%" in t["measured"] and "0.60 points under 1%" in t["margin"]

    computed = [{"notebook": "01", "name": "Linear autoencoder", "code_size": 32, "test_error": 13.5}]
    t = status_of("linear", computed, pca={32: 13.0})
    gap = 100 * (13.5 / 13.0 - 1)
    assert t["status"] == "MISSED" and f"{gap:+.2f}%" in t["measured"]
    assert f"{gap - 1:.2f} points over 1%" in t["margin"]
    assert status_of("linear", [])["status"] == "NOT CHECKED"


def test_course_time_and_memory_targets():
    gb = 1024**3
    runs = [{"notebook": "01_a", "status": "ok", "wall_seconds": 400.0, "peak_rss_bytes": 1.5 * gb},
            {"notebook": "02_b", "status": "ok", "wall_seconds": 300.0, "peak_rss_bytes": 2.0 * gb}]
    t = status_of("whole course", [], runs)
    assert t["status"] == "MET" and "20.0 s under" in t["margin"]  # 11 min 40 s against 12 min
    t = status_of("peak memory", [], runs)
    assert t["status"] == "MET" and "2.00 GB (02_b; 2 notebook(s) measured)" in t["measured"]

    runs[1].update(wall_seconds=700.0, peak_rss_bytes=3.5 * gb)
    assert status_of("whole course", [], runs)["status"] == "MISSED"
    assert "6 min 20 s over (53%)" in status_of("whole course", [], runs)["margin"]  # 18 min 20 s against 12
    t = status_of("peak memory", [], runs)
    assert t["status"] == "MISSED" and "0.50 GB over" in t["margin"]

    runs[1].update(status="error", wall_seconds=10.0)
    t = status_of("whole course", [], runs)
    assert t["status"].startswith("NOT CHECKED") and "1 of 2" in t["measured"]


def test_make_test_target():
    assert table.target_make_test(None)["status"] == "NOT CHECKED"
    assert table.target_make_test(250.0)["status"] == "MET"
    t = table.target_make_test(330.0, "timed by this run")
    assert t["status"] == "MISSED" and "30.0 s over" in t["margin"]
    t = table.target_make_test(200.0, "timed by this run, FAILED with exit 2", returncode=2)
    assert t["status"] == "NOT CHECKED (`make test` failed, exit 2)", "a failing suite's time is no pass"


# --- classic recipes: minutes to an error from the epoch curves ----------------------------


def test_minutes_to_error_from_epoch_curves():
    row = {"epoch_errors": [10.0, 6.0, 4.0, 3.5], "epoch_seconds": [30.0, 30.0, 60.0, 60.0]}
    assert table.minutes_to_error(row, 6.0) == pytest.approx(1.0)
    assert table.minutes_to_error(row, 4.5) == pytest.approx(2.0)
    assert math.isinf(table.minutes_to_error(row, 3.0))
    assert table.minutes_to_error({"epoch_errors": [9.0, 5.0], "seconds_per_epoch": 120.0}, 5.0) == pytest.approx(4.0)
    assert table.minutes_to_error({"test_error": 5.0}, 5.0) is None  # no curve
    assert table.minutes_to_error({"epoch_errors": [5.0], "epoch_seconds": [1.0, 2.0]}, 5.0) is None


def test_recipe_section_compares_recipes_with_the_improved_models():
    rows = [
        {"notebook": "02", "name": "recipe: 32-unit dense, squared error", "code_size": 32, "params": 50992,
         "epoch_errors": [30.0, 25.0, 20.0], "epoch_seconds": [3.0, 3.0, 3.0], "test_error": 20.0},
        {"notebook": "02", "name": "recipe: Adadelta lr=0.001", "code_size": 32, "test_error": 60.0,
         "seconds_per_epoch": 3.0},
        {"notebook": "02", "name": "recipe: 64-unit dense, BCE", "code_size": 64,
         "epoch_errors": [40.0, 30.0, 25.0], "epoch_seconds": [4.0, 4.0, 4.0], "test_error": 25.0},
        {"notebook": "02", "name": "dense AE, 32-d (improved)", "code_size": 32,
         "epoch_errors": [15.0, 9.0], "epoch_seconds": [6.0, 6.0], "test_error": 9.0},
        {"notebook": "02", "name": "sparse AE", "code_size": 32, "test_error": 12.0},  # no curve: not compared
    ]
    text = "\n".join(table.recipes_section(rows))
    assert "Minutes to E = 20.00" in text  # the best final error among the recipe curves
    assert "| not reached |" in next(ln for ln in text.splitlines() if "64-unit" in ln)
    recipe = next(ln for ln in text.splitlines() if "recipe: 32-unit" in ln)
    improved = next(ln for ln in text.splitlines() if "(improved)" in ln)
    assert "| 0.15 |" in recipe  # 3 epochs x 3 s
    assert "| 0.10 |" in improved  # reaches 15 <= 20 after its first 6-s epoch
    assert "| 3.0 |" in recipe and "| 6.0 |" in improved  # seconds per epoch
    adadelta = next(ln for ln in text.splitlines() if "Adadelta" in ln)
    assert f"| {table.DASH} |" in adadelta  # no curve recorded
    assert "sparse AE" not in text
    assert "No classic-recipe rows" in "\n".join(table.recipes_section([r for r in rows if not table.is_recipe(r)]))


def test_runs_and_explorers_sections():
    runs = [{"notebook": "04_conv", "status": "ok", "wall_seconds": 200.0, "cpu_seconds": 380.0,
             "peak_rss_bytes": 1024**3},
            {"notebook": "05_denoise", "status": "error", "error": "ValueError: boom", "wall_seconds": 5.0}]
    explorers = {"updates": 300, "naive_updates": 200, "load_average_start": [1.0], "load_average_end": [1.2],
                 "rows": [{"explorer": "latent_sliders", "model": "dense", "median_ms": 4.0, "p95_ms": 6.0,
                           "cpu_ms_per_update": 3.5, "naive_median_ms": 120.0, "naive_p95_ms": 150.0,
                           "ratio_median": 30.0, "target_ms": 10.0, "meets_target": True}]}
    text = table.build([], runs, {}, FULL, explorers)
    assert "| 04_conv | ok | 3 min 20 s | 6 min 20 s | 1.00 GB | 3.5 min |" in text
    assert "ERROR: ValueError: boom" in text
    assert "| latent_sliders | dense | 4.00 | 6.00 | 3.50 | 120.0 | 150.0 | 30× | ≤ 10 | MET |" in text
    assert "Not measured: benchmarks/explorers.py is missing" in table.build(
        [], [], {}, FULL, {"error": "benchmarks/explorers.py is missing"})


def test_longer_training_section():
    longer = {"scale": 2.0, "runs": [{"notebook": "04_conv", "status": "ok"}],
              "rows": [{"notebook": "04", "name": "conv AE (strided), 30-d code", "code_size": 30, "epochs": 20,
                        "train_seconds": 610.0, "test_error": 2.61}]}
    text = table.build([], [], {}, FULL, longer=longer)
    section = text.split("## Longer training: notebook 04 with AE_EPOCH_SCALE=2")[1]
    assert "| conv AE (strided), 30-d code | 30 | 20 | 10 min 10 s | 2.61 |" in section
    assert "## Longer training" not in table.build([], [], {}, FULL)
    failed = {"scale": 2.0, "runs": [{"status": "error", "error": "MemoryError: x"}], "rows": []}
    assert "MemoryError" in table.build([], [], {}, FULL, longer=failed)


def test_header_names_machine_versions_data_and_mode():
    text = table.build([], [], {}, {**FULL, "quick": True})
    assert "2 CPU cores, Test CPU" in text and "keras 3" in text and "MNIST: test" in text
    assert "QUICK MODE" in text


def test_pca_errors_match_a_direct_computation():
    import numpy as np

    rng = np.random.default_rng(0)
    x_train = rng.random((200, 64)).astype(np.float32)  # small: 64 "pixels"
    x_test = rng.random((50, 64)).astype(np.float32)
    errors = pca_errors(x_train, x_test, [2, 10, 64])
    mean = x_train.mean(0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    basis = vt[:10]
    recon = (x_test - mean) @ basis.T @ basis + mean
    assert errors[10] == pytest.approx(((x_test - recon) ** 2).sum(1).mean(), rel=1e-4)
    assert errors[2] > errors[10] > 0
    assert errors[64] == 0.0  # as many components as pixels: exact


# --- the notebook runner -------------------------------------------------------------------


def tiny_notebook(path: Path, cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def test_runner_executes_a_notebook_collects_its_row_and_measures_time_and_memory(tmp_path):
    path = tiny_notebook(tmp_path / "99_tiny.ipynb", [
        "import os\nfrom helpers import results",
        "block = bytearray(200 * 1024**2)  # 200 MB held by the kernel",
        "results.record('99', 'tiny model', test_error=1.5, code_size=2, mode=os.environ.get('AE_FAST', 'full'))",
    ])
    stale = nbformat.read(path, as_version=4)  # timing left from an earlier run must not survive
    stale.cells[0].metadata["execution"] = {"iopub.execute_input": "2020-01-01T00:00:00.000Z",
                                            "shell.execute_reply": "2020-01-01T00:22:35.000Z"}
    stale.cells[1].metadata["ExecuteTime"] = {"start_time": "2020-01-01T00:00:00Z"}
    nbformat.write(stale, path)
    results_dir = tmp_path / "results"
    run = run_notebook(path, env={"AE_RESULTS_DIR": str(results_dir), "AE_FAST": None}, write_back=True,
                       interval=0.05, kernel_log=tmp_path / "kernel.log")
    assert run["status"] == "ok", run["error"]
    rows = [json.loads(line) for line in (results_dir / "99.jsonl").read_text().splitlines()]
    assert rows == [{"notebook": "99", "name": "tiny model", "test_error": 1.5, "code_size": 2, "mode": "full"}]
    assert 0 < run["wall_seconds"] < 120
    assert run["peak_rss_bytes"] >= 200 * 1024**2
    assert run["kernel_maxrss_bytes"] >= 200 * 1024**2
    assert run["cpu_seconds"] > 0
    json.dumps(run)  # saved in run.json
    assert (tmp_path / "kernel.log").exists()
    written = nbformat.read(path, as_version=4)  # executed outputs written back, without the probe
    assert len(written.cells) == 3
    assert [c.execution_count for c in written.cells] == [1, 2, 3]
    assert all(PROBE_TAG not in c.metadata.get("tags", []) for c in written.cells)
    assert not [c.metadata for c in written.cells if "execution" in c.metadata or "ExecuteTime" in c.metadata]


def test_strip_execution_metadata_keeps_everything_else():
    nb = {"cells": [{"metadata": {"execution": {"iopub.execute_input": "x"}, "tags": ["solution"],
                                  "jupyter": {"source_hidden": True}}},
                    {"metadata": {"ExecuteTime": {"end_time": "y"}}}, {"metadata": {}}]}
    assert strip_execution_metadata(nb) == 2
    assert [c["metadata"] for c in nb["cells"]] == [
        {"tags": ["solution"], "jupyter": {"source_hidden": True}}, {}, {}]


def test_runner_reports_a_failing_cell_and_keeps_the_rows_recorded_before_it(tmp_path):
    path = tiny_notebook(tmp_path / "98_broken.ipynb", [
        "from helpers import results\nresults.record('98', 'before the error', test_error=2.0)",
        "raise ValueError('boom')",
        "results.record('98', 'never reached', test_error=3.0)",
    ])
    original = path.read_text()
    run = run_notebook(path, env={"AE_RESULTS_DIR": str(tmp_path / "r"), "AE_FAST": "1"}, write_back=True)
    assert run["status"] == "error" and "ValueError" in run["error"] and "boom" in run["error"]
    assert [r["name"] for r in bench_run_rows(tmp_path / "r")] == ["before the error"]
    assert run["wall_seconds"] > 0 and run["written"] is False
    assert path.read_text() == original  # a failed run never overwrites the notebook


def bench_run_rows(folder):
    from helpers import results

    return results.read_dir(folder)


def test_table_only_rebuilds_a_saved_run(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "04.jsonl").write_text(json.dumps(
        {"notebook": "04", "name": "conv AE", "code_size": 30, "test_error": 2.4, "train_seconds": 200.0}) + "\n")
    saved = {"meta": FULL, "runs": [], "pca": {"30": 13.87}, "explorers": None, "longer": None}
    (tmp_path / "run.json").write_text(json.dumps(saved))
    output = tmp_path / "RESULTS.md"
    bench_run.main(["--table-only", str(tmp_path), "--output", str(output)])
    text = output.read_text()
    assert "| 04 | conv AE | 30 |" in text and "| 0.17 |" in text  # 2.4 / 13.87
    assert "**MET**" in text


# --- diverged values and each lesson's claims ------------------------------------------------


def rows_01(nonlinear_k2=34.72):
    pca = {2: 43.64, 4: 37.56, 8: 29.35, 16: 21.06, 32: 13.19, 64: 7.09}
    ae = {2: nonlinear_k2, 4: 25.06, 8: 16.38, 16: 10.07, 32: 5.93, 64: 4.05}
    rows = [{"notebook": "01", "name": f"PCA, k={k}", "code_size": k, "test_error": e} for k, e in pca.items()]
    rows.append({"notebook": "01", "name": "linear AE, k=32", "code_size": 32, "test_error": 13.2,
                 "gap_to_pca_percent": 0.1})
    return rows + [{"notebook": "01", "name": f"non-linear AE, k={k}", "code_size": k, "test_error": e}
                   for k, e in ae.items()]


RUN_01 = [{"notebook": "01_pca_vs_autoencoders", "status": "ok", "wall_seconds": 87.0}]


def test_a_diverged_result_shows_as_diverged_not_as_a_dash():
    rows = [{"notebook": "03", "name": "deep AE, 30-d code", "code_size": 30, "params": 10, "test_error": "diverged"},
            {"notebook": "06", "name": "VAE 2-d", "latent_dim": 2, "neg_elbo_nats": "diverged", "test_error": 40.0}]
    text = table.build(rows, [], {30: 13.87}, FULL)
    models = text.split("## Every model")[1].split("\n## ")[0]
    assert "| 03 | deep AE, 30-d code | 30 | 10 | — | — | diverged | 13.87 | diverged |" in models
    vae = text.split("## Variational autoencoder")[1].split("\n## ")[0]
    assert "| 06 | VAE 2-d | 2 | diverged |" in vae
    assert table.fmt(float("nan")) == "diverged" and table.fmt(None) == table.DASH


def test_claims_section_lists_quick_and_full_measurements_and_the_quick_times():
    quick = {"rows": rows_01(nonlinear_k2=45.0),  # quick run: the AE loses to PCA at k = 2
             "runs": [{"notebook": "01_pca_vs_autoencoders", "status": "ok", "wall_seconds": 41.0}]}
    text = table.build(rows_01(), RUN_01, {}, FULL, quick=quick)
    section = text.split("## Each lesson's claims")[1].split("\n## ")[0]
    line = next(ln for ln in section.splitlines() if "below PCA at every code size" in ln)
    assert "| 1.031 (largest error ratio AE / PCA) | < 1 (largest error ratio AE / PCA) | **NO** |" in line
    assert "| 0.7956 (largest error ratio AE / PCA) | < 0.9 (largest error ratio AE / PCA) | yes |" in line
    assert "| 02 | Adadelta" in section and "| not run |" in section  # declared, not run by this benchmark
    targets = text.split("## Targets")[1].split("\n## ")[0]
    assert "claims hold (full-mode thresholds" in targets and "| 2 of 2 hold | **MET** |" in targets
    assert "claims hold (quick-mode thresholds" in targets and "| 1 of 2 hold | **MISSED** |" in targets
    runs = text.split("## Run time")[1].split("\n## ")[0]
    assert "Quick-mode wall time" in runs and "| 87.0 s |" in runs and "| 41.0 s | 1 min |" in runs


def test_the_benchmark_fails_loudly_on_a_claim_that_does_not_hold():
    assert bench_run.failing_claims(rows_01(), RUN_01, quick=False) == []
    broken = bench_run.failing_claims(rows_01(nonlinear_k2=50.0), RUN_01, quick=False)
    assert len(broken) == 1 and "Notebook 01" in broken[0] and "below PCA at every code size" in broken[0]
    assert "non-linear AE, k=2 test_error = 50" in broken[0] and "full mode" in broken[0]
    missing = bench_run.failing_claims([], RUN_01, quick=True)
    assert "no result called" in missing[0]


def test_table_only_reads_the_quick_pass(tmp_path):
    for folder, rows in (("results", rows_01()), ("results-quick", rows_01(nonlinear_k2=40.0))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "01.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    saved = {"meta": FULL, "runs": RUN_01, "pca": {}, "explorers": None, "longer": None,
             "quick_pass": {"runs": [{"notebook": "01_pca_vs_autoencoders", "status": "ok", "wall_seconds": 30.0}]}}
    (tmp_path / "run.json").write_text(json.dumps(saved))
    output = tmp_path / "RESULTS.md"
    bench_run.main(["--table-only", str(tmp_path), "--output", str(output)])
    text = output.read_text()
    assert "| 0.9166 (largest error ratio AE / PCA) |" in text  # 40.0 / 43.64, from results-quick
    assert "| 30.0 s | 1 min |" in text


def test_compression_section_splits_files_into_image_data_and_container():
    rows = [{"notebook": "07", "name": "compression JPEG quality 5", "bytes_per_image": 213.7, "data_bytes": 41.9,
             "test_error": 6.88},
            {"notebook": "07", "name": "compression AE 32, 8-bit", "bytes_per_image": 32.0, "test_error": 9.12},
            {"notebook": "07", "name": "anomaly AUC, inverted", "auc": 1.0}]
    lines = table.compression_section(rows)
    assert "| JPEG quality 5 | 213.7 | 41.9 | 171.8 | 6.88 |" in lines
    assert "| AE 32, 8-bit | 32.0 | — | — | 9.12 |" in lines
    assert not any("compression" in line for line in table.other_section(rows))
    assert "## Compression" in table.build(rows, [], {}, {"full_data": True})
    assert table.compression_section(rows[2:]) == []


def test_recipes_at_50_epochs_beside_the_main_run():
    main = [{"notebook": "02", "name": "recipe: 64-unit dense, BCE", "code_size": 64, "epochs": 5, "test_error": 6.75},
            {"notebook": "02", "name": "recipe: Adadelta (lr 0.001, as written)", "code_size": 32, "epochs": 5,
             "test_error": 181.98}]
    longer = [{**main[0], "epochs": 50, "test_error": 3.1}, {**main[1], "epochs": 50, "test_error": 182.5}]
    recipes = {"scale": 10.0, "runs": [{"status": "ok"}], "rows": longer}
    text = table.build(main, [], {}, FULL, recipes=recipes)
    section = text.split("### The recipes at the tutorials' 50 epochs (notebook 02, AE_EPOCH_SCALE=10)")[1]
    assert "| recipe: 64-unit dense, BCE | 5 | 6.75 | 50 | 3.10 | yes |" in section
    assert "| recipe: Adadelta (lr 0.001, as written) | 5 | 181.98 | 50 | 182.50 | **no** |" in section
    assert "50 epochs" not in table.build(main, [], {}, FULL)
    failed = {"scale": 10.0, "runs": [{"status": "error", "error": "Timeout"}], "rows": []}
    assert "Timeout" in table.build(main, [], {}, FULL, recipes=failed)


# --- notebook 04: a recipe only timed, the headline over seeds, the 30-number candidates ---------


def test_a_timed_only_recipe_is_a_cost_measurement_not_a_test_error():
    timed = {"notebook": "04", "name": "recipe: unpooled conv, 128-d code (as written)", "code_size": 128,
             "params": 12_900_000, "seconds_per_epoch": 900.0, "seconds_per_batch": 2.0, "extrapolated": True}
    text = table.build([timed], [], {128: 5.0}, FULL)
    line = next(ln for ln in text.splitlines() if "recipe: unpooled" in ln)
    assert "not trained: a cost measurement only" in line
    assert "recipe: unpooled" not in text.split("## Every model")[1].split("\n## ")[0]  # no test error, no ratio
    assert "No rows recorded" in "\n".join(table.longer_section({"scale": 2, "runs": [], "rows": [timed]}))


def test_seeds_section_gives_mean_and_spread_of_the_seeded_rows():
    main = {"notebook": "04", "name": "conv AE", "code_size": 30, "test_error": 2.40, "seed": 42,
            "train_seconds": 200.0}
    extra = [{**main, "test_error": 2.50, "seed": 43}, {**main, "test_error": 2.60, "seed": 44}]
    text = "\n".join(table.seeds_section([main], {"rows": extra, "runs": []}))
    assert "| 04 conv AE | 42, 43, 44 | 2.40, 2.50, 2.60 | 2.50 ± 0.10 | 2.40–2.60 | 3 min 20 s |" in text
    assert table.seeds_section([main], None) == []
    failed = {"runs": [{"seed": 43, "status": "error", "error": "MemoryError"}], "rows": []}
    assert "seed 43: MemoryError" in "\n".join(table.seeds_section([], failed))


def test_candidates_section_says_where_its_curves_come_from():
    curve = [{"epoch": 1, "train_seconds": 20.0, "validation_error": 3.4},
             {"epoch": 2, "train_seconds": 40.0, "validation_error": 2.9},
             {"epoch": 3, "train_seconds": 60.0, "validation_error": 2.45}]
    found = {"candidates": {"a": {"spec": {"decoder": "transposed", "precision": "float32", "batch": 128,
                                           "schedule": "cosine", "lr": 2e-3}, "curve": curve, "test_error": 2.47,
                                  "params": 265823, "load_before": [1.0], "load_after": [2.0],
                                  "command": "python -m benchmarks.candidates", "date": "2026-11-23 16:00 UTC"}}}
    text = "\n".join(table.candidates_section(found))
    assert "`python -m benchmarks.candidates` (2026-11-23 16:00 UTC; load average (1 min) 1.0–2.0" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("| a |"))
    assert "40.0 s → 2.90" in line and "60.0 s → 2.45" in line and "20.0 s → 3.40" not in line
    assert "| 40.0 s (epoch 2) | 60.0 s (epoch 3) | 2.47 |" in line
    assert "| cosine | 0.002 | 265,823 | 3 |" in line  # the peak learning rate: candidates differ in it
    assert table.candidates_section(None) == []


def test_the_seeded_repeat_runs_notebook_04_only_up_to_its_headline():
    from benchmarks.notebooks import cells_up_to
    from helpers.lesson_claims import CONV_04

    nb = nbformat.read(ROOT / "notebooks" / "04_convolutional_autoencoder.ipynb", as_version=4)
    kept = cells_up_to(nb.cells, CONV_04, "04")
    assert "results.record" in kept[-1].source and "seed=run.seed" in kept[-1].source
    assert len(kept) < len(nb.cells) and not any("claims.check" in c.source for c in kept)
    with pytest.raises(ValueError, match="no code cell containing 'nowhere'"):
        cells_up_to(nb.cells, "nowhere", "04")


def test_every_seed_of_the_headline_reaches_the_seeds_table(tmp_path):
    """All seeded runs record the same row name into one folder; each seed must still be counted."""
    from benchmarks import run, table

    folder = tmp_path / "results-seeds"
    folder.mkdir()
    rows = [{"notebook": "04", "name": "conv AE", "seed": seed, "test_error": error, "train_seconds": 60.0}
            for seed, error in ((43, 2.771), (44, 2.791))]
    (folder / "04.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    found = run.read_seeded_rows(folder)
    assert sorted(r["seed"] for r in found) == [43, 44]
    main = [{"notebook": "04", "name": "conv AE", "seed": 42, "test_error": 2.764, "train_seconds": 60.0}]
    text = "\n".join(table.seeds_section(main, {"rows": found, "runs": []}))
    assert "| 42, 43, 44 | 2.76, 2.77, 2.79 | 2.78 ± 0.01 |" in text, text
