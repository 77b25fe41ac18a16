"""helpers.results: rows recorded by notebooks, read back by the benchmark."""

import json

import numpy as np
import pytest

from helpers import results


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv(results.ENV_VAR, raising=False)
    results._rows.clear()
    yield
    results._rows.clear()


def test_record_and_table():
    # None: a notebook cell ending with a record must not echo the row
    assert results.record("02", "dense AE", test_error=np.float32(10.5), params=np.int64(50_992)) is None
    results.record("02", "sparse AE", test_error=12.25, code_size=32)
    assert [r["name"] for r in results.rows("02")] == ["dense AE", "sparse AE"]
    assert results.rows("03") == []
    table = results.table("02")
    lines = table.splitlines()
    assert lines[0] == "| result | test_error | params | code_size |"
    assert "| dense AE | 10.5 | 50,992 |  |" in lines


def test_recording_again_replaces_the_row():
    results.record("01", "PCA", test_error=1.0)
    results.record("01", "PCA", test_error=2.0)
    assert [r["test_error"] for r in results.rows()] == [2.0]


def test_rows_go_to_results_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path / "out"))
    results.record("04", "conv", test_error=2.8, epoch_errors=[5.0, 3.0, 2.8])
    results.record("04", "conv", test_error=2.7)
    results.record("06", "vae", neg_elbo_nats=float("nan"))
    lines = (tmp_path / "out" / "04.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["epoch_errors"] == [5.0, 3.0, 2.8]
    read = {r["name"]: r for r in results.read_dir(tmp_path / "out")}
    assert read["conv"]["test_error"] == 2.7  # the last one wins
    assert read["vae"]["neg_elbo_nats"] == "diverged"  # a NaN is a diverged run, not a missing number


def test_nan_and_infinity_are_recorded_as_diverged():
    results.record("03", "deep AE", test_error=np.float32("nan"), epoch_errors=[9.0, float("inf")], params=10)
    row = results.rows("03")[0]
    assert row["test_error"] == "diverged" and row["epoch_errors"] == [9.0, "diverged"]
    assert results.is_diverged(row["test_error"]) and results.is_diverged(float("-inf"))
    assert not results.is_diverged(3.0) and not results.is_diverged(None) and not results.is_diverged("3")
    assert "| deep AE | diverged | 10 |" in results.table("03")


@pytest.mark.parametrize("notebook", ["4", "004", "ab", 4])
def test_bad_notebook_id(notebook):
    with pytest.raises(ValueError, match="two-digit"):
        results.record(notebook, "x", a=1)


def test_bad_values():
    with pytest.raises(ValueError, match="name"):
        results.record("01", " ", a=1)
    with pytest.raises(TypeError, match="cannot record"):
        results.record("01", "x", model=object())
