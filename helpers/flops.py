"""How much arithmetic a model's training costs: floating-point operations per example.

The course's yardstick for training speed (``make bench`` compares it with what the
machine can do, in ``benchmarks/roofline.py``). What is counted:

* the multiply-adds of every ``Dense`` layer (its kernel applied at every position of its
  input: once per example for a flat input) and of every convolution (``Conv1D/2D/3D``:
  kernel size x input channels per group x output channels at every output position;
  ``Conv1DTranspose/2DTranspose/3DTranspose``: the same kernel at every *input* position),
  also inside nested models (an encoder and a decoder inside an autoencoder);
* one training step costs about three forward passes (the forward pass, then the
  gradients with respect to the layer inputs and with respect to the weights, each about
  as much work), and one multiply-add is two floating-point operations: so
  ``training FLOPs per example = 3 x 2 x forward multiply-adds``.

Not counted: biases, activations, normalisation, the loss, the optimiser's update
(all proportional to the number of values, not to the multiply-adds, and small beside
them), and the gradient with respect to the input images that the first layer does not
need (so the figure slightly overstates the work of a one-layer encoder).

Notebooks record :func:`training_cost` beside their training time, e.g.
``results.record(..., train_seconds=..., epochs=..., **flops.training_cost(model, x_fit))``.

Used by notebooks 01, 02, 03, 04, 05 and 06.
"""

from __future__ import annotations

import math

TRAINING_PASSES = 3  # forward + gradient w.r.t. inputs + gradient w.r.t. weights
FLOPS_PER_MULTIPLY_ADD = 2


def _kind(layer) -> str | None:
    """'dense', 'conv', 'conv_transpose' or None (a layer without counted multiply-adds)."""
    import keras

    if isinstance(layer, keras.layers.Dense):
        return "dense"
    transposed = tuple(getattr(keras.layers, n) for n in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
                       if hasattr(keras.layers, n))
    if isinstance(layer, transposed):
        return "conv_transpose"
    plain = tuple(getattr(keras.layers, n) for n in ("Conv1D", "Conv2D", "Conv3D") if hasattr(keras.layers, n))
    if isinstance(layer, plain):
        return "conv"
    return None


def _positions(shape) -> int:
    """Positions per example of a channels-last tensor shape (batch, ..., channels)."""
    inner = [int(d) for d in tuple(shape)[1:-1]]
    if any(d is None for d in inner):
        raise ValueError(f"cannot count multiply-adds for an unknown spatial size {tuple(shape)}")
    return math.prod(inner)


def _shape(layer, which: str):
    try:
        tensor = getattr(layer, which)
    except (AttributeError, ValueError) as exc:
        raise ValueError(
            f"layer {layer.name!r} has no known {which} shape: count FLOPs of a model built with keras.Input "
            "(a Sequential starting with keras.Input, or a functional model), after it is built") from exc
    if isinstance(tensor, list | tuple):
        tensor = tensor[0]
    return tensor.shape


def _layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and _kind(layer) is None:  # a nested model: its own layers count
            yield from _layers(layer)
        else:
            yield layer


def multiply_adds_by_layer(model) -> list[dict]:
    """One entry per counted layer: ``name``, ``kind`` and forward ``multiply_adds`` per example."""
    found = []
    for layer in _layers(model):
        kind = _kind(layer)
        if kind is None:
            continue
        kernel = int(layer.kernel.shape.num_elements() if hasattr(layer.kernel.shape, "num_elements")
                     else math.prod(layer.kernel.shape))
        if kind == "conv_transpose":  # each input position scatters the whole kernel
            positions = _positions(_shape(layer, "input"))
        else:  # dense (per position of its input) and convolutions (per output position)
            positions = _positions(_shape(layer, "output"))
        if kind == "conv" and getattr(layer, "data_format", "channels_last") != "channels_last":
            raise ValueError(f"layer {layer.name!r}: only channels_last convolutions are counted")
        found.append({"name": layer.name, "kind": kind, "multiply_adds": kernel * positions})
    return found


def forward_multiply_adds(model) -> int:
    """Multiply-adds of one forward pass of one example through the model's Dense and conv layers."""
    return int(sum(entry["multiply_adds"] for entry in multiply_adds_by_layer(model)))


def training_flops_per_example(model) -> int:
    """Floating-point operations of one training step, per example: 3 passes x 2 FLOPs x multiply-adds."""
    return TRAINING_PASSES * FLOPS_PER_MULTIPLY_ADD * forward_multiply_adds(model)


def training_cost(model, x) -> dict:
    """``{"flops_per_example", "train_examples"}`` of training ``model`` on ``x`` (an array or a length),
    to record beside the training time: ``results.record(..., **flops.training_cost(model, x))``."""
    examples = x if isinstance(x, int) else len(x)
    if isinstance(examples, bool) or examples < 1:
        raise ValueError(f"training_cost needs the training examples (an array or a positive count), got {x!r}")
    return {"flops_per_example": training_flops_per_example(model), "train_examples": int(examples)}
