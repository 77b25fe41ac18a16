"""Claims of 06 · Variational autoencoders, checked on the notebook's variables (see tests/claims/__init__.py)."""
from tests.claims import Claim

# Burda, Grosse & Salakhutdinov (2016), Table 1: VAE with one stochastic layer, dynamically binarised
# MNIST, test NLL estimated with K = 5,000 importance samples, nats per image.
BURDA_VAE_NLL = 86.76

CLAIMS = [
    Claim("The 20-d VAE's held-out −ELBO is well below the 2-d VAE's",
          "scores20['neg_elbo_nats'] / scores2['neg_elbo_nats']", "<", quick=0.9, full=0.8),
    Claim("The per-pixel-mean mistake collapses the KL term to about zero (posterior collapse)",
          "scores_m['kl_nats']", "<", quick=1.0, full=0.5),
    Claim("β = 4 spends much less KL than β = 1",
          "betas[4.0][1]['kl_nats'] / betas[1.0][1]['kl_nats']", "<", quick=0.7, full=0.6),
    Claim("β = 0.5 spends more KL than β = 1",
          "betas[0.5][1]['kl_nats'] / betas[1.0][1]['kl_nats']", ">", quick=1.1, full=1.15),
    Claim("Reconstruction gets worse as β grows from 1 to 4",
          "betas[4.0][1]['recon_nats'] / betas[1.0][1]['recon_nats']", ">", quick=1.05, full=1.2),
    Claim("On the same binarised test digits, the importance-sampled NLL estimate is below the −ELBO",
          "scores_bin['neg_elbo_nats'] - nll_bin", ">", quick=0.5, full=2.0),
    Claim("Trained for a few passes, the binarised-MNIST VAE stays above the published 86.76 nats "
          "(Burda et al. 2016, 3,280 passes)", "nll_bin", ">", quick=BURDA_VAE_NLL, full=BURDA_VAE_NLL),
]

FIGURES = {
    "VAE 2-d: held-out −ELBO, nats per test image (grey pixels)": "scores2['neg_elbo_nats']",
    "VAE 20-d: held-out −ELBO, nats per test image (grey pixels)": "scores20['neg_elbo_nats']",
    "VAE 20-d, binarised: importance-sampled NLL, nats per test image": "nll_bin",
    "VAE 20-d, binarised: standard error of that NLL over the test digits": "nll_se",
    "VAE 20-d, binarised: importance samples per digit (K)": "K",
    "VAE 20-d, binarised: test digits in the NLL (n)": "len(x_eval)",
}
