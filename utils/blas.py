"""How many BLAS threads training uses: one, for products as small as this library's networks make.

NumPy hands every matrix product to a BLAS library (OpenBLAS in the wheels), which splits a
product over all cores once it exceeds its own small threshold (m n k >= 262,144 multiply-adds).
On an idle machine two threads make a mid-sized product about 1.5x faster. On a machine whose
cores are busy with other work, a BLAS thread that waits for a descheduled partner loses a
scheduler time slice, milliseconds, on a product that takes a fraction of a millisecond alone.
Measured on a shared 2-core machine (OpenBLAS 0.3.31, float32, mean time per product, one other
busy process):

    product (n x k x m)        multiply-adds   1 thread   2 threads
    20 x 209 x 209             8.7e5           0.036 ms   0.48 ms    (the fast path's step)
    20 x 12288 x 209           5.1e7           2.8 ms     5.6 ms     (catvnoncat's W1 X)
    128 x 784 x 1000           1.0e8           3.0 ms     8.8 ms
    20 x 12288 x 609           1.5e8           8.0 ms     11.8 ms
    128 x 784 x 4000           4.0e8           15.6 ms    12.6 ms
    1024 x 1024 x 1024         1.1e9           30.5 ms    35.1 ms

Above a few 1e8 multiply-adds threads break even under load and halve the time when idle;
below, they gain at most 1.5x when idle and lose 2x (and, in the tails, 20x) under load. So
`blas_threads_for` runs training on one BLAS thread when the largest product of a step is below
`MAX_SINGLE_THREAD_MACS`, and leaves BLAS alone otherwise. Every network of the notebooks and
the course falls below it. A side effect: the thread count changes how a product is split and
so its float32 rounding (~1e-7); on one thread, training gives the same numbers on a 2-core and
a 16-core machine.

    with blas_threads_for([12288, 20, 7, 5, 1], 209):   # 20 x 12288 x 209 = 5.1e7 < 3e8: 1 thread
        ...  # training

It never raises the thread count (an `OPENBLAS_NUM_THREADS=1` or an enclosing
`threadpoolctl.threadpool_limits` stays in force) and restores the previous count on exit.

The other way to use the cores: `map_in_parallel(function, items)` trains several networks at once,
one per core, each on one BLAS thread. NumPy releases Python's lock inside its products and its
element-wise loops, so two trainings on 2 cores take about 0.6 of the time of one after the other
(measured: four float64 Adam trainings on the cats photos, 7.6 s one after the other, 4.4 s two at a
time). Each training's numbers are those it gives alone, to the last bit (tests/test_blas.py): its
random generator is its own and its products run on one BLAS thread either way.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import threadpool_limits

#: Products of fewer multiply-adds than this run on one BLAS thread (about 10 ms on one core).
MAX_SINGLE_THREAD_MACS = 3e8


def largest_product(layer_dims, m):
    """The multiply-adds of a training step's largest product, max_l n_l n_{l-1} m (W_l A_{l-1}, dZ_l A_{l-1}^T)."""
    return max(n * n_prev * m for n_prev, n in zip(layer_dims, layer_dims[1:]))


def blas_threads_for(layer_dims, m, threshold=MAX_SINGLE_THREAD_MACS):
    """A context manager: one BLAS thread if `largest_product(layer_dims, m)` < threshold, else no change.

    layer_dims = [n_x, n_1, ..., n_L]; m: the examples of one step (the batch size, or the
    training set's size for full-batch training). Limits only BLAS (threadpoolctl's "blas"
    user API), not OpenMP, and restores the previous limits on exit.
    """
    if largest_product(layer_dims, m) < threshold:
        return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()


def default_workers():
    """How many trainings `map_in_parallel` runs at once: $TRAINING_WORKERS if set, else the cores, at most 4
    (beyond that, the Python part of each step, which runs one at a time, takes over)."""
    value = os.environ.get("TRAINING_WORKERS", "")
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"TRAINING_WORKERS: expected a whole number >= 1, got {value!r}")
        return int(value)
    return max(1, min(os.cpu_count() or 1, 4))


def map_in_parallel(function, items, workers=None):
    """[function(item) for item in items], computed `workers` at a time (default: `default_workers()`).

    For independent trainings (seeds, candidates, folds): each call must not change what another one
    reads. The results come back in the order of `items`, and equal those of the plain loop, because
    every BLAS product runs on one thread meanwhile (an enclosing limit of one thread stays in force
    for the trainings' own `blas_threads_for`). An error in one call is raised here, after the calls
    already running have finished; the calls not yet started are dropped.
    """
    items = list(items)
    workers = default_workers() if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: expected a whole number >= 1, got {workers!r}")
    if workers == 1 or len(items) <= 1:
        return [function(item) for item in items]
    with threadpool_limits(limits=1, user_api="blas"):
        pool = ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="training")
        try:
            futures = [pool.submit(function, item) for item in items]
            return [future.result() for future in futures]
        finally:   # on an error or an interrupt: drop the calls not yet started, let the running ones finish
            pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["blas_threads_for", "largest_product", "MAX_SINGLE_THREAD_MACS", "map_in_parallel", "default_workers"]
