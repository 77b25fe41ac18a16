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
          _worst_ratio_to_pca_01, "<", quick=1.0, full=0.9, unit="(largest error ratio AE / PCA)"),
]

# ==== 02 · Dense autoencoder ================================================================

NB02 = [
    Claim("02", "Adadelta at the recipe's learning rate 0.001 ends far worse than at 1.0",
          lambda r: r.value("recipe: Adadelta (lr 0.001, as written)") / r.value("recipe: Adadelta, lr 1.0"),
          ">=", quick=2.0, full=3.0, unit="× the error at lr 1.0"),
    Claim("02", "The overcomplete 784-unit code reconstructs far better than any 32-unit code: it nearly copies",
          lambda r: r.value("overcomplete: 784-unit code") / min(r.values("recipe: 32-unit").values()),
          "<=", quick=0.5, full=0.2, unit="× the best 32-unit recipe's error"),
    Claim("02", "The course recipe beats the classic 32-unit recipes with the same layers and epochs",
          lambda r: r.value("course recipe: 32-unit dense, squared error, Adam with decay")
          / min(r.values("recipe: 32-unit").values()),
          "<", quick=0.9, full=0.9, unit="× the best classic 32-unit error"),
]

# ==== 03 · Deep autoencoder =================================================================

NB03 = [
    Claim("03", "Trained alike, the deep autoencoder (30-number code) is below the one-hidden-layer one",
          lambda r: r.value("deep AE, 30-d code") / r.value("dense AE 784-30-784"), "<", quick=0.95, full=0.8,
          unit="(error ratio deep / one layer)"),
    Claim("03", "The deep autoencoder is below PCA with 30 components",
          lambda r: r.value("deep AE, 30-d code") / r.value("PCA, k=30"), "<", quick=1.0, full=0.6,
          unit="(error ratio deep / PCA)"),
    Claim("03", "The one-hidden-layer autoencoder is below PCA with 30 components (quick mode's short run on "
          "4,000 digits only gets close)",
          lambda r: r.value("dense AE 784-30-784") / r.value("PCA, k=30"), "<", quick=1.2, full=0.8,
          unit="(error ratio one layer / PCA)"),
]

# ==== 04 · Convolutional autoencoder ========================================================

CONV_04, PCA_04, DENSE_04 = "conv AE (strided), 30-d code", "PCA, k=30", "dense AE 784-30-784"
RECIPE_04 = "recipe: unpooled conv, 128-d code (as written)"

NB04 = [
    Claim("04", "With a 30-number code the strided conv autoencoder is far below PCA fitted on the same digits",
          lambda r: r.value(CONV_04) / r.value(PCA_04), "<", quick=0.8, full=0.3, unit="(error ratio conv / PCA)"),
    Claim("04", "The strided conv autoencoder is below the dense autoencoder 784-30-784",
          lambda r: r.value(CONV_04) / r.value(DENSE_04), "<", quick=0.9, full=0.5,
          unit="(error ratio conv / dense)"),
    Claim("04", "The dense autoencoder 784-30-784 is below PCA at 30 numbers too",
          lambda r: r.value(DENSE_04) / r.value(PCA_04), "<", quick=0.95, full=0.8, unit="(error ratio dense / PCA)"),
    Claim("04", "The strided conv autoencoder beats the 2006 deep autoencoder's 3.00 (quick mode: recognisable, "
          "a looser bound)", lambda r: r.value(CONV_04), "<", quick=11.0, full=3.0, unit="squared error per image"),
    Claim("04", "The unpooled recipe is many times slower per training batch than the strided model",
          lambda r: r.value(RECIPE_04, "seconds_per_batch") / r.value(RECIPE_04, "strided_seconds_per_batch"),
          ">=", quick=2.0, full=2.5, unit="× the strided model's seconds per batch"),
]

# ==== 05 · Denoising autoencoder ============================================================

def _at_05(r, noise: str, field: str) -> float:
    return r.value(f"denoising AE, {noise}", field)


def _psnr_gain_05(r, noise: str) -> float:
    """dB the denoising AE adds to the noisy input's PSNR."""
    return _at_05(r, noise, "psnr_denoised") - _at_05(r, noise, "psnr_noisy")


