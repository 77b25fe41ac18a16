"""Mixed precision for the models built inside one block, and only those.

:func:`bfloat16` is a context manager: every Keras layer *created* inside it computes in
bfloat16 (a 16-bit float with float32's range but fewer digits) while its weights, and
the optimiser's updates to them, stay float32. Keras calls this the ``"mixed_bfloat16"``
dtype policy. On a CPU with bfloat16 instructions it can train a convolutional model
about twice as fast; elsewhere it may be slower, so the course measures it first
(``benchmarks/candidates.py``). Layers created after the block, i.e. the notebook's
other models, use float32 as before. Give a model's last layer ``dtype="float32"`` so
its output, and the loss computed from it, are in float32.

Introduced in notebook 04.
"""

from __future__ import annotations

import contextlib

POLICY = "mixed_bfloat16"


@contextlib.contextmanager
def bfloat16():
    """Layers created inside the ``with`` block use Keras' ``"mixed_bfloat16"`` policy.

    The previous global policy is restored on leaving the block, also after an error.
    """
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(POLICY)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
