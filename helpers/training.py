"""A progress display for ``model.fit``: the one training aid the notebooks use.

:class:`Progress` is a Keras callback. In JupyterLab it shows a progress line and a
live loss curve (training and validation) that update after every epoch; in a
terminal or a script it prints one compact line per epoch. Train with
``model.fit(x, x, ..., verbose=0, callbacks=[Progress()])`` so Keras' own per-batch
bars stay out of the way; ``fit`` still returns Keras' ``History``. After training,
``progress.seconds`` is the training time (the epochs' wall time).

Used by every notebook that trains.
"""

from __future__ import annotations

import html
import io
import time

import keras


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, nbval, nbconvert), False in a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _fmt_seconds(s: float) -> str:
    return f"{s:.1f} s" if s < 90 else f"{int(s // 60)} min {int(s % 60):02d} s"


class Progress(keras.callbacks.Callback):
    """One line per epoch in a terminal; a progress line and a live loss curve in a notebook.

    After training, ``epoch_seconds`` holds each epoch's wall time, ``seconds`` the
    total, and ``logs`` each epoch's metrics.

    Parameters
    ----------
    unit:
        What the loss is measured in, shown beside the curve (e.g. "squared error per image").
    metrics:
        The logged metrics to plot; default ``["loss"]`` (with ``val_loss`` when present).
    live:
        ``True``/``False`` to force the notebook view on or off; default: detect.
    name:
        Which model is training (e.g. "β = 4"), shown at the start of every line and
        in the live view; give one whenever a cell trains several models.
    """

    def __init__(self, unit: str | None = None, metrics=("loss",), live: bool | None = None,
                 name: str | None = None):
        super().__init__()
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ValueError(f"name must be a non-empty string saying which model trains, got {name!r}")
        self.name = name
        self.unit = unit
        self.metric_names = list(metrics)
        self.live = in_notebook() if live is None else bool(live)
        self.epoch_seconds: list[float] = []
        self.logs: list[dict] = []
        self._handle = None

    @property
    def seconds(self) -> float:
        return float(sum(self.epoch_seconds))

    def on_train_begin(self, logs=None):
        self.epoch_seconds, self.logs = [], []
        self._total = self.params.get("epochs") or 0
        if self.live:
            from IPython.display import display

            self._handle = display(self._html(), display_id=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._t0)
        self.logs.append({k: float(v) for k, v in (logs or {}).items()})
        if self.live:
            self._handle.update(self._html())
        else:
            print(self._line(), flush=True)

    def _line(self) -> str:
        n = len(self.logs)
        width = len(str(self._total))
        shown = ", ".join(
            f"{k} {v:.4g}" for k, v in self.logs[-1].items() if k != "learning_rate"
        )
        prefix = f"{self.name}: " if self.name else ""
        return f"{prefix}epoch {n:>{width}}/{self._total}  {self.epoch_seconds[-1]:5.1f} s  {shown}"

    def _html(self):
        from IPython.display import HTML

        n, total = len(self.logs), max(self._total, 1)
        elapsed = self.seconds
        eta = (elapsed / n) * (total - n) if n else None
        status = f"{self.name}: " if self.name else ""
        status += f"epoch {n}/{self._total} · {_fmt_seconds(elapsed)} elapsed"
        if eta is not None and n < total:
            status += f" · about {_fmt_seconds(eta)} to go"
        if self.logs:
            status += " · " + ", ".join(
                f"{k} {v:.4g}" for k, v in self.logs[-1].items() if k != "learning_rate"
            )
        parts = [
            f'<progress value="{n}" max="{total}" style="width:40%"></progress> '
            f"<code>{html.escape(status)}</code>"
        ]
        if n >= 1:
            parts.append(f'<br><img src="data:image/png;base64,{self._curve_png()}" '
                         'alt="training curves" width="420">')
        return HTML("".join(parts))

    def _curve_figure(self):
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        # 100 dpi: 420 x 240 pixels, shown at that size (no scaling), so 8-point text is 11 px
        fig = Figure(figsize=(4.2, 2.4), dpi=100)
        ax = fig.add_subplot()
        epochs = range(1, len(self.logs) + 1)
        for name in self.metric_names:
            for key, style in ((name, "-o"), (f"val_{name}", "--o")):
                values = [log.get(key) for log in self.logs]
                if any(v is not None for v in values):
                    ax.plot(epochs, values, style, ms=3, label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(self.unit or "loss")
        ax.set_xlim(0.5, max(self._total, len(self.logs)) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if self.name:
            ax.set_title(self.name, fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        return fig

    def _curve_png(self) -> str:
        import base64

        buffer = io.BytesIO()
        self._curve_figure().savefig(buffer, format="png")
        return base64.b64encode(buffer.getvalue()).decode("ascii")