NB05 = [
    Claim("05", "From Gaussian noise σ = 0.3 up (to 0.9) the denoising autoencoder raises PSNR over the noisy input",
          lambda r: min(_psnr_gain_05(r, f"gaussian σ={s}") for s in (0.3, 0.5, 0.7, 0.9)), ">=",
          quick=3.0, full=4.0, unit="dB (the smallest gain)"),
    Claim("05", "At σ = 0.5 the denoising autoencoder beats the median filter",
          lambda r: _at_05(r, "gaussian σ=0.5", "psnr_denoised") - _at_05(r, "gaussian σ=0.5", "psnr_median_filter"),
          ">=", quick=1.0, full=1.5, unit="dB ahead"),
    Claim("05", "On noisy digits (σ = 0.5) the denoising autoencoder is far better than the plain one",
          lambda r: _at_05(r, "gaussian σ=0.5", "test_error") / _at_05(r, "gaussian σ=0.5", "error_plain_ae"),
          "<", quick=0.8, full=0.6, unit="(error ratio denoising / plain)"),
    Claim("05", "On clean inputs (the tutorial bug) the plain autoencoder looks better: evaluating there picks the "
          "wrong model",
          lambda r: r.value("plain AE, clean inputs (not a denoising score)")
          / r.value("denoising AE, clean inputs (not a denoising score)"),
          "<", quick=0.8, full=0.3, unit="(clean-input error ratio plain / denoising)"),
    Claim("05", "At light noise (σ = 0.1) the denoising autoencoder makes the input worse",
          lambda r: _psnr_gain_05(r, "gaussian σ=0.1"), "<", quick=0.0, full=-0.5, unit="dB gain"),
    Claim("05", "On masked digits (50%) the denoising autoencoder raises PSNR over the noisy input",
          lambda r: _psnr_gain_05(r, "masked 50%"), ">=", quick=1.0, full=2.0, unit="dB gain"),
]

# ==== 06 · Variational autoencoder ==========================================================

BINARISED_06 = "VAE 20-d, binarised MNIST"
# Burda, Grosse & Salakhutdinov (2016), Table 1: VAE with one stochastic layer, dynamically binarised
# MNIST, test NLL estimated with k = 5,000 importance samples, nats.
BURDA_VAE_NLL_06 = 86.76


def _beta_06(r, beta, field="kl_nats") -> float:
    return r.value(f"β-VAE β={beta:g}", field)


NB06 = [
    Claim("06", "The 20-d VAE's held-out −ELBO is well below the 2-d VAE's",
          lambda r: r.value("VAE 20-d", "neg_elbo_nats") / r.value("VAE 2-d", "neg_elbo_nats"), "<",
          quick=0.9, full=0.8, unit="(−ELBO ratio 20-d / 2-d)"),
    Claim("06", "The per-pixel-mean mistake collapses the KL term to about zero (posterior collapse)",
          lambda r: r.value("per-pixel-mean mistake", "kl_nats"), "<", quick=1.0, full=0.5, unit="nats per image"),
    Claim("06", "β = 4 spends much less KL than β = 1",
          lambda r: _beta_06(r, 4) / _beta_06(r, 1), "<", quick=0.7, full=0.6, unit="(KL ratio β=4 / β=1)"),
    Claim("06", "β = 0.5 spends more KL than β = 1",
          lambda r: _beta_06(r, 0.5) / _beta_06(r, 1), ">", quick=1.1, full=1.15, unit="(KL ratio β=0.5 / β=1)"),
    Claim("06", "Reconstruction gets worse as β grows from 1 to 4",
          lambda r: _beta_06(r, 4, "recon_nats") / _beta_06(r, 1, "recon_nats"), ">", quick=1.05, full=1.2,
          unit="(reconstruction ratio β=4 / β=1)"),
    Claim("06", "On the same binarised test digits, the K-sample importance-sampled NLL estimate is below the −ELBO",
          lambda r: r.value(BINARISED_06, "neg_elbo_nats") - r.value(BINARISED_06, "nll_nats"), ">",
          quick=0.5, full=2.0, unit="nats below the −ELBO"),
    Claim("06", "Trained for a few passes, the binarised-MNIST VAE stays above the published 86.76 nats "
          "(Burda et al. 2016, 3,280 passes)", lambda r: r.value(BINARISED_06, "nll_nats") - BURDA_VAE_NLL_06, ">",
          quick=0.0, full=3.0, unit="nats above 86.76"),
]

# ==== 07 · Autoencoders at work =============================================================

UNSEEN_07 = "anomaly AUC, unseen digit 5"


def _auc_07(r, kind: str) -> float:
    return r.value(f"anomaly AUC, {kind}", "auc")


def _largest_labels_07(r) -> int:
    """The largest label count the classifier section used (10,000 in full mode)."""
    return max(int(name.rsplit(", ", 1)[1].split()[0]) for name in r.names("logreg raw pixels, "))


