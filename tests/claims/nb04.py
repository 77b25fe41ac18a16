"""Claims of 04 · Convolutional autoencoder, checked on the notebook's variables (see tests/claims/__init__.py).

Quick-mode thresholds clear the worst of seeds 42, 7 and 43 in quick mode by at least 10%, on the
offline sample and on full MNIST (2026-12-06, on the course's 2-core machine under load).
"""
from tests.claims import Claim

CLAIMS = [
    Claim("With a 30-number code it reconstructs MNIST test digits better than PCA [far below it]",
          "conv_error / pca_error", "<", quick=0.8, full=0.3),
    Claim("With a 30-number code it reconstructs MNIST test digits better than ... the dense autoencoder",
          "conv_error / dense_error", "<", quick=0.9, full=0.5),
    Claim("the dense autoencoder 784-30-784 is below PCA at 30 numbers too",
          "dense_error / pca_error", "<", quick=0.95, full=0.8),
    # Quick mode's 4,000 digits and seven epochs cannot reach 3.00 (the notebook's quick-mode note says so):
    # checked in full mode only.
    Claim("it reconstructs MNIST test digits ... and, trained on the full data set, better than the 2006 paper's 3.00",
          "conv_error", "<", quick=None, full=3.0),
    Claim("The popular unpooled recipe ... is several times slower per batch",
          "recipe_batch / strided_batch", ">=", quick=2.0, full=2.5),
]
FIGURES = {
    "conv AE (strided), 30-d code": "conv_error",
    "conv AE (strided), training seconds": "conv_seconds",
    "PCA, k=30": "pca_error",
    "dense AE 784-30-784": "dense_error",
}
