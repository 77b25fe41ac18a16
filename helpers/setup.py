"""Notebook set-up: import Keras without TensorFlow's start-up log lines.

TensorFlow writes several low-level log lines to the process's stderr when it
starts (oneDNN notices, "could not find cuda drivers", "failed call to cuInit" on
machines without a GPU). They are harmless but land in the first cell of every
notebook as red text. :func:`import_keras` imports Keras and initialises the
backend's devices with that stream silenced, then restores it, and prints one line
with the course's version (``helpers.__version__``), the library versions and the device
the course will run on.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def silenced_stderr():
    """Send the process's file descriptor 2 (C-level stderr) to /dev/null for a moment."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def import_keras(verbose: bool = True):
    """Import and return ``keras`` (TensorFlow backend) quietly; print the course's and libraries' versions and device."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with silenced_stderr():
        import keras
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")  # initialises the devices now, quietly
    if verbose:
        from helpers import __version__

        device = f"{len(gpus)} GPU(s)" if gpus else f"CPU only ({os.cpu_count()} cores)"
        print(f"Autoencoders course v{__version__} · Keras {keras.__version__}, backend "
              f"{keras.backend.backend()} (TensorFlow {tf.__version__}), {device}")
    return keras