def _accuracy_07(r, features: str, labels: int) -> float:
    return r.value(f"logreg {features}, {labels} labels", "accuracy")


def _jpeg_data_below_ae_07(r) -> float:
    """JPEG's image data (no container) at the cheapest quality with a lower error than the 8-bit AE code, / its bytes."""
    ae = r.value("compression AE 32, 8-bit")
    data = [r.value(name, "data_bytes") for name, error in r.values("compression JPEG quality ").items()
            if error < ae]
    return min(data, default=float("inf")) / r.value("compression AE 32, 8-bit", "bytes_per_image")


NB07 = [
    Claim("07", "Inverted digits and random noise, far from the training data, are caught perfectly",
          lambda r: min(_auc_07(r, "inverted"), _auc_07(r, "random noise")), ">=", quick=0.99, full=0.99,
          unit="AUC (the lower)"),
    Claim("07", "Masked and rotated digits are caught well",
          lambda r: min(_auc_07(r, "masked (30%)"), _auc_07(r, "rotated 90°")), ">=", quick=0.8, full=0.88,
          unit="AUC (the lower)"),
    Claim("07", "The unseen 5s, a new class in the same style, are caught well above chance",
          lambda r: r.value(UNSEEN_07, "auc"), ">=", quick=0.65, full=0.72, unit="AUC"),
    Claim("07", "...but clearly less well than the masked and rotated digits",
          lambda r: min(_auc_07(r, "masked (30%)"), _auc_07(r, "rotated 90°")) - r.value(UNSEEN_07, "auc"),
          ">=", quick=0.03, full=0.06, unit="AUC below them"),
    Claim("07", "Some held-out digits are caught at or below chance (simple or similar to normal digits)",
          lambda r: min(r.values("anomaly AUC, held-out digit ", "auc").values()), "<=", quick=0.6, full=0.55,
          unit="AUC (the lowest of the ten)"),
    Claim("07", "Training data contaminated with 5% of 5s lowers the unseen 5s' AUC",
          lambda r: r.value(UNSEEN_07, "auc") - r.value(f"{UNSEEN_07}, 5% of training contaminated", "auc"),
          ">=", quick=0.02, full=0.05, unit="AUC lost"),
    Claim("07", "With the most labels, neither code beats raw pixels as a classifier's input (quick mode: not "
          "by more than a point)",
          lambda r: _accuracy_07(r, "raw pixels", n := _largest_labels_07(r))
          - max(_accuracy_07(r, "AE codes (32)", n), _accuracy_07(r, "PCA codes (32)", n)),
          ">=", quick=-0.01, full=0.0, unit="accuracy lead of raw pixels"),
    Claim("07", "With 100 labels the autoencoder's codes come within a few points of raw pixels",
          lambda r: _accuracy_07(r, "raw pixels", 100) - _accuracy_07(r, "AE codes (32)", 100), "<=",
          quick=0.08, full=0.05, unit="accuracy behind raw pixels"),
    Claim("07", "At 32 bytes per image the autoencoder's 8-bit code has a lower error than PCA's",
          lambda r: r.value("compression AE 32, 8-bit") / r.value("compression PCA 32, 8-bit"), "<",
          quick=0.95, full=0.8, unit="(error ratio AE / PCA)"),
    Claim("07", "Quantising the codes to 8 bits costs nothing measurable",
          lambda r: max(r.value(f"compression {m}, 8-bit") / r.value(f"compression {m}, float32") - 1
                        for m in ("AE 32", "PCA 32")), "<=", quick=0.02, full=0.02,
          unit="(relative error increase, the larger)"),
    Claim("07", "Every JPEG file of a digit, at any quality, is several times the autoencoder's 8-bit code: "
          "mostly headers and tables",
          lambda r: min(r.values("compression JPEG quality ", "bytes_per_image").values())
          / r.value("compression AE 32, 8-bit", "bytes_per_image"), ">=", quick=4.0, full=5.0,
          unit="× the code's bytes (the smallest JPEG file)"),
    Claim("07", "Counting only its image data, a JPEG with a lower error than the 8-bit code takes less than twice "
          "the code's bytes",
          _jpeg_data_below_ae_07, "<", quick=2.0, full=2.0, unit="× the code's bytes"),
]

# ============================================================================================

CLAIMS: list[Claim] = [*NB01, *NB02, *NB03, *NB04, *NB05, *NB06, *NB07]
