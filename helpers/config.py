"""Run settings: full mode or quick mode (``AE_FAST=1``).

Quick mode exists for slow machines, live classes and the test suite: each model
trains on its own subset of the training digits for fewer epochs (a budget stated
where the model is trained, ``run.train_subset(x, quick=8_000)``,
``run.epochs(10, quick=3)``), chosen so that its lesson stays visible, through
exactly the same code as a full run. It costs quality (blurrier reconstructions,
errors higher than a full run's, in the same unit), never correctness; each
notebook's claims are checked against quick-mode thresholds (``helpers.claims``).
Notebooks ask this module for epochs and subset sizes instead of reading the
environment themselves. A budget larger than the data (the offline sample has
4,000 training and 1,000 test digits) simply takes all of it.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

ENV_VAR = "AE_FAST"
SCALE_VAR = "AE_EPOCH_SCALE"  # full mode only: train every model this many times longer
SEED_VAR = "AE_SEED"  # the seed a notebook's headline model starts from (make bench's repeats)
DEFAULT_SEED = 42
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def quick_mode() -> bool:
    """True when ``AE_FAST`` asks for quick mode; refuses values it cannot read."""
    raw = os.environ.get(ENV_VAR, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{ENV_VAR}={os.environ[ENV_VAR]!r} is not understood: use {ENV_VAR}=1 for quick mode "
        f"or {ENV_VAR}=0 (or leave it unset) for a full run."
    )


def epoch_scale() -> float:
    """The factor ``AE_EPOCH_SCALE`` applies to full-mode epochs (default 1)."""
    raw = os.environ.get(SCALE_VAR, "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(
            f"{SCALE_VAR}={raw!r} is not understood: give a positive number, e.g. {SCALE_VAR}=2 "
            "to train every model twice as long in full mode."
        )
    return value


def seed() -> int:
    """The seed ``AE_SEED`` asks for (default 42): a benchmark repeats a headline with others."""
    raw = os.environ.get(SEED_VAR, "").strip()
    if not raw:
        return DEFAULT_SEED
    if not raw.isdigit():
        raise ValueError(
            f"{SEED_VAR}={raw!r} is not understood: give a whole number >= 0, e.g. {SEED_VAR}=43, "
            f"or leave it unset for the course's seed {DEFAULT_SEED}."
        )
    return int(raw)


@dataclass(frozen=True)
class RunSettings:
    """Epochs and data sizes for this run. Get one from :func:`settings`."""

    quick: bool
    train_size: int | None  # quick mode's cut for a subset call without a budget; None: every digit
    test_size: int | None  # the same for test digits
    scale: float = 1.0  # full-mode epochs are multiplied by this (AE_EPOCH_SCALE)
    seed: int = DEFAULT_SEED  # AE_SEED: where the notebook's headline model starts from

    def epochs(self, full: int, quick: int = 1) -> int:
        """The number of epochs to train: ``full`` normally, ``quick`` in quick mode."""
        for name, value in (("full", full), ("quick", quick)):
            if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
                raise ValueError(f"epochs({name}=...) must be a positive whole number, got {value!r}")
        return int(quick) if self.quick else max(1, round(full * self.scale))

    def pick(self, full, quick):
        """Any other setting that differs between the modes: ``full`` or ``quick``."""
        return quick if self.quick else full

    @staticmethod
    def _budget(quick, default: int | None, what: str) -> int | None:
        if quick is None:
            return default
        if not isinstance(quick, int | np.integer) or isinstance(quick, bool) or quick < 1:
            raise ValueError(f"{what}(..., quick=...) must be a positive whole number of rows, got {quick!r}")
        return int(quick)

    def _take(self, n: int | None, arrays, seed: int):
        arrays = [np.asarray(a) for a in arrays]
        if not arrays:
            raise ValueError("give at least one array to subset")
        length = len(arrays[0])
        if any(len(a) != length for a in arrays):
            raise ValueError(
                "the arrays to subset have different lengths: "
                + ", ".join(str(len(a)) for a in arrays)
            )
        if n is None or n >= length:
            return arrays[0] if len(arrays) == 1 else tuple(arrays)
        index = np.sort(np.random.default_rng(seed).permutation(length)[:n])
        picked = tuple(a[index] for a in arrays)
        return picked[0] if len(picked) == 1 else picked

    def train_subset(self, *arrays, quick: int | None = None, seed: int = 0):
        """The training arrays (images, labels, ...), cut to ``quick`` rows in quick mode.

        Full mode keeps every row. Each model states its own quick-mode budget, e.g.
        ``run.train_subset(x_train, y_train, quick=8_000)``; without one the old common cut
        (``train_size``, i.e. ``QUICK_TRAIN_SIZE``) applies. A budget larger than the data takes all of it. The
        same random rows are taken from every array, so images and labels stay paired.
        """
        n = self._budget(quick, self.train_size, "train_subset")
        return self._take(n if self.quick else None, arrays, seed)

    def test_subset(self, *arrays, quick: int | None = None, seed: int = 1):
        """The test arrays, cut to ``quick`` rows in quick mode (every row in full mode)."""
        n = self._budget(quick, self.test_size, "test_subset")
        return self._take(n if self.quick else None, arrays, seed)

    def describe(self) -> str:
        if self.quick:
            return (
                f"Quick mode ({ENV_VAR}=1): each model trains on its own subset of the training digits "
                "for fewer epochs (the budget is stated where it is trained) and is tested on a subset "
                "of the test digits. Errors are in the same unit as a full run's but higher, pictures "
                "blurrier; the lesson's claims are checked against quick-mode thresholds."
            )
        longer = f" x {self.scale:g} ({SCALE_VAR})" if self.scale != 1 else ""
        seeded = f" Seed {self.seed} ({SEED_VAR})." if self.seed != DEFAULT_SEED else ""
        return f"Full mode: all the data and the full number of epochs{longer}.{seeded}"


# The common cut for a subset call that states no budget of its own (kept for older calls;
# every notebook states its own budget per model).
QUICK_TRAIN_SIZE = 2000
QUICK_TEST_SIZE = 500


def settings(verbose: bool = True) -> RunSettings:
    """Read ``AE_FAST`` once and return the run's settings (prints one line saying which)."""
    quick = quick_mode()
    run = RunSettings(
        quick=quick,
        train_size=QUICK_TRAIN_SIZE if quick else None,
        test_size=QUICK_TEST_SIZE if quick else None,
        scale=1.0 if quick else epoch_scale(),
        seed=seed(),
    )
    if verbose:
        print(run.describe())
    return run
