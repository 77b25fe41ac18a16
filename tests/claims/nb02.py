"""Claims of 02 · Dense autoencoder, checked on the notebook's variables (see tests/claims/__init__.py)."""
from tests.claims import Claim

CLAIMS = [
    Claim("Adadelta at the recipe's learning rate 0.001 ends far worse than at 1.0",
          "adadelta_error / adadelta_fixed_error", ">=", quick=2.0, full=3.0),
    Claim("The overcomplete 784-unit code reconstructs far better than any 32-unit code",
          "wide_error / min(bce_error, mse_error, course_error)", "<=", quick=0.5, full=0.2),
    Claim("The course recipe beats the classic 32-unit recipes with the same layers and epochs",
          "course_error / min(bce_error, mse_error)", "<", quick=0.9, full=0.9),
]
FIGURES = {
    "32-unit, BCE, Adam": "bce_error",
    "32-unit, squared error, Adam": "mse_error",
    "64-unit, BCE, Adam": "error_64",
    "32-unit, Adadelta as written": "adadelta_error",
    "32-unit, Adadelta lr 1.0": "adadelta_fixed_error",
    "course recipe, 32-unit": "course_error",
    "784-unit code": "wide_error",
    "sparse 32-unit code, L1 0.05": "sparse_error",
}
