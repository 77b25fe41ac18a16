"""helpers.claims: a lesson whose conclusion stops holding fails, naming the claim and the numbers."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import claims, data, lesson_claims, results

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv(results.ENV_VAR, raising=False)
    monkeypatch.setattr(data, "loaded_full_mnist", lambda: None)  # no MNIST loaded in this kernel
    results._rows.clear()
    yield
    results._rows.clear()


def good_01_rows():
    """Rows shaped like notebook 01's full run (its committed numbers)."""
    pca = {2: 43.64, 4: 37.56, 8: 29.35, 16: 21.06, 32: 13.19, 64: 7.09}
    ae = {2: 34.72, 4: 25.06, 8: 16.38, 16: 10.07, 32: 5.93, 64: 4.05}
    rows = [{"notebook": "01", "name": f"PCA, k={k}", "code_size": k, "test_error": e} for k, e in pca.items()]
    rows.append({"notebook": "01", "name": "linear AE, k=32", "test_error": 13.19, "gap_to_pca_percent": 0.02})
    rows += [{"notebook": "01", "name": f"non-linear AE, k={k}", "test_error": e} for k, e in ae.items()]
    return rows


def linear_row(rows):
    return next(r for r in rows if r["name"] == "linear AE, k=32")


def test_good_run_holds_in_both_modes():
    for quick in (True, False):
        outcomes = claims.check("01", rows=good_01_rows(), quick=quick, show=False)
        assert [o.status for o in outcomes] == ["holds", "holds"]
        assert outcomes[1].measured == pytest.approx(34.72 / 43.64)


# --- a broken lesson fails -------------------------------------------------------------------


def linear_autoencoder_error(x_train, x_test, k, steps, lr=0.02, seed=0):
    """A tiny linear autoencoder trained by gradient descent in NumPy; its test error per image."""
    rng = np.random.default_rng(seed)
    mean = x_train.mean(0)
    enc = rng.normal(0, 0.1, (x_train.shape[1], k))
    dec = rng.normal(0, 0.1, (k, x_train.shape[1]))
    xc = x_train - mean
    for _ in range(steps):
        code = xc @ enc
        diff = code @ dec - xc
        grad_dec = code.T @ diff / len(xc)
        grad_enc = xc.T @ (diff @ dec.T) / len(xc)
        enc -= lr * grad_enc
        dec -= lr * grad_dec
    recon = (x_test - mean) @ enc @ dec + mean
    return float(((recon - x_test) ** 2).sum(1).mean())


def pca_error(x_train, x_test, k):
    mean = x_train.mean(0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    recon = (x_test - mean) @ vt[:k].T @ vt[:k] + mean
    return float(((recon - x_test) ** 2).sum(1).mean())


def test_a_model_trained_for_zero_steps_fails_the_claim():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(4, 20))
    x = rng.normal(size=(600, 4)) @ basis + 0.05 * rng.normal(size=(600, 20))
    x_train, x_test = x[:500], x[500:]
    pca = pca_error(x_train, x_test, 4)
    trained = linear_autoencoder_error(x_train, x_test, 4, steps=2000)
    untrained = linear_autoencoder_error(x_train, x_test, 4, steps=0)
    claim = claims.Claim("01", "The linear autoencoder with k = 4 comes within a few percent of PCA",
                         lambda r: abs(r.value("linear AE, k=4", "gap_to_pca_percent")), "<=", quick=5.0, full=1.0)

    def run_notebook(error):
        results._rows.clear()
        results.record("01", "linear AE, k=4", test_error=error, gap_to_pca_percent=100 * (error / pca - 1))
        return claims.evaluate("01", results.rows("01"), quick=True, claims=[claim])[0]

    assert run_notebook(trained).holds
    broken = run_notebook(untrained)
    assert broken.status == claims.FAILS and broken.measured > 100
    message = claims.failure_message("01", [broken])
    assert "Notebook 01" in message and "k = 4 comes within a few percent of PCA" in message
    assert claims.fmt(broken.measured) in message and "quick mode" in message


