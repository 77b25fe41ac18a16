"""helpers.explore: each explorer shows what its model computes for the controls' values.

Small untrained Keras models stand in for trained ones: what matters here is that the
image on screen is the decoder's output for the code the sliders say, that moving a
control changes it (array and PNG bytes), and that bad arguments fail clearly.
"""

import base64
import io

import keras
import numpy as np
import pytest
from PIL import Image

from helpers import data, explore, imaging, inference

N = 40


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    images = rng.random((N, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, N)
    return images, labels


def _dense_decoder(d):
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((d,)), keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid")])


@pytest.fixture(scope="module")
def decoder2():
    return _dense_decoder(2)


@pytest.fixture(scope="module")
def encoder2():
    keras.utils.set_random_seed(2)
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(2)])


@pytest.fixture(scope="module")
def codes2(digits, encoder2):
    return np.asarray(encoder2(digits[0]))


def _decode(decoder, z):
    return np.asarray(decoder(np.asarray([z], np.float32), training=False)).reshape(28, 28)


# --- latent_sliders ----------------------------------------------------------------------


def test_latent_sliders_show_the_decoders_output_for_the_slider_values(decoder2, codes2, digits):
    images, labels = digits
    ex = explore.latent_sliders(decoder2, codes2, images, labels, start=3)
    assert set(ex.controls) == {"digit", "z1", "z2"}
    np.testing.assert_allclose([ex.controls["z1"].value, ex.controls["z2"].value], codes2[3], atol=1e-6)
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, codes2[3]), atol=1e-5)
    np.testing.assert_array_equal(ex.shown["original"], images[3])
    before, png_before = ex.shown["decoded"].copy(), ex.png("decoded")

    z1 = ex.controls["z1"].min + 0.25 * (ex.controls["z1"].max - ex.controls["z1"].min)
    ex.set(z1=z1)
    z = [ex.controls["z1"].value, ex.controls["z2"].value]
    assert z[0] == pytest.approx(z1)
    assert not np.allclose(ex.shown["decoded"], before)
    assert ex.png("decoded") != png_before
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, z), atol=1e-5)
    # the PNG on screen is that array, enlarged
    shown = np.asarray(Image.open(io.BytesIO(ex.png("decoded"))))
    assert shown.shape == (28 * explore.SCALE, 28 * explore.SCALE)
    np.testing.assert_array_equal(shown[::explore.SCALE, ::explore.SCALE],
                                  imaging.gray_u8(ex.shown["decoded"]))


def test_latent_sliders_digit_box_moves_every_slider_to_that_digits_code(decoder2, codes2, digits):
    images, labels = digits
    ex = explore.latent_sliders(decoder2, codes2, images, labels)
    updates = []
    refresh = ex.refresh
    ex.refresh = lambda: (updates.append(1), refresh())  # count the updates
    ex.set(digit=7)
    assert len(updates) == 1  # several sliders moved, one redraw
    np.testing.assert_allclose([ex.controls["z1"].value, ex.controls["z2"].value], codes2[7], atol=1e-6)
    np.testing.assert_array_equal(ex.shown["original"], images[7])
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, codes2[7]), atol=1e-5)
    # a user typing into the box takes the same path
    ex.controls["digit"].value = 9
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, codes2[9]), atol=1e-5)


def test_latent_sliders_with_a_convolutional_decoder(codes2):
    keras.utils.set_random_seed(4)
    conv = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(7 * 7 * 4, activation="relu"), keras.layers.Reshape((7, 7, 4)),
        keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
    ])
    ex = explore.latent_sliders(conv, codes2)
    ex.set(z1=float(ex.controls["z1"].min), z2=float(ex.controls["z2"].max))
    z = [ex.controls["z1"].value, ex.controls["z2"].value]
    np.testing.assert_allclose(ex.shown["decoded"], _decode(conv, z), atol=1e-5)


