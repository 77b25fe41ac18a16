"""Run settings: full mode or quick mode (``AE_FAST=1``).

Quick mode exists for slow machines, live classes and the test suite: every
notebook trains on a small subset for one or two epochs, through exactly the
same code as a full run. It costs quality (blurrier reconstructions, larger
errors), never correctness. Notebooks ask this module for epochs and subset
sizes instead of reading the environment themselves.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

ENV_VAR = "AE_FAST"
SCALE_VAR = "AE_EPOCH_SCALE"  # full mode only: train every model this many times longer
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


@dataclass(frozen=True)
class RunSettings:
    """Epochs and data sizes for this run. Get one from :func:`settings`."""

    quick: bool
    train_size: int | None  # None: every training digit
    test_size: int | None  # None: every test digit
    scale: float = 1.0  # full-mode epochs are multiplied by this (AE_EPOCH_SCALE)

    def epochs(self, full: int, quick: int = 1) -> int:
        """The number of epochs to train: ``full`` normally, ``quick`` in quick mode."""
        for name, value in (("full", full), ("quick", quick)):
            if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
                raise ValueError(f"epochs({name}=...) must be a positive whole number, got {value!r}")
        return int(quick) if self.quick else max(1, round(full * self.scale))

    def pick(self, full, quick):
        """Any other setting that differs between the modes: ``full`` or ``quick``."""
        return quick if self.quick else full

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

    def train_subset(self, *arrays, seed: int = 0):
        """The training arrays (images, labels, ...), cut to ``train_size`` rows in quick mode.

        The same random rows are taken from every array, so images and labels stay paired.
        """
        return self._take(self.train_size, arrays, seed)

    def test_subset(self, *arrays, seed: int = 1):
        """The test arrays, cut to ``test_size`` rows in quick mode."""
        return self._take(self.test_size, arrays, seed)

    def describe(self) -> str:
        if self.quick:
            return (
                f"Quick mode ({ENV_VAR}=1): at most {self.train_size:,} training and "
                f"{self.test_size:,} test digits, few epochs. Numbers will be worse than a full run."
            )
        longer = f" x {self.scale:g} ({SCALE_VAR})" if self.scale != 1 else ""
        return f"Full mode: all the data and the full number of epochs{longer}."


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
    )
    if verbose:
        print(run.describe())
    return run
