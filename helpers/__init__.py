"""Shared helpers for the autoencoders course.

Import the pieces you need, e.g. ``from helpers import config, data, plotting``.
Importing this package does nothing else: no seeding, no plot-style changes, no
network access, no TensorFlow import.
"""

__version__ = "0.1.0"
