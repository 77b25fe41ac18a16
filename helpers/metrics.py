"""The course's one error unit: squared error per image.

For an image x with pixel values in [0, 1] and its reconstruction x̂, the squared
error is the sum over all 784 pixels of (x - x̂)². The course reports its average
over the test images. It is the unit of Hinton & Salakhutdinov (Science, 2006):
PCA with 30 components scores 13.87 on the MNIST test set in it.

Other units convert to it:

* per-pixel mean squared error (Keras' ``"mse"`` on flat images) × 784;
* binary cross-entropy is a different quantity (it is not zero even for a perfect
  reconstruction of grey pixels), so the course computes squared error beside it.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import numpy as np

UNIT = "squared error per image"
PIXELS = 784


def _pair(x, x_hat):
    x = np.asarray(x, dtype=np.float64)
    x_hat = np.asarray(x_hat, dtype=np.float64)
    if x.shape != x_hat.shape:
        if x.size == x_hat.size and len(x) == len(x_hat):
            x_hat = x_hat.reshape(x.shape)  # e.g. (n, 784) against (n, 28, 28)
        else:
            raise ValueError(f"images and reconstructions differ in shape: {x.shape} vs {x_hat.shape}")
    if x.ndim < 2:
        raise ValueError(f"expected a batch of images (n, ...), got shape {x.shape}")
    return x, x_hat


def per_image_squared_error(x, x_hat) -> np.ndarray:
    """Squared error of each image: sum over its pixels of (x - x̂)². Shape (n,)."""
    x, x_hat = _pair(x, x_hat)
    return ((x - x_hat) ** 2).reshape(len(x), -1).sum(axis=1)


def squared_error(x, x_hat) -> float:
    """The course's unit: squared error per image, averaged over the images."""
    return float(per_image_squared_error(x, x_hat).mean())


def from_per_pixel_mse(mse: float, pixels: int = PIXELS) -> float:
    """Convert a per-pixel mean squared error (Keras' ``"mse"``) to squared error per image."""
    return float(mse) * pixels


def reconstruct(model, x, batch_size: int = 1000) -> np.ndarray:
    """Run ``model`` over ``x`` in batches and return a NumPy array.

    The model is called directly (``model(batch, training=False)``), not through
    ``predict``: ``predict`` compiles a new TensorFlow function for every model, used
    here for a few batches only, and a notebook that evaluates several models in a row
    then prints TensorFlow's "triggered tf.function retracing" warning.
    """
    import keras

    x = np.asarray(x)
    if len(x) == 0:
        raise ValueError("reconstruct needs at least one image")
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    try:  # a model built as keras.Model([inputs], ...) expects a list of one input
        one_in_a_list = isinstance(model.input, list | tuple) and len(model.input) == 1
    except (AttributeError, ValueError):  # a plain function, or a subclassed model
        one_in_a_list = False
    return np.concatenate([
        keras.ops.convert_to_numpy(model([batch] if one_in_a_list else batch, training=False))
        for batch in (x[i:i + batch_size] for i in range(0, len(x), batch_size))])


def evaluate(model, x, target=None, batch_size: int = 1000) -> float:
    """Squared error per image of ``model`` reconstructing ``target`` (default: ``x``) from ``x``."""
    return squared_error(x if target is None else target, reconstruct(model, x, batch_size))


def sum_squared_error(y_true, y_pred):
    """Keras loss in the course's unit: sum of squared errors over each image's pixels.

    Keras averages a loss over the batch, so the training log then shows squared
    error per image directly. Use it as ``model.compile(loss=metrics.sum_squared_error)``
    or as a metric beside another loss.
    """
    from keras import ops

    squared = ops.square(ops.cast(y_true, y_pred.dtype) - y_pred)
    return ops.sum(ops.reshape(squared, (ops.shape(squared)[0], -1)), axis=-1)
