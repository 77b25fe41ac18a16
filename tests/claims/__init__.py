"""Each lesson's claims, checked on the values its notebook computed.

A lesson draws conclusions in its prose ("the deep autoencoder is below PCA with 30
components"). Each one is written once, in ``tests/claims/nbNN.py`` beside the others of
its notebook, as a :class:`Claim`: the sentence it checks (quoted), a Python expression
over the notebook's own variables that gives one number, a comparison, and a threshold
for quick mode and one for full mode. A notebook may also name ``FIGURES``: values the
benchmark reports in RESULTS.md (label -> expression).

The notebooks never see any of this. After nbval has run a notebook's last cell
(``make test``), ``conftest.py`` evaluates the expressions in the same kernel
(:func:`probe_source`) and fails with the notebook, the sentence and the numbers when a
claim does not hold or a variable it reads is missing. ``make bench`` evaluates the same
expressions after each full and quick run (``benchmarks/run.py``).
"""

from __future__ import annotations

import importlib
import json
import math
import operator
from dataclasses import dataclass

COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
MARKER = "AE_CLAIM_VALUES "


@dataclass(frozen=True)
class Claim:
    sentence: str  # the notebook's words
    value: str  # an expression over the notebook's variables, giving one number
    op: str  # "<", "<=", ">" or ">="
    quick: float | None  # the threshold in quick mode (AE_FAST=1); None: not checked in quick mode
    full: float  # the threshold in full mode

    def __post_init__(self):
        if self.op not in COMPARE:
            raise ValueError(f"{self.sentence!r}: op must be one of {sorted(COMPARE)}, not {self.op!r}")

    def threshold(self, quick: bool) -> float | None:
        return self.quick if quick else self.full

    def holds(self, value: float, quick: bool) -> bool:
        limit = self.threshold(quick)
        return limit is None or (math.isfinite(value) and COMPARE[self.op](value, limit))

    def margin(self, value: float, quick: bool) -> float:
        """How far inside its threshold the value is, relative to the threshold (negative: it fails)."""
        limit = self.threshold(quick)
        if limit is None:
            return math.nan
        if not math.isfinite(value):
            return -math.inf
        inside = (limit - value) if self.op in ("<", "<=") else (value - limit)
        return inside / abs(limit) if limit else inside


def load(notebook: str):
    """The claims module of a notebook (by its file name, e.g. "03_deep_autoencoder"), or None."""
    try:
        return importlib.import_module(f"tests.claims.nb{notebook[:2]}")
    except ModuleNotFoundError as exc:
        if exc.name != f"tests.claims.nb{notebook[:2]}":
            raise
        return None


def expressions(module) -> list[str]:
    """Every expression a notebook's claims and figures read, each once."""
    found = [c.value for c in getattr(module, "CLAIMS", [])] + list(getattr(module, "FIGURES", {}).values())
    return list(dict.fromkeys(found))


def probe_source(exprs: list[str]) -> str:
    """Code for the notebook's kernel: evaluates each expression and prints them as one JSON line."""
    return (
        "def _ae_claim_values(exprs):\n"
        "    import json\n"
        "    out = {}\n"
        "    for e in exprs:\n"
        "        try:\n"
        "            out[e] = float(eval(e, globals()))\n"
        "        except Exception as exc:\n"
        "            out[e] = f'{type(exc).__name__}: {exc}'\n"
        f"    print({MARKER!r} + json.dumps(out))\n"
        f"_ae_claim_values({json.dumps(exprs)})\n"
        "del _ae_claim_values\n"
    )


def parse(outputs) -> dict:
    """The values a probe printed, from a cell's outputs (nbformat or nbval's)."""
    for out in outputs:
        text = out.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        for line in text.splitlines():
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
    raise LookupError("the probe printed no values: " + repr(outputs)[:500])


def failures(module, values: dict, quick: bool) -> list[str]:
    """One line per claim that does not hold (or whose value could not be computed)."""
    mode = "quick" if quick else "full"
    lines = []
    for claim in getattr(module, "CLAIMS", []):
        value = values.get(claim.value)
        if isinstance(value, str) or value is None:
            lines.append(f"{claim.sentence!r}: cannot compute `{claim.value}` ({value}): "
                         "was a variable renamed or removed in the notebook?")
        elif not claim.holds(value, quick):
            lines.append(f"{claim.sentence!r}: `{claim.value}` = {value:.4g}, "
                         f"needs {claim.op} {claim.threshold(quick):g} in {mode} mode")
    return lines
