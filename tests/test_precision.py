"""helpers.precision: bfloat16 only for the layers built inside the block."""

import keras
import pytest

from helpers import precision


def test_layers_inside_compute_in_bfloat16_and_the_rest_stay_float32():
    with precision.bfloat16():
        inside = keras.layers.Dense(2)
        output = keras.layers.Dense(2, dtype="float32")
    after = keras.layers.Dense(2)
    assert inside.compute_dtype == "bfloat16" and inside.variable_dtype == "float32"
    assert output.compute_dtype == "float32"
    assert after.compute_dtype == "float32" and keras.config.dtype_policy().name == "float32"


def test_the_policy_is_restored_after_an_error():
    with pytest.raises(RuntimeError), precision.bfloat16():
        raise RuntimeError("a bad layer definition")
    assert keras.config.dtype_policy().name == "float32"
