"""RESULTS.md as benchmarks/report.py renders it from a saved run: margins, failures, figures, targets."""

import dataclasses

from benchmarks import report
from tests.claims import Claim

CLAIMS = [
    Claim("The deep autoencoder is below PCA", "deep / pca", "<", quick=0.9, full=0.6),  # roomy
    Claim("The denoiser gains PSNR", "gain", ">", quick=3.0, full=4.0),  # thin in quick mode
    Claim("The VAE stays above the published NLL", "nll - 86.76", ">", quick=None, full=3.0),  # full only
]


def saved_run(variables_by_seed: dict, errors: dict | None = None) -> dict:
    """A run.json of one notebook, two seeds; each run's probe evaluated the claims on ``variables``."""
    runs = []
    for (mode, seed), variables in variables_by_seed.items():
        values = {e: eval(e, {}, variables) for e in [c.value for c in CLAIMS] + ["pca", "deep"]}
        error = (errors or {}).get((mode, seed))
        runs.append({"notebook": "03_deep", "mode": mode, "seed": seed, "status": "error" if error else "ok",
                     "error": error, "wall_seconds": 30.0, "peak_rss_bytes": 2**30,
                     "values": {} if error else values})
    return {"date": "2026-12-06 08:00 UTC", "command": "python -m benchmarks.run", "complete": True,
            "machine": {"cpu": "Test CPU", "cores": 2, "memory_gb": 8, "python": "3.11"},
            "data": "full MNIST", "load_before": [1.0, 1.0, 1.0], "load_after": [2.0, 1.5, 1.0],
            "seeds": [42, 7], "modes": ["full", "quick"],
            "notebooks": {"03_deep": {"claims": [dataclasses.asdict(c) for c in CLAIMS],
                                      "figures": {"PCA, 30 components": "pca", "deep autoencoder, 30 numbers": "deep"}}},
            "runs": runs}


GOOD = {"deep": 3.0, "pca": 13.9, "gain": 6.0, "nll": 95.0}


def claim_line(text: str, sentence: str) -> str:
    return next(line for line in text.splitlines() if sentence in line)


def test_the_worst_seed_is_shown_and_a_margin_under_10_percent_is_marked():
    text = report.render(saved_run({("quick", 42): {**GOOD, "gain": 4.0}, ("quick", 7): {**GOOD, "gain": 3.2},
                                    ("full", 42): GOOD, ("full", 7): GOOD}))
    thin = claim_line(text, "The denoiser gains PSNR")
    assert "3.2 (seed 7)" in thin and "**6.7 %: under 10 %**" in thin  # (3.2 - 3) / 3
    roomy = claim_line(text, "The deep autoencoder is below PCA")
    assert "under 10 %" not in roomy and "FAILS" not in roomy
    assert "not checked" in claim_line(text, "above the published NLL")  # quick=None
    assert "1 under 10 %, 0 failing" in text and "**MISSED**" in claim_line(text, "every claim ≥ 10 %")
    assert len(text.splitlines()) <= 200


def test_a_failing_claim_and_a_failed_run_are_shown_as_failing():
    text = report.render(saved_run({("quick", 42): GOOD, ("quick", 7): GOOD,
                                    ("full", 42): {**GOOD, "deep": 9.0}, ("full", 7): GOOD},
                                   errors={("quick", 7): "NameError: name 'gain' is not defined"}))
    assert "0.6475 (seed 42) | **-7.9 %: FAILS**" in claim_line(text, "The deep autoencoder is below PCA")  # 9 / 13.9
    denoiser = claim_line(text, "The denoiser gains PSNR")
    assert "**error** (seed 7): NameError: name 'gain' is not defined | **FAILS**" in denoiser
    assert "**MISSED**" in claim_line(text, "each notebook in quick mode")  # a run with an error


def test_figures_show_mean_and_spread_beside_the_paper():
    text = report.render(saved_run({("full", 42): GOOD, ("full", 7): {**GOOD, "deep": 3.2},
                                    ("quick", 42): GOOD, ("quick", 7): GOOD}))
    deep = claim_line(text, "| deep autoencoder, 30 numbers")
    assert "3.1 ± 0.14 (2 seeds)" in deep and "3.00: deep autoencoder 784-1000-500-250-30" in deep
    assert "13.87: PCA" in claim_line(text, "| PCA, 30 components")
    assert "**met**" in claim_line(text, "the whole course in full mode")