def test_swapped_direction_fails_naming_the_claim():
    swapped = dataclasses.replace(lesson_claims.NB01[1], compare=">")
    outcome = claims.evaluate("01", good_01_rows(), quick=False, claims=[swapped])[0]
    assert outcome.status == claims.FAILS
    message = claims.failure_message("01", [outcome])
    assert "below PCA at every code size" in message
    assert "non-linear AE, k=2 test_error = 34.72" in message  # the numbers it was computed from
    assert "full mode" in message


def test_diverged_value_fails_and_is_called_diverged(monkeypatch):
    monkeypatch.setenv("AE_FAST", "1")
    for row in good_01_rows():
        results.record(row.pop("notebook"), row.pop("name"), **row)
    results.record("01", "non-linear AE, k=8", test_error=float("nan"), code_size=8)
    assert results.rows("01")[-1]["test_error"] == "diverged"
    assert "| non-linear AE, k=8 | 8 | diverged |" in results.table("01")
    with pytest.raises(claims.ClaimFailed) as failure:
        claims.check("01", show=False)
    text = str(failure.value)
    assert "Notebook 01" in text and "below PCA at every code size" in text
    assert "diverged" in text and "non-linear AE, k=8" in text
    assert isinstance(failure.value, AssertionError)  # nbval reports it as a failing cell


def test_infinite_value_and_diverged_curve_fail():
    rows = good_01_rows()
    linear_row(rows)["gap_to_pca_percent"] = "diverged"
    outcome = claims.evaluate("01", rows, quick=True)[0]
    assert outcome.status == claims.DIVERGED and outcome.measured_text() == "diverged"
    claim = claims.Claim("02", "a curve falls", lambda r: r.value("m", "epoch_errors")[-1], "<", 10, 10)
    bad = claims.evaluate_claim(claim, [{"notebook": "02", "name": "m", "epoch_errors": [5.0, "diverged"]}], True)
    assert bad.status == claims.DIVERGED


def test_missing_row_fails_naming_it():
    rows = [r for r in good_01_rows() if r["name"] != "PCA, k=16"]
    outcomes = claims.evaluate("01", rows, quick=True)
    assert [o.status for o in outcomes] == ["holds", claims.MISSING]
    message = claims.failure_message("01", outcomes)
    assert "1 of the lesson's claims does not hold" in message
    assert "no result called 'PCA, k=16' was recorded" in message


def test_check_shows_the_table_and_raises_with_every_failing_claim(capsys):
    rows = good_01_rows()
    linear_row(rows)["gap_to_pca_percent"] = 3.0  # fine in quick mode, too far in full mode
    assert claims.check("01", rows=rows, quick=True) is None  # nothing to echo under the table in a notebook
    shown = capsys.readouterr().out
    assert "| claim | measured | required (quick mode) | holds? |" in shown
    assert "| 3 % from PCA | ≤ 5 % from PCA | yes |" in shown
    with pytest.raises(claims.ClaimFailed, match=r"comes within a few percent of PCA.*measured 3 % from PCA, "
                                                 r"required ≤ 1 % from PCA in full mode"):
        claims.check("01", rows=rows, quick=False)
    assert "**NO**" in capsys.readouterr().out


def test_full_mode_on_the_offline_sample_shows_a_note_instead_of_raising(monkeypatch, capsys):
    rows = good_01_rows()
    linear_row(rows)["gap_to_pca_percent"] = 3.0  # too far for full MNIST's threshold
    monkeypatch.setattr(data, "loaded_full_mnist", lambda: False)  # the 4,000-digit sample was loaded
    assert claims.check("01", rows=rows, quick=False) is None
    shown = capsys.readouterr().out
    assert "**NO**" in shown and "fewer than MNIST's 60,000 training digits" in shown
    with pytest.raises(claims.ClaimFailed, match="full mode"):
        claims.check("01", rows=rows, quick=False, strict=True)
    capsys.readouterr()
    with pytest.raises(claims.ClaimFailed, match="full mode"):  # full MNIST: the thresholds apply
        monkeypatch.setattr(data, "loaded_full_mnist", lambda: True)
        claims.check("01", rows=rows, quick=False)
    assert "60,000" not in capsys.readouterr().out
    linear_row(rows)["gap_to_pca_percent"] = 30.0  # quick mode is strict on either data set
    monkeypatch.setattr(data, "loaded_full_mnist", lambda: False)
    with pytest.raises(claims.ClaimFailed, match="quick mode"):
        claims.check("01", rows=rows, quick=True)


