"""helpers.metrics: the course's error unit."""

import numpy as np
import pytest

from helpers import metrics


def test_per_image_squared_error_by_hand():
    x = np.zeros((2, 28, 28))
    x_hat = np.zeros((2, 28, 28))
    x_hat[0, 0, :4] = 0.5  # 4 pixels off by 0.5 -> 4 * 0.25 = 1.0
    x_hat[1] = 1.0  # every pixel off by 1 -> 784
    assert np.allclose(metrics.per_image_squared_error(x, x_hat), [1.0, 784.0])
    assert metrics.squared_error(x, x_hat) == pytest.approx(392.5)
    with pytest.raises(ValueError, match="differ in shape"):
        metrics.squared_error(np.zeros((3, 784)), np.zeros((4, 784)))


def test_flat_and_image_layouts_agree_and_per_pixel_mse_converts():
    rng = np.random.default_rng(0)
    x, x_hat = rng.random((5, 28, 28)), rng.random((5, 28, 28))
    assert metrics.squared_error(x, x_hat.reshape(5, 784)) == pytest.approx(metrics.squared_error(x, x_hat))
    assert metrics.from_per_pixel_mse(float(np.mean((x - x_hat) ** 2))) == pytest.approx(metrics.squared_error(x, x_hat))


def test_keras_loss_is_the_course_unit():
    import keras

    rng = np.random.default_rng(2)
    x = rng.random((6, 784)).astype("float32")
    x_hat = rng.random((6, 784)).astype("float32")
    per_image = np.asarray(metrics.sum_squared_error(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(x_hat)))
    assert per_image.shape == (6,)
    assert np.allclose(per_image, metrics.per_image_squared_error(x, x_hat), rtol=1e-5)
    images = np.asarray(metrics.sum_squared_error(x.reshape(6, 28, 28, 1), x_hat.reshape(6, 28, 28, 1)))
    assert np.allclose(images, per_image, rtol=1e-5)


def test_evaluate_runs_a_model():
    import keras

    inputs = keras.Input((784,))
    identity = keras.Model(inputs, keras.layers.Identity()(inputs))
    halve = keras.Model(inputs, keras.layers.Rescaling(0.5)(inputs))
    x = np.full((3, 784), 0.2, dtype="float32")
    assert metrics.evaluate(identity, x) == pytest.approx(0.0)
    assert metrics.evaluate(halve, x) == pytest.approx(784 * 0.1**2, rel=1e-5)
    assert metrics.evaluate(identity, x, target=np.zeros_like(x)) == pytest.approx(784 * 0.04, rel=1e-5)


def test_reconstruct_calls_the_model_in_batches_without_predict():
    import keras

    inputs = keras.Input((784,))
    model = keras.Model(inputs, keras.layers.Dense(784, activation="sigmoid")(inputs))

    def no_predict(*args, **kwargs):
        raise AssertionError("reconstruct must not use predict")

    model.predict = no_predict
    x = np.random.default_rng(0).random((7, 784)).astype("float32")
    out = metrics.reconstruct(model, x, batch_size=3)
    assert isinstance(out, np.ndarray) and out.shape == (7, 784)
    assert np.allclose(out, np.asarray(model(x, training=False)), atol=1e-6)
    with pytest.raises(ValueError, match="at least one image"):
        metrics.reconstruct(model, x[:0])
    with pytest.raises(ValueError, match="batch_size"):
        metrics.reconstruct(model, x, batch_size=0)


def test_reconstruct_feeds_a_model_built_on_a_list_of_inputs_without_a_warning():
    import warnings

    import keras

    inputs = keras.Input((784,))
    code = keras.layers.Dense(2, name="code")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(784)(code))
    encoder = keras.Model(model.inputs, model.get_layer("code").output)  # inputs as a list, as 01 does
    x = np.random.default_rng(0).random((5, 784)).astype("float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codes = metrics.reconstruct(encoder, x)
    assert codes.shape == (5, 2)
    assert not [str(w.message) for w in caught], [str(w.message) for w in caught]


def test_evaluating_several_models_raises_no_retracing_warning():
    """A notebook evaluating six models in a row must print no TensorFlow retracing notice."""
    import logging

    import keras

    messages = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("tensorflow")
    logger.addHandler(handler)
    try:
        x = np.random.default_rng(0).random((50, 784)).astype("float32")
        for k in range(6):
            inputs = keras.Input((784,))
            model = keras.Model(inputs, keras.layers.Dense(784)(keras.layers.Dense(k + 2)(inputs)))
            metrics.evaluate(model, x, batch_size=32)
            metrics.reconstruct(model, x[:10])
    finally:
        logger.removeHandler(handler)
    assert not [m for m in messages if "retracing" in m], messages
