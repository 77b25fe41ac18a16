"""make bench's roofline (achieved training GFLOP/s against the measured peak) and "where the time went"."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package
from benchmarks import roofline, table  # noqa: E402

PEAK = {"repeats": 5, "cores": 2, "tensorflow": "2.x", "load_average_start": 0.1, "load_average_end": 0.2,
        "by_size": {"float32": {"1024": 100.0}, "bfloat16": {"1024": 250.0}},
        "peaks": {"float32": {"gflops": 100.0, "size": 1024}, "bfloat16": {"gflops": 250.0, "size": 1024}}}


def test_achieved_throughput_and_share_of_the_peak():
    # 6 MFLOP per example x 50,000 examples x 4 epochs in 60 s = 20 GFLOP/s = 20% of 100
    row = {"notebook": "03", "name": "deep AE", "flops_per_example": 6e6, "train_examples": 50_000, "epochs": 4,
           "train_seconds": 60.0}
    assert table.achieved_gflops(row) == pytest.approx(20.0)
    same_run = {**row, "name": "deep AE, scored another way"}
    text = "\n".join(table.roofline_section([row, same_run, {"notebook": "03", "name": "no cost recorded"}], PEAK))
    assert "| 03 | deep AE | 6.00 | 50,000 × 4 | 60.0 s | 20.0 | 20% | 8% |" in text
    assert "no cost recorded" not in text and "scored another way" not in text
    assert "bfloat16 multiplies 2.5× as fast as float32" in text


def test_roofline_says_when_bfloat16_or_the_whole_measurement_is_missing():
    peak = {**PEAK, "peaks": {"float32": PEAK["peaks"]["float32"],
                              "bfloat16": {"error": "InvalidArgumentError: no kernel"}}}
    text = "\n".join(table.roofline_section([], peak))
    assert "bfloat16: not usable here (InvalidArgumentError: no kernel)" in text
    assert "No notebook recorded the work of its training" in text
    assert "Not measured in this run." in table.roofline_section([], None)
    assert "Not measured: boom" in "\n".join(table.roofline_section([], {"error": "boom"}))


def test_where_the_time_went_before_and_after():
    before = {"source": "run X", "notebooks": {"01_pca_vs_autoencoders": {"wall_seconds": 80.0}}}
    profile = {"date": "today", "load": "0.5", "how": "nbclient",
               "notebooks": [{"notebook": "01_pca_vs_autoencoders",
                              "cells": [{"what": "six autoencoders", "wall": 50.0}, {"what": "PCA", "wall": 5.0}]}]}
    runs = [{"notebook": "01_pca_vs_autoencoders", "status": "ok", "wall_seconds": 60.0},
            {"notebook": "02_dense_autoencoder", "status": "ok", "wall_seconds": 30.0}]
    text = "\n".join(table.time_section(runs, before, profile))
    assert "| 01_pca_vs_autoencoders | 80.0 s | 60.0 s | -25% | six autoencoders 50.0 s; PCA 5.0 s |" in text
    assert "| 02_dense_autoencoder | — | 30.0 s | — | — |" in text
    assert "Before: run X" in text
    # with CPU seconds in the profile, the costs are ranked and shown by them (less sensitive to load)
    profile["notebooks"][0]["cells"] = [{"what": "six autoencoders", "wall": 50.0, "cpu": 40.0},
                                        {"what": "PCA", "wall": 5.0, "cpu": 60.0}]
    text = "\n".join(table.time_section(runs, before, profile))
    assert "| PCA 60.0 s; six autoencoders 40.0 s |" in text and "CPU seconds of the kernel" in text


def test_where_the_time_went_shows_the_same_code_measured_on_another_day():
    # the machine's speed varies: the same code's earlier time sits beside this run's, so a learner
    # can tell the course's own speed-up from the machine's
    before = {"source": "run X", "notebooks": {"01_pca_vs_autoencoders": {"wall_seconds": 80.0}},
              "same_code": {"source": "run Y, a slower day",
                            "notebooks": {"01_pca_vs_autoencoders": {"wall_seconds": 85.0}}}}
    runs = [{"notebook": "01_pca_vs_autoencoders", "status": "ok", "wall_seconds": 60.0}]
    text = "\n".join(table.time_section(runs, before))
    assert "| Notebook | Before | Same code, earlier | After | Change |" in text
    assert "| 01_pca_vs_autoencoders | 80.0 s | 85.0 s | 60.0 s | -25% |" in text
    assert "| **total** | **80.0 s** | **85.0 s** | **60.0 s** | -25% |" in text
    assert "Same code, earlier: run Y, a slower day." in text and "the machine's speed" in text
    # a notebook changed since that run is named and marked: its earlier time is not the same code's
    before["same_code"]["changed"] = {"01_pca_vs_autoencoders": "trained longer here"}
    text = "\n".join(table.time_section(runs, before))
    assert "Except in notebook 01 (trained longer here; marked \\*), that is this run's code" in text
    assert "| 01_pca_vs_autoencoders | 80.0 s | 85.0 s \\* | 60.0 s | -25% |" in text


def test_the_committed_before_figures_and_profile_are_readable():
    before = json.loads((ROOT / "benchmarks" / "before_speedup.json").read_text())
    assert before["source"] and len(before["notebooks"]) == 7
    assert all(v["wall_seconds"] > 0 for v in before["notebooks"].values())


def test_matmul_peak_is_measured_and_refuses_bad_arguments(capsys):
    assert roofline.matmul_gflops("float32", 64, repeats=1) > 0
    with pytest.raises(SystemExit):
        roofline.main(["--sizes", "0"])
