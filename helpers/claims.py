"""Each notebook's claims, checked on the numbers the notebook recorded.

A lesson draws conclusions ("the non-linear autoencoder beats PCA at every code size").
Each conclusion is declared once, in :mod:`helpers.lesson_claims`, as a :class:`Claim`:
the notebook, a sentence saying what the lesson claims, a function computing the
measured number from the rows the notebook recorded with :func:`helpers.results.record`,
a comparison, and a threshold for quick mode and one for full mode.

* In a notebook, ``claims.check("01")`` is the last code cell: it shows a table (claim,
  measured, required in this mode, holds?) and raises :class:`ClaimFailed` (an
  ``AssertionError``) naming the notebook, the claim and the measured numbers when a
  claim fails or a result it needs is missing or diverged. ``make test`` runs every
  notebook in quick mode, so a lesson that stops holding fails the tests.
* ``make bench`` evaluates the same claims with :func:`evaluate` on the rows a run wrote
  (full-mode thresholds, and quick-mode ones for its quick pass) and lists them in
  RESULTS.md.

Used by every notebook's summary and by ``benchmarks``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import data as _data
from . import results

COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
HOLDS, FAILS, MISSING, DIVERGED, ERROR = "holds", "FAILS", "MISSING", "DIVERGED", "ERROR"


class ClaimFailed(AssertionError):
    """A lesson's claim does not hold on this run (or a result it needs is missing or diverged)."""


class _Missing(LookupError):
    pass


class _Diverged(ArithmeticError):
    pass


