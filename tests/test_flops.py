"""helpers.flops: multiply-adds of tiny models against a count by hand."""

import keras
import numpy as np
import pytest

from helpers import flops

layers = keras.layers


def test_dense_autoencoder_by_hand():
    model = keras.Sequential([keras.Input((784,)), layers.Dense(32, activation="relu"),
                              layers.Dropout(0.1), layers.BatchNormalization(),
                              layers.Dense(784, activation="sigmoid")])
    # 784 x 32 multiply-adds into the code, 32 x 784 back out; biases, dropout and batch norm not counted
    assert flops.forward_multiply_adds(model) == 784 * 32 + 32 * 784
    assert flops.training_flops_per_example(model) == 3 * 2 * (784 * 32 + 32 * 784)


def test_convolutions_by_hand():
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(4, 3, strides=2, padding="same"),           # 14x14 outputs, each 3*3*1*4
        layers.Conv2DTranspose(2, 3, strides=2, padding="same"),  # 14x14 inputs, each scatters 3*3*4*2
        layers.Conv2D(1, 5, padding="valid"),                     # 24x24 outputs, each 5*5*2*1
    ])
    counted = flops.multiply_adds_by_layer(model)
    assert [c["kind"] for c in counted] == ["conv", "conv_transpose", "conv"]
    assert [c["multiply_adds"] for c in counted] == [14 * 14 * 3 * 3 * 1 * 4, 14 * 14 * 3 * 3 * 4 * 2,
                                                    24 * 24 * 5 * 5 * 2 * 1]


def test_dense_on_positions_and_nested_models():
    encoder = keras.Sequential([keras.Input((5, 8)), layers.Dense(3)], name="encoder")  # 5 positions x 8 x 3
    decoder = keras.Sequential([keras.Input((5, 3)), layers.Flatten(), layers.Dense(7)], name="decoder")  # 15 x 7
    autoencoder = keras.Sequential([encoder, decoder])
    assert flops.forward_multiply_adds(encoder) == 5 * 8 * 3
    assert flops.forward_multiply_adds(autoencoder) == 5 * 8 * 3 + 15 * 7


def test_training_cost_record_fields():
    model = keras.Sequential([keras.Input((10,)), layers.Dense(4)])
    assert flops.training_cost(model, np.zeros((123, 10))) == {"flops_per_example": 6 * 40, "train_examples": 123}
    assert flops.training_cost(model, 50)["train_examples"] == 50
    with pytest.raises(ValueError, match="positive count"):
        flops.training_cost(model, 0)


def test_a_model_without_known_shapes_is_refused_clearly():
    class Unbuilt(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    model = Unbuilt()
    model(np.zeros((2, 4), np.float32))  # built, but its layers have no symbolic output
    with pytest.raises(ValueError, match="keras.Input"):
        flops.forward_multiply_adds(model)
