"""Claims of 07 · Autoencoders at work, checked on the notebook's variables (see tests/claims/__init__.py).

Margins (Claim.margin is relative to the threshold), and why each claim is measured on its scale:
* AUCs near 1 (inverted digits, noise) are checked as 1 - AUC, the share of (anomaly, normal) pairs
  ranked wrongly: it is 0 on every run measured, so "<= 0.01" keeps its whole threshold as room. On
  the AUC scale itself the same claim had under 1% of room before the ceiling.
* Mid-range AUCs (masked, rotated, the unseen 5s, the held-out digits) are checked on the AUC scale,
  where a 10% margin is 0.07 to 0.08 of AUC, well beyond the spread between seeds.
* Accuracy and AUC differences are checked against a threshold away from 0 (a margin relative to
  0 is meaningless): "not beaten by more than a point", "lost at least 0.05 of AUC".
"""
from tests.claims import Claim

BEST_CODE = 'max(accuracies["AE codes"][most_labels], accuracies["PCA codes"][most_labels])'

CLAIMS = [
    Claim("Inverted digits and random noise, far from the training data, are caught perfectly",
          '1 - min(aucs["inverted"], aucs["noise"])', "<=", quick=0.01, full=0.01),
    Claim("Masked and rotated digits are caught well",
          'min(aucs["masked"], aucs["rotated"])', ">=", quick=0.78, full=0.8),
    Claim("The unseen 5s, a new class in the same style, are caught well above chance",
          "aucs[UNSEEN]", ">=", quick=0.65, full=0.68),
    Claim("...but clearly less well than the masked and rotated digits",
          'min(aucs["masked"], aucs["rotated"]) - aucs[UNSEEN]', ">=", quick=0.03, full=0.06),
    Claim("Some held-out digits are caught at or below chance (held-out 1s at chance, 9s below it)",
          "min(sweep_aucs)", "<=", quick=0.6, full=0.58),
    Claim("Contaminated training data lowers the AUC (5% of 5s among the training digits)",
          "aucs[UNSEEN] - contaminated_aucs[0.05]", ">=", quick=0.05, full=0.05),
    Claim("With the most labels, 32-number codes (autoencoder or PCA) did not beat raw pixels "
          "(by more than a point of accuracy)",
          f'accuracies["raw pixels"][most_labels] - {BEST_CODE}', ">=", quick=-0.01, full=-0.01),
    Claim("With 100 labels the autoencoder's codes come within a few points of raw pixels",
          'accuracies["raw pixels"][100] - accuracies["AE codes"][100]', "<=", quick=0.08, full=0.05),
    Claim("PCA needs more bytes than the autoencoder at the same error: at 32 bytes per digit "
          "the autoencoder's 8-bit code has the lower error",
          'code_errors["AE 32, 8-bit"] / code_errors["PCA 32, 8-bit"]', "<", quick=0.95, full=0.8),
    Claim("Quantising to 8 bits costs nothing measurable",
          'max(code_errors[m + ", 8-bit"] / code_errors[m + ", float32"] for m in ("AE 32", "PCA 32")) - 1',
          "<=", quick=0.02, full=0.02),
    Claim("Whole JPEG files of a digit are several times larger than the 8-bit code, "
          "but mostly because of their headers and tables",
          'min(curves["JPEG file"][0]) / need[AE]', ">=", quick=4.0, full=5.0),
    Claim("At equal error, JPEG's image data alone is about as small as the autoencoder's code "
          "(less than twice its bytes)",
          'jpeg_vs_code["image data"]', "<", quick=2.0, full=2.0),
]
FIGURES = {
    "anomaly AUC, unseen 5s": "aucs[UNSEEN]",
    "anomaly AUC, masked (30%)": 'aucs["masked"]',
    "anomaly AUC, rotated 90°": 'aucs["rotated"]',
    "AE 8-bit code, bytes per digit": "need[AE]",
    "AE 8-bit code, squared error per image": 'code_errors["AE 32, 8-bit"]',
    "PCA 8-bit code (32 numbers), squared error per image": 'code_errors["PCA 32, 8-bit"]',
    "JPEG image data at the AE code's error, × the code's bytes": 'jpeg_vs_code["image data"]',
}
