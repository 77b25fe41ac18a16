"""Figure text legible at 100% zoom, and nothing cut off at a plot's edge.

A text's height in screen pixels is its size in points × the figure's dpi / 72, times the
factor by which JupyterLab shrinks a picture wider than the notebook (images are shown
with max-width 100%). The rule here: every text is at least 10 px when the picture is
shown at most DISPLAY_WIDTH pixels wide (a notebook on a 1280-pixel-wide screen).
"""

import numpy as np
import pytest
from matplotlib.text import Text

from helpers import anomaly, explore, metrics, plotting, training
from helpers.panels import OverlayCanvas

MIN_PX = 10
DISPLAY_WIDTH = 1000


def too_small(fig):
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    width = fig.get_figwidth() * fig.dpi
    scale = min(1.0, DISPLAY_WIDTH / width)
    small = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_window_extent().width > 0:
            px = text.get_fontsize() * fig.dpi / 72 * scale
            if px < MIN_PX:
                small.append(f"{text.get_text()!r}: {px:.1f} px")
    return small


rng = np.random.default_rng(0)
IMAGES = rng.random((12, 28, 28)).astype("float32")
ERRORS = {"normal": rng.lognormal(1.5, 0.6, 500),
          "anomalies": {"unseen digit": rng.lognormal(2.5, 0.4, 200), "inverted": rng.normal(640, 5, 200),
                        "noise": rng.normal(260, 10, 200), "masked": rng.lognormal(2.8, 0.3, 200),
                        "rotated": rng.lognormal(2.9, 0.3, 200)}}


def progress_figure():
    progress = training.Progress(unit=metrics.UNIT, live=False, name="β = 4")
    progress._total = 10
    progress.logs = [{"loss": 30.0 - i, "val_loss": 31.0 - i} for i in range(4)]
    progress.epoch_seconds = [1.0] * 4
    return progress._curve_figure()


FIGURES = {
    "digit_grid": lambda: plotting.digit_grid(IMAGES[:10], labels=list(range(10)), title="digits"),
    "reconstructions": lambda: plotting.reconstructions(IMAGES, {"PCA, k=30": IMAGES, "conv AE": IMAGES}),
    "training_curves (3 metrics)": lambda: plotting.training_curves(
        {"loss": [3, 2, 1.5], "val_loss": [3, 2.5, 2], "kl": [1, 2, 3], "reconstruction": [5, 4, 3]}),
    "latent_scatter": lambda: plotting.latent_scatter(rng.normal(size=(100, 2)), rng.integers(0, 10, 100), "codes"),
    "manifold": lambda: plotting.manifold(lambda z: np.zeros((len(z), 784), "float32"), n=10, title="grid"),
    "error_vs_size": lambda: plotting.error_vs_size([2, 4, 8], {"PCA": [3, 2, 1], "AE": [2.5, 1.5, 0.8]},
                                                    references={"2006": (8, 1.0)}),
    "error_histograms": lambda: anomaly.error_histograms(ERRORS["normal"], ERRORS["anomalies"]),
    "roc_curves": lambda: anomaly.roc_curves(ERRORS["normal"], ERRORS["anomalies"], title="ROC"),
    "Progress live curve": progress_figure,
    "latent_2d canvas": lambda: explore.latent_2d(
        lambda z: np.zeros((len(z), 784), "float32"), rng.normal(size=(200, 2)), rng.integers(0, 10, 200)
    ).canvas._ax.figure,
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_text_is_at_least_10_px(name):
    fig = FIGURES[name]()
    small = too_small(fig)
    assert not small, f"{name}: text smaller than {MIN_PX} px at 100% zoom: {small}"


def test_threshold_explorer_canvas_is_legible():
    errors = np.r_[ERRORS["normal"], ERRORS["anomalies"]["unseen digit"]]
    is_anomaly = np.r_[np.zeros(500, bool), np.ones(200, bool)]
    ex = anomaly.threshold_explorer(errors, is_anomaly, rng.random((700, 784)).astype("float32"))
    canvas = next(v for v in vars(ex).values() if isinstance(v, OverlayCanvas))
    assert not too_small(canvas._ax.figure)


def test_error_histograms_show_every_bar_and_label_two_powers_of_ten():
    fig = anomaly.error_histograms(ERRORS["normal"], ERRORS["anomalies"])
    fig.canvas.draw()
    biggest = max(e.max() for e in ERRORS["anomalies"].values())
    for ax in fig.axes[:len(ERRORS["anomalies"])]:
        lo, hi = ax.get_xlim()
        right_edge = max(p.get_x() + p.get_width() for p in ax.patches)
        assert right_edge >= biggest * 0.999 and right_edge <= hi / 1.02, (ax.get_title(), right_edge, hi)
        labelled = [t for t in ax.get_xticklabels() if t.get_text() and lo <= t.get_position()[0] <= hi]
        assert len(labelled) >= 2, (ax.get_title(), [t.get_text() for t in labelled])
