"""Calling a model fast enough for a slider: compiled once, called directly, never ``predict``.

:func:`compiled_call` turns a Keras model (or any function of a NumPy batch) into a
function x -> NumPy array. A Keras model runs through ``tf.function`` in inference mode,
traced on its first call and then reused: one compiled function per model, shared by every
explorer built on it. ``model.predict`` is never used: it builds a data pipeline on every
call, far too slow for a slider callback. TensorFlow's "triggered tf.function retracing"
notice is dropped for that one first trace, which is by design (:func:`quiet_retracing`).

Used by :mod:`helpers.explore` (the explorers of notebooks 04, 05 and 06).
"""

from __future__ import annotations

import contextlib
import logging
import weakref

import numpy as np


def first_output(out) -> np.ndarray:
    """The array a model returned; for several outputs (a VAE encoder's z_mean, z_log_var, z) the first."""
    if isinstance(out, dict):
        out = next(iter(out.values()))
    if isinstance(out, list | tuple):
        out = out[0]
    if hasattr(out, "numpy"):
        out = out.numpy()
    return np.asarray(out, dtype=np.float32)


class RetracingNoticeFilter(logging.Filter):
    """Drops TensorFlow's "N out of the last M calls ... triggered tf.function retracing" notice."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def quiet_retracing():
    """Within the block, TensorFlow's logger drops its retracing notice (and nothing else)."""
    # Each explorer compiles its model once, on its first call. A notebook that builds several
    # explorers (or several models) makes TensorFlow warn about "excessive retracing"; here the
    # tracing is by design, so that one notice is dropped, for this call only.
    logger = logging.getLogger("tensorflow")
    notice = RetracingNoticeFilter()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


# Keras model -> (weak reference to) its compiled inference call, shared by the explorers of one
# model; weak on both sides, so neither keeps the model alive once its explorers are gone
_compiled = weakref.WeakKeyDictionary()


def compiled_call(model, name: str):
    """A function x -> NumPy array that calls ``model`` without ``predict``.

    A Keras model or layer (TensorFlow backend) runs through ``tf.function`` in
    inference mode, compiled on its first call and shared by later calls of this function
    for the same model; any other callable is called as it is. ``name`` (e.g. "decoder")
    is used in the error for something that cannot be called.
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
                return first_output(compiled(x))
            with quiet_retracing():
                out = first_output(compiled(x))
            traced.append(True)
            return out

        call.compiled = compiled  # the tf.function, e.g. to count its traces
        with contextlib.suppress(TypeError):
            _compiled[model] = weakref.ref(call)
        return call
    if is_keras:
        return lambda x: first_output(model(x, training=False))
    return lambda x: first_output(model(x))


def input_width(model) -> int | None:
    """The code size a Keras decoder expects (its input's last dimension), or None if unknown."""
    for attr in ("inputs", "input_shape"):
        try:
            value = getattr(model, attr)
        except Exception:  # unbuilt models raise on these properties (AttributeError, ValueError)
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
