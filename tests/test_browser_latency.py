"""The browser slider-latency step of make bench, without a browser: its skip and its table.

(That its clock sees a paint, and fails when none comes, is tests/browser/test_latency_measure.py,
run by make test-browser.)
"""

import json

from benchmarks import browser_latency, table


def test_without_playwright_or_chromium_it_says_so_and_the_table_notes_the_skip(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(browser_latency, "unavailable", lambda: "no Chromium at /nowhere")
    target = tmp_path / "browser_latency.json"
    assert browser_latency.main(["--json", str(target)]) == browser_latency.UNAVAILABLE
    assert "no Chromium at /nowhere" in capsys.readouterr().err
    saved = json.loads(target.read_text())
    assert "Not measured: no Chromium at /nowhere." in table.browser_latency_section(saved)


def test_the_table_shows_median_p95_and_the_goal_per_explorer():
    measured = {"moves": 60, "warmup_moves": 5, "goal_ms": 50.0, "load_average_start": [0.4],
                "load_average_end": [0.6],
                "rows": [{"explorer": "latent_sliders", "model": "dense", "code_size": 20, "median_ms": 31.25,
                          "p95_ms": 48.0, "arrive_median_ms": 20.5, "meets_goal": True},
                         {"explorer": "latent_sliders", "model": "conv", "code_size": 30, "median_ms": 61.0,
                          "p95_ms": 90.0, "arrive_median_ms": 44.0, "meets_goal": False}]}
    text = "\n".join(table.browser_latency_section(measured))
    assert "| latent_sliders | dense, 20-d | 31.2 | 48.0 | 20.5 | ≤ 50 | MET |" in text
    assert "| latent_sliders | conv, 30-d | 61.0 | 90.0 | 44.0 | ≤ 50 | MISSED |" in text
    assert "load average 0.4 → 0.6" in text
    assert "Not measured in this run" in "\n".join(table.browser_latency_section(None))
