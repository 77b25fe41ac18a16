"""A notebook's measured results, for its summary table and for ``make bench``.

Notebooks call :func:`record` with what they measured (error in the course's unit,
parameters, training seconds, ...). :func:`table` shows the rows recorded so far in
this kernel. When the environment variable ``AE_RESULTS_DIR`` is set (``make bench``
sets it), every record is also appended as one JSON line to
``$AE_RESULTS_DIR/<notebook>.jsonl``, so the benchmark reads the very numbers the
notebooks computed, with their own model definitions and settings.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

ENV_VAR = "AE_RESULTS_DIR"
# What a NaN or infinite number is recorded as: a model whose loss blew up has *diverged*;
# it is not "not recorded". Tables show it as such and every claim that needs it fails.
DIVERGED = "diverged"
_rows: list[dict] = []


def is_diverged(value) -> bool:
    """True for a value recorded as diverged (or a NaN / infinite number not yet recorded)."""
    if isinstance(value, str):
        return value == DIVERGED
    if isinstance(value, bool) or value is None:
        return False
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _plain(value):
    """JSON-friendly: NumPy scalars to Python numbers, NaN and infinities to ``DIVERGED``."""
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return DIVERGED
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    raise TypeError(f"cannot record a value of type {type(value).__name__}: {value!r}")


def record(notebook: str, name: str, **values) -> None:
    """Record one result row, e.g. ``record("04", "conv AE, 30-d code", test_error=2.9, params=...)``.

    ``notebook`` is the notebook's two-digit number; ``name`` says what was measured.
    Values must be numbers, strings, booleans, None or lists/dicts of them. A NaN or infinite
    number is recorded as the string ``"diverged"`` (:data:`DIVERGED`). Returns None, so
    a cell ending with a record shows nothing; :func:`rows` gives the recorded rows.
    """
    if not (isinstance(notebook, str) and len(notebook) == 2 and notebook.isdigit()):
        raise ValueError(f"notebook must be a two-digit string such as '04', got {notebook!r}")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name must be a non-empty string saying what was measured")
    row = {"notebook": notebook, "name": name, **{k: _plain(v) for k, v in values.items()}}
    _rows[:] = [r for r in _rows if (r["notebook"], r["name"]) != (notebook, name)]
    _rows.append(row)
    target = os.environ.get(ENV_VAR, "").strip()
    if target:
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{notebook}.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def rows(notebook: str | None = None) -> list[dict]:
    """The rows recorded in this kernel (optionally of one notebook), oldest first."""
    return [dict(r) for r in _rows if notebook is None or r["notebook"] == notebook]


def read_dir(folder: str | os.PathLike) -> list[dict]:
    """All rows written under ``folder`` by :func:`record`; the last row of each name wins."""
    latest: dict[tuple, dict] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[(row["notebook"], row["name"])] = row
    return list(latest.values())


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def table(notebook: str | None = None, columns=None) -> str:
    """A Markdown table of the recorded rows (all columns, or the ones named)."""
    selected = rows(notebook)
    if not selected:
        return "(no results recorded yet)"
    if columns is None:
        columns = []
        for r in selected:
            columns += [k for k in r if k not in ("notebook", "name") and k not in columns]
            columns = [c for c in columns if not isinstance(r.get(c), list | dict)]
    header = ["result", *columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in selected:
        lines.append("| " + " | ".join([r["name"], *(_cell(r.get(c)) for c in columns)]) + " |")
    return "\n".join(lines)


def show(notebook: str | None = None, columns=None):
    """Display :func:`table` as Markdown in a notebook (plain text elsewhere)."""
    show_markdown(table(notebook, columns))


def show_markdown(text: str) -> None:
    """Display Markdown ``text`` rendered in a notebook, printed as it is elsewhere (also used by
    :func:`helpers.claims.check`)."""
    try:
        from IPython.display import Markdown, display

        from .training import in_notebook

        if in_notebook():
            display(Markdown(text))
            return
    except ImportError:
        pass
    print(text)
