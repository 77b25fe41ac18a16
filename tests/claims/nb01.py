"""Claims of 01 · PCA versus autoencoders, checked on the notebook's variables (see tests/claims/__init__.py)."""
from tests.claims import Claim

# "Below PCA" is the sentence's own line (ratio 1). Full mode used to ask for 0.9, a gap the sentence
# does not state, which the first 3-seed bench measured at 0.821 (8.8 % inside).

CLAIMS = [
    Claim("The linear autoencoder with k = 32 comes within a few percent of PCA (the best linear code)",
          "abs(linear_error / pca_errors[32] - 1) * 100", "<=", quick=5.0, full=1.0),
    Claim("The non-linear autoencoder is below PCA at every code size from 2 to 64",
          "max(ae_errors[size] / pca_errors[size] for size in sizes)", "<", quick=1.0, full=1.0),
]
FIGURES = {
    "PCA, 30 components": "pca_30",
    "PCA, 32 components": "pca_errors[32]",
    "linear autoencoder, k=32": "linear_error",
    "non-linear autoencoder, k=32": "ae_errors[32]",
}
