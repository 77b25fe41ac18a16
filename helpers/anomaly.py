"""Anomaly detection by reconstruction error: precision and recall at a threshold, and a slider.

An autoencoder trained on normal data only reconstructs normal inputs well and unfamiliar ones
badly, so its reconstruction error is an anomaly score: flag an input when its error is above a
threshold. :func:`flag_counts` says what a threshold catches and costs; :func:`threshold_explorer`
is a slider over precomputed errors (no model call per move), an :class:`helpers.panels.Explorer`
like the course's others. Introduced in notebook 07, with the ROC curves, AUC and histograms below.
"""

from __future__ import annotations

import math

import numpy as np

from .imaging import as_digits
from .metrics import UNIT
from .panels import Explorer, OverlayCanvas

_BLANK = np.zeros((1, 28, 28), dtype=np.float32)  # white square for an empty row


def _scores_and_labels(errors, is_anomaly):
    errors = np.asarray(errors, dtype=np.float64)
    if errors.ndim != 1 or len(errors) == 0:
        raise ValueError(f"errors must be a non-empty 1-D array (one score per input), got shape {errors.shape}")
    if not np.isfinite(errors).all():
        raise ValueError("errors contains NaN or infinite values")
    labels = np.asarray(is_anomaly)
    if labels.shape != errors.shape:
        raise ValueError(f"is_anomaly must have one entry per error: got {labels.shape} for {errors.shape} errors")
    if labels.dtype != bool:
        if not np.isin(labels, (0, 1)).all():
            raise ValueError("is_anomaly must hold True/False (or 1/0): True marks an anomaly")
        labels = labels.astype(bool)
    return errors, labels


def flag_counts(errors, is_anomaly, threshold: float) -> dict:
    """What flagging every input with ``error > threshold`` catches and costs.

    Returns a dict with ``flagged``, ``true_positives`` (flagged anomalies),
    ``false_positives`` (flagged normal inputs), ``false_negatives`` (missed anomalies),
    ``anomalies``, ``normal``, ``precision`` = TP / flagged (NaN when nothing is flagged),
    ``recall`` = TP / anomalies (NaN when there are none) and ``false_alarm_rate`` =
    FP / normal inputs (NaN when there are none).
    """
    errors, labels = _scores_and_labels(errors, is_anomaly)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.integer | np.floating) \
            or not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    from sklearn.metrics import confusion_matrix, precision_score, recall_score

    flagged = errors > threshold
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(labels, flagged, labels=[False, True]).ravel())
    nan = float("nan")
    return _summary(threshold, tn, fp, fn, tp,
                    precision=float(precision_score(labels, flagged, zero_division=nan)),
                    recall=float(recall_score(labels, flagged, zero_division=nan)))


def _summary(threshold, tn, fp, fn, tp, precision, recall) -> dict:
    return {
        "threshold": float(threshold),
        "flagged": tp + fp,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "anomalies": tp + fn,
        "normal": tn + fp,
        "precision": precision,
        "recall": recall,
        "false_alarm_rate": fp / (tn + fp) if tn + fp else float("nan"),
    }


class _SortedCounts:
    """:func:`flag_counts` for many thresholds over the same errors, in microseconds: the errors of
    each kind sorted once, the counts above a threshold found by bisection (the threshold explorer
    calls it on every slider move, where the sklearn calls would cost tens of milliseconds)."""

    def __init__(self, errors, labels):
        self._anomalous = np.sort(errors[labels])
        self._normal = np.sort(errors[~labels])

    def __call__(self, threshold: float) -> dict:
        tp = len(self._anomalous) - int(np.searchsorted(self._anomalous, threshold, side="right"))
        fp = len(self._normal) - int(np.searchsorted(self._normal, threshold, side="right"))
        fn, tn = len(self._anomalous) - tp, len(self._normal) - fp
        nan = float("nan")
        return _summary(threshold, tn, fp, fn, tp, precision=tp / (tp + fp) if tp + fp else nan,
                        recall=tp / (tp + fn) if tp + fn else nan)


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _histogram_drawing(errors, labels, lo, hi, bins, names):
    """Draws the two error histograms (normal, anomalous) on [lo, hi]; larger errors land in the last bin."""

    def draw(fig, ax):
        edges = np.linspace(lo, hi, bins + 1)
        clipped = np.clip(errors, lo, hi)
        ax.hist(clipped[~labels], bins=edges, alpha=0.6, color="tab:blue", label=names[0], density=True)
        ax.hist(clipped[labels], bins=edges, alpha=0.6, color="tab:red", label=names[1], density=True)
        ax.set_xlim(lo, hi)
        ax.set_xlabel(f"reconstruction error ({UNIT})")
        ax.set_ylabel("density")
        ax.legend(fontsize=8)

    return draw


