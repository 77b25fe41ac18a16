"""helpers.anomaly: precision/recall at a threshold, and the threshold explorer built on it.

The example: six inputs with errors 1..6, the anomalies being those with errors 3, 5 and 6.
By hand, with "flag when error > threshold":

* threshold 3.5 flags 4, 5, 6: two anomalies (5, 6) and one normal input (4); the anomaly
  with error 3 is missed. Precision 2/3, recall 2/3, false alarms 1 of 3 normal inputs.
* threshold 2.5 flags 3, 4, 5, 6: precision 3/4, recall 1, false alarms 1/3.
* threshold 0.5 flags everything: precision 3/6, recall 1, false alarms 3/3.
* threshold 6 flags nothing: precision undefined (NaN), recall 0.
"""

import math

import numpy as np
import pytest

from helpers import anomaly

ERRORS = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
IS_ANOMALY = np.array([False, False, True, False, True, True])


@pytest.fixture
def images():
    # image i is filled with the value i / 10, so a shown image tells which input it is
    return np.stack([np.full((28, 28), i / 10, np.float32) for i in range(len(ERRORS))])


def _which(strip):
    """The input indices shown in a row of digits (n, 28, 28)."""
    return [int(round(float(d[0, 0]) * 10)) for d in strip]


@pytest.mark.parametrize("threshold, tp, fp, fn, precision, recall, far", [
    (3.5, 2, 1, 1, 2 / 3, 2 / 3, 1 / 3),
    (2.5, 3, 1, 0, 3 / 4, 1.0, 1 / 3),
    (0.5, 3, 3, 0, 1 / 2, 1.0, 1.0),
    (4.0, 2, 0, 1, 1.0, 2 / 3, 0.0),  # an error equal to the threshold is not flagged
])
def test_flag_counts_match_the_hand_computed_example(threshold, tp, fp, fn, precision, recall, far):
    c = anomaly.flag_counts(ERRORS, IS_ANOMALY, threshold)
    assert (c["true_positives"], c["false_positives"], c["false_negatives"]) == (tp, fp, fn)
    assert c["flagged"] == tp + fp and c["anomalies"] == 3 and c["normal"] == 3
    assert c["precision"] == pytest.approx(precision)
    assert c["recall"] == pytest.approx(recall)
    assert c["false_alarm_rate"] == pytest.approx(far)


def test_nothing_flagged_leaves_precision_undefined_and_labels_may_be_zeros_and_ones():
    c = anomaly.flag_counts(ERRORS, IS_ANOMALY.astype(int), 6.0)
    assert c["flagged"] == 0 and c["recall"] == 0.0 and math.isnan(c["precision"])


@pytest.mark.parametrize("errors, labels, threshold, message", [
    (ERRORS, IS_ANOMALY[:5], 3.0, "one entry per error"),
    (ERRORS, np.array([0, 1, 2, 0, 1, 1]), 3.0, "True/False"),
    (np.array([1.0, np.nan]), np.array([True, False]), 3.0, "NaN"),
    (np.zeros((2, 3)), np.zeros((2, 3), bool), 3.0, "1-D"),
    (ERRORS, IS_ANOMALY, float("nan"), "finite number"),
    (ERRORS, IS_ANOMALY, "3", "finite number"),
])
def test_flag_counts_refuses_bad_arguments(errors, labels, threshold, message):
    with pytest.raises(ValueError, match=message):
        anomaly.flag_counts(errors, labels, threshold)


def test_explorer_shows_the_counts_for_the_threshold_set_in_code(images):
    ex = anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images, threshold=3.5, max_error=7.0)
    assert ex.controls["threshold"].value == pytest.approx(3.5)
    assert "precision 66.7%" in ex.captions["histogram"] and "recall 66.7%" in ex.captions["histogram"]
    assert _which(ex.shown["caught"]) == [4, 5]  # errors 5 and 6, nearest the threshold first
    assert _which(ex.shown["false_alarms"]) == [3]  # error 4
    assert _which(ex.shown["missed"]) == [2]  # error 3
    png_before = ex.png("histogram")

    ex.set(threshold=2.5)
    assert ex.controls["threshold"].value == pytest.approx(2.5)
    assert "precision 75.0%" in ex.captions["histogram"] and "recall 100.0%" in ex.captions["histogram"]
    assert _which(ex.shown["caught"]) == [2, 4, 5]
    assert "no anomaly is missed" in ex.captions["missed"]
    assert ex.png("histogram") != png_before  # the line moved

    ex.set(threshold=6.5)
    assert "precision n/a" in ex.captions["histogram"] and "recall 0.0%" in ex.captions["histogram"]
    assert "no false alarm" in ex.captions["false_alarms"]
    assert _which(ex.shown["missed"]) == [5, 4, 2]