def test_latent_sliders_and_set_refuse_bad_arguments(decoder2, codes2, digits):
    images, _ = digits
    with pytest.raises(ValueError, match="3-dimensional but the decoder expects 2-dimensional"):
        explore.latent_sliders(decoder2, np.zeros((5, 3), np.float32))
    with pytest.raises(ValueError, match=r"start=40 is out of range: there are 40 codes, so use 0 to 39"):
        explore.latent_sliders(decoder2, codes2, images, start=40)
    with pytest.raises(ValueError, match="out of range"):
        explore.latent_sliders(decoder2, codes2, start=-1)
    with pytest.raises(ValueError, match="got 40 codes but 10 images"):
        explore.latent_sliders(decoder2, codes2, images[:10])
    with pytest.raises(ValueError, match=r"non-empty \(n, d\) array"):
        explore.latent_sliders(decoder2, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="decoder failed"):
        explore.latent_sliders(lambda z: z @ np.ones((3, 784)), np.zeros((5, 2), np.float32))
    with pytest.raises(ValueError, match="expected one 28 x 28 image"):
        explore.latent_sliders(lambda z: np.zeros((1, 10)), np.zeros((5, 2), np.float32))
    ex = explore.latent_sliders(decoder2, codes2, images)
    with pytest.raises(ValueError, match=r"'z3' is not a control of this explorer; its controls are: 'digit', 'z1', 'z2'"):
        ex.set(z3=0.0)
    with pytest.raises(ValueError, match="z1=.* is out of range"):
        ex.set(z1=ex.controls["z1"].max + 10)
    with pytest.raises(ValueError, match=r"digit=40 is out of range: this control goes from 0 to 39"):
        ex.set(digit=40)


# --- latent_2d ---------------------------------------------------------------------------


def test_latent_2d_moves_the_marker_and_decodes_there(decoder2, codes2, digits):
    _, labels = digits
    ex = explore.latent_2d(decoder2, codes2, labels, start=5)
    assert set(ex.controls) == {"z1", "z2"}
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, codes2[5]), atol=1e-5)
    scatter_before, png_before = ex.shown["scatter"].copy(), ex.png("scatter")
    assert scatter_before.dtype == np.uint8 and scatter_before.shape[-1] == 3
    z1, z2 = float(ex.controls["z1"].min) * 0.9, float(ex.controls["z2"].max) * 0.9
    ex.set(z1=z1, z2=z2)
    np.testing.assert_allclose(ex.shown["decoded"], _decode(decoder2, [z1, z2]), atol=1e-5)
    assert ex.png("scatter") != png_before
    # the marker's red centre sits at the pixel of (z1, z2); the old spot is back to the background
    row, col = ex.canvas.pixel(z1, z2)
    assert tuple(ex.shown["scatter"][row, col]) == (220, 0, 0)
    old_row, old_col = ex.canvas.pixel(*codes2[5])
    np.testing.assert_array_equal(ex.shown["scatter"][old_row, old_col],
                                  ex.canvas.background[old_row, old_col])


# --- interpolation -----------------------------------------------------------------------


def test_interpolation_blends_codes_and_pixels(decoder2, encoder2, digits):
    images, labels = digits
    ex = explore.interpolation(encoder2, decoder2, images, labels, a=2, b=6)
    za, zb = np.asarray(encoder2(images[2:3]))[0], np.asarray(encoder2(images[6:7]))[0]
    ex.set(t=0.0)
    np.testing.assert_allclose(ex.shown["pixel"], images[2], atol=1e-6)
    np.testing.assert_allclose(ex.shown["latent"], _decode(decoder2, za), atol=1e-5)
    png_before = ex.png("latent")
    ex.set(t=0.3)
    np.testing.assert_allclose(ex.shown["pixel"], 0.7 * images[2] + 0.3 * images[6], atol=1e-6)
    np.testing.assert_allclose(ex.shown["latent"], _decode(decoder2, 0.7 * za + 0.3 * zb), atol=1e-5)
    assert ex.png("latent") != png_before
    ex.set(b=9, t=1.0)
    np.testing.assert_allclose(ex.shown["pixel"], images[9], atol=1e-6)
    np.testing.assert_array_equal(ex.shown["b"], images[9])


