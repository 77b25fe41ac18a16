"""Digits as pictures: checking their layout, tiling them, PNG bytes, and two image scores.

Used by :mod:`helpers.explore`, :mod:`helpers.anomaly`, :mod:`helpers.panels` and
:mod:`helpers.plotting`; notebook 05 uses :func:`median_filter` (as ``explore.median_filter``).
"""

from __future__ import annotations

import functools
import io

import numpy as np

DIGIT_SIDE = 28
SCALE = 5  # a 28 x 28 digit is shown at 140 x 140 screen pixels
STRIP_SCALE = 3  # digits in a row of several are shown at 84 x 84


def as_digits(x, name: str = "images") -> np.ndarray:
    """Images (n, 784) / (n, 28, 28) / (n, 28, 28, 1), or one (784,) image, as (n, 28, 28) float32.

    The one shape normaliser of the helpers (plots, explorers, compression, anomaly views).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.size and x.size % (DIGIT_SIDE * DIGIT_SIDE) == 0 and x.shape[-1] in (1, DIGIT_SIDE, DIGIT_SIDE ** 2) \
            and (x.ndim > 1 or x.size == DIGIT_SIDE ** 2):
        return x.reshape(-1, DIGIT_SIDE, DIGIT_SIDE)
    raise ValueError(
        f"{name} must be a batch of 28 x 28 images, shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); "
        f"got shape {x.shape}"
    )


def to_digit(out, what: str) -> np.ndarray:
    """One model output (1, 784) / (1, 28, 28) / (1, 28, 28, 1) as a (28, 28) float image."""
    out = np.asarray(out, dtype=np.float32)
    if out.size != DIGIT_SIDE * DIGIT_SIDE:
        raise ValueError(
            f"{what} returned an output of shape {out.shape}; expected one 28 x 28 image "
            "(shape (1, 784), (1, 28, 28) or (1, 28, 28, 1))"
        )
    return out.reshape(DIGIT_SIDE, DIGIT_SIDE)


def tile(images: np.ndarray, ncols: int | None = None, gap: int = 0, fill: float = 0.0) -> np.ndarray:
    """(m, h, w) images on one canvas, ``ncols`` per row (default all in one row), ``gap`` pixels apart.

    Empty cells and gaps hold ``fill`` (0 is white on the course's ink-dark-on-white digits).
    """
    images = np.asarray(images, dtype=np.float32)
    m, h, w = images.shape
    ncols = m if ncols is None else max(1, min(int(ncols), m))
    nrows = -(-m // ncols)
    canvas = np.full((nrows * h + (nrows - 1) * gap, ncols * w + (ncols - 1) * gap), fill, np.float32)
    for k, image in enumerate(images):
        i, j = divmod(k, ncols)
        canvas[i * (h + gap):i * (h + gap) + h, j * (w + gap):j * (w + gap) + w] = image
    return canvas


def gray_u8(image: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] to uint8, ink dark on white (like ``plotting.DIGIT_CMAP``)."""
    return (255.0 - 255.0 * np.clip(image, 0.0, 1.0)).astype(np.uint8)


def display_pixels(array: np.ndarray) -> np.ndarray:
    """What a panel's array looks like on screen: uint8 grey (h, w) or RGB (h, w, 3), before scaling."""
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 3:
        return array.astype(np.uint8)  # an RGB picture (the 2-D scatter), already at screen size
    if array.ndim == 3:
        array = tile(array, gap=2)
    return gray_u8(array)


def display_scale(array) -> int:
    """How many screen pixels a panel's pixel takes: 5 for a digit, 3 in a row, 1 for an RGB picture."""
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

    scale = display_scale(array) if scale is None else scale
    pixels = display_pixels(array)
    if pixels.ndim == 2 and scale > 1:
        pixels = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def median_filter(x, size: int = 3) -> np.ndarray:
    """A size x size median filter within each image of a batch; edges mirrored.

    ``x``: (n, 28, 28), (n, 28, 28, 1) or (n, 784) images; the result has the same shape.
    This is ``scipy.ndimage.median_filter`` with size 1 along the batch (and channel) axis and
    ``mode="mirror"``, the one median-filter baseline of the course.
    """
    from scipy import ndimage

    x = np.asarray(x, dtype=np.float32)
    images = as_digits(x, "images")
    filtered = ndimage.median_filter(images, size=(1, size, size), mode="mirror")
    return filtered.reshape(x.shape)


def psnr(clean, other):
    """Peak signal-to-noise ratio in dB of an image against the clean one (values in [0, 1]).

    ``tf.image.psnr(..., max_val=1.0)``: 10·log10(1 / per-pixel MSE); infinite for identical
    images. One image (784 values, in any layout): a float; a batch (n, 28, 28) / (n, 784) /
    (n, 28, 28, 1) against clean images of the same shape: an array of n values, in one call.
    """
    clean, other = np.asarray(clean, np.float32), np.asarray(other, np.float32)
    if clean.shape != other.shape:
        raise ValueError(f"psnr compares images of the same shape, got {clean.shape} and {other.shape}")
    shape = (-1, DIGIT_SIDE, DIGIT_SIDE, 1)
    values = _compiled_psnr()(clean.reshape(shape), other.reshape(shape)).numpy().astype(np.float64)
    return float(values[0]) if clean.size == DIGIT_SIDE * DIGIT_SIDE else values


@functools.lru_cache(maxsize=1)
def _compiled_psnr():
    """``tf.image.psnr`` compiled once (the noise explorer calls it on every slider move; run
    eagerly its several small operations cost milliseconds)."""
    import tensorflow as tf

    spec = tf.TensorSpec((None, DIGIT_SIDE, DIGIT_SIDE, 1), tf.float32)
    return tf.function(lambda a, b: tf.image.psnr(a, b, max_val=1.0), input_signature=[spec, spec])
