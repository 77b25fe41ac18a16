"""helpers.config: quick mode, epochs, subsets and the run's seed."""

import numpy as np
import pytest

from helpers import config


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True), ("0", False),
                                          ("", False), ("off", False)])
def test_quick_mode_values(monkeypatch, value, quick):
    monkeypatch.setenv(config.ENV_VAR, value)
    assert config.quick_mode() is quick


def test_unreadable_value_is_refused(monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, "maybe")
    with pytest.raises(ValueError, match="AE_FAST=1"):
        config.settings()


def test_each_model_states_its_own_quick_budget(monkeypatch, capsys):
    x, y = np.arange(10_000), np.arange(10_000) * 10
    monkeypatch.setenv(config.ENV_VAR, "1")
    monkeypatch.delenv(config.SEED_VAR, raising=False)
    run = config.settings()
    assert "Quick mode" in capsys.readouterr().out
    assert run.quick and run.epochs(20, 2) == 2 and run.pick("full", "quick") == "quick"
    xs, ys = run.train_subset(x, y, quick=6_000)
    assert len(xs) == 6_000 and np.array_equal(ys, xs * 10), "images and labels stay paired"
    assert len(np.unique(xs)) == len(xs) and xs.max() > 9_000, "random rows, not the first ones"
    assert np.array_equal(run.train_subset(x, quick=6_000), xs), "repeatable"
    assert len(run.test_subset(x, quick=300)) == 300
    assert len(run.train_subset(x[:4_000], quick=8_000)) == 4_000  # more than the data: all of it
    with pytest.raises(ValueError, match="different lengths"):
        run.train_subset(np.arange(5000), np.arange(4999), quick=10)
    monkeypatch.setenv(config.ENV_VAR, "0")
    full = config.settings(verbose=False)
    assert full.epochs(10, 1) == 10
    assert len(full.train_subset(x, quick=6_000)) == 10_000 and len(full.test_subset(x, quick=300)) == 10_000


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_bad_budgets_are_refused_in_both_modes(bad):
    for quick in (True, False):
        run = config.RunSettings(quick=quick)
        with pytest.raises(ValueError, match="positive whole number"):
            run.train_subset(np.arange(10), quick=bad)
        with pytest.raises(ValueError, match="positive whole number"):
            run.epochs(bad)


def test_the_seed_moves_every_subset(monkeypatch):
    monkeypatch.delenv(config.SEED_VAR, raising=False)
    assert config.settings(verbose=False).seed == 42
    monkeypatch.setenv(config.SEED_VAR, "7")
    run = config.settings(verbose=False)
    assert run.seed == 7 and "Seed 7 (AE_SEED)" in run.describe()
    x = np.arange(10_000)
    assert not np.array_equal(config.RunSettings(quick=True).train_subset(x, quick=100),
                              config.RunSettings(quick=True, seed=7).train_subset(x, quick=100))
    for bad in ("-1", "4.5", "abc"):
        monkeypatch.setenv(config.SEED_VAR, bad)
        with pytest.raises(ValueError, match="AE_SEED=7"):
            config.settings(verbose=False)
