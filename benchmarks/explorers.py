"""How long one slider update takes in each explorer of ``helpers.explore``, kernel side.

For every explorer, with a small dense and a small convolutional model, this moves a
control through its range many times (the same path a user's slider takes:
``Explorer.set``) and prints the median and 95th-percentile time per update, beside the
naive pattern measured in the same run: an ``ipywidgets.interactive`` callback that calls
``model.predict`` and draws a new Matplotlib figure each time (rendered to PNG, as the
inline backend does), and the ratio of the medians.

The models are built here with untrained (random) weights: an update costs the same
whatever the weights are, and the script then runs in seconds without data or training.
Timings are wall-clock on whatever else the machine is doing; the printed CPU seconds
per update (process CPU time / updates) are a sanity figure under contention.

    .venv/bin/python benchmarks/explorers.py                       # print the table
    .venv/bin/python benchmarks/explorers.py --json out/explorers.json   # and save it

Targets (issue 7): median <= 10 ms per update with a dense decoder, <= 25 ms with a
convolutional one.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

TARGET_MS = {"dense": 10.0, "conv": 25.0, "none": 10.0}


def build_models(keras, code: int = 2):
    """Small decoders/encoders/autoencoders like the course's (weights untrained)."""
    from helpers import precision

    layers = keras.layers
    keras.utils.set_random_seed(0)
    dense_dec = keras.Sequential([keras.Input((code,)), layers.Dense(256, activation="relu"),
                                  layers.Dense(512, activation="relu"),
                                  layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28))],
                                 name="dense_decoder")
    dense_enc = keras.Sequential([keras.Input((28, 28)), layers.Flatten(),
                                  layers.Dense(512, activation="relu"), layers.Dense(256, activation="relu"),
                                  layers.Dense(code)], name="dense_encoder")
    with precision.bfloat16():  # as notebook 04 builds its model: bfloat16 inside, float32 code and picture
        conv_dec = keras.Sequential([
            keras.Input((code,)), layers.Dense(7 * 7 * 64, activation="relu"), layers.Reshape((7, 7, 64)),
            layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(32, 3, padding="same", activation="relu"), layers.Conv2D(4, 3, padding="same"),
            layers.Reshape((14, 14, 2, 2)), layers.Permute((1, 3, 2, 4)), layers.Reshape((28, 28, 1)),  # pixel shuffle
            layers.Activation("sigmoid", dtype="float32")], name="conv_decoder")
        conv_enc = keras.Sequential([
            keras.Input((28, 28, 1)), layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"), layers.Flatten(),
            layers.Dense(code, dtype="float32")], name="conv_encoder")
    dense_ae = keras.Sequential([dense_enc, dense_dec], name="dense_autoencoder")
    conv_ae = keras.Sequential([conv_enc, conv_dec], name="conv_autoencoder")
    return {"dense": (dense_enc, dense_dec, dense_ae), "conv": (conv_enc, conv_dec, conv_ae)}


def sweep(lo: float, hi: float, n: int) -> list[float]:
    """n slider positions going back and forth over [lo, hi], as a dragging hand would."""
    forward = np.linspace(lo, hi, 50)
    path = np.concatenate([forward, forward[::-1]])
    return [float(path[i % len(path)]) for i in range(n)]


def bounce(n_options: int, n: int) -> list[int]:
    """n option indices 0, 1, ..., last, ..., 1, 0, 1, ...: every step changes the value."""
    path = list(range(n_options)) + list(range(n_options - 2, 0, -1))
    return [path[i % len(path)] for i in range(n)]


def time_updates(update, values, warmup: int = 5):
    """Seconds per call of update(v) for each value (after a few untimed warm-up calls)."""
    # outside a kernel, ipywidgets' Output.clear_output writes terminal escape codes: keep them
    # off the table (the write itself stays in the timing)
    with contextlib.redirect_stdout(io.StringIO()):
        for v in values[:warmup]:
            update(v)
        wall = []
        cpu0 = time.process_time()
        for v in values:
            t0 = time.perf_counter()
            update(v)
            wall.append(time.perf_counter() - t0)
        cpu = time.process_time() - cpu0
    return wall, cpu / len(values)


def summary(seconds) -> dict:
    ms = np.asarray(seconds) * 1e3
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "updates": int(len(ms))}


# --- the naive pattern: interactive() + predict + a new figure per update ----------------------


