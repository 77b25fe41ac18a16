"""The course's shared figures.

Every function draws one Matplotlib figure and returns it, so tests can inspect it
and notebooks can save it. In a notebook, end the call with ``;`` so only the
picture shows, not the figure's text repr. Nothing here changes global plot style.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .imaging import as_digits, tile
from .metrics import UNIT, per_image_squared_error

DIGIT_CMAP = "gray_r"  # ink dark on white, as digits are usually drawn


def _blank(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def digit_grid(images, labels=None, ncols: int = 10, title: str | None = None, size: float = 1.0):
    """A grid of digits, with their labels (or any short captions) above them."""
    images = as_digits(images)
    n = len(images)
    if n == 0:
        raise ValueError("digit_grid needs at least one image")
    if labels is not None and len(labels) != n:
        raise ValueError(f"got {n} images but {len(labels)} labels")
    ncols = max(1, min(int(ncols), n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.1), squeeze=False)
    for i, ax in enumerate(axes.flat):
        _blank(ax)
        if i < n:
            ax.imshow(images[i], cmap=DIGIT_CMAP, vmin=0, vmax=1)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def reconstructions(originals, rows, n: int = 10, show_error: bool = True, title: str | None = None):
    """Originals on top, then one row per model; each reconstruction shows its squared error.

    ``rows`` maps a row title to reconstructions of the same images, e.g.
    ``{"PCA, k=32": x_pca, "autoencoder": x_ae}`` (a single array is titled "reconstruction").
    """
    originals = as_digits(originals, "originals")
    if not isinstance(rows, dict):
        rows = {"reconstruction": rows}
    if not rows:
        raise ValueError("give at least one row of reconstructions")
    n = min(int(n), len(originals))
    if n < 1:
        raise ValueError("need at least one image to show")
    prepared = {}
    for label, recon in rows.items():
        recon = as_digits(recon, f"row {label!r}")
        if len(recon) < n:
            raise ValueError(f"row {label!r} has {len(recon)} images, fewer than the {n} to show")
        prepared[label] = recon[:n]
    originals = originals[:n]
    nrows = 1 + len(prepared)
    fig, axes = plt.subplots(nrows, n, figsize=(1.05 * n + 1.4, 1.25 * nrows), squeeze=False)
    for j in range(n):
        axes[0, j].imshow(originals[j], cmap=DIGIT_CMAP, vmin=0, vmax=1)
        _blank(axes[0, j])
    axes[0, 0].set_ylabel("original", rotation=0, ha="right", va="center", fontsize=9)
    for i, (label, recon) in enumerate(prepared.items(), start=1):
        errors = per_image_squared_error(originals, recon)
        for j in range(n):
            ax = axes[i, j]
            ax.imshow(recon[j], cmap=DIGIT_CMAP, vmin=0, vmax=1)
            _blank(ax)
            if show_error:
                ax.set_xlabel(f"{errors[j]:.1f}", fontsize=9, labelpad=1)
        ax0 = axes[i, 0]
        mean = f"\n(mean {errors.mean():.1f})" if show_error else ""
        ax0.set_ylabel(f"{label}{mean}", rotation=0, ha="right", va="center", fontsize=9)
    if title is None and show_error:
        title = f"Numbers under the digits: {UNIT}"
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def training_curves(history, metrics=None, unit: str | None = None, title: str | None = None,
                    log_scale: bool = False):
    """Training and validation curves from a Keras ``History`` (or its ``.history`` dict)."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError("training_curves needs a Keras History (or its .history dict) with at least one metric")
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
    unknown = [m for m in metrics if m not in logs]
    if unknown:
        raise ValueError(f"metrics {unknown} are not in the history; it has {sorted(logs)}")
    # at most 10 inches (1,000 px): wider pictures are shrunk to the notebook's width, and their text with them
    fig, axes = plt.subplots(1, len(metrics), figsize=(min(4.2 * len(metrics), 10.0), 3), squeeze=False)
    for ax, name in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "-o", ms=3, label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "--o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        ax.set_ylabel(unit if (unit and len(metrics) == 1) else name)
        ax.set_title(name, fontsize=10)
        if log_scale:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def latent_scatter(codes, labels, title: str | None = None, ax=None, size: float = 3,
                   alpha: float = 0.6):
    """A 2-D latent space, each point a digit coloured by its label (0-9)."""
    codes = np.asarray(codes, dtype=np.float32)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"latent_scatter needs 2-D codes of shape (n, 2), got {codes.shape}")
    if len(labels) != len(codes):
        raise ValueError(f"got {len(codes)} codes but {len(labels)} labels")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.8))
    else:
        fig = ax.figure
    points = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5,
                        s=size, alpha=alpha, linewidths=0)
    fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def manifold(decode, n: int = 15, z1=None, z2=None, quantiles: bool = True, title: str | None = None):
    """Decoded digits on an n × n grid of 2-D codes.

    ``decode`` maps an array of codes (m, 2) to images (a Keras decoder works). By
    default the grid covers the standard normal prior through its quantiles
    (0.05 … 0.95), as for a VAE; pass ``z1``/``z2`` (sequences of values) for any other grid.
    """
    from statistics import NormalDist

    n = int(n)
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if z1 is None or z2 is None:
        if quantiles:
            grid = np.array([NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, n)])
        else:
            grid = np.linspace(-3, 3, n)
        z1 = grid if z1 is None else z1
        z2 = grid if z2 is None else z2
    z1, z2 = np.asarray(z1, np.float32), np.asarray(z2, np.float32)
    # rows run from high z2 (top) to low z2 (bottom), like a scatter plot's y axis
    codes = np.array([[a, b] for b in z2[::-1] for a in z1], dtype=np.float32)
    images = as_digits(np.asarray(decode(codes)), "decoded images")
    canvas = tile(images, ncols=len(z1))
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(canvas, cmap=DIGIT_CMAP, vmin=0, vmax=1,
              extent=(-0.5, len(z1) - 0.5, -0.5, len(z2) - 0.5))
    step = max(1, len(z1) // 5)
    ax.set_xticks(range(0, len(z1), step), [f"{v:.2f}" for v in z1[::step]])
    ax.set_yticks(range(0, len(z2), step), [f"{v:.2f}" for v in z2[::step]])
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def error_vs_size(sizes, curves: dict, unit: str = UNIT, title: str | None = None, references=None):
    """Error against code size, one line per method (e.g. PCA vs autoencoder).

    ``curves`` maps a method name to its errors at ``sizes``; ``references`` maps a
    label to ``(size, error)`` points drawn as stars (e.g. published results).
    """
    sizes = list(sizes)
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, errors in curves.items():
        if len(errors) != len(sizes):
            raise ValueError(f"curve {label!r} has {len(errors)} points for {len(sizes)} sizes")
        ax.plot(sizes, errors, "-o", ms=4, label=label)
    for label, (size, error) in (references or {}).items():
        ax.plot([size], [error], "*", ms=12, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("code size k")
    ax.set_ylabel(unit)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