def test_threshold_line_is_drawn_where_the_threshold_is(images):
    ex = anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images, threshold=1.0, max_error=7.0)
    left = ex.canvas.column(1.0)
    ex.set(threshold=6.0)
    right = ex.canvas.column(6.0)
    assert right > left
    picture = ex.shown["histogram"]
    middle = (ex.canvas.plot_rows[0] + ex.canvas.plot_rows[1]) // 2
    assert tuple(picture[middle, right]) == (0, 0, 0)
    # the step from 1 to 6 is five sixths of the axis from 0 to 7... proportional placement
    zero, seven = ex.canvas.column(0.0), ex.canvas.column(7.0)
    assert (right - left) == pytest.approx(5 / 7 * (seven - zero), abs=2)


def test_default_threshold_is_the_99th_percentile_of_normal_errors_and_flat_images_work(images):
    ex = anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images.reshape(6, 784), max_error=7.0)
    assert ex.shown["caught"].shape[1:] == (28, 28)
    assert ex.controls["threshold"].value == pytest.approx(np.percentile([1.0, 2.0, 4.0], 99), abs=0.02)


def test_explorer_refuses_bad_arguments(images):
    with pytest.raises(ValueError, match="some inputs as anomalies and some as normal"):
        anomaly.threshold_explorer(ERRORS, np.zeros(6, bool), images)
    with pytest.raises(ValueError, match="6 errors but 5 images"):
        anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images[:5])
    with pytest.raises(ValueError, match="out of range"):
        anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images, threshold=9.0, max_error=7.0)
    with pytest.raises(ValueError, match="n_show"):
        anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images, n_show=0)
    with pytest.raises(ValueError, match="28 x 28"):
        anomaly.threshold_explorer(ERRORS, IS_ANOMALY, np.zeros((6, 10)))
    ex = anomaly.threshold_explorer(ERRORS, IS_ANOMALY, images, threshold=3.5, max_error=7.0)
    with pytest.raises(ValueError, match="out of range"):
        ex.set(threshold=8.0)
    with pytest.raises(ValueError, match="not a control"):
        ex.set(treshold=3.0)


# --- figures and AUC -------------------------------------------------------------------------


def test_auc_by_hand():
    # normal errors 1, 2, 4; anomalies 3, 5, 6: of the 9 (anomaly, normal) pairs, the anomaly is
    # larger in 8 (3 > 1, 3 > 2 but 3 < 4; 5 and 6 beat all three), so AUC = 8/9
    aucs = anomaly.auc_scores([1.0, 2.0, 4.0], {"a": [3.0, 5.0, 6.0], "flipped": [0.1, 0.2, 0.3]})
    assert aucs["a"] == pytest.approx(8 / 9)
    assert aucs["flipped"] == pytest.approx(0.0)


def test_roc_and_histogram_figures():
    rng = np.random.default_rng(0)
    normal = rng.gamma(5, 2, 300)
    kinds = {"easy": normal + 30, "hard": rng.gamma(5, 2, 200)}
    fig = anomaly.roc_curves(normal, kinds)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0] == "easy (AUC 1.000)" and labels[1].startswith("hard (AUC 0.")
    fig = anomaly.error_histograms(normal, kinds, ncols=2)
    assert [ax.get_title() for ax in fig.axes] == ["easy", "hard"]


def test_explorer_counts_equal_flag_counts_at_every_threshold():
    rng = np.random.default_rng(3)
    errors = np.round(rng.gamma(2.0, 3.0, 400), 1)  # rounded: many ties, some exactly at a threshold
    labels = rng.random(400) < 0.2
    ex = anomaly.threshold_explorer(errors, labels, np.zeros((400, 28, 28), np.float32), max_error=30.0)
    for t in [0.0, 0.3, 2.0, 5.0, 5.5, 12.3, 29.9, 30.0, *errors[:10]]:
        t = float(min(t, 30.0))
        ex.set(threshold=t)
        c = anomaly.flag_counts(errors, labels, t)
        assert f"flagged {c['flagged']:,} of 400" in ex.captions["histogram"], t
        assert f"precision {anomaly._pct(c['precision'])}" in ex.captions["histogram"], t
        assert f"recall {anomaly._pct(c['recall'])}" in ex.captions["histogram"], t
        caught = f"{c['true_positives']:,} of {c['anomalies']:,} anomalies flagged" if c["true_positives"] \
            else "no anomaly is flagged"
        assert caught in ex.captions["caught"], t