def threshold_explorer(errors, is_anomaly, images, threshold: float | None = None, n_show: int = 8,
                       bins: int = 60, max_error: float | None = None,
                       names=("normal", "anomalous")) -> Explorer:
    """A threshold slider over precomputed reconstruction errors.

    errors:
        (n,) reconstruction error of each input, e.g. ``metrics.per_image_squared_error``.
    is_anomaly:
        (n,) True for the anomalies, False for the normal inputs (the labels you would not
        have in practice; here they let you see what a threshold costs).
    images:
        the n inputs, (n, 784) / (n, 28, 28) / (n, 28, 28, 1), to show the flagged ones.
    threshold:
        the starting threshold; default the 99th percentile of the normal inputs' errors
        (about 1% false alarms).
    n_show:
        how many examples each row of digits shows.
    bins, max_error:
        histogram bins, and the right end of the histogram and the slider (default: the
        99.5th percentile of all errors; larger errors land in the last bin).
    names:
        legend names of the normal and the anomalous inputs.

    Panels: ``"histogram"`` (with the threshold as a black line and, in its caption,
    precision, recall and false-alarm rate), ``"caught"`` (anomalies flagged, those
    just above the threshold), ``"false_alarms"`` (normal inputs flagged, those just
    above) and ``"missed"`` (anomalies not flagged, those just below). Control: ``"threshold"``.
    """
    import ipywidgets as widgets

    errors, labels = _scores_and_labels(errors, is_anomaly)
    if labels.all() or not labels.any():
        raise ValueError("is_anomaly must mark some inputs as anomalies and some as normal")
    digits = as_digits(images, "images")
    if len(digits) != len(errors):
        raise ValueError(f"got {len(errors)} errors but {len(digits)} images; they must be the same inputs")
    if isinstance(n_show, bool) or not isinstance(n_show, int | np.integer) or n_show < 1:
        raise ValueError(f"n_show must be a whole number >= 1, got {n_show!r}")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ValueError(f"bins must be a whole number >= 2, got {bins!r}")
    if len(names) != 2:
        raise ValueError(f"names must be two legend names (normal, anomalous), got {names!r}")
    lo = 0.0
    hi = float(np.percentile(errors, 99.5)) if max_error is None else float(max_error)
    if not hi > lo:
        raise ValueError(f"max_error must be above 0, got {hi}")
    if threshold is None:
        threshold = float(np.percentile(errors[~labels], 99))
    threshold = float(threshold)
    if not lo <= threshold <= hi:
        raise ValueError(f"threshold={threshold} is out of range: the slider goes from {lo} to {hi:.4g}")
    histogram = OverlayCanvas(_histogram_drawing(errors, labels, lo, hi, int(bins), tuple(names)),
                              size=(5.6, 3.0))
    counts = _SortedCounts(errors, labels)
    order = np.argsort(errors, kind="stable")
    sorted_errors = errors[order]

    def nearest(mask_sorted, above: bool, t: float):
        """Indices of up to n_show inputs of a kind on one side of t, nearest to t first."""
        cut = np.searchsorted(sorted_errors, t, side="right")  # first index with error > t
        side = np.arange(cut, len(order)) if above else np.arange(cut - 1, -1, -1)
        picked = side[mask_sorted[side]][:n_show]
        return order[picked]

    anomaly_sorted = labels[order]

    def row(indices, empty: str, what: str):
        if len(indices) == 0:
            return _BLANK, empty
        shown = " ".join(f"{errors[i]:.1f}" for i in indices)
        return digits[indices], f"{what}<br><small>errors: {shown}</small>"

    def compute():
        t = float(ex.controls["threshold"].value)
        c = counts(t)
        picture, png = histogram.with_vline(t)
        caption = (f"threshold {t:.2f}: flagged {c['flagged']:,} of {len(errors):,}<br>"
                   f"precision {_pct(c['precision'])} &nbsp; recall {_pct(c['recall'])} &nbsp; "
                   f"false alarms {_pct(c['false_alarm_rate'])} of normal")
        return {
            "histogram": (picture, caption, png),
            "caught": row(nearest(anomaly_sorted, True, t), "no anomaly is flagged",
                          f"{c['true_positives']:,} of {c['anomalies']:,} anomalies flagged"),
            "false_alarms": row(nearest(~anomaly_sorted, True, t), "no false alarm",
                                f"{c['false_positives']:,} of {c['normal']:,} normal inputs flagged"),
            "missed": row(nearest(anomaly_sorted, False, t), "no anomaly is missed",
                          f"{c['false_negatives']:,} anomalies missed"),
        }

    ex = Explorer("Anomaly threshold",
                  [("histogram", "errors of normal and anomalous inputs"),
                   ("caught", "caught: anomalies just above the threshold"),
                   ("false_alarms", "false alarms: normal inputs just above the threshold"),
                   ("missed", "missed: anomalies just below the threshold")],
                  compute, "Inputs with an error above the threshold are flagged as anomalies.", stacked=True)
    ex.canvas = histogram
    ex.add_controls({
        "threshold": widgets.FloatSlider(value=threshold, min=lo, max=hi, step=(hi - lo) / 500,
                                         description="threshold", continuous_update=True,
                                         readout_format=".2f", layout=widgets.Layout(width="420px"),
                                         style={"description_width": "70px"}),
    })
    ex.refresh()
    return ex


