"""Slider-driven explorers of latent spaces, reconstructions and noise.

Five functions build an :class:`Explorer`, an interactive panel of ipywidgets
controls and images that updates as you move the controls:

* :func:`latent_sliders` - one slider per latent dimension, the decoded digit
  (notebooks 02, 03, 06);
* :func:`latent_2d` - the scatter of 2-D codes with a marker at (z1, z2) and the
  digit decoded there (notebook 06);
* :func:`interpolation` - a slider t from 0 to 1 between two test digits: the
  blend of their codes, decoded, beside the blend of their pixels (notebooks 04, 06);
* :func:`noise` - noise level and type: noisy input, model output and a baseline,
  with PSNR (notebook 05);
* :func:`code_size` - a slider over the code size k with PCA and autoencoder
  reconstructions side by side (notebook 01).

Make the explorer the last expression of a cell (no ``;``) so that it displays.

Why they feel instant: a slider callback calls the model directly (a Keras model
is wrapped in a compiled ``tf.function``; ``model.predict`` is never used, it
rebuilds a data pipeline on every call), and the images are small PNGs made with
Pillow and sent to ``widgets.Image``; no Matplotlib figure is built per update.
The 2-D scatter is drawn once and only the marker is painted per update.

Where widgets cannot run (GitHub's preview, ``nbconvert --to html``, a notebook
opened before its kernel runs), the explorer's display also carries a static
PNG of its state at display time, so the page shows a figure instead of an empty
``interactive(...)`` line.

In code and tests: ``ex.controls`` maps control names to the ipywidgets,
``ex.set(z1=0.5)`` moves controls exactly as a user would (the same update path),
``ex.shown`` maps each panel's name to the float image now displayed, and
``ex.widget`` is the ipywidgets container.

Introduced in notebook 01; used by notebooks 01-06.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import logging
import math
import re
import textwrap
import time
import weakref

import numpy as np

from . import data as _data
from .metrics import UNIT, per_image_squared_error

SCALE = 5  # a 28 x 28 digit is shown at 140 x 140 screen pixels
STRIP_SCALE = 3  # digits in a row of several are shown at 84 x 84
_DIGIT_SIDE = 28


# --- models: called directly, compiled where possible ---------------------------------


def _first_output(out):
    """The array a model returned; for several outputs (a VAE encoder's z_mean, z_log_var, z) the first."""
    if isinstance(out, dict):
        out = next(iter(out.values()))
    if isinstance(out, list | tuple):
        out = out[0]
    if hasattr(out, "numpy"):
        out = out.numpy()
    return np.asarray(out, dtype=np.float32)


class _NoRetracingNotice(logging.Filter):
    """Drops TensorFlow's "N out of the last M calls ... triggered tf.function retracing" notice."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def _quiet_first_trace():
    # Each explorer compiles its model once, on its first call. A notebook that builds several
    # explorers (or several models) makes TensorFlow warn about "excessive retracing"; here the
    # tracing is by design, so that one notice is dropped, for this call only.
    logger = logging.getLogger("tensorflow")
    notice = _NoRetracingNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


# Keras model -> (weak reference to) its compiled inference call, shared by the explorers of one
# model; weak on both sides, so neither keeps the model alive once its explorers are gone
_compiled = weakref.WeakKeyDictionary()


def _fast_call(model, name: str):
    """A function x -> NumPy array that calls ``model`` without ``predict``.

    A Keras model or layer (TensorFlow backend) runs through ``tf.function`` in
    inference mode, compiled on its first call; any other callable is called as it is.
    """
    if not callable(model):
        raise TypeError(f"{name} must be a Keras model or a function of a NumPy batch, got {type(model).__name__}")
    try:
        import keras

        is_keras = isinstance(model, keras.Layer)
        backend = keras.backend.backend()
    except ImportError:  # pragma: no cover - keras is a dependency
        is_keras, backend = False, None
    if is_keras and backend == "tensorflow":
        try:
            shared = _compiled.get(model)
        except TypeError:  # not weakly referenceable
            shared = None
        if shared is not None and shared() is not None:
            return shared()
        import tensorflow as tf

        compiled = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
        traced = []

        def call(x):
            if traced:
                return _first_output(compiled(x))
            with _quiet_first_trace():
                out = _first_output(compiled(x))
            traced.append(True)
            return out

        with contextlib.suppress(TypeError):
            _compiled[model] = weakref.ref(call)
        return call
    if is_keras:
        return lambda x: _first_output(model(x, training=False))
    return lambda x: _first_output(model(x))


def _input_width(model):
    """The code size a Keras decoder expects (its input's last dimension), or None if unknown."""
    for attr in ("inputs", "input_shape"):
        try:
            value = getattr(model, attr)
        except Exception:  # unbuilt models raise on these properties
            continue
        if value is None:
            continue
        if attr == "inputs":
            if len(value) != 1:
                continue
            shape = tuple(value[0].shape)
        else:
            shape = tuple(value)
        if shape and isinstance(shape[-1], int):
            return int(shape[-1])
    return None


def _to_digit(out, what: str) -> np.ndarray:
    """One model output (1, 784) / (1, 28, 28) / (1, 28, 28, 1) as a (28, 28) float image."""
    out = np.asarray(out, dtype=np.float32)
    if out.size != _DIGIT_SIDE * _DIGIT_SIDE:
        raise ValueError(
            f"{what} returned an output of shape {out.shape}; expected one 28 x 28 image "
            "(shape (1, 784), (1, 28, 28) or (1, 28, 28, 1))"
        )
    return out.reshape(_DIGIT_SIDE, _DIGIT_SIDE)


def _as_digits(x, name: str) -> np.ndarray:
    """Images (n, 784) / (n, 28, 28) / (n, 28, 28, 1) as (n, 28, 28) float32, for display."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim >= 2 and x[0].size == _DIGIT_SIDE * _DIGIT_SIDE:
        return x.reshape(len(x), _DIGIT_SIDE, _DIGIT_SIDE)
    raise ValueError(
        f"{name} must be a batch of 28 x 28 images, shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); "
        f"got shape {x.shape}"
    )


def _check_index(value, n: int, name: str, what: str = "test digits") -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a whole number (an index into the {n} {what}), got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"{name}={value} is out of range: there are {n} {what}, so use 0 to {n - 1}")
    return int(value)


# --- images: PNG bytes for widgets.Image ----------------------------------------------


def _gray_u8(image: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] to uint8, ink dark on white (like ``plotting.DIGIT_CMAP``)."""
    return (255.0 - 255.0 * np.clip(image, 0.0, 1.0)).astype(np.uint8)


def _strip(images: np.ndarray, gap: int = 2) -> np.ndarray:
    """(m, 28, 28) images side by side with a white gap, as one (28, m*28 + gaps) image."""
    m = len(images)
    canvas = np.zeros((_DIGIT_SIDE, m * _DIGIT_SIDE + (m - 1) * gap), dtype=np.float32)
    for i, image in enumerate(images):
        x0 = i * (_DIGIT_SIDE + gap)
        canvas[:, x0:x0 + _DIGIT_SIDE] = image
    return canvas


def _display_pixels(array: np.ndarray) -> np.ndarray:
    """What a panel's array looks like on screen: uint8 grey (h, w) or RGB (h, w, 3), before scaling."""
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 3:
        return array.astype(np.uint8)  # an RGB picture (the 2-D scatter), already at screen size
    if array.ndim == 3:
        array = _strip(array)
    return _gray_u8(array)


def _scale_of(array) -> int:
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 3:
        return 1
    return STRIP_SCALE if array.ndim == 3 else SCALE


def png_bytes(array: np.ndarray, scale: int | None = None) -> bytes:
    """PNG of a digit (28, 28), a row of digits (m, 28, 28) or an RGB picture (h, w, 3).

    Digits are enlarged (``scale`` times, default 5 for one digit and 3 for a row) with
    nearest-neighbour sampling, so pixels stay crisp; RGB pictures are sent as they are.
    """
    from PIL import Image

    scale = _scale_of(array) if scale is None else scale
    pixels = _display_pixels(array)
    if pixels.ndim == 2 and scale > 1:
        pixels = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


# --- the Explorer ------------------------------------------------------------------------


class Explorer:
    """Controls, image panels and the update that links them. Built by the functions below.

    Attributes
    ----------
    controls:
        dict: control name -> ipywidget (e.g. ``"z1"`` -> FloatSlider).
    widget:
        the ipywidgets container to display.
    shown:
        dict: panel name -> the float image now displayed ((28, 28) for a digit,
        (m, 28, 28) for a row of digits, (h, w, 3) uint8 for the scatter).
    captions:
        dict: panel name -> the caption text now under it.
    last_update_seconds:
        how long the most recent update took (model call + PNGs), kernel side.
    """

    def __init__(self, title: str, panels, compute, help_text: str = ""):
        import ipywidgets as widgets

        self.title = title
        self.help_text = help_text
        self.controls: dict = {}
        self.shown: dict = {}
        self.captions: dict = {}
        self.last_update_seconds = float("nan")
        self._panel_titles = dict(panels)
        self._stacked = False  # panels in a column (code_size) rather than a row
        self._compute = compute
        self._hold = 0
        self._stale = False
        self._images = {}
        self._caption_widgets = {}
        self._widgets = widgets
        self._control_box = widgets.VBox()
        boxes = []
        for key, panel_title in panels:
            self._images[key] = widgets.Image(format="png", layout=widgets.Layout(margin="2px"))
            self._images[key].add_class("ae-explore-" + re.sub(r"[^A-Za-z0-9_-]", "-", key))
            self._caption_widgets[key] = widgets.HTML()
            boxes.append(widgets.VBox(
                [widgets.HTML(f"<b>{html.escape(panel_title)}</b>"), self._images[key],
                 self._caption_widgets[key]],
                layout=widgets.Layout(align_items="center", margin="0 8px 0 0"),
            ))
        self._panel_box = widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap"))
        parts = [widgets.HTML(f"<b>{html.escape(title)}</b>"
                              + (f" &nbsp;<small>{html.escape(help_text)}</small>" if help_text else "")),
                 self._control_box, self._panel_box]
        self.widget = widgets.VBox(parts)
        self.widget.add_class("ae-explorer")  # CSS hooks for the browser test

    # building -----------------------------------------------------------------------------

    def _add_controls(self, controls: dict, grid: bool = False, update: bool = True):
        """Register controls (name -> widget); each change runs the update (unless ``update=False``:
        the control has its own handler that updates)."""
        w = self._widgets
        for name, control in controls.items():
            self.controls[name] = control
            if update:
                control.observe(self._changed, names="value")
        items = list(controls.values())
        if grid:
            box = w.GridBox(items, layout=w.Layout(
                grid_template_columns="repeat(auto-fill, minmax(260px, 1fr))"))
        else:
            box = w.HBox(items, layout=w.Layout(flex_flow="row wrap"))
        self._control_box.children = (*self._control_box.children, box)

    @contextlib.contextmanager
    def _batch(self):
        """Change several controls, then update once."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
            if self._hold == 0 and self._stale:
                self._refresh()

    def _changed(self, change=None):
        if self._hold:
            self._stale = True
        else:
            self._refresh()

    def _refresh(self):
        t0 = time.perf_counter()
        self._stale = False
        for key, (array, caption, *png) in self._compute().items():
            previous = self.shown.get(key)
            self.shown[key] = array
            if png:
                self._images[key].value = png[0]
            elif previous is None or previous.shape != array.shape or not np.array_equal(previous, array):
                self._images[key].value = png_bytes(array)  # unchanged panels keep their PNG
            if caption != self.captions.get(key):
                self.captions[key] = caption
                self._caption_widgets[key].value = (
                    f"<div style='text-align:center;font-size:90%'>{caption}</div>")
        self.last_update_seconds = time.perf_counter() - t0

    # using ---------------------------------------------------------------------------------

    def set(self, **values):
        """Move controls as a user would, e.g. ``ex.set(z1=0.5, z2=-1)``; updates once."""
        unknown = [name for name in values if name not in self.controls]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} {'is not a control' if len(unknown) == 1 else 'are not controls'} "
                f"of this explorer; its controls are: {', '.join(map(repr, self.controls))}"
            )
        for name, value in values.items():
            _check_control_value(name, self.controls[name], value)
        with self._batch():
            for name, value in values.items():
                self.controls[name].value = value
        return self

    def values(self) -> dict:
        """The controls' current values."""
        return {name: control.value for name, control in self.controls.items()}

    def _describe_values(self, limit: int = 8) -> str:
        parts = []
        for name, value in self.values().items():
            parts.append(f"{name} = {value:.2f}" if isinstance(value, float) else f"{name} = {value}")
        if len(parts) > limit:
            parts = [*parts[:limit - 2], f"... ({len(parts) - limit + 2} more)"]
        return ", ".join(parts)

    def _describe_controls(self, limit: int = 8) -> str:
        names = list(self.controls)
        if len(names) > limit:
            names = [*names[:limit - 3], "...", names[-1]]
        return ", ".join(names)

    def static_png(self, dpi: int = 100) -> bytes:
        """A Matplotlib rendering of what the explorer shows now (for viewers without a kernel)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        keys = list(self.shown)
        sizes = []  # each panel's on-screen size in inches (at 100 px per inch)
        for key in keys:
            pixels = _display_pixels(self.shown[key])
            scale = _scale_of(self.shown[key])
            sizes.append((pixels.shape[1] * scale / 100 + 0.3, pixels.shape[0] * scale / 100 + 0.9))
        if self._stacked:
            fig_w, fig_h = max(w for w, _ in sizes), sum(h for _, h in sizes)
            grid = {"nrows": len(keys), "ncols": 1, "height_ratios": [h for _, h in sizes]}
        else:
            fig_w, fig_h = sum(w for w, _ in sizes), max(h for _, h in sizes)
            grid = {"nrows": 1, "ncols": len(keys), "width_ratios": [w for w, _ in sizes]}
        width = max(fig_w, 4.0)
        values = textwrap.fill(self._describe_values(), width=int(14 * width))
        title = f"{self.title}\n{values}\n(static view: run the notebook to move the controls)"
        fig = Figure(figsize=(width, fig_h + 0.15 * (title.count("\n") + 1) + 0.3), dpi=dpi)
        FigureCanvasAgg(fig)
        axes = fig.subplots(squeeze=False, **grid).flat
        for ax, key in zip(axes, keys, strict=True):
            pixels = _display_pixels(self.shown[key])
            ax.imshow(pixels, cmap="gray" if pixels.ndim == 2 else None, vmin=0, vmax=255,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if pixels.ndim == 3:  # the scatter is a picture of a plot: no second frame around it
                for spine in ax.spines.values():
                    spine.set_visible(False)
            ax.set_title(self._panel_titles.get(key, key), fontsize=9)
            caption = self.captions.get(key, "")
            ax.set_xlabel(_plain_text(caption), fontsize=8)
        fig.suptitle(title, fontsize=8)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def __repr__(self) -> str:
        return (f"<{self.title}: controls {self._describe_controls()}; {self._describe_values()}. "
                "Run the notebook in JupyterLab (a live kernel) to move the controls.>")

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # The widget's own bundle (JupyterLab renders it when the kernel is live) plus a static
        # PNG: nbconvert's HTML drops widget outputs that have no saved state and shows the PNG,
        # GitHub's preview shows the PNG, and JupyterLab shows it for an untrusted (not yet run)
        # notebook, where the widget renderer is not allowed.
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle


def _plain_text(caption: str) -> str:
    """A caption's HTML as plain text (for the static figure)."""
    text = re.sub(r"<br\s*/?>", "\n", caption)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _check_control_value(name, control, value):
    options = getattr(control, "options", None)
    if options is not None:
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        if value not in labels:
            raise ValueError(f"{name}={value!r} is not one of the options: {', '.join(map(repr, labels))}")
        return
    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if lo is not None and hi is not None:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"{name} takes a number, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{name}={value} is out of range: this control goes from {lo} to {hi}")


def _slider_ranges(codes: np.ndarray):
    """Per-dimension slider (min, max): the central 99% of the codes of real digits, widened 10%."""
    lo = np.percentile(codes, 0.5, axis=0)
    hi = np.percentile(codes, 99.5, axis=0)
    span = np.where(hi - lo > 1e-6, hi - lo, 2.0)
    mid = (lo + hi) / 2
    return mid - 0.55 * span, mid + 0.55 * span


def _float_slider(name, lo, hi, value):
    import ipywidgets as widgets

    lo, hi = float(lo), float(hi)
    return widgets.FloatSlider(
        value=float(np.clip(value, lo, hi)), min=lo, max=hi, step=(hi - lo) / 200,
        description=name, continuous_update=True, readout_format=".2f",
        layout=widgets.Layout(width="260px"), style={"description_width": "40px"},
    )


def _digit_chooser(name, n, value, description):
    import ipywidgets as widgets

    return widgets.BoundedIntText(
        value=value, min=0, max=n - 1, description=description,
        layout=widgets.Layout(width="200px"), style={"description_width": "initial"},
    )


def _codes_array(codes, name="codes") -> np.ndarray:
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or len(codes) == 0:
        raise ValueError(f"{name} must be a non-empty (n, d) array of codes (one row per test digit), "
                         f"got shape {codes.shape}")
    if not np.isfinite(codes).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return codes


def _check_decoder(decoder, d: int, call):
    """Fail early, and clearly, when the decoder does not take d-dimensional codes."""
    expected = _input_width(decoder)
    if expected is not None and expected != d:
        raise ValueError(
            f"the codes are {d}-dimensional but the decoder expects {expected}-dimensional codes "
            f"(its input shape ends in {expected}); pass the codes its encoder produced"
        )
    try:
        out = call(np.zeros((1, d), np.float32))
    except Exception as e:
        raise ValueError(
            f"the decoder failed on a {d}-dimensional code ({type(e).__name__}: {e}); "
            f"check that the codes (shape (n, {d})) come from this decoder's encoder"
        ) from e
    _to_digit(out, "the decoder")


# --- 1. latent sliders -------------------------------------------------------------------


def latent_sliders(decoder, codes, images=None, labels=None, start: int = 0) -> Explorer:
    """One slider per latent dimension and the digit the decoder draws from that code.

    decoder:
        Keras model (or function) mapping codes (m, d) float32 to images.
    codes:
        (n, d) codes of real test digits; each slider's range covers them.
    images, labels:
        the test digits those codes came from (optional); with them a
        "start from test digit #" box sets every slider to that digit's code and shows
        the digit beside the decoded one.
    start:
        index of the test digit whose code the sliders start at.

    Controls: ``"z1"`` ... ``"zd"`` and, with images, ``"digit"``.
    """
    codes = _codes_array(codes)
    n, d = codes.shape
    start = _check_index(start, n, "start", "codes")
    call = _fast_call(decoder, "decoder")
    _check_decoder(decoder, d, call)
    if images is not None:
        images = _as_digits(images, "images")
        if len(images) != n:
            raise ValueError(f"got {n} codes but {len(images)} images; they must be the same test digits")
    if labels is not None and len(labels) != n:
        raise ValueError(f"got {n} codes but {len(labels)} labels")
    lo, hi = _slider_ranges(codes)
    names = [f"z{i + 1}" for i in range(d)]
    panels = [("decoded", "decoded from the sliders")]
    if images is not None:
        panels.insert(0, ("original", "test digit"))

    def compute():
        z = np.array([[ex.controls[name].value for name in names]], dtype=np.float32)
        decoded = _to_digit(call(z), "the decoder")
        out = {}
        if images is not None:
            i = ex.controls["digit"].value
            label = f"digit #{i}" + (f", a {labels[i]}" if labels is not None else "")
            out["original"] = (images[i], label)
            err = float(per_image_squared_error(images[i][None], decoded[None])[0])
            out["decoded"] = (decoded, f"squared error vs digit #{i}: {err:.1f}")
        else:
            out["decoded"] = (decoded, f"code ({', '.join(f'{v:.2f}' for v in z[0][:4])}"
                                       f"{', ...' if d > 4 else ''})")
        return out

    ex = Explorer(f"Latent sliders ({d}-dimensional code)", panels, compute,
                  "Move a slider to change one number of the code.")
    sliders = {name: _float_slider(name, lo[i], hi[i], codes[start, i]) for i, name in enumerate(names)}
    if images is not None:
        chooser = _digit_chooser("digit", n, start, "start from test digit #")

        def jump(change):
            with ex._batch():
                for i, name in enumerate(names):
                    ex.controls[name].value = float(np.clip(codes[change["new"], i], lo[i], hi[i]))
                ex._stale = True

        chooser.observe(jump, names="value")
        ex._add_controls({"digit": chooser}, update=False)
    ex._add_controls(sliders, grid=d > 4)
    ex._refresh()
    return ex


# --- 2. the 2-D latent space -------------------------------------------------------------


class _ScatterCanvas:
    """The 2-D latent scatter drawn once (Matplotlib to an RGB array); a marker painted per update."""

    def __init__(self, codes, labels, lo, hi, size=(4.4, 3.8), dpi=72):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        take = np.random.default_rng(0).permutation(len(codes))[:5000]
        points = ax.scatter(codes[take, 0], codes[take, 1], c=np.asarray(labels)[take], cmap="tab10",
                            vmin=-0.5, vmax=9.5, s=3, alpha=0.6, linewidths=0)
        fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("z1")
        ax.set_ylabel("z2")
        fig.tight_layout()
        canvas.draw()
        from PIL import Image

        # a palette image (254 colours + the marker's black and red): one byte per pixel and no
        # PNG row filtering, so encoding it per update costs about a third of an RGB PNG
        quantized = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy()).quantize(
            colors=254, method=Image.Quantize.MEDIANCUT)
        self._palette = [*quantized.getpalette()[:254 * 3], 0, 0, 0, 220, 0, 0]
        self._palette_rgb = np.asarray(self._palette, np.uint8).reshape(-1, 3)
        self._index = np.asarray(quantized, np.uint8).copy()
        self.background = self._palette_rgb[self._index]  # what the scatter looks like without a marker
        self.height, self.width = self.background.shape[:2]
        # data -> pixel (row, column): display coordinates have their origin at the bottom left
        (x0, y0), (x1, y1) = ax.transData.transform([(lo[0], lo[1]), (hi[0], hi[1])])
        self._ax_px = (lo, hi, x0, y0, x1, y1)
        bbox = ax.get_window_extent()
        self._clip = (self.height - bbox.y1, self.height - bbox.y0, bbox.x0, bbox.x1)
        r = 7
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        dist = np.hypot(yy, xx)
        self._ring = np.argwhere((dist <= r) & (dist >= r - 2.2)) - r
        self._dot = np.argwhere(dist <= 1.5) - r

    def pixel(self, z1, z2):
        lo, hi, x0, y0, x1, y1 = self._ax_px
        col = x0 + (z1 - lo[0]) / (hi[0] - lo[0]) * (x1 - x0)
        row = self.height - (y0 + (z2 - lo[1]) / (hi[1] - lo[1]) * (y1 - y0))
        return int(round(row)), int(round(col))

    def with_marker(self, z1, z2):
        """The scatter with the marker at (z1, z2): (RGB array, PNG bytes)."""
        from PIL import Image

        picture = self._index.copy()
        row, col = self.pixel(z1, z2)
        top, bottom, left, right = self._clip
        for offsets, colour in ((self._ring, 254), (self._dot, 255)):  # black ring, red centre
            rows, cols = offsets[:, 0] + row, offsets[:, 1] + col
            keep = (rows >= top) & (rows < bottom) & (cols >= left) & (cols < right)
            picture[rows[keep], cols[keep]] = colour
        image = Image.fromarray(picture)  # mode "L"; the palette makes it "P"
        image.putpalette(self._palette)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return self._palette_rgb[picture], buffer.getvalue()


