"""Candidates for notebook 04's lesson model: error vs training time, 30-number code.

    AE_MNIST_PATH=/path/to/mnist.npz .venv/bin/python -m benchmarks.candidates            # train every candidate
    .venv/bin/python -m benchmarks.candidates --only subpixel_bf16 --epochs 12            # one of them
    .venv/bin/python -m benchmarks.candidates --cost-only                                 # seconds per batch only

Each candidate is a strided convolutional autoencoder with a 30-number code (the encoder
of notebook 04; decoders, widths, batch size, schedule and precision vary). It trains on
the first 55,000 training digits and after every epoch its squared error per image is
measured on the 5,000 held-out training digits (the validation split, as in notebook 04);
the test digits are touched once, after the last epoch. Every epoch's wall time is kept,
so each candidate gives an error-vs-training-time curve. Candidates run one after the
other in one process (side by side in time); the machine's load average is recorded before
and after each. Quality is read from error vs epochs (independent of the load), cost from
the seconds per epoch (which do depend on it).

The curves go to ``benchmarks/candidates_04.json`` (``--out``), with the command, the
date and the load; ``benchmarks/table.py`` renders them in RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "candidates_04.json"
VALIDATION = 5_000
CODE_SIZE = 30


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _encoder(keras, width=(32, 64), act="relu"):
    layers = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(width[0], 3, strides=2, padding="same", activation=act),
        layers.Conv2D(width[1], 3, strides=2, padding="same", activation=act),
        layers.Flatten(),
        layers.Dense(CODE_SIZE),
    ], name="encoder")


def _decoder(keras, kind: str, width=(64, 32), act="relu"):
    """The decoders compared: 'transposed' is notebook 04's original one. ``act`` is every hidden layer's
    activation (the output stays a sigmoid)."""
    layers = keras.layers
    head = [keras.Input((CODE_SIZE,)), layers.Dense(7 * 7 * 64, activation=act), layers.Reshape((7, 7, 64))]
    if kind == "transposed":  # notebook 04 before: full-resolution transposed convolutions
        body = [
            layers.Conv2DTranspose(width[0], 3, strides=2, padding="same", activation=act),
            layers.Conv2DTranspose(width[1], 3, strides=2, padding="same", activation=act),
            layers.Conv2D(1, 3, padding="same", activation="sigmoid", dtype="float32"),
        ]
    elif kind == "light":  # the lighter transposed decoder of issue 12
        body = [
            layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation=act),
            layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid", dtype="float32"),
        ]
    elif kind == "upsample":  # upsample + convolution
        body = [
            layers.UpSampling2D(2), layers.Conv2D(width[0], 3, padding="same", activation=act),
            layers.UpSampling2D(2), layers.Conv2D(width[1], 3, padding="same", activation=act),
            layers.Conv2D(1, 3, padding="same", activation="sigmoid", dtype="float32"),
        ]
    elif kind == "subpixel":  # convolve at the low resolution, then rearrange channels into pixels
        body = [
            layers.Conv2D(4 * width[0], 3, padding="same", activation=act),   # 7 x 7 x 4c
            layers.Lambda(lambda t: _d2s(keras, t)),                              # 14 x 14 x c
            layers.Conv2D(4 * width[1], 3, padding="same", activation=act),   # 14 x 14 x 4c'
            layers.Lambda(lambda t: _d2s(keras, t)),                              # 28 x 28 x c'
            layers.Conv2D(1, 3, padding="same", activation="sigmoid", dtype="float32"),
        ]
    elif kind == "subpixel_out":  # transposed 7->14, then a sub-pixel output layer 14->28
        body = [
            layers.Conv2DTranspose(width[0], 3, strides=2, padding="same", activation=act),  # 14 x 14
            layers.Conv2D(width[1], 3, padding="same", activation=act),
            layers.Conv2D(4, 3, padding="same"),                                                 # 14 x 14 x 4
            layers.Lambda(lambda t: _d2s(keras, t)),                                             # 28 x 28 x 1
            layers.Activation("sigmoid", dtype="float32"),
        ]
    else:
        raise ValueError(f"unknown decoder {kind!r}")
    return keras.Sequential(head + body, name="decoder")


def _d2s(keras, t):
    import tensorflow as tf

    return tf.nn.depth_to_space(t, 2)


# name: (decoder, decoder widths, encoder widths, batch, epochs, schedule, peak lr, precision)
CANDIDATES = {
    "transposed_f32_b128": dict(decoder="transposed", batch=128, epochs=10, schedule="cosine", lr=2e-3,
                                precision="float32"),
    "transposed_bf16_b128": dict(decoder="transposed", batch=128, epochs=12, schedule="cosine", lr=2e-3,
                                 precision="mixed_bfloat16"),
    "transposed_bf16_b256_onecycle": dict(decoder="transposed", batch=256, epochs=14, schedule="onecycle",
                                          lr=4e-3, precision="mixed_bfloat16"),
    "subpixel_f32_b128": dict(decoder="subpixel", width=(64, 32), batch=128, epochs=12, schedule="cosine",
                              lr=2e-3, precision="float32"),
    "subpixel_bf16_b128": dict(decoder="subpixel", width=(64, 32), batch=128, epochs=14, schedule="cosine",
                               lr=2e-3, precision="mixed_bfloat16"),
    "subpixel_out_bf16_b128": dict(decoder="subpixel_out", width=(64, 32), batch=128, epochs=14,
                                   schedule="cosine", lr=2e-3, precision="mixed_bfloat16"),
    # notebook 04's model with one setting changed: can the same 5 minutes reach a lower error?
    "subpixel_out_bf16_b128_lr4e-3_onecycle": dict(decoder="subpixel_out", width=(64, 32), batch=128, epochs=14,
                                                   schedule="onecycle", lr=4e-3, precision="mixed_bfloat16"),
    "subpixel_out_bf16_b128_lr6e-3_onecycle": dict(decoder="subpixel_out", width=(64, 32), batch=128, epochs=14,
                                                   schedule="onecycle", lr=6e-3, precision="mixed_bfloat16"),
    "subpixel_out_bf16_b64": dict(decoder="subpixel_out", width=(64, 32), batch=64, epochs=14,
                                  schedule="cosine", lr=2e-3, precision="mixed_bfloat16"),
    "subpixel_out_bf16_b128_gelu": dict(decoder="subpixel_out", width=(64, 32), batch=128, epochs=14,
                                        schedule="cosine", lr=2e-3, precision="mixed_bfloat16", act="gelu"),
    "subpixel_out_bf16_b128_enc64": dict(decoder="subpixel_out", width=(64, 32), enc_width=(64, 64), batch=128,
                                         epochs=14, schedule="cosine", lr=2e-3, precision="mixed_bfloat16"),
    "upsample_bf16_b128": dict(decoder="upsample", width=(64, 32), batch=128, epochs=12, schedule="cosine",
                               lr=2e-3, precision="mixed_bfloat16"),
    "light_f32_b256": dict(decoder="light", batch=256, epochs=14, schedule="cosine", lr=3e-3,
                           precision="float32"),
}


def _schedule(keras, kind, lr, steps):
    if kind == "cosine":
        return keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps, alpha=0.05)
    if kind == "onecycle":  # linear warm-up over the first 10% of steps, then cosine decay
        warm = max(1, steps // 10)
        return keras.optimizers.schedules.CosineDecay(lr / 10, decay_steps=steps - warm, alpha=0.02,
                                                      warmup_target=lr, warmup_steps=warm)
    raise ValueError(f"unknown schedule {kind!r}")


def build(keras, spec):
    """The candidate's autoencoder, its layers in the precision ``spec`` asks for."""
    policy = spec.get("precision", "float32")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        act = spec.get("act", "relu")
        encoder = _encoder(keras, tuple(spec.get("enc_width", (32, 64))), act)
        decoder = _decoder(keras, spec["decoder"], tuple(spec.get("width", (64, 32))), act)
    finally:
        keras.config.set_dtype_policy(previous)
    inputs = keras.Input((28, 28, 1))
    return keras.Model(inputs, decoder(encoder(inputs))), encoder, decoder


