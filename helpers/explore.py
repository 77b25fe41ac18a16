"""Slider-driven explorers of latent spaces, reconstructions and noise.

Five functions build an :class:`~helpers.panels.Explorer`, an interactive panel of
ipywidgets controls and images that updates as you move the controls:

* :func:`code_size` - a slider over the code size k with PCA and autoencoder
  reconstructions side by side (notebook 01);
* :func:`latent_sliders` - one slider per latent dimension, the decoded digit
  (notebooks 03, 04 and 06);
* :func:`noise` - noise level and type: noisy input, model output and a baseline
  (by default :func:`median_filter`), with PSNR (notebook 05);
* :func:`latent_2d` - the scatter of 2-D codes with a marker at (z1, z2) and the
  digit decoded there (notebook 06);
* :func:`interpolation` - a slider t from 0 to 1 between two test digits: the
  blend of their codes, decoded, beside the blend of their pixels (notebooks 02 and 06).

Make the explorer the last expression of a cell (no ``;``) so that it displays. They feel
instant because a slider calls the model directly, compiled once (never ``model.predict``), and
shows small PNGs; driving one from code (``ex.set``, ``ex.shown``) is in :mod:`helpers.panels`.
"""

from __future__ import annotations

import math

import numpy as np

from . import data as _data
from .imaging import SCALE, STRIP_SCALE, as_digits, median_filter, png_bytes, psnr, to_digit
from .inference import compiled_call, input_width
from .metrics import UNIT, per_image_squared_error
from .panels import Explorer, OverlayCanvas, digit_chooser, float_slider

# names the notebooks and benchmarks use through this module
__all__ = ["Explorer", "SCALE", "STRIP_SCALE", "code_size", "interpolation", "latent_2d",
           "latent_sliders", "median_filter", "noise", "png_bytes", "psnr"]


def _check_index(value, n: int, name: str, what: str = "test digits") -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a whole number (an index into the {n} {what}), got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"{name}={value} is out of range: there are {n} {what}, so use 0 to {n - 1}")
    return int(value)


def _slider_ranges(codes: np.ndarray):
    """Per-dimension slider (min, max): the central 99% of the codes of real digits, widened 10%."""
    lo = np.percentile(codes, 0.5, axis=0)
    hi = np.percentile(codes, 99.5, axis=0)
    span = np.where(hi - lo > 1e-6, hi - lo, 2.0)
    mid = (lo + hi) / 2
    return mid - 0.55 * span, mid + 0.55 * span


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
    expected = input_width(decoder)
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
    to_digit(out, "the decoder")


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
    call = compiled_call(decoder, "decoder")
    _check_decoder(decoder, d, call)
    if images is not None:
        images = as_digits(images, "images")
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
        decoded = to_digit(call(z), "the decoder")
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
    sliders = {name: float_slider(name, lo[i], hi[i], codes[start, i]) for i, name in enumerate(names)}
    if images is not None:
        chooser = digit_chooser(n, start, "start from test digit #")

        def jump(change):
            with ex.batch(update=True):  # the digit shown changes even if no slider moves
                for i, name in enumerate(names):
                    ex.controls[name].value = float(np.clip(codes[change["new"], i], lo[i], hi[i]))

        chooser.observe(jump, names="value")
        ex.add_controls({"digit": chooser}, update=False)
    ex.add_controls(sliders, grid=d > 4)
    ex.refresh()
    return ex


# --- 2. the 2-D latent space -------------------------------------------------------------