def latent_2d(decoder, codes, labels, start: int | None = None) -> Explorer:
    """The 2-D latent space: the test set's codes as a scatter, a marker at (z1, z2), the decoded digit.

    decoder:
        Keras model (or function) mapping codes (m, 2) to images.
    codes, labels:
        (n, 2) codes of test digits and their labels 0-9 (the scatter, coloured by digit).
    start:
        index of a test digit whose code is the starting point; default the middle of the codes.

    Controls: ``"z1"``, ``"z2"``.
    """
    codes = _codes_array(codes)
    n, d = codes.shape
    if d != 2:
        raise ValueError(f"latent_2d needs 2-dimensional codes (n, 2), got shape {codes.shape}; "
                         "for other sizes use latent_sliders")
    labels = np.asarray(labels)
    if len(labels) != n:
        raise ValueError(f"got {n} codes but {len(labels)} labels")
    call = _fast_call(decoder, "decoder")
    _check_decoder(decoder, d, call)
    z0 = np.median(codes, axis=0) if start is None else codes[_check_index(start, n, "start", "codes")]
    lo, hi = _slider_ranges(codes)
    scatter = _ScatterCanvas(codes, labels, lo, hi)

    def compute():
        z1, z2 = ex.controls["z1"].value, ex.controls["z2"].value
        decoded = _to_digit(call(np.array([[z1, z2]], np.float32)), "the decoder")
        picture, png = scatter.with_marker(z1, z2)
        return {"scatter": (picture, f"marker at ({z1:.2f}, {z2:.2f})", png),
                "decoded": (decoded, f"decoded from ({z1:.2f}, {z2:.2f})")}

    ex = Explorer("The 2-D latent space", [("scatter", "test digits' codes"), ("decoded", "decoded digit")],
                  compute, "Move the marker with the sliders; the digit is decoded from its position.")
    ex._scatter = scatter
    ex._add_controls({"z1": _float_slider("z1", lo[0], hi[0], z0[0]),
                      "z2": _float_slider("z2", lo[1], hi[1], z0[1])})
    ex._refresh()
    return ex


