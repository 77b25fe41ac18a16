"""helpers.config: quick mode, epochs and subsets."""

import numpy as np
import pytest

from helpers import config


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True), ("0", False),
                                          ("", False), ("off", False)])
def test_quick_mode_values(monkeypatch, value, quick):
    monkeypatch.setenv(config.ENV_VAR, value)
    assert config.quick_mode() is quick


def test_unset_means_full(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    monkeypatch.delenv(config.SCALE_VAR, raising=False)
    run = config.settings(verbose=False)
    assert not run.quick and run.train_size is None and run.epochs(10, 1) == 10


def test_unreadable_value_is_refused(monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, "maybe")
    with pytest.raises(ValueError, match="AE_FAST=1"):
        config.settings()


def test_quick_settings_and_notice(monkeypatch, capsys):
    monkeypatch.setenv(config.ENV_VAR, "1")
    run = config.settings()
    assert "Quick mode" in capsys.readouterr().out
    assert run.quick and run.epochs(20, 2) == 2 and run.pick("full", "quick") == "quick"
    x = np.arange(10_000)
    y = x * 10
    xs, ys = run.train_subset(x, y)
    assert len(xs) == config.QUICK_TRAIN_SIZE and np.array_equal(ys, xs * 10)  # still paired
    assert len(np.unique(xs)) == len(xs)
    assert xs.max() > 5_000  # random rows, not just the first ones
    assert np.array_equal(run.train_subset(x, y)[0], xs)  # repeatable
    assert len(run.test_subset(x)) == config.QUICK_TEST_SIZE


def test_full_mode_keeps_everything(monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, "0")
    run = config.settings(verbose=False)
    x = np.arange(100)
    assert run.train_subset(x) is not None and len(run.train_subset(x)) == 100


def test_subset_rejects_mismatched_arrays(monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, "1")
    run = config.settings(verbose=False)
    with pytest.raises(ValueError, match="different lengths"):
        run.train_subset(np.arange(5000), np.arange(4999))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_epochs_rejects_bad_values(bad):
    run = config.RunSettings(quick=False, train_size=None, test_size=None)
    with pytest.raises(ValueError, match="positive whole number"):
        run.epochs(bad)


def test_epoch_scale(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    monkeypatch.setenv(config.SCALE_VAR, "2.5")
    run = config.settings(verbose=False)
    assert run.epochs(4, 1) == 10
    monkeypatch.setenv(config.ENV_VAR, "1")
    assert config.settings(verbose=False).epochs(4, 1) == 1  # quick mode ignores it
    monkeypatch.setenv(config.SCALE_VAR, "fast")
    monkeypatch.setenv(config.ENV_VAR, "0")
    with pytest.raises(ValueError, match="positive number"):
        config.settings()


def test_each_model_states_its_own_quick_budget(monkeypatch):
    x, y = np.arange(10_000), np.arange(10_000) * 10
    monkeypatch.setenv(config.ENV_VAR, "1")
    run = config.settings(verbose=False)
    xs, ys = run.train_subset(x, y, quick=6_000)
    assert len(xs) == 6_000 and np.array_equal(ys, xs * 10)
    assert len(run.test_subset(x, quick=300)) == 300
    assert len(run.train_subset(x[:4_000], quick=8_000)) == 4_000  # more than the data: all of it
    assert not np.array_equal(run.train_subset(x, quick=100), run.train_subset(x, quick=100, seed=5))
    monkeypatch.setenv(config.ENV_VAR, "0")
    full = config.settings(verbose=False)
    assert len(full.train_subset(x, quick=6_000)) == 10_000 and len(full.test_subset(x, quick=300)) == 10_000


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_quick_budget_rejects_bad_values(bad):
    for quick in (True, False):  # a wrong budget is refused in both modes, not only when it is used
        run = config.RunSettings(quick=quick, train_size=None, test_size=None)
        with pytest.raises(ValueError, match="positive whole number of rows"):
            run.train_subset(np.arange(10), quick=bad)
        with pytest.raises(ValueError, match="test_subset"):
            run.test_subset(np.arange(10), quick=bad)


def test_quick_notice_says_what_quick_mode_keeps_and_costs(monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, "1")
    text = config.settings(verbose=False).describe()
    assert "each model trains on its own subset" in text and "fewer epochs" in text
    assert "same unit" in text and "higher" in text and "claims" in text


def test_seed_from_the_environment(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    monkeypatch.delenv(config.SEED_VAR, raising=False)
    assert config.settings(verbose=False).seed == 42
    monkeypatch.setenv(config.SEED_VAR, "43")
    run = config.settings(verbose=False)
    assert run.seed == 43 and "Seed 43 (AE_SEED)" in run.describe()
    for bad in ("-1", "4.5", "abc"):
        monkeypatch.setenv(config.SEED_VAR, bad)
        with pytest.raises(ValueError, match="AE_SEED=43"):
            config.settings(verbose=False)