def cost(keras, metrics, spec, x, batches=20):
    model, _, _ = build(keras, spec)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=metrics.sum_squared_error)
    b = spec["batch"]
    model.fit(x[:2 * b], x[:2 * b], batch_size=b, verbose=0)
    part = x[:batches * b]
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(part, part, batch_size=b, verbose=0)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    per_epoch = math.ceil(55_000 / b)
    return dict(seconds_per_batch=wall / batches, seconds_per_epoch=wall / batches * per_epoch,
                cpu_seconds_per_epoch=cpu / batches * per_epoch, params=model.count_params())


def train(keras, metrics, spec, data, seed=42):
    (x_fit, x_val, x_test) = data
    keras.utils.set_random_seed(seed)
    model, _, _ = build(keras, spec)
    steps = spec["epochs"] * math.ceil(len(x_fit) / spec["batch"])
    model.compile(optimizer=keras.optimizers.Adam(_schedule(keras, spec["schedule"], spec["lr"], steps)),
                  loss=metrics.sum_squared_error)
    curve, elapsed = [], 0.0
    for epoch in range(spec["epochs"]):
        start = time.perf_counter()
        model.fit(x_fit, x_fit, batch_size=spec["batch"], epochs=epoch + 1, initial_epoch=epoch, verbose=0)
        elapsed += time.perf_counter() - start
        val = metrics.evaluate(model, x_val)
        curve.append(dict(epoch=epoch + 1, train_seconds=round(elapsed, 2), validation_error=round(val, 4)))
        print(f"  epoch {epoch + 1}: {elapsed:.0f} s, validation {val:.3f}", flush=True)
    return dict(curve=curve, test_error=round(metrics.evaluate(model, x_test), 4), params=model.count_params())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="candidate names (default: all)")
    parser.add_argument("--epochs", type=int, help="override every candidate's epochs")
    parser.add_argument("--cost-only", action="store_true",
                        help="time 20 training batches of each (wall and CPU seconds, extrapolated to an epoch "
                             "of 55,000 digits), no training")
    parser.add_argument("--seed", type=int, default=42,
                        help="weights' seed (default 42, notebook 04's); another seed is kept as <name>_seed<N> "
                             "(and other epochs than the candidate's as <name>_<E>_epochs)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    names = args.only or list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidate(s) {unknown}; choose from {list(CANDIDATES)}")

    sys.path.insert(0, str(ROOT))
    from helpers import data, metrics, setup

    keras = setup.import_keras()
    (x_train, _), (x_test, _) = data.load_mnist(shape="channels")
    if not data.loaded_full_mnist():
        print("note: not full MNIST; set AE_MNIST_PATH for numbers comparable with RESULTS.md")
    split = (x_train[:-VALIDATION], x_train[-VALIDATION:], x_test)

    record = json.loads(args.out.read_text()) if args.out.exists() else {"candidates": {}}
    command = "python -m benchmarks.candidates " + shlex.join(argv if argv is not None else sys.argv[1:])
    for name in names:
        spec = dict(CANDIDATES[name])
        if args.epochs:
            spec["epochs"] = args.epochs
        before = _load()
        print(f"{name}: {spec} (load {before})", flush=True)
        if args.cost_only:
            measured = cost(keras, metrics, spec, split[0])
            print(f"  {measured}", flush=True)
            record.setdefault("cost", {})[name] = dict(
                spec=spec, **{k: round(v, 4) for k, v in measured.items()}, load_before=before,
                load_after=_load(), command=command,
                date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
            args.out.write_text(json.dumps(record, indent=1) + "\n")
            continue
        entry = dict(spec=spec, **train(keras, metrics, spec, split, seed=args.seed), seed=args.seed,
                     load_before=before, load_after=_load(), command=command,
                     date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
        print(f"  test error {entry['test_error']:.3f}", flush=True)
        key = name + (f"_{spec['epochs']}_epochs" if spec["epochs"] != CANDIDATES[name]["epochs"] else "")
        record["candidates"][key if args.seed == 42 else f"{key}_seed{args.seed}"] = entry
        args.out.write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