def fmt(value) -> str:
    """A measured number, short: 4 significant digits, thousands separated from 1,000 on."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    value = float(value)
    if not math.isfinite(value):
        return results.DIVERGED
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


class Results:
    """Read access to one notebook's recorded rows for a claim's ``measure`` function.

    Every value read is remembered (``used``), so a failing claim can show the numbers
    it was computed from. A row or field that is not there raises (the claim is then
    MISSING); a value recorded as diverged raises too (the claim is then DIVERGED).
    """

    def __init__(self, rows: Iterable[dict]):
        self._rows: dict[str, dict] = {}
        for row in rows:
            self._rows[str(row.get("name"))] = row
        self.used: list[tuple[str, str, object]] = []

    def names(self, prefix: str = "") -> list[str]:
        """The names of the recorded rows that start with ``prefix``, in recording order."""
        return [name for name in self._rows if name.startswith(prefix)]

    def value(self, name: str, field: str = "test_error") -> float:
        """The number ``field`` of the row called ``name``."""
        row = self._rows.get(name)
        if row is None:
            raise _Missing(f"no result called {name!r} was recorded")
        if field not in row or row[field] is None:
            raise _Missing(f"result {name!r} has no {field!r}")
        value = row[field]
        if isinstance(value, list):
            if any(results.is_diverged(v) for v in value):
                self.used.append((name, field, results.DIVERGED))
                raise _Diverged(f"{name!r} {field} diverged (NaN or infinite)")
            self.used.append((name, field, value))
            return value
        if results.is_diverged(value):
            self.used.append((name, field, results.DIVERGED))
            raise _Diverged(f"{name!r} {field} diverged (NaN or infinite)")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Missing(f"result {name!r} has {field}={value!r}, not a number")
        self.used.append((name, field, value))
        return float(value)

    def values(self, prefix: str, field: str = "test_error") -> dict[str, float]:
        """``{name: value}`` for every row whose name starts with ``prefix`` (at least one)."""
        names = self.names(prefix)
        if not names:
            raise _Missing(f"no result whose name starts with {prefix!r} was recorded")
        return {name: self.value(name, field) for name in names}


@dataclass(frozen=True)
class Claim:
    """One conclusion of a lesson, checkable on the numbers a run of the notebook recorded.

    ``measure(results)`` returns the measured number from a :class:`Results`;
    the claim holds when ``measured <compare> threshold`` for the run's mode
    (``quick`` for ``AE_FAST=1``, ``full`` otherwise).
    """

    notebook: str
    says: str
    measure: Callable[[Results], float]
    compare: str
    quick: float
    full: float
    unit: str = ""

    def __post_init__(self):
        if not (isinstance(self.notebook, str) and len(self.notebook) == 2 and self.notebook.isdigit()):
            raise ValueError(f"a claim's notebook must be a two-digit string such as '04', got {self.notebook!r}")
        if not isinstance(self.says, str) or not self.says.strip():
            raise ValueError("a claim needs a sentence saying what the lesson claims")
        if self.compare not in COMPARISONS:
            raise ValueError(f"compare={self.compare!r} is not one of {', '.join(COMPARISONS)}")
        for mode in ("quick", "full"):
            value = getattr(self, mode)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"claim {self.says!r}: the {mode}-mode threshold must be a finite number")
        if not callable(self.measure):
            raise ValueError(f"claim {self.says!r}: measure must be a function of the notebook's results")

    def threshold(self, quick: bool) -> float:
        return self.quick if quick else self.full

    def required(self, quick: bool) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{SYMBOLS[self.compare]} {fmt(self.threshold(quick))}{unit}"


@dataclass
class Outcome:
    """A claim evaluated on one run: status is holds, FAILS, MISSING, DIVERGED or ERROR."""

    claim: Claim
    quick: bool
    status: str
    measured: float | None = None
    problem: str = ""
    used: list = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.status == HOLDS

    @property
    def mode(self) -> str:
        return "quick" if self.quick else "full"

    def measured_text(self) -> str:
        if self.status == DIVERGED:
            return results.DIVERGED
        if self.measured is None:
            return "—"
        unit = f" {self.claim.unit}" if self.claim.unit else ""
        return fmt(self.measured) + unit

    def inputs_text(self) -> str:
        parts = []
        for name, fld, value in self.used:
            shown = value if isinstance(value, str) else (
                "[" + ", ".join(fmt(v) for v in value) + "]" if isinstance(value, list) else fmt(value))
            parts.append(f"{name} {fld} = {shown}")
        return "; ".join(parts)

    def explain(self) -> str:
        """One line for an error message: the claim, what was measured, what was required."""
        line = f"\"{self.claim.says}\": "
        if self.status == FAILS:
            line += f"measured {self.measured_text()}, required {self.claim.required(self.quick)} in {self.mode} mode"
        elif self.status == DIVERGED:
            line += f"a result it needs diverged ({self.problem}); required {self.claim.required(self.quick)}"
        elif self.status == MISSING:
            line += f"a result it needs is missing ({self.problem})"
        elif self.status == ERROR:
            line += f"computing it failed ({self.problem})"
        else:
            line += f"holds: measured {self.measured_text()}, required {self.claim.required(self.quick)}"
        inputs = self.inputs_text()
        return line + (f" [from {inputs}]" if inputs else "")


def declared(notebook: str | None = None) -> list[Claim]:
    """The claims declared in :mod:`helpers.lesson_claims` (of one notebook, or all)."""
    from .lesson_claims import CLAIMS

    return [c for c in CLAIMS if notebook is None or c.notebook == notebook]


def evaluate_claim(claim: Claim, rows: Iterable[dict], quick: bool) -> Outcome:
    """Evaluate one claim on a notebook's rows (dicts as :func:`helpers.results.rows` returns)."""
    view = Results(r for r in rows if str(r.get("notebook")) == claim.notebook)
    try:
        measured = claim.measure(view)
    except _Missing as missing:
        return Outcome(claim, quick, MISSING, problem=str(missing), used=view.used)
    except _Diverged as diverged:
        return Outcome(claim, quick, DIVERGED, problem=str(diverged), used=view.used)
    except Exception as error:  # a broken measure is reported as a failing claim, never skipped
        return Outcome(claim, quick, ERROR, problem=f"{type(error).__name__}: {error}", used=view.used)
    if isinstance(measured, bool) or not isinstance(measured, int | float):
        return Outcome(claim, quick, ERROR, problem=f"measure returned {measured!r}, not a number", used=view.used)
    measured = float(measured)
    if not math.isfinite(measured):
        return Outcome(claim, quick, DIVERGED, measured=measured, problem="the measured number is NaN or infinite",
                       used=view.used)
    ok = COMPARISONS[claim.compare](measured, claim.threshold(quick))
    return Outcome(claim, quick, HOLDS if ok else FAILS, measured=measured, used=view.used)