# --- figures -------------------------------------------------------------------------------


def _error_sets(normal, anomalous: dict):
    normal = np.asarray(normal, dtype=np.float64)
    if normal.ndim != 1 or len(normal) == 0:
        raise ValueError(f"normal must be a non-empty 1-D array of errors, got shape {normal.shape}")
    if not isinstance(anomalous, dict) or not anomalous:
        raise ValueError('anomalous must be a non-empty dict {"kind of anomaly": errors, ...}')
    prepared = {}
    for name, errors in anomalous.items():
        errors = np.asarray(errors, dtype=np.float64)
        if errors.ndim != 1 or len(errors) == 0:
            raise ValueError(f"anomalous[{name!r}] must be a non-empty 1-D array of errors, got shape {errors.shape}")
        prepared[name] = errors
    return normal, prepared


def auc_scores(normal, anomalous: dict) -> dict:
    """ROC AUC of each kind of anomaly against the normal inputs, scored by their errors.

    ``normal``: errors of normal inputs; ``anomalous``: kind name -> errors of those anomalies.
    AUC is the chance that a random anomaly has a larger error than a random normal input
    (1 = perfect separation, 0.5 = no better than chance, below 0.5 = anomalies look *more* normal).
    """
    from sklearn.metrics import roc_auc_score

    normal, anomalous = _error_sets(normal, anomalous)
    return {name: float(roc_auc_score(np.r_[np.zeros(len(normal)), np.ones(len(e))], np.r_[normal, e]))
            for name, e in anomalous.items()}


def error_histograms(normal, anomalous: dict, bins: int = 50, ncols: int = 3):
    """One panel per kind of anomaly: its error histogram over the normal inputs' (log error axis)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    normal, anomalous = _error_sets(normal, anomalous)
    every = np.concatenate([normal, *anomalous.values()])
    lo = max(float(every[every > 0].min()) if (every > 0).any() else 1e-3, 1e-3)
    edges = np.geomspace(lo, max(float(every.max()), lo * 10), bins + 1)
    n = len(anomalous)
    ncols = max(1, min(int(ncols), n))
    nrows = int(np.ceil(n / ncols))
    # 3.3 inches a column: three columns fit a notebook's width (1,000 px) unshrunk
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.6 * nrows), squeeze=False)
    # the x axis spans whole powers of ten around the data: the last bin is never cut at the edge
    # and at least two powers of ten are labelled
    x_lo = 10.0 ** np.floor(np.log10(edges[0]))
    x_hi = 10.0 ** max(np.ceil(np.log10(edges[-1] * 1.05)), np.log10(x_lo) + 1)
    for ax in axes.flat[n:]:
        ax.axis("off")
    for i, (ax, (name, errors)) in enumerate(zip(list(axes.flat)[:n], anomalous.items(), strict=True)):
        ax.hist(np.clip(normal, lo, None), bins=edges, alpha=0.6, color="tab:blue", density=True, label="normal")
        ax.hist(np.clip(errors, lo, None), bins=edges, alpha=0.6, color="tab:red", density=True, label=name)
        ax.set_xscale("log")
        ax.set_xlim(x_lo, x_hi)
        ax.xaxis.set_minor_formatter(NullFormatter())  # label the powers of ten only
        ax.set_yticks([])
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=8, loc="upper right")
        if i + ncols >= n:  # the lowest panel of its column
            ax.set_xlabel(f"{UNIT} (log scale)", fontsize=8)
    fig.tight_layout()
    return fig


def roc_curves(normal, anomalous: dict, title: str | None = None):
    """ROC curve of each kind of anomaly against the normal inputs, AUC in the legend."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    normal, anomalous = _error_sets(normal, anomalous)
    aucs = auc_scores(normal, anomalous)
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    for name, errors in anomalous.items():
        fpr, tpr, _ = roc_curve(np.r_[np.zeros(len(normal)), np.ones(len(errors))], np.r_[normal, errors])
        ax.plot(fpr, tpr, label=f"{name} (AUC {aucs[name]:.3f})")
    ax.plot([0, 1], [0, 1], ":", color="grey", label="chance (AUC 0.5)")
    ax.set_xlabel("false-alarm rate (normal inputs flagged)")
    ax.set_ylabel("recall (anomalies flagged)")
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
