"""Run settings: full mode or quick mode (``AE_FAST=1``), and the run's seed (``AE_SEED``).

Quick mode is for slow machines, live classes and the test suite: each model trains
on its own subset of the training digits for fewer epochs, with a budget stated where
the model is trained (``run.train_subset(x, quick=8_000)``, ``run.epochs(10, quick=3)``),
through exactly the same code as a full run. It costs quality (blurrier
reconstructions, higher errors in the same unit), never correctness. A budget larger
than the data (the offline sample has 4,000 training and 1,000 test digits) simply
takes all of it.

``run.seed`` (42 unless ``AE_SEED`` names another whole number) is where every random
draw of a notebook starts: its models' initial weights (``keras.utils.set_random_seed``),
its data subsets and its noise. The same seed repeats a run on the same machine;
another seed asks whether a lesson holds for another draw.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

ENV_VAR = "AE_FAST"
SEED_VAR = "AE_SEED"
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


def seed() -> int:
    """The seed ``AE_SEED`` asks for (default 42)."""
    raw = os.environ.get(SEED_VAR, "").strip()
    if not raw:
        return DEFAULT_SEED
    if not raw.isdigit():
        raise ValueError(
            f"{SEED_VAR}={raw!r} is not understood: give a whole number >= 0, e.g. {SEED_VAR}=7, "
            f"or leave it unset for the course's seed {DEFAULT_SEED}."
        )
    return int(raw)


@dataclass(frozen=True)
class RunSettings:
    """Epochs, data sizes and the seed for this run. Get one from :func:`settings`."""

    quick: bool
    seed: int = DEFAULT_SEED

    def epochs(self, full: int, quick: int = 1) -> int:
        """The number of epochs to train: ``full`` normally, ``quick`` in quick mode."""
        for name, value in (("full", full), ("quick", quick)):
            if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
                raise ValueError(f"epochs({name}=...) must be a positive whole number, got {value!r}")
        return int(quick if self.quick else full)

    def pick(self, full, quick):
        """Any other setting that differs between the modes: ``full`` or ``quick``."""
        return quick if self.quick else full

    def _take(self, n: int | None, arrays, seed: int):
        arrays = [np.asarray(a) for a in arrays]
        if not arrays:
            raise ValueError("give at least one array to subset")
        length = len(arrays[0])
        if any(len(a) != length for a in arrays):
            raise ValueError("the arrays to subset have different lengths: " + ", ".join(str(len(a)) for a in arrays))
        if n is None or n >= length:
            return arrays[0] if len(arrays) == 1 else tuple(arrays)
        index = np.sort(np.random.default_rng(seed).permutation(length)[:n])
        picked = tuple(a[index] for a in arrays)
        return picked[0] if len(picked) == 1 else picked

    def _subset(self, arrays, quick, offset: int):
        if not isinstance(quick, int | np.integer) or isinstance(quick, bool) or quick < 1:
            raise ValueError(f"quick= must be a positive whole number of rows, got {quick!r}")
        return self._take(int(quick) if self.quick else None, arrays, self.seed + offset)

    def train_subset(self, *arrays, quick: int):
        """The training arrays (images, labels, ...), cut to ``quick`` random rows in quick mode.

        Full mode keeps every row. The same rows are taken from every array, so images and
        labels stay paired; which rows depends on the run's seed.
        """
        return self._subset(arrays, quick, 0)

    def test_subset(self, *arrays, quick: int):
        """The test arrays, cut to ``quick`` random rows in quick mode (every row in full mode)."""
        return self._subset(arrays, quick, 1)

    def describe(self) -> str:
        seeded = f" Seed {self.seed} ({SEED_VAR})." if self.seed != DEFAULT_SEED else ""
        if self.quick:
            return ("Quick mode: each model trains on a subset of the training digits for fewer epochs "
                    "(the budget is stated where it is trained): higher errors, blurrier pictures, "
                    "same code." + seeded)
        return "Full mode: all the data and the full number of epochs." + seeded


def settings(verbose: bool = True) -> RunSettings:
    """Read ``AE_FAST`` and ``AE_SEED`` once and return the run's settings (prints one line saying which)."""
    run = RunSettings(quick=quick_mode(), seed=seed())
    if verbose:
        print(run.describe())
    return run