# --- 3. interpolation --------------------------------------------------------------------


def interpolation(encode, decoder, images, labels=None, a: int = 0, b: int = 1) -> Explorer:
    """Walk from test digit ``a`` to test digit ``b``: blend their codes (then decode) or their pixels.

    encode:
        Keras encoder (or function) mapping images, shaped like ``images``, to codes. If it
        returns several outputs (a VAE encoder's z_mean, z_log_var, z), the first is used.
    decoder:
        Keras decoder (or function) mapping codes to images.
    images, labels:
        test digits (in the layout the encoder takes) and optionally their labels.
    a, b:
        indices of the two end digits.

    Controls: ``"t"`` (0 = digit a, 1 = digit b), ``"a"``, ``"b"``.
    """
    import ipywidgets as widgets

    model_images = np.asarray(images, dtype=np.float32)
    shown_images = _as_digits(model_images, "images")
    n = len(shown_images)
    if n < 2:
        raise ValueError(f"interpolation needs at least 2 images, got {n}")
    a = _check_index(a, n, "a")
    b = _check_index(b, n, "b")
    if labels is not None and len(labels) != n:
        raise ValueError(f"got {n} images but {len(labels)} labels")
    enc = _fast_call(encode, "encode")
    dec = _fast_call(decoder, "decoder")
    try:
        code = enc(model_images[:1])
    except Exception as e:
        raise ValueError(f"the encoder failed on images of shape {model_images[:1].shape} "
                         f"({type(e).__name__}: {e}); pass images in the layout it takes") from e
    if code.ndim != 2 or len(code) != 1:
        raise ValueError(f"the encoder returned shape {code.shape} for one image; expected codes (1, d)")
    _check_decoder(decoder, code.shape[1], dec)
    cache: dict[int, np.ndarray] = {}

    def code_of(i):
        if i not in cache:
            cache[i] = enc(model_images[i:i + 1])
        return cache[i]

    def name(i):
        return f"#{i}" + (f" (a {labels[i]})" if labels is not None else "")

    def compute():
        t = ex.controls["t"].value
        ia, ib = ex.controls["a"].value, ex.controls["b"].value
        z = ((1 - t) * code_of(ia) + t * code_of(ib)).astype(np.float32)
        latent = _to_digit(dec(z), "the decoder")
        pixel = (1 - t) * shown_images[ia] + t * shown_images[ib]
        return {"a": (shown_images[ia], f"digit a: {name(ia)}"),
                "latent": (latent, f"t = {t:.2f}"),
                "pixel": (pixel.astype(np.float32), f"t = {t:.2f}"),
                "b": (shown_images[ib], f"digit b: {name(ib)}")}

    ex = Explorer("Interpolation between two test digits",
                  [("a", "start"), ("latent", "latent-space blend"), ("pixel", "pixel-space blend"),
                   ("b", "end")],
                  compute, "Slide t from 0 (digit a) to 1 (digit b). Latent blend: decode((1-t)·code(a) + "
                  "t·code(b)); pixel blend: (1-t)·a + t·b.")
    t_slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="t",
                                   continuous_update=True, readout_format=".2f",
                                   layout=widgets.Layout(width="360px"),
                                   style={"description_width": "40px"})
    ex._add_controls({"t": t_slider, "a": _digit_chooser("a", n, a, "digit a: test digit #"),
                      "b": _digit_chooser("b", n, b, "digit b: test digit #")})
    ex._refresh()
    return ex


