"""Claims of 05 · Denoising autoencoder, checked on the notebook's variables (see tests/claims/__init__.py)."""
from tests.claims import Claim

GAUSSIAN = "['gaussian σ=0.1', 'gaussian σ=0.3', 'gaussian σ=0.5', 'gaussian σ=0.7', 'gaussian σ=0.9']"
HEAVY = "['gaussian σ=0.5', 'gaussian σ=0.7', 'gaussian σ=0.9']"

CLAIMS = [
    Claim("From σ = 0.5 upwards the denoising autoencoder is the best method (PSNR ahead of every other method, "
          "doing nothing included, up to σ = 0.9)",
          f"min(psnr_table.loc[n, 'denoising AE'] - psnr_table.loc[n].drop('denoising AE').max() for n in {HEAVY})",
          ">", quick=0.5, full=1.0),
    Claim("It holds up beyond its training range: the denoising autoencoder raises PSNR over the noisy input at "
          "every Gaussian level from σ = 0.3 to 0.9",
          "(psnr_table.loc[heavy, 'denoising AE'] - psnr_table.loc[heavy, 'noisy input']).min()", ">=",
          quick=3.0, full=4.0),
    Claim("At σ = 0.5 the denoising autoencoder beats the median filter (PSNR)",
          "psnr_table.loc['gaussian σ=0.5', 'denoising AE'] - psnr_table.loc['gaussian σ=0.5', 'median filter']",
          ">=", quick=1.0, full=1.5),
    Claim("On the actual task, noisy digits in (σ = 0.5), the plain autoencoder is much worse "
          "(error ratio denoising / plain)",
          "noisy_input_error['denoising AE'] / noisy_input_error['plain AE']", "<", quick=0.8, full=0.6),
    Claim("On clean inputs the plain autoencoder looks like the better model: evaluating on clean inputs would have "
          "picked the wrong model (clean-input error ratio plain / denoising)",
          "clean_input_error['plain AE'] / clean_input_error['denoising AE']", "<", quick=0.8, full=0.3),
    Claim("At light noise (σ = 0.1) the denoising autoencoder gains little or nothing in PSNR, or even loses some "
          "(dB gain)",
          "psnr_table.loc['gaussian σ=0.1', 'denoising AE'] - psnr_table.loc['gaussian σ=0.1', 'noisy input']",
          "<", quick=0.5, full=0.0),
    Claim("Its SSIM is higher than the noisy input's, though (σ = 0.1)",
          "ssim_table.loc['gaussian σ=0.1', 'denoising AE'] - ssim_table.loc['gaussian σ=0.1', 'noisy input']",
          ">", quick=0.03, full=0.05),
    Claim("It also handles masking: the denoising autoencoder raises PSNR over the masked (50%) input",
          "psnr_table.loc['masked 50%', 'denoising AE'] - psnr_table.loc['masked 50%', 'noisy input']", ">=",
          quick=1.0, full=2.0),
    Claim("The plain autoencoder [...] removes about half or more of the noise's squared error at every Gaussian "
          "level",
          f"removed.loc[{GAUSSIAN}, 'plain AE'].min()", ">=", quick=0.45, full=0.4),
    Claim("At σ = 0.3 its PSNR beats the median filter's (the plain autoencoder's)",
          "psnr_table.loc['gaussian σ=0.3', 'plain AE'] - psnr_table.loc['gaussian σ=0.3', 'median filter']",
          ">", quick=1.0, full=0.8),
]
FIGURES = {
    "noisy input σ=0.5, squared error": "error_table.loc['gaussian σ=0.5', 'noisy input']",
    "denoising AE σ=0.5, squared error": "error_table.loc['gaussian σ=0.5', 'denoising AE']",
    "plain AE σ=0.5, squared error": "error_table.loc['gaussian σ=0.5', 'plain AE']",
    "denoising AE σ=0.5, PSNR (dB)": "psnr_table.loc['gaussian σ=0.5', 'denoising AE']",
    "median filter σ=0.5, PSNR (dB)": "psnr_table.loc['gaussian σ=0.5', 'median filter']",
}