def _render(fig):
    """What the inline backend does with a figure shown in a callback: render a PNG, then close it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def naive_interactive(callback, **sliders):
    """An ``ipywidgets.interactive`` around callback; returns a function moving its first slider."""
    import ipywidgets as widgets

    with contextlib.redirect_stdout(io.StringIO()):  # it runs the callback once when built
        panel = widgets.interactive(callback, **sliders)
    first = panel.children[0]

    def move(value):
        first.value = value

    return move


def naive_latent(decoder, codes):
    import matplotlib.pyplot as plt

    lo, hi = codes.min(0), codes.max(0)

    def show(z1, z2):
        image = decoder.predict(np.array([[z1, z2]], np.float32), verbose=0).reshape(28, 28)
        fig, ax = plt.subplots(figsize=(3, 3))
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.axis("off")
        _render(fig)

    return naive_interactive(show, z1=(float(lo[0]), float(hi[0]), 0.01), z2=(float(lo[1]), float(hi[1]), 0.01))


def naive_latent_2d(decoder, codes, labels):
    import matplotlib.pyplot as plt

    lo, hi = codes.min(0), codes.max(0)

    def show(z1, z2):
        image = decoder.predict(np.array([[z1, z2]], np.float32), verbose=0).reshape(28, 28)
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.8))
        a1.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=3)
        a1.plot([z1], [z2], "ro")
        a2.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        a2.axis("off")
        _render(fig)

    return naive_interactive(show, z1=(float(lo[0]), float(hi[0]), 0.01), z2=(float(lo[1]), float(hi[1]), 0.01))


def naive_interpolation(encoder, decoder, images):
    import matplotlib.pyplot as plt

    def show(t):
        za = encoder.predict(images[0:1], verbose=0)
        zb = encoder.predict(images[1:2], verbose=0)
        latent = decoder.predict((1 - t) * za + t * zb, verbose=0).reshape(28, 28)
        pixel = ((1 - t) * images[0] + t * images[1]).reshape(28, 28)
        fig, axes = plt.subplots(1, 2, figsize=(5, 2.5))
        for ax, image in zip(axes, (latent, pixel), strict=True):
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
            ax.axis("off")
        _render(fig)

    return naive_interactive(show, t=(0.0, 1.0, 0.01))


def naive_noise(autoencoder, images):
    import matplotlib.pyplot as plt

    from helpers import data, explore

    def show(level):
        noisy = data.corrupt(images[:1], "gaussian", level, seed=0)
        out = autoencoder.predict(noisy.reshape((1, *images.shape[1:])), verbose=0).reshape(28, 28)
        base = explore.median_filter(noisy.reshape(1, 28, 28))[0]
        fig, axes = plt.subplots(1, 4, figsize=(8, 2.4))
        for ax, image in zip(axes, (images[0].reshape(28, 28), noisy.reshape(28, 28), out, base), strict=True):
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
            ax.set_xlabel(f"PSNR {explore.psnr(images[0], image):.1f} dB")
        _render(fig)

    return naive_interactive(show, level=(0.0, 1.0, 0.01))


def naive_code_size(originals, recon):
    import matplotlib.pyplot as plt

    ks = sorted(next(iter(recon.values())))

    def show(k):
        k = ks[int(k)]
        fig, axes = plt.subplots(1 + len(recon), 6, figsize=(6, 1.2 * (1 + len(recon))))
        rows = [originals[:6]] + [by_k[k][:6] for by_k in recon.values()]
        for row_axes, row in zip(axes, rows, strict=True):
            for ax, image in zip(row_axes, row, strict=True):
                ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
                ax.axis("off")
        _render(fig)

    return naive_interactive(show, k=(0, len(ks) - 1, 1))


# --- the run -----------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=300, help="updates timed per explorer (>= 200)")
    parser.add_argument("--naive-updates", type=int, default=200, help="updates timed for the naive pattern")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.updates < 1 or args.naive_updates < 1:
        parser.error("--updates and --naive-updates must be positive")

    import matplotlib

    matplotlib.use("Agg")
    from helpers import explore, setup

    keras = setup.import_keras(verbose=False)
    load_start = os.getloadavg()
    rng = np.random.default_rng(0)
    images = rng.random((500, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, 500)
    models = build_models(keras)
    rows = []

    def run(explorer, model_kind, ex, control, values, naive_move, naive_values):
        wall, cpu = time_updates(lambda v: ex.set(**{control: v}), values)
        naive_wall, naive_cpu = time_updates(naive_move, naive_values, warmup=2)
        row = {"explorer": explorer, "model": model_kind, **summary(wall), "cpu_ms_per_update": cpu * 1e3}
        naive = summary(naive_wall)
        row.update({f"naive_{k}": v for k, v in naive.items()})
        row["naive_cpu_ms_per_update"] = naive_cpu * 1e3
        row["ratio_median"] = naive["median_ms"] / row["median_ms"]
        row["target_ms"] = TARGET_MS[model_kind]
        row["meets_target"] = row["median_ms"] <= row["target_ms"]
        rows.append(row)
        print(f"{explorer:15s} {model_kind:5s} {row['median_ms']:7.2f} {row['p95_ms']:7.2f} "
              f"{row['cpu_ms_per_update']:7.2f} | {row['naive_median_ms']:8.1f} {row['naive_p95_ms']:8.1f} "
              f"| {row['ratio_median']:6.0f}x | {row['target_ms']:4.0f} {'yes' if row['meets_target'] else 'NO'}",
              flush=True)

    print(f"Explorer update times, kernel side, ms ({args.updates} updates each; naive pattern "
          f"{args.naive_updates}). Untrained weights. Load average at start: "
          f"{', '.join(f'{v:.1f}' for v in load_start)} on {os.cpu_count()} cores.")
    print(f"{'explorer':15s} {'model':5s} {'median':>7s} {'p95':>7s} {'cpu':>7s} | {'naive med':>8s} "
          f"{'naive p95':>8s} | {'ratio':>7s} | target")
    for kind in ("dense", "conv"):
        encoder, decoder, autoencoder = models[kind]
        shaped = images if kind == "dense" else images[..., None]
        codes = np.asarray(encoder(shaped[:300]))
        codes = (codes - codes.mean(0)) / (codes.std(0) + 1e-6)  # a spread like a trained code's

        ex = explore.latent_sliders(decoder, codes, shaped[:300], labels[:300])
        lo, hi = ex.controls["z1"].min, ex.controls["z1"].max
        run("latent_sliders", kind, ex, "z1", sweep(lo, hi, args.updates),
            naive_latent(decoder, codes), sweep(lo, hi, args.naive_updates))

        ex = explore.latent_2d(decoder, codes, labels[:300])
        lo, hi = ex.controls["z1"].min, ex.controls["z1"].max
        run("latent_2d", kind, ex, "z1", sweep(lo, hi, args.updates),
            naive_latent_2d(decoder, codes, labels[:300]), sweep(lo, hi, args.naive_updates))

        ex = explore.interpolation(encoder, decoder, shaped[:300])
        run("interpolation", kind, ex, "t", sweep(0, 1, args.updates),
            naive_interpolation(encoder, decoder, shaped[:300]), sweep(0, 1, args.naive_updates))

        ex = explore.noise(autoencoder, shaped[:300])
        run("noise", kind, ex, "level", sweep(0, 1, args.updates),
            naive_noise(autoencoder, shaped[:300]), sweep(0, 1, args.naive_updates))

    ks = [2, 4, 8, 16, 32, 64]
    recon = {"PCA": {k: images * (k / 64) for k in ks}, "autoencoder": {k: images * (1 - k / 64) for k in ks}}
    ex = explore.code_size(images, recon)
    run("code_size", "none", ex, "k", [ks[i] for i in bounce(len(ks), args.updates)],
        naive_code_size(images, recon), bounce(len(ks), args.naive_updates))

    load_end = os.getloadavg()
    print(f"Load average at the end: {', '.join(f'{v:.1f}' for v in load_end)}. Wall-clock times include "
          "whatever else runs on the machine; 'cpu' is this process's CPU time per update.")
    met = all(r["meets_target"] for r in rows)
    print("All explorers within their targets." if met else "Some explorers MISS their targets (see NO above).")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "what": "kernel-side time per slider update of helpers.explore explorers vs the naive "
                    "interact + predict + new-figure pattern; models untrained (weights do not change the cost)",
            "python": platform.python_version(), "cores": os.cpu_count(),
            "load_average_start": load_start, "load_average_end": load_end,
            "updates": args.updates, "naive_updates": args.naive_updates,
            "targets_ms": TARGET_MS, "rows": rows,
            "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
