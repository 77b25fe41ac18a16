"""helpers.plotting: each figure is drawn from the data it is given."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import metrics, plotting


@pytest.fixture
def images():
    return np.random.default_rng(0).random((12, 28, 28)).astype("float32")


def shown_images(fig):
    return [im.get_array() for ax in fig.axes for im in ax.get_images()]


def test_digit_grid(images):
    fig = plotting.digit_grid(images, labels=list(range(12)), ncols=5, title="digits")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 15  # 3 rows of 5, last 3 blank
    shown = shown_images(fig)
    assert len(shown) == 12 and np.allclose(shown[3], images[3])
    assert [ax.get_title() for ax in fig.axes[:3]] == ["0", "1", "2"]
    assert fig._suptitle.get_text() == "digits"
    with pytest.raises(ValueError, match="28, 28"):
        plotting.digit_grid(np.zeros((3, 10, 10)))
    with pytest.raises(ValueError, match="labels"):
        plotting.digit_grid(images, labels=[1, 2])


@pytest.mark.parametrize("layout", [(12, 784), (12, 28, 28, 1)])
def test_digit_grid_accepts_other_layouts(images, layout):
    fig = plotting.digit_grid(images.reshape(layout))
    assert np.allclose(shown_images(fig)[0], images[0])


def test_reconstructions_rows_titles_and_errors(images):
    recon_a = np.clip(images + 0.1, 0, 1)
    recon_b = np.zeros_like(images)
    fig = plotting.reconstructions(images, {"PCA": recon_a, "AE": recon_b.reshape(12, 784)}, n=6)
    assert len(fig.axes) == 18
    labels = [ax.get_ylabel() for ax in fig.axes[::6]]
    assert labels[0] == "original" and labels[1].startswith("PCA") and labels[2].startswith("AE")
    errors = metrics.per_image_squared_error(images[:6], recon_b[:6])
    assert [ax.get_xlabel() for ax in fig.axes[12:18]] == [f"{e:.1f}" for e in errors]
    assert f"mean {errors.mean():.1f}" in labels[2]
    assert metrics.UNIT in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="fewer"):
        plotting.reconstructions(images, {"AE": images[:3]}, n=6)


def test_training_curves_from_history_dict():
    history = {"loss": [3.0, 2.0, 1.5], "val_loss": [3.5, 2.5, 2.0], "learning_rate": [1e-3] * 3}
    fig = plotting.training_curves(history, unit=metrics.UNIT)
    (ax,) = fig.axes
    lines = {line.get_label(): line.get_ydata() for line in ax.get_lines()}
    assert np.allclose(lines["training"], [3.0, 2.0, 1.5]) and np.allclose(lines["validation"], [3.5, 2.5, 2.0])
    assert ax.get_ylabel() == metrics.UNIT
    with pytest.raises(ValueError, match="not in the history"):
        plotting.training_curves(history, metrics=["accuracy"])
    with pytest.raises(ValueError, match="History"):
        plotting.training_curves({})


@pytest.mark.parametrize("n_epochs", [2, 3, 7, 40])
def test_training_curves_ticks_are_whole_epochs(n_epochs):
    fig = plotting.training_curves({"loss": list(np.linspace(3, 1, n_epochs))})
    fig.canvas.draw()
    ticks = [t for t in fig.axes[0].get_xticks() if fig.axes[0].get_xlim()[0] <= t <= fig.axes[0].get_xlim()[1]]
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), f"epoch ticks {ticks}"


def test_latent_scatter():
    codes = np.random.default_rng(1).normal(size=(50, 2))
    labels = np.arange(50) % 10
    fig = plotting.latent_scatter(codes, labels, title="codes")
    offsets = fig.axes[0].collections[0].get_offsets()
    assert np.allclose(offsets, codes)
    assert fig.axes[0].get_title() == "codes"
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plotting.latent_scatter(np.zeros((5, 3)), np.zeros(5))


def test_manifold_places_decoded_codes():
    seen = []

    def decode(codes):
        seen.append(codes)
        # brightness encodes z1 so placement can be checked
        return np.repeat((codes[:, :1] > 0).astype("float32"), 784, axis=1)

    fig = plotting.manifold(decode, n=4)
    (codes,) = seen
    assert codes.shape == (16, 2)
    canvas = fig.axes[0].get_images()[0].get_array()
    assert canvas.shape == (112, 112)
    assert canvas[0, 0] == 0 and canvas[0, -1] == 1  # left column z1 < 0, right column z1 > 0
    assert codes[0, 1] > codes[-1, 1]  # top row has the highest z2
    with pytest.raises(ValueError, match="at least 2"):
        plotting.manifold(decode, n=1)


def test_error_vs_size():
    fig = plotting.error_vs_size([2, 4, 8], {"PCA": [30, 20, 10], "AE": [25, 15, 8]},
                                 references={"2006 paper": (4, 12)})
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"PCA", "AE", "2006 paper"}
    assert np.allclose(lines["AE"].get_ydata(), [25, 15, 8])
    with pytest.raises(ValueError, match="3 sizes"):
        plotting.error_vs_size([2, 4, 8], {"PCA": [1, 2]})