def evaluate(notebook: str, rows: Iterable[dict], quick: bool, claims: Iterable[Claim] | None = None) -> list[Outcome]:
    """Every claim of ``notebook`` evaluated on ``rows`` with the ``quick`` or full thresholds."""
    rows = list(rows)
    chosen = declared(notebook) if claims is None else [c for c in claims if c.notebook == notebook]
    return [evaluate_claim(c, rows, quick) for c in chosen]


def table(outcomes: Iterable[Outcome]) -> str:
    """A Markdown table: claim, measured, required in this mode, holds?"""
    outcomes = list(outcomes)
    mode = outcomes[0].mode if outcomes else "this"
    lines = [f"| claim | measured | required ({mode} mode) | holds? |", "|---|---|---|---|"]
    for o in outcomes:
        verdict = "yes" if o.holds else f"**NO ({o.status.lower()})**" if o.status != FAILS else "**NO**"
        says = o.claim.says.replace("|", "\\|")
        lines.append(f"| {says} | {o.measured_text()} | {o.claim.required(o.quick)} | {verdict} |")
    return "\n".join(lines)


def failure_message(notebook: str, outcomes: Iterable[Outcome]) -> str | None:
    """The error text for the outcomes that do not hold, or None when all hold."""
    failed = [o for o in outcomes if not o.holds]
    if not failed:
        return None
    mode = failed[0].mode
    head = (f"Notebook {notebook}: {len(failed)} of the lesson's claims "
            f"{'does' if len(failed) == 1 else 'do'} not hold on this run ({mode} mode):")
    body = "\n".join(f"  - {o.explain()}" for o in failed)
    hint = ("\nThe claims and their thresholds are declared in helpers/lesson_claims.py; the numbers come "
            f"from the results.record(\"{notebook}\", ...) calls of this run.")
    return f"{head}\n{body}{hint}"


SMALL_DATA_NOTE = (
    "*This full-mode run trained on fewer than MNIST's 60,000 training digits (the offline sample, "
    "or a smaller file). The full-mode thresholds are set for full MNIST, so a claim marked NO here "
    "shows what so little data does, not a broken lesson; no error is raised. Point `AE_MNIST_PATH` "
    "at the full `mnist.npz` to check the lesson as published.*"
)


def check(notebook: str, rows: Iterable[dict] | None = None, quick: bool | None = None,
          show: bool = True, strict: bool | None = None) -> list[Outcome] | None:
    """Check the lesson's claims on this run: show the table, raise :class:`ClaimFailed` if any fails.

    ``rows`` defaults to what this kernel recorded for ``notebook``; ``quick`` to the
    run's mode (``AE_FAST``). ``strict`` (default: yes, except for a full-mode run on less
    than full MNIST, e.g. the offline sample, where ``data.loaded_full_mnist()`` is False)
    says whether a failing claim raises; the full-mode thresholds are set for full MNIST,
    so such a run shows the table with a note saying so instead. With ``show=False`` the
    outcomes are returned; with the table shown nothing is, so a notebook cell ending with
    ``claims.check("04")`` shows no stray list of outcomes under the table.
    """
    if not (isinstance(notebook, str) and len(notebook) == 2 and notebook.isdigit()):
        raise ValueError(f"notebook must be a two-digit string such as '04', got {notebook!r}")
    if not declared(notebook):
        raise ValueError(f"notebook {notebook} declares no claims: add them to its section of "
                         "helpers/lesson_claims.py")
    if quick is None:
        from .config import quick_mode

        quick = quick_mode()
    outcomes = evaluate(notebook, results.rows(notebook) if rows is None else rows, quick)
    small_data = not quick and _data.loaded_full_mnist() is False
    strict = not small_data if strict is None else strict
    if show:
        results.show_markdown(table(outcomes) + (f"\n\n{SMALL_DATA_NOTE}" if small_data and not strict else ""))
    message = failure_message(notebook, outcomes)
    if message and strict:
        raise ClaimFailed(message)
    return None if show else outcomes
