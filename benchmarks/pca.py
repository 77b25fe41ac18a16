"""The PCA baseline at any code size, on the same digits as the notebooks.

PCA is the benchmark's yardstick (not a model of the course): by the Eckart–Young
theorem no linear code of size k reconstructs better. :func:`pca_errors` fits one PCA
with scikit-learn on the training digits and reports, for every requested k, the
squared error per test image (the course's unit, ``helpers.metrics``) of the
reconstruction from the first k components.
"""

from __future__ import annotations

import numpy as np


def pca_errors(x_train, x_test, sizes) -> dict[int, float]:
    """``{k: squared error per test image of PCA with k components}`` for each k in sizes.

    ``x_train``/``x_test``: images (n, 28, 28) or (n, 784) in [0, 1]. A k at or above the
    number of pixels (or training digits) reconstructs exactly: error 0.
    """
    from sklearn.decomposition import PCA

    from helpers import metrics

    x_train = np.asarray(x_train, dtype=np.float32).reshape(len(x_train), -1)
    x_test = np.asarray(x_test, dtype=np.float32).reshape(len(x_test), -1)
    sizes = sorted({int(k) for k in sizes if int(k) >= 1})
    if not sizes:
        return {}
    limit = min(x_train.shape)
    fitted = PCA(n_components=min(max(sizes), limit), svd_solver="covariance_eigh").fit(x_train)
    centred = (x_test - fitted.mean_).astype(np.float64)
    components = fitted.components_.astype(np.float64)
    errors = {}
    for k in sizes:
        if k >= x_train.shape[1]:
            errors[k] = 0.0
            continue
        basis = components[: min(k, len(components))]
        recon = (centred @ basis.T) @ basis + fitted.mean_
        errors[k] = metrics.squared_error(x_test, recon)
    return errors