def test_interpolation_uses_the_mean_of_a_vae_encoder(decoder2, digits):
    images, _ = digits
    keras.utils.set_random_seed(5)
    x = keras.Input((28, 28))
    h = keras.layers.Flatten()(x)
    z_mean, z_log_var = keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)
    vae_encoder = keras.Model(x, [z_mean, z_log_var, z_mean + 100.0])  # outputs like a VAE encoder
    ex = explore.interpolation(vae_encoder, decoder2, images, a=0, b=1)
    ex.set(t=0.0)
    mean = np.asarray(vae_encoder(images[:1])[0])[0]
    np.testing.assert_allclose(ex.shown["latent"], _decode(decoder2, mean), atol=1e-5)


# --- noise -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def denoiser():
    keras.utils.set_random_seed(6)
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])


def test_noise_shows_corrupt_input_model_output_and_baseline_with_psnr(denoiser, digits):
    images, _ = digits
    ex = explore.noise(denoiser, images, level=0.2, kind="gaussian", seed=3)
    assert set(ex.controls) == {"digit", "kind", "level", "seed"}
    png_before = ex.png("noisy")
    ex.set(digit=4, kind="salt_pepper", level=0.5)
    noisy = data.corrupt(images[4:5], kind="salt_pepper", level=0.5, seed=3)[0]
    np.testing.assert_array_equal(ex.shown["noisy"], noisy)
    np.testing.assert_allclose(ex.shown["model"], np.asarray(denoiser(noisy[None]))[0], atol=1e-5)
    np.testing.assert_allclose(ex.shown["baseline"], explore.median_filter(noisy[None])[0])
    assert ex.png("noisy") != png_before
    assert f"PSNR {explore.psnr(images[4], noisy):.1f} dB" in ex.captions["noisy"]
    assert "dB" in ex.captions["model"] and "dB" in ex.captions["baseline"]


def test_noise_with_a_custom_baseline_and_flat_images(digits):
    images, _ = digits
    flat = images.reshape(N, 784)
    ex = explore.noise(lambda x: np.clip(x, 0.2, 0.8), flat, baseline=lambda x: x * 0 + 0.5,
                       baseline_name="grey", kind="mask", level=0.4)
    noisy = data.corrupt(images[:1], kind="mask", level=0.4, seed=0)[0]
    np.testing.assert_allclose(ex.shown["model"], np.clip(noisy, 0.2, 0.8))
    np.testing.assert_allclose(ex.shown["baseline"], 0.5)
    ex.set(level=0.0)
    assert "∞" in ex.captions["noisy"]  # no noise: identical to the clean digit


def test_noise_refuses_bad_arguments(denoiser, digits):
    images, _ = digits
    with pytest.raises(ValueError, match="kind='speckle' is not one of the valid options: 'gaussian', 'salt_pepper', 'mask'"):
        explore.noise(denoiser, images, kind="speckle")
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        explore.noise(denoiser, images, level=1.5)
    with pytest.raises(ValueError, match="shape \\(40, 27\\)"):
        explore.noise(denoiser, np.zeros((N, 27)))
    ex = explore.noise(denoiser, images)
    with pytest.raises(ValueError, match="kind='blur' is not one of the options"):
        ex.set(kind="blur")


