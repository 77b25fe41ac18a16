"""The claims each notebook's lesson makes, declared once, with a threshold per mode.

One section per notebook; each section defines ``NBxx``, a list of
:class:`helpers.claims.Claim`. A claim reads the numbers its notebook recorded with
``results.record("xx", name, ...)`` (``r.value(name, field)``; ``r.values(prefix, field)``
for every row whose name starts with ``prefix``) and returns one number, compared with
the quick-mode threshold under ``AE_FAST=1`` and the full-mode one otherwise. The
full-mode thresholds hold with a margin on the committed full-data run
(benchmarks/RESULTS.md); the quick-mode ones on quick runs with the offline sample and
with full MNIST. Checked by ``claims.check("xx")``, the last code cell of each notebook,
and by ``make bench``.

Used by :mod:`helpers.claims` (every notebook's summary) and ``benchmarks``.
"""

from __future__ import annotations

from .claims import Claim

# ==== 01 · PCA versus autoencoders ==========================================================

NONLINEAR_SIZES_01 = (2, 4, 8, 16, 32, 64)


def _worst_ratio_to_pca_01(r) -> float:
    """The non-linear autoencoder's error / PCA's at the same k, the largest over the code sizes."""
    return max(r.value(f"non-linear AE, k={k}") / r.value(f"PCA, k={k}") for k in NONLINEAR_SIZES_01)


NB01 = [
    Claim("01", "The linear autoencoder with k = 32 comes within a few percent of PCA (the best linear code)",
          lambda r: abs(r.value("linear AE, k=32", "gap_to_pca_percent")), "<=", quick=5.0, full=1.0,
          unit="% from PCA"),
    Claim("01", "The non-linear autoencoder is below PCA at every code size from 2 to 64",
          _worst_ratio_to_pca_01, "<", quick=0.95, full=0.9, unit="(largest error ratio AE / PCA)"),
]

# ==== 02 · Dense autoencoder ================================================================

NB02 = [
    Claim("02", "Adadelta at the recipe's learning rate 0.001 ends far worse than at 1.0",
          lambda r: r.value("recipe: Adadelta (lr 0.001, as written)") / r.value("recipe: Adadelta, lr 1.0"),
          ">=", quick=2.0, full=3.0, unit="× the error at lr 1.0"),
    Claim("02", "The overcomplete 784-unit code nearly copies its input",
          lambda r: r.value("overcomplete: 784-unit code"), "<=", quick=5.0, full=2.0,
          unit="squared error per image"),
]

# ==== 03 · Deep autoencoder =================================================================

NB03 = [
    Claim("03", "With 30 code units the deep autoencoder is below the one-hidden-layer one",
          lambda r: r.value("deep AE, 30-d code") / r.value("dense AE 784-30-784"), "<", quick=0.95, full=0.8,
          unit="(error ratio deep / one layer)"),
    Claim("03", "With 30 code units the one-hidden-layer autoencoder is below PCA",
          lambda r: r.value("dense AE 784-30-784") / r.value("PCA, k=30"), "<", quick=0.95, full=0.8,
          unit="(error ratio one layer / PCA)"),
]

# ==== 04 · Convolutional autoencoder ========================================================

NB04: list[Claim] = []

# ==== 05 · Denoising autoencoder ============================================================

NB05: list[Claim] = []

# ==== 06 · Variational autoencoder ==========================================================

NB06: list[Claim] = []

# ==== 07 · Autoencoders at work =============================================================

NB07: list[Claim] = []

# ============================================================================================

CLAIMS: list[Claim] = [*NB01, *NB02, *NB03, *NB04, *NB05, *NB06, *NB07]
