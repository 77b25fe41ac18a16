"""Seeding and visible training progress.

* :func:`set_seed` makes a CPU run repeatable; notebooks call it explicitly.
* :class:`Progress` is a Keras callback. In JupyterLab it shows a progress line and
  a live loss curve (training and validation) that update after every epoch; in a
  terminal or a test log it prints one compact line per epoch. Train with
  ``model.fit(..., verbose=0, callbacks=[Progress()])`` so Keras' own per-batch bars
  stay out of the way.

* :func:`fit` trains a compiled model with a :class:`Progress` display, or, when the same
  model was already trained the same way, loads it from the course's model cache
  (:mod:`helpers.cache`), says so in one line and shows the stored curves. Either way
  it returns the :class:`Progress` record (``logs``, ``epoch_seconds``, ``seconds``,
  ``history``), so the cells after it show the same numbers.

Introduced in notebook 01; used by every notebook that trains.
"""

from __future__ import annotations

import datetime
import html
import io
import time

import keras


def set_seed(seed: int = 42) -> None:
    """Seed Python, NumPy and the Keras backend (``keras.utils.set_random_seed``).

    Returns None, so a notebook cell that ends with it shows no stray value.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    keras.utils.set_random_seed(seed)


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
        self._stopped = None  # set by fit's stopwatch, so other callbacks' time stays out
        self.reused = False  # True when training.fit loaded the model from the cache
        self.quiet = False  # training.fit(..., show=False): record, show nothing

    @property
    def seconds(self) -> float:
        return float(sum(self.epoch_seconds))

    @property
    def time_note(self) -> str:
        """" (recorded when it was trained)" for a reused model, else "": put it after a printed time."""
        return " (recorded when it was trained)" if self.reused else ""

    @property
    def history(self) -> dict[str, list[float]]:
        """The per-epoch logs as Keras' ``History.history``: ``{"loss": [...], ...}``."""
        keys = []
        for log in self.logs:
            keys += [k for k in log if k not in keys]
        return {k: [log.get(k) for log in self.logs] for k in keys}

    def replay(self, logs, epoch_seconds, epochs: int) -> None:
        """Show stored epochs as if they were being trained now (the same lines or curve)."""
        self._total = epochs
        self.epoch_seconds, self.logs = [], []
        if self.quiet:
            self.epoch_seconds, self.logs = [float(s) for s in epoch_seconds], [dict(x) for x in logs]
            return
        if self.live:
            from IPython.display import display

            self.epoch_seconds, self.logs = [float(s) for s in epoch_seconds], [dict(x) for x in logs]
            display(self._html())
            return
        for log, seconds in zip(logs, epoch_seconds, strict=True):
            self.epoch_seconds.append(float(seconds))
            self.logs.append(dict(log))
            print(self._line(), flush=True)

    def on_train_begin(self, logs=None):
        self.epoch_seconds, self.logs = [], []
        self._total = self.params.get("epochs") or 0
        if self.live and not self.quiet:
            from IPython.display import display

            self._handle = display(self._html(), display_id=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        end, self._stopped = self._stopped or time.perf_counter(), None
        self.epoch_seconds.append(end - self._t0)
        self.logs.append({k: float(v) for k, v in (logs or {}).items()})
        if self.quiet:
            return
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


class _Stopwatch(keras.callbacks.Callback):
    """Runs first: notes when the epoch's training ended, before other callbacks' work."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress

    def on_epoch_end(self, epoch, logs=None):
        self.progress._stopped = time.perf_counter()


def _one_line(text: str) -> None:
    print(text, flush=True)


def _reuse_line(progress: Progress, meta: dict) -> str:
    logs = meta.get("logs") or [{}]
    final = {k: v for k, v in logs[-1].items() if k in ("loss", "val_loss")}
    shown = ", ".join(f"final {k.replace('_', ' ')} {v:.4g}" for k, v in final.items())
    who = f"{progress.name}: " if progress.name else ""
    return (f"{who}reused the model trained on {meta.get('date', '?')} for {len(logs)} epochs "
            f"({_fmt_seconds(float(meta.get('seconds', 0)))} of training{', ' + shown if shown else ''}; "
            f"times shown are that training's); set AE_RETRAIN=1 to train it again")


def fit(model, x, y=None, *, epochs: int, batch_size: int | None = None, validation_data=None,
        shuffle: bool = True, callbacks=(), name: str | None = None, unit: str | None = None,
        metrics=("loss",), live: bool | None = None, show: bool = True, **fit_options) -> Progress:
    """Train a compiled ``model`` like ``model.fit(...)``, or reuse it if it was trained the same way.

    Arguments are those of ``keras.Model.fit`` (``epochs``, ``batch_size``, ``validation_data``,
    ``shuffle``, ``callbacks``) and of :class:`Progress` (``name``, ``unit``, ``metrics``,
    ``live``); ``show=False`` trains without any display (only a broken entry or a failed write
    is reported). Returns the :class:`Progress` record: ``logs`` (per epoch), ``epoch_seconds``,
    ``seconds``, ``history`` and ``reused``.

    The model cache (:mod:`helpers.cache`) is keyed by everything that changes the result
    (:mod:`helpers.fingerprint`): architecture, starting weights (so the seed), loss,
    metrics, optimiser and schedule, epochs, batch size, callbacks, the data's bytes, the
    dtype policy and the library versions. On a hit the weights are loaded, one line says
    so, and the stored epochs are shown through the same display; ``seconds`` and
    ``epoch_seconds`` are then the recorded times of that original training. Extra
    ``callbacks`` run only when the model trains: whatever they measure per epoch and
    should survive reuse must be written into the epoch's ``logs`` dict (it is stored).
    ``AE_CACHE=0`` switches the cache off, ``AE_RETRAIN=1`` trains again and replaces
    the entry, ``AE_CACHE_DIR`` moves it. A broken entry is reported and retrained; a
    failed write is reported and the trained model stays as it is.
    """
    from . import cache, fingerprint

    progress = Progress(unit=unit, metrics=metrics, live=live, name=name)
    progress.quiet = not show
    fit_options.pop("verbose", None)  # Progress is the display
    callbacks = list(callbacks)
    k, why_not = None, None
    if not cache.enabled():
        why_not = "model cache switched off (AE_CACHE=0): trained from scratch, not stored"
    else:
        try:
            parts = fingerprint.training_key_parts(model, x, y, validation_data, epochs, batch_size, shuffle,
                                                   callbacks, fit_options)
            k = cache.key(parts)
        except fingerprint.Unkeyable as exc:
            why_not = f"not cached: {exc}; trained from scratch"
    if k is not None and cache.retrain_requested():
        why_not = "AE_RETRAIN=1: trained again; the cached copy is replaced"
    elif k is not None:
        before = ([v.numpy() for v in model.variables], _random_state(model))  # to undo a failed load
        try:
            entry = cache.read(k)
            if entry is not None:
                _load(model, x, entry.weights)
                _restore_random_state(model, entry.meta["random_state"])
                if show:
                    _one_line(_reuse_line(progress, entry.meta))
                progress.reused = True
                progress.replay(entry.meta["logs"], entry.meta["epoch_seconds"], int(entry.meta["epochs"]))
                return progress
        except Exception as exc:  # a broken entry: say why in one line, remove it and train again
            reason = str(exc) if isinstance(exc, cache.BrokenEntry) else f"it could not be loaded ({type(exc).__name__})"
            _one_line(f"cached model ignored: {reason}; training it again")
            cache.remove(k)
            for v, value in zip(model.variables, before[0], strict=True):  # train from the start, as without it
                v.assign(value)
            _restore_random_state(model, before[1])
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data, shuffle=shuffle,
              verbose=0, callbacks=[_Stopwatch(progress), *callbacks, progress], **fit_options)
    if k is None:
        if show:
            _one_line(why_not)
        return progress
    meta = {"date": datetime.date.today().isoformat(), "epochs": epochs, "logs": progress.logs,
            "epoch_seconds": progress.epoch_seconds, "seconds": progress.seconds, "name": name,
            "random_state": _random_state(model)}
    try:
        _mark_built(model)
        cache.write(k, model.save_weights, meta)
    except Exception as exc:  # a full disk, no permission: the trained model in memory is untouched
        _one_line(f"could not store the trained model in the cache ({type(exc).__name__}: {exc}); "
                  "it is trained and in use, only not kept for the next run")
        return progress
    if why_not and show:
        _one_line(why_not)
    return progress


def _random_state(model) -> dict:
    """Every random state training moves on: Python's, NumPy's, Keras' global seed generator and the
    model's own seed generators (e.g. a VAE's sampling layer). Stored with the model and restored on
    reuse, so the cells after training draw the same random numbers as after a real training."""
    import random

    import numpy as np

    weights = {id(w) for w in model.weights}
    state = {"python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
             "model_seeds": [np.asarray(v.numpy()).tolist() for v in model.variables if id(v) not in weights]}
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state["numpy"] = [kind, keys.tolist(), int(pos), int(has_gauss), float(cached)]
    try:
        from keras.src.random.seed_generator import global_seed_generator

        state["keras_global"] = np.asarray(global_seed_generator().state.numpy()).tolist()
    except (ImportError, AttributeError):  # pragma: no cover - another Keras layout
        pass
    return state


def _restore_random_state(model, state: dict) -> None:
    import random

    import numpy as np

    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    weights = {id(w) for w in model.weights}
    seeds = [v for v in model.variables if id(v) not in weights]
    if len(seeds) != len(state["model_seeds"]):
        raise ValueError("the stored random state does not fit this model")
    for v, value in zip(seeds, state["model_seeds"], strict=True):
        v.assign(np.asarray(value, dtype=v.dtype))
    if "keras_global" in state:
        from keras.src.random.seed_generator import global_seed_generator

        generator = global_seed_generator()
        generator.state.assign(np.asarray(state["keras_global"], dtype=generator.state.dtype))


def _mark_built(model) -> None:
    """A subclassed model whose weights all live in sub-models (notebook 06's VAE, with its own
    train_step) is never marked built by ``fit``; Keras' weight saving and loading insist on it.
    Marked without calling the model, which would draw from its random generators."""
    if not model.built and model.weights:
        model.built = True


def _load(model, x, weights_path) -> None:
    """Load the stored weights (and the optimiser's state) into ``model``."""
    _mark_built(model)
    if not model.built:
        sample = x[0] if isinstance(x, tuple | list) else x
        model.build((None, *sample.shape[1:]))
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)  # its stored state loads too, no warning
    model.load_weights(weights_path)
