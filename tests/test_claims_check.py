"""A broken lesson fails `make test` with the notebook, the claim and the numbers (tests/claims).

The probe that conftest.py runs in the notebook's kernel is executed here on a plain dict
standing in for the kernel's globals; then one real nbval run shows the whole path.
"""

import contextlib
import io
import os
import subprocess
import sys
import types

import nbformat

from tests import claims
from tests.claims import Claim
from tools.shipped import ROOT

LESSON = types.SimpleNamespace(CLAIMS=[
    Claim("The deep autoencoder is below PCA with 30 components", "deep_error / pca_error", "<",
          quick=0.9, full=0.6),
    Claim("The deep autoencoder beats the paper's 3.00", "deep_error", "<", quick=None, full=3.0),
])


def kernel_values(module, namespace: dict) -> dict:
    """What conftest.py reads back: the probe executed in ``namespace``, its output parsed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(claims.probe_source(claims.expressions(module)), namespace)
    assert "_ae_claim_values" not in namespace, "the probe leaves nothing behind in the kernel"
    return claims.parse([{"output_type": "stream", "name": "stdout", "text": out.getvalue()}])


def test_a_lesson_that_holds_passes_and_quick_mode_skips_full_only_claims():
    values = kernel_values(LESSON, {"deep_error": 2.5, "pca_error": 5.0})
    assert values == {"deep_error / pca_error": 0.5, "deep_error": 2.5}
    assert claims.failures(LESSON, values, quick=True) == []
    assert claims.failures(LESSON, values, quick=False) == []
    assert claims.failures(LESSON, {"deep_error / pca_error": 0.5, "deep_error": 9.0}, quick=True) == []


def test_a_broken_lesson_is_reported_with_the_sentence_and_numbers():
    # the deep model trained for 0 steps: worse than PCA
    found = claims.failures(LESSON, kernel_values(LESSON, {"deep_error": 14.5, "pca_error": 14.4}), quick=True)
    assert found == ["'The deep autoencoder is below PCA with 30 components': `deep_error / pca_error` = 1.007, "
                     "needs < 0.9 in quick mode"]


def test_a_swapped_direction_fails():
    swapped = types.SimpleNamespace(CLAIMS=[Claim("The deep autoencoder is below PCA with 30 components",
                                                  "deep_error / pca_error", ">", quick=0.9, full=0.6)])
    found = claims.failures(swapped, kernel_values(swapped, {"deep_error": 2.5, "pca_error": 5.0}), quick=False)
    assert len(found) == 1 and "= 0.5, needs > 0.6 in full mode" in found[0]


def test_a_renamed_variable_is_named():
    found = claims.failures(LESSON, kernel_values(LESSON, {"deep_error": 2.5, "pca_err": 5.0}), quick=True)
    assert len(found) == 1, found
    assert "below PCA with 30 components" in found[0] and "`deep_error / pca_error`" in found[0]
    assert "name 'pca_error' is not defined" in found[0] and "renamed or removed" in found[0]


def test_claim_thresholds_and_margins():
    claim = LESSON.CLAIMS[0]
    assert abs(claim.margin(0.81, quick=True) - 0.1) < 1e-9, "10 % inside 0.9"
    assert claim.margin(1.0, quick=True) < 0 and not claim.holds(float("nan"), quick=True)


def test_every_claims_file_belongs_to_a_notebook():
    notebooks = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    for path in sorted((ROOT / "tests" / "claims").glob("nb[0-9][0-9].py")):
        assert path.stem[2:] in notebooks, f"{path.name} has no notebook"
        module = claims.load(path.stem[2:])
        assert module.CLAIMS, f"{path.name} checks no claim"
        for claim in module.CLAIMS:
            compile(claim.value, path.name, "eval")  # a typo in an expression fails here, not in a kernel


def test_make_test_fails_unclean_cells_and_claims_that_do_not_hold(tmp_path):
    """nbval with the repository's conftest.py on a notebook named like lesson 04 that trains nothing
    and has two unclean outputs: each fails its cell, then the claims item fails, all named."""
    module = claims.load("04")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "conv_model = None  # not trained",
        "import sys\nprint('library noise', file=sys.stderr)",
        "import numpy as np\nprint('labels', [np.int64(0)])",
        # nbval runs cells without history, so IPython still sends the value; JupyterLab shows nothing
        "x = 41\nx + 1;  # silenced",
    )]
    nbformat.write(nb, tmp_path / "04_broken.ipynb")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "04_broken.ipynb", "--nbval-lax", "--nbval-current-env", "-p", "conftest",
         "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), "--color=no"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "AE_FAST": "1"},
        timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 1 and "3 failed, 2 passed" in out, out
    assert "04_broken.ipynb, cell 1: outputs are not clean" in out and "stderr stream: library noise" in out
    assert "04_broken.ipynb, cell 2: outputs are not clean" in out and "NumPy repr" in out
    assert f"04_broken.ipynb: {len(module.CLAIMS)} of the lesson's claims do not hold" in out, out
    assert module.CLAIMS[0].sentence in out and "was a variable renamed or removed" in out, out
