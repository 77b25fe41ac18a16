"""The machine's own limit for the course's training: matrix-multiply throughput on this CPU.

    .venv/bin/python -m benchmarks.roofline                 # print the measurement
    .venv/bin/python -m benchmarks.roofline --json out.json # what `make bench` runs

A training step of every model in the course is mostly matrix multiplication (Dense
layers) and convolution (which TensorFlow's oneDNN kernels also turn into matrix-sized
blocks of multiply-adds). So the fastest square matrix multiplication TensorFlow does
on this machine, with its default threads (all cores), is the practical peak a training
run can be held against. For each number type (float32, the course's; bfloat16, which
CPUs with AVX-512 BF16 may run faster through oneDNN) and each size n, n x n times
n x n is timed ``repeats`` times after a warm-up; the best time gives
GFLOP/s = 2 n³ / seconds / 10⁹. The peak of a type is its best size.

``benchmarks/table.py`` divides each model's achieved training throughput (the FLOPs the
notebooks record with ``helpers.flops.training_cost``, times examples and epochs, over
the training time) by the float32 peak.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

SIZES = (512, 1024, 2048)
REPEATS = 5
DTYPES = ("float32", "bfloat16")


def matmul_gflops(dtype: str, n: int, repeats: int = REPEATS) -> float:
    """Best GFLOP/s of an n x n matrix product in ``dtype`` over ``repeats`` timed runs."""
    import tensorflow as tf

    rng = tf.random.Generator.from_seed(0)
    a = tf.cast(rng.normal((n, n)), dtype)
    b = tf.cast(rng.normal((n, n)), dtype)
    product = tf.function(lambda a, b: tf.reduce_sum(tf.cast(tf.matmul(a, b)[0, :1], tf.float32)))
    product(a, b).numpy()  # warm-up: trace, allocate, pick the kernel
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()  # .numpy() waits for the result
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def measure(sizes=SIZES, repeats: int = REPEATS, dtypes=DTYPES) -> dict:
    """``{"peaks": {dtype: {"gflops", "size"} or {"error"}}, "by_size": {dtype: {n: gflops}}, ...}``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    result = {"sizes": list(sizes), "repeats": repeats, "cores": os.cpu_count(),
              "tensorflow": tf.__version__, "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
              "load_average_start": os.getloadavg()[0], "by_size": {}, "peaks": {}}
    for dtype in dtypes:
        try:
            by_size = {int(n): matmul_gflops(dtype, int(n), repeats) for n in sizes}
        except Exception as exc:  # e.g. no bfloat16 matmul kernel on this CPU / build
            result["peaks"][dtype] = {"error": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}"}
            continue
        result["by_size"][dtype] = by_size
        size = max(by_size, key=by_size.get)
        result["peaks"][dtype] = {"gflops": by_size[size], "size": size}
    result["load_average_end"] = os.getloadavg()[0]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.roofline", description=__doc__.split("\n\n")[1])
    parser.add_argument("--json", help="write the measurement to this file")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="matrix sizes n (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per size (default %(default)s)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or any(n < 1 for n in args.sizes):
        parser.error("--sizes and --repeats must be positive whole numbers")
    result = measure(args.sizes, args.repeats)
    for dtype, peak in result["peaks"].items():
        if "error" in peak:
            print(f"{dtype}: not measured ({peak['error']})")
        else:
            sizes = ", ".join(f"n={n}: {g:.1f}" for n, g in result["by_size"][dtype].items())
            print(f"{dtype}: peak {peak['gflops']:.1f} GFLOP/s (n={peak['size']}); {sizes}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