def test_median_filter_is_the_3x3_median_with_mirrored_edges_and_psnr_is_tensorflows():
    x = np.random.default_rng(7).random((3, 28, 28)).astype(np.float32)
    filtered = explore.median_filter(x)
    # an inner pixel: the median of its 3 x 3 neighbourhood in its own image
    assert filtered[1, 10, 12] == pytest.approx(np.median(x[1, 9:12, 11:14]))
    # a corner, mirrored (the edge pixel itself is not repeated): rows/cols (1, 0, 1)
    corner = x[2][np.ix_([1, 0, 1], [1, 0, 1])]
    assert filtered[2, 0, 0] == pytest.approx(np.median(corner))
    # every layout the notebooks use gives the same result, in the layout it was given
    np.testing.assert_array_equal(explore.median_filter(x[..., None])[..., 0], filtered)
    np.testing.assert_array_equal(explore.median_filter(x.reshape(3, 784)).reshape(3, 28, 28), filtered)
    # and PSNR is TensorFlow's
    assert explore.psnr(np.zeros(784), np.full(784, 0.1)) == pytest.approx(20.0)
    assert explore.psnr(np.zeros((28, 28)), np.zeros((28, 28))) == float("inf")


# --- code_size ---------------------------------------------------------------------------


def test_code_size_slides_over_precomputed_reconstructions(digits):
    images, _ = digits
    ks = [2, 8, 32]
    pca = {k: images * k / 32 for k in ks}
    ae = {k: (1 - images) * k / 32 for k in ks}
    ex = explore.code_size(images.reshape(N, 784), {"PCA": pca, "autoencoder": ae}, n=4)
    assert ex.controls["k"].options == (2, 8, 32)
    png_before = ex.png("PCA")
    ex.set(k=2, digit=38)
    pick = [38, 39, 0, 1]
    np.testing.assert_allclose(ex.shown["PCA"], pca[2][pick])
    np.testing.assert_allclose(ex.shown["autoencoder"], ae[2][pick])
    np.testing.assert_array_equal(ex.shown["original"], images[pick])
    assert ex.png("PCA") != png_before
    error = float(((images - pca[2]) ** 2).sum(axis=(1, 2)).mean())
    assert f"{error:.2f} on all 40 digits" in ex.captions["PCA"]


# --- display -----------------------------------------------------------------------------


def test_display_bundle_has_the_widget_a_static_png_and_helpful_text(decoder2, codes2, digits):
    images, labels = digits
    ex = explore.latent_sliders(decoder2, codes2, images, labels)
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    picture = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert picture.format == "PNG" and picture.size[0] > 200
    assert "interactive(" not in bundle["text/plain"]
    assert "z1" in bundle["text/plain"] and "JupyterLab" in bundle["text/plain"]


# --- the latency promise: models called directly, compiled once, never through predict -----


class _CountingLayer(keras.layers.Layer):
    """Identity layer counting how often its Python code runs: once per trace when compiled,
    on every call when run eagerly."""

    runs = 0

    def call(self, x):
        type(self).runs += 1
        return x


def _counting_decoder(d):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((d,)), _CountingLayer(), keras.layers.Dense(784, activation="sigmoid")])
    _CountingLayer.runs = 0  # building the model ran it once, symbolically

    def no_predict(*args, **kwargs):
        raise AssertionError("an explorer called model.predict; call the model directly (compiled)")

    model.predict = no_predict
    model.predict_on_batch = no_predict
    return model


def test_explorers_never_call_predict_and_reuse_one_compiled_function(codes2, digits):
    images, labels = digits
    decoder = _counting_decoder(2)
    sliders = explore.latent_sliders(decoder, codes2, images, labels)
    for z1 in np.linspace(sliders.controls["z1"].min, sliders.controls["z1"].max, 6):
        sliders.set(z1=float(z1))
    sliders.set(digit=5)
    scatter = explore.latent_2d(decoder, codes2, labels)  # a second explorer of the same model
    for z2 in (-0.5, 0.0, 0.5):
        scatter.set(z2=z2)
    np.testing.assert_allclose(scatter.shown["decoded"], _decode(decoder, [scatter.controls["z1"].value, 0.5]),
                               atol=1e-5)
    # _decode above ran the model eagerly once; every explorer update reused one trace
    assert _CountingLayer.runs == 2, f"the model's Python code ran {_CountingLayer.runs} times"
    call = inference.compiled_call(decoder, "decoder")
    assert call.compiled.experimental_get_tracing_count() == 1