def _scatter_drawing(codes, labels, lo, hi):
    """Draws the test set's codes (at most 5,000), coloured by digit, on the slider ranges."""

    def draw(fig, ax):
        take = np.random.default_rng(0).permutation(len(codes))[:5000]
        points = ax.scatter(codes[take, 0], codes[take, 1], c=np.asarray(labels)[take], cmap="tab10",
                            vmin=-0.5, vmax=9.5, s=3, alpha=0.6, linewidths=0)
        fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("z1")
        ax.set_ylabel("z2")

    return draw


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
    call = compiled_call(decoder, "decoder")
    _check_decoder(decoder, d, call)
    z0 = np.median(codes, axis=0) if start is None else codes[_check_index(start, n, "start", "codes")]
    lo, hi = _slider_ranges(codes)
    scatter = OverlayCanvas(_scatter_drawing(codes, labels, lo, hi), size=(4.4, 3.8))

    def compute():
        z1, z2 = ex.controls["z1"].value, ex.controls["z2"].value
        decoded = to_digit(call(np.array([[z1, z2]], np.float32)), "the decoder")
        picture, png = scatter.with_marker(z1, z2)
        return {"scatter": (picture, f"marker at ({z1:.2f}, {z2:.2f})", png),
                "decoded": (decoded, f"decoded from ({z1:.2f}, {z2:.2f})")}

    ex = Explorer("The 2-D latent space", [("scatter", "test digits' codes"), ("decoded", "decoded digit")],
                  compute, "Move the marker with the sliders; the digit is decoded from its position.")
    ex.canvas = scatter
    ex.add_controls({"z1": float_slider("z1", lo[0], hi[0], z0[0]),
                      "z2": float_slider("z2", lo[1], hi[1], z0[1])})
    ex.refresh()
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
    shown_images = as_digits(model_images, "images")
    n = len(shown_images)
    if n < 2:
        raise ValueError(f"interpolation needs at least 2 images, got {n}")
    a = _check_index(a, n, "a")
    b = _check_index(b, n, "b")
    if labels is not None and len(labels) != n:
        raise ValueError(f"got {n} images but {len(labels)} labels")
    enc = compiled_call(encode, "encode")
    dec = compiled_call(decoder, "decoder")
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
        latent = to_digit(dec(z), "the decoder")
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
    ex.add_controls({"t": t_slider, "a": digit_chooser(n, a, "digit a: test digit #"),
                      "b": digit_chooser(n, b, "digit b: test digit #")})
    ex.refresh()
    return ex


# --- 4. noise ----------------------------------------------------------------------------


def _psnr_captions(clean, others) -> list[str]:
    """Captions (PSNR and squared error against ``clean``) for several images, PSNR in one call."""
    others = np.stack(others)
    values = np.atleast_1d(psnr(np.broadcast_to(clean, others.shape), others))
    errors = per_image_squared_error(np.broadcast_to(clean, others.shape), others)
    shown = ["∞ (identical)" if math.isinf(v) else f"{v:.1f} dB" for v in values]
    return [f"PSNR {v}<br><small>squared error {e:.1f}</small>" for v, e in zip(shown, errors, strict=True)]


def noise(denoise, images, baseline=None, baseline_name: str = "median filter", level: float = 0.3,
          kind: str = "gaussian", seed: int = 0) -> Explorer:
    """Corrupt a test digit with noise of a chosen kind and level; compare a model and a baseline.

    denoise:
        Keras model (or function) mapping noisy images, shaped like ``images``, to clean ones.
    images:
        clean test digits (the layout the model takes).
    baseline:
        function noisy images -> cleaned images; default :func:`median_filter` (3 x 3, the
        baseline notebook 05 measures).
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
    clean = as_digits(model_images, "images")
    n = len(clean)
    if n == 0:
        raise ValueError("noise needs at least one image")
    layout = model_images.shape[1:]
    model = compiled_call(denoise, "denoise")
    if baseline is None:
        baseline = median_filter
    elif not callable(baseline):
        raise TypeError(f"baseline must be a function of a batch of noisy images, got {type(baseline).__name__}")
    try:
        to_digit(model(model_images[:1]), "the denoising model")
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
        out = to_digit(model(batch), "the denoising model")
        base = to_digit(np.asarray(baseline(batch), np.float32), "the baseline")
        captions = _psnr_captions(clean[i], [noisy, out, base])
        return {"clean": (clean[i], f"test digit #{i}"),
                "noisy": (noisy, captions[0]),
                "model": (out, captions[1]),
                "baseline": (base, captions[2])}

    ex = Explorer("Noise explorer",
                  [("clean", "clean"), ("noisy", "noisy input"), ("model", "model output"),
                   ("baseline", baseline_name)],
                  compute, "PSNR (dB, higher is better) compares each image with the clean digit.")
    ex.add_controls({
        "digit": digit_chooser(n, 0, "test digit #"),
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
    ex.refresh()
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

    originals = as_digits(originals, "originals")
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
                  "Slide k, the number of numbers in the code, and compare the methods.", stacked=True)
    ex.add_controls({
        "k": widgets.SelectionSlider(options=ks, value=ks[len(ks) // 2], description="k",
                                     continuous_update=True, layout=widgets.Layout(width="360px"),
                                     style={"description_width": "40px"}),
        "digit": digit_chooser(m, 0, "first test digit #"),
    })
    ex.refresh()
    return ex