def test_load_mnist_says_whether_it_gave_full_mnist(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real data.loaded_full_mnist
    small = tmp_path / "small.npz"
    rng = np.random.default_rng(0)
    np.savez(small, x_train=rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 100).astype(np.uint8),
             x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, 20).astype(np.uint8))
    data.load_mnist(small, verbose=False)
    assert data.loaded_full_mnist() is False


def test_mode_comes_from_ae_fast(monkeypatch):
    rows = good_01_rows()
    linear_row(rows)["gap_to_pca_percent"] = 3.0
    for row in rows:
        results.record(row.pop("notebook"), row.pop("name"), **row)
    monkeypatch.setenv("AE_FAST", "1")
    assert all(o.quick for o in claims.check("01", show=False))
    monkeypatch.setenv("AE_FAST", "0")
    with pytest.raises(claims.ClaimFailed, match="full mode"):
        claims.check("01", show=False)


def test_a_broken_measure_is_an_error_not_a_pass():
    claim = claims.Claim("02", "x", lambda r: 1 / 0, "<", 1, 1)
    outcome = claims.evaluate_claim(claim, [], quick=True)
    assert outcome.status == claims.ERROR and "ZeroDivisionError" in claims.failure_message("02", [outcome])


def test_notebook_without_claims_is_refused(monkeypatch):
    monkeypatch.setattr(lesson_claims, "CLAIMS", [c for c in lesson_claims.CLAIMS if c.notebook != "01"])
    with pytest.raises(ValueError, match="declares no claims"):
        claims.check("01", rows=[], quick=True)


@pytest.mark.parametrize("kwargs, problem", [
    ({"notebook": "1"}, "two-digit"), ({"says": " "}, "sentence"), ({"compare": "=="}, "compare"),
    ({"quick": float("nan")}, "quick-mode threshold"), ({"full": "3"}, "full-mode threshold"),
    ({"measure": 3}, "measure must be a function"),
])
def test_bad_declarations_are_refused(kwargs, problem):
    args = {"notebook": "01", "says": "s", "measure": lambda r: 1.0, "compare": "<", "quick": 1.0, "full": 1.0}
    with pytest.raises(ValueError, match=problem):
        claims.Claim(**(args | kwargs))


def test_declared_claims_are_consistent():
    """Quick thresholds are never stricter than full ones; each claim sits in its notebook's section."""
    assert lesson_claims.CLAIMS, "no claims declared"
    for number in ("01", "02", "03", "04", "05", "06", "07"):
        for claim in getattr(lesson_claims, f"NB{number}"):
            assert claim.notebook == number, f"{claim.says!r} is declared in section {number}"
            looser = claim.quick >= claim.full if claim.compare in ("<", "<=") else claim.quick <= claim.full
            assert looser, f"{claim.says!r}: the quick threshold is stricter than the full one"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_with_claims_check_them_at_the_end_of_the_summary(path):
    number = path.name[:2]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    checks = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and "claims.check(" in "".join(c["source"])]
    if not claims.declared(number):
        assert not checks, f"{path.name} calls claims.check but declares no claims in helpers/lesson_claims.py"
        return
    assert len(checks) == 1, f"{path.name} must check its claims once, at the end of its summary (found {checks})"
    assert f'claims.check("{number}")' in "".join(cells[checks[0]]["source"])
    for cell in cells[checks[0] + 1:]:
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).lstrip().startswith("## "):
            break  # the next section (Exercises, navigation) starts
        assert cell["cell_type"] != "code", f"{path.name}: claims.check must be the summary's last code cell"