# --- 4. noise ----------------------------------------------------------------------------


def median_filter(x: np.ndarray, size: int = 3) -> np.ndarray:
    """A size x size median filter over each image of a batch (n, 28, 28); edges padded by reflection."""
    x = np.asarray(x, dtype=np.float32)
    pad = size // 2
    padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad)), mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size), axis=(1, 2))
    return np.median(windows.reshape(*windows.shape[:3], -1), axis=-1).astype(np.float32)


def psnr(clean, other) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1]: 10·log10(1 / per-pixel MSE)."""
    mse = float(np.mean((np.asarray(clean, np.float64) - np.asarray(other, np.float64)) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(1.0 / mse)


def _psnr_caption(clean, other) -> str:
    value = psnr(clean, other)
    err = float(per_image_squared_error(clean[None], other[None])[0])
    shown = "∞ (identical)" if math.isinf(value) else f"{value:.1f} dB"
    return f"PSNR {shown}<br><small>squared error {err:.1f}</small>"


def noise(denoise, images, baseline=None, baseline_name: str = "median filter", level: float = 0.3,
          kind: str = "gaussian", seed: int = 0) -> Explorer:
    """Corrupt a test digit with noise of a chosen kind and level; compare a model and a baseline.

    denoise:
        Keras model (or function) mapping noisy images, shaped like ``images``, to clean ones.
    images:
        clean test digits (the layout the model takes).
    baseline:
        function noisy images -> cleaned images; default a 3 x 3 median filter.
    level, kind, seed:
        starting noise level and kind (see ``helpers.data.corrupt``: ``"gaussian"``,
        ``"salt_pepper"``, ``"mask"``) and the noise seed.

    Under each image: PSNR in dB against the clean digit (higher is better) and the
    squared error per image. Controls: ``"digit"``, ``"kind"``, ``"level"``, ``"seed"``.
    """
    import ipywidgets as widgets

    if kind not in _data.NOISE_KINDS:
        raise ValueError(f"kind={kind!r} is not one of the valid options: {', '.join(map(repr, _data.NOISE_KINDS))}")
    level = float(level)
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    model_images = np.asarray(images, dtype=np.float32)
    clean = _as_digits(model_images, "images")
    n = len(clean)
    if n == 0:
        raise ValueError("noise needs at least one image")
    layout = model_images.shape[1:]
    model = _fast_call(denoise, "denoise")
    if baseline is None:
        def baseline(x):
            return median_filter(_as_digits(x, "noisy images"))
    elif not callable(baseline):
        raise TypeError(f"baseline must be a function of a batch of noisy images, got {type(baseline).__name__}")
    try:
        _to_digit(model(model_images[:1]), "the denoising model")
    except ValueError:
        raise
    except Exception as e:
        raise ValueError(f"the denoising model failed on images of shape {model_images[:1].shape} "
                         f"({type(e).__name__}: {e}); pass images in the layout it takes") from e

    def compute():
        i = ex.controls["digit"].value
        noisy = _data.corrupt(clean[i:i + 1], kind=ex.controls["kind"].value,
                              level=ex.controls["level"].value, seed=ex.controls["seed"].value)[0]
        batch = noisy.reshape((1, *layout))
        out = _to_digit(model(batch), "the denoising model")
        base = _to_digit(np.asarray(baseline(batch), np.float32), "the baseline")
        return {"clean": (clean[i], f"test digit #{i}"),
                "noisy": (noisy, _psnr_caption(clean[i], noisy)),
                "model": (out, _psnr_caption(clean[i], out)),
                "baseline": (base, _psnr_caption(clean[i], base))}

    ex = Explorer("Noise explorer",
                  [("clean", "clean"), ("noisy", "noisy input"), ("model", "model output"),
                   ("baseline", baseline_name)],
                  compute, "PSNR (dB, higher is better) compares each image with the clean digit.")
    ex._add_controls({
        "digit": _digit_chooser("digit", n, 0, "test digit #"),
        "kind": widgets.Dropdown(options=list(_data.NOISE_KINDS), value=kind, description="noise",
                                 layout=widgets.Layout(width="200px"),
                                 style={"description_width": "40px"}),
        "level": widgets.FloatSlider(value=level, min=0.0, max=1.0, step=0.01, description="level",
                                     continuous_update=True, readout_format=".2f",
                                     layout=widgets.Layout(width="300px"),
                                     style={"description_width": "40px"}),
        "seed": widgets.BoundedIntText(value=int(seed), min=0, max=10_000, description="seed",
                                       layout=widgets.Layout(width="140px"),
                                       style={"description_width": "40px"}),
    })
    ex._refresh()
    return ex


# --- 5. code size ------------------------------------------------------------------------


def code_size(originals, reconstructions: dict, n: int = 6) -> Explorer:
    """A slider over the code size k showing each method's reconstructions side by side.

    originals:
        test digits (m, 784) / (m, 28, 28) / (m, 28, 28, 1).
    reconstructions:
        method name -> {k: reconstructions of ``originals`` with a k-dimensional code},
        e.g. ``{"PCA": {2: x2, 8: x8}, "autoencoder": {2: a2, 8: a8}}``; every method
        needs the same ks. Computed beforehand, so moving the slider costs no model call.
    n:
        how many digits to show at once.

    Under each row: its squared error per image, averaged over all the originals.
    Controls: ``"k"`` and ``"digit"`` (the first digit shown).
    """
    import ipywidgets as widgets

    originals = _as_digits(originals, "originals")
    m = len(originals)
    if m == 0:
        raise ValueError("originals is empty")
    if not isinstance(reconstructions, dict) or not reconstructions:
        raise ValueError('reconstructions must be a non-empty dict such as {"PCA": {k: recon_k, ...}, '
                         '"autoencoder": {k: recon_k, ...}}')
    ks = None
    prepared: dict[str, dict[int, np.ndarray]] = {}
    for method, by_k in reconstructions.items():
        if not isinstance(by_k, dict) or not by_k:
            raise ValueError(f"reconstructions[{method!r}] must be a non-empty dict {{k: reconstructions}}")
        if ks is None:
            ks = sorted(by_k)
        elif sorted(by_k) != ks:
            raise ValueError(f"every method needs the same code sizes: {list(reconstructions)[0]!r} has {ks}, "
                             f"{method!r} has {sorted(by_k)}")
        prepared[method] = {}
        for k, recon in by_k.items():
            recon = np.asarray(recon, dtype=np.float32)
            if len(recon) != m or recon[0].size != 784:
                raise ValueError(f"reconstructions[{method!r}][{k}] has shape {recon.shape}; it must reconstruct "
                                 f"the {m} originals, shape ({m}, 784), ({m}, 28, 28) or ({m}, 28, 28, 1)")
            prepared[method][k] = recon.reshape(m, 28, 28)
    if "original" in prepared:
        raise ValueError('"original" is reserved for the originals row; name the method differently')
    errors = {method: {k: float(per_image_squared_error(originals, r).mean()) for k, r in by_k.items()}
              for method, by_k in prepared.items()}
    show = max(1, min(int(n), m))

    def compute():
        k, first = ex.controls["k"].value, ex.controls["digit"].value
        pick = (first + np.arange(show)) % m
        out = {"original": (originals[pick], f"test digits #{pick[0]}-#{pick[-1]}" if show > 1
                            else f"test digit #{pick[0]}")}
        for method, by_k in prepared.items():
            row_err = per_image_squared_error(originals[pick], by_k[k][pick])
            out[method] = (by_k[k][pick], f"k = {k}: {UNIT} {errors[method][k]:.2f} on all {m} digits"
                                          f"<br><small>these {show}: "
                                          f"{' '.join(f'{e:.1f}' for e in row_err)}</small>")
        return out

    panels = [("original", "originals")] + [(method, method) for method in prepared]
    ex = Explorer("Code size explorer", panels, compute,
                  "Slide k, the number of numbers in the code, and compare the methods.")
    ex._panel_box.layout.flex_flow = "column"
    ex._stacked = True
    ex._add_controls({
        "k": widgets.SelectionSlider(options=ks, value=ks[len(ks) // 2], description="k",
                                     continuous_update=True, layout=widgets.Layout(width="360px"),
                                     style={"description_width": "40px"}),
        "digit": _digit_chooser("digit", m, 0, "first test digit #"),
    })
    ex._refresh()
    return ex
