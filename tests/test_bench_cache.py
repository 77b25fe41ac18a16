"""make bench --with-cache: RESULTS.md's warm-cache table and target (benchmarks/table.py)."""

from benchmarks import table

RUNS = [{"notebook": "01_pca", "status": "ok", "wall_seconds": 80.0},
        {"notebook": "04_conv", "status": "ok", "wall_seconds": 400.0}]
ROWS = [{"notebook": "01", "name": "linear AE", "test_error": 13.1912, "train_seconds": 7.3},
        {"notebook": "04", "name": "conv AE", "test_error": 2.8751, "seconds_per_batch": 0.05}]


def warm(rows, seconds=(10.0, 30.0)):
    return {"runs": [{**r, "wall_seconds": s} for r, s in zip(RUNS, seconds, strict=True)], "rows": rows,
            "trained_rows": ROWS}


def test_same_results_and_a_fast_warm_course_meet_the_target():
    again = [{**r, "train_seconds": 1.0, "seconds_per_batch": 0.9} for r in ROWS]  # times may differ
    assert table.compare_recorded(ROWS, again) == (2, 2, [])
    target = table.target_warm_course(warm(again), expected=2)
    assert target["status"] == table.verdict(True) and "40.0 s" in target["measured"]
    text = "\n".join(table.cached_section(RUNS, warm(again)))
    assert "With a warm model cache" in text and "| 04_conv | ok | 6 min 40 s | 30.0 s | 8% | yes" in text


def test_a_different_recorded_result_or_a_slow_warm_course_misses_it():
    wrong = [ROWS[0], {**ROWS[1], "test_error": 2.8771}]
    matched, compared, differ = table.compare_recorded(ROWS, wrong)
    assert (matched, compared) == (1, 2) and "2.875 vs 2.877" in differ[0]
    assert table.target_warm_course(warm(wrong), expected=2)["status"] == table.verdict(False)
    assert "NO: 1 of 1" not in "\n".join(table.cached_section(RUNS, warm(wrong)))
    assert "NO: 0 of 1" in "\n".join(table.cached_section(RUNS, warm(wrong)))
    slow = table.target_warm_course(warm(ROWS, seconds=(100.0, 100.0)), expected=2)
    assert slow["status"] == table.verdict(False) and "20.0 s over" in slow["margin"]
