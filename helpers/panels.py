"""The course's interactive panels: an :class:`Explorer` of controls and pictures, and its parts.

Building one (what :mod:`helpers.explore` and :mod:`helpers.anomaly` do)::

    ex = Explorer("Title", [("decoded", "decoded digit")], compute, "one line of help")
    ex.add_controls({"z1": float_slider("z1", -3, 3, 0.0)})
    ex.refresh()   # the first picture

Using one (in notebooks and tests): ``ex.set(z1=0.5)`` moves controls exactly as a user would,
``ex.controls`` maps names to the ipywidgets, ``ex.shown`` maps each panel to the array displayed,
``ex.png(name)`` gives the PNG bytes on screen. Pictures are small Pillow PNGs, re-encoded only
when they change; a plot where one mark moves is an :class:`OverlayCanvas`, drawn once. Where
widgets cannot run (GitHub's preview, nbconvert's HTML, a notebook not yet run) the display
carries a static PNG instead of an empty ``interactive(...)`` line.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import re
import textwrap

import numpy as np

from .imaging import display_pixels, display_scale, png_bytes


class Explorer:
    """Controls, picture panels and the update that links them.

    ``panels`` is ``[(name, title), ...]``; ``compute()`` is called after every change of a control
    and returns ``{panel name: (array, caption)}``, or ``(array, caption, png_bytes)`` when the PNG
    is already made (an :class:`OverlayCanvas` makes its own). Arrays are (28, 28) floats for a
    digit, (m, 28, 28) for a row of digits, (h, w, 3) uint8 for a picture. ``stacked`` puts the
    panels in a column. ``canvas`` is the :class:`OverlayCanvas` behind a panel, if any.
    """

    def __init__(self, title: str, panels, compute, help_text: str = "", stacked: bool = False):
        import ipywidgets as widgets

        self.title = title
        self.help_text = help_text
        self.controls: dict = {}
        self.shown: dict = {}
        self.captions: dict = {}
        self._panel_titles = dict(panels)
        self.stacked = bool(stacked)
        self.canvas = None
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
        self._panel_box = widgets.HBox(boxes, layout=widgets.Layout(
            flex_flow="column" if self.stacked else "row wrap"))
        parts = [widgets.HTML(f"<b>{html.escape(title)}</b>"
                              + (f" &nbsp;<small>{html.escape(help_text)}</small>" if help_text else "")),
                 self._control_box, self._panel_box]
        self.widget = widgets.VBox(parts)
        self.widget.add_class("ae-explorer")  # CSS hooks for the browser test

    # building -----------------------------------------------------------------------------

    def add_controls(self, controls: dict, grid: bool = False, update: bool = True):
        """Add controls (name -> ipywidget) in one row (or a grid); each change runs the update.

        ``update=False``: the control has its own handler (which changes other controls inside
        :meth:`batch`), so its own change does not update the panels.
        """
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
    def batch(self, update: bool = False):
        """Change several controls inside the block, then update once.

        ``update=True`` updates at the end even if no control changed (e.g. a handler that
        moves sliders to a digit's code, where the digit shown changes in any case).
        """
        self._hold += 1
        if update:
            self._stale = True
        try:
            yield
        finally:
            self._hold -= 1
            if self._hold == 0 and self._stale:
                self.refresh()

    def _changed(self, change=None):
        if self._hold:
            self._stale = True
        else:
            self.refresh()

    def refresh(self):
        """Call ``compute`` and show what it returns (builders call it once, for the first picture)."""
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
                    f"<div style='text-align:center'>{caption}</div>")  # full size: legible at 100% zoom

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
        with self.batch():
            for name, value in values.items():
                self.controls[name].value = value
        return self

    def png(self, panel: str) -> bytes:
        """The PNG bytes panel ``panel`` shows now."""
        return self._images[panel].value

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
            pixels = display_pixels(self.shown[key])
            scale = display_scale(self.shown[key])
            sizes.append((pixels.shape[1] * scale / 100 + 0.3, pixels.shape[0] * scale / 100 + 0.9))
        if self.stacked:
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
            pixels = display_pixels(self.shown[key])
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


# --- controls ------------------------------------------------------------------------------


def float_slider(name: str, lo, hi, value, width: str = "260px"):
    """A continuous slider from ``lo`` to ``hi`` in 200 steps, starting at ``value`` (clipped)."""
    import ipywidgets as widgets

    lo, hi = float(lo), float(hi)
    return widgets.FloatSlider(
        value=float(np.clip(value, lo, hi)), min=lo, max=hi, step=(hi - lo) / 200,
        description=name, continuous_update=True, readout_format=".2f",
        layout=widgets.Layout(width=width), style={"description_width": "40px"},
    )


def digit_chooser(n: int, value: int, description: str):
    """A box for a whole number from 0 to n - 1 (which test digit to show)."""
    import ipywidgets as widgets

    return widgets.BoundedIntText(
        value=value, min=0, max=n - 1, description=description,
        layout=widgets.Layout(width="200px"), style={"description_width": "initial"},
    )


# --- a plot drawn once, a mark painted per update --------------------------------------------


class OverlayCanvas:
    """A Matplotlib plot rendered once; each update paints one mark on a copy of it.

    ``draw(fig, ax)`` draws the plot (a scatter, histograms) on a fresh figure of ``size``
    inches at ``dpi``. The picture is kept as a palette image (254 colours of the plot plus
    the marks' black and red): one byte per pixel, so painting a mark and encoding the PNG per
    update costs a fraction of redrawing or of an RGB PNG. :meth:`with_marker` paints a ring
    at a point (the 2-D latent scatter), :meth:`with_vline` a vertical line at an x value (the
    anomaly threshold); both clip the mark to the plot area and return (RGB array, PNG bytes).
    """

    BLACK, RED = 254, 255  # palette indices of the marks' colours

    def __init__(self, draw, size=(4.4, 3.8), dpi: int = 96):  # 96: a 10-point label is 13 px
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image

        fig = Figure(figsize=size, dpi=dpi)
        agg = FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw(fig, ax)
        fig.tight_layout()
        agg.draw()
        quantized = Image.fromarray(np.asarray(agg.buffer_rgba())[..., :3].copy()).quantize(
            colors=254, method=Image.Quantize.MEDIANCUT)
        self._palette = [*quantized.getpalette()[:254 * 3], 0, 0, 0, 220, 0, 0]
        self._palette_rgb = np.asarray(self._palette, np.uint8).reshape(-1, 3)
        self._index = np.asarray(quantized, np.uint8).copy()
        self.background = self._palette_rgb[self._index]  # the plot without a mark
        self.height, self.width = self.background.shape[:2]
        self._ax = ax
        bbox = ax.get_window_extent()
        # the plot area in (row, column) pixels; display coordinates start at the bottom left
        self.plot_rows = (int(round(self.height - bbox.y1)), int(round(self.height - bbox.y0)))
        self.plot_cols = (int(round(bbox.x0)), int(round(bbox.x1)))
        r = 7
        yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
        dist = np.hypot(yy, xx)
        self._ring = np.argwhere((dist <= r) & (dist >= r - 2.2)) - r
        self._dot = np.argwhere(dist <= 1.5) - r

    def pixel(self, x, y) -> tuple[int, int]:
        """The (row, column) of data point (x, y) in the picture."""
        col, row = self._ax.transData.transform((float(x), float(y)))
        return int(round(self.height - row)), int(round(col))

    def column(self, x) -> int:
        """The picture column of data value x, clipped to the x axis' range."""
        lo, hi = sorted(self._ax.get_xlim())
        return self.pixel(float(np.clip(x, lo, hi)), self._ax.get_ylim()[0])[1]

    def _paint(self, index: np.ndarray):
        from PIL import Image

        image = Image.fromarray(index)  # mode "L"; the palette makes it "P"
        image.putpalette(self._palette)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return self._palette_rgb[index], buffer.getvalue()

    def with_marker(self, x, y):
        """The plot with a black ring and red centre at (x, y): (RGB array, PNG bytes)."""
        picture = self._index.copy()
        row, col = self.pixel(x, y)
        (top, bottom), (left, right) = self.plot_rows, self.plot_cols
        for offsets, colour in ((self._ring, self.BLACK), (self._dot, self.RED)):
            rows, cols = offsets[:, 0] + row, offsets[:, 1] + col
            keep = (rows >= top) & (rows < bottom) & (cols >= left) & (cols < right)
            picture[rows[keep], cols[keep]] = colour
        return self._paint(picture)

    def with_vline(self, x):
        """The plot with a 2-pixel black vertical line at x, across the plot area: (RGB array, PNG bytes)."""
        picture = self._index.copy()
        col = self.column(x)
        top, bottom = self.plot_rows
        picture[top:bottom, max(col - 1, 0):col + 1] = self.BLACK
        return self._paint(picture)
