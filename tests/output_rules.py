"""What a clean notebook output is, for both checks that read executed outputs.

* ``tests/test_notebooks.py`` applies :func:`problems` to the committed (full-mode) outputs.
* ``conftest.py`` at the repository root applies it to the outputs nbval produces while
  ``make test`` runs the notebooks in quick mode, and fails the cell that produced them.

A learner should see lesson output only: no stderr stream (library warnings, retracing
notices, deprecation messages), no NumPy scalar reprs such as ``np.int64(3)`` in text,
no stray return values (a cell ending in ``model.fit(...)`` showing a ``History``, a
dict returned by a call), no bare ``<Figure size ...>`` or ``<... object at 0x...>`` reprs.
"""

from __future__ import annotations

import re

# "WARNING:tensorflow:...", "UserWarning: ...", TensorFlow's "... triggered tf.function retracing"
WARNING = re.compile(r"WARNING|\b[A-Z]\w*Warning\b|\bretracing\b")
NUMPY_REPR = re.compile(r"\bnp\.(?:u?int|float|complex|bool|str_)\w*\(")
BARE_REPR = re.compile(r"^<Figure size |^<[\w.]+ object at 0x[0-9a-f]+>")
RICH = ("text/html", "text/markdown", "image/png", "image/svg+xml", "image/jpeg",
        "application/vnd.jupyter.widget-view+json", "text/latex")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " …"


def silenced_by_semicolon(source: str | None) -> bool:
    """True when the cell's last line ends with ``;``: JupyterLab then shows no return value.

    IPython decides this from the history it stores; nbval runs cells without storing
    history, so under nbval the value still arrives as an ``execute_result`` that a
    learner never sees. The rule follows what the learner sees.
    """
    lines = [line for line in (source or "").splitlines() if line.strip()]
    if not lines:
        return False
    last = re.sub(r"\s+#.*$", "", lines[-1]).rstrip()
    return last.endswith(";")


def problems(outputs, source: str | None = None) -> list[str]:
    """What is wrong with one cell's outputs (a list of nbformat output dicts); empty if clean.

    Give the cell's ``source`` when the outputs come from nbval: a return value that the
    cell silences with a trailing ``;`` is then not reported (see :func:`silenced_by_semicolon`).
    """
    found = []
    quiet = silenced_by_semicolon(source)
    for out in outputs:
        kind = out.get("output_type")
        if kind == "execute_result" and quiet:
            continue
        if kind == "error":
            found.append(f"error output: {out.get('ename')}: {_short(_text(out.get('evalue')))}")
            continue
        if kind == "stream":
            text = _text(out.get("text"))
            if out.get("name") == "stderr":
                found.append(f"stderr stream: {_short(text)}")
                continue
            texts = {"printed text": text}
        else:
            data = out.get("data", {})
            plain = _text(data.get("text/plain"))
            if not any(mime in data for mime in RICH):
                if kind == "execute_result":
                    found.append(f"stray return value (end the line with ';' or print a sentence): "
                                 f"{_short(plain, 120)}")
                elif BARE_REPR.search(plain.strip()):
                    found.append(f"bare object repr instead of a picture: {_short(plain, 120)}")
            texts = {"text": plain, "HTML": _text(data.get("text/html")),
                     "Markdown": _text(data.get("text/markdown"))}
        for where, text in texts.items():
            for line in text.splitlines():
                if WARNING.search(line):
                    found.append(f"warning in {where}: {_short(line)}")
                if NUMPY_REPR.search(line):
                    found.append(f"NumPy repr in {where} (format the number, e.g. int(x) or f'{{x:.2f}}'): "
                                 f"{_short(line)}")
    return found
