"""How long loading the cats_vs_noncats photos takes: decoding vs the HDF5 cache.

    python benchmarks/bench_loading.py [--image-size 64] [--repeat 3]

Needs the data: python -m utils.datasets download cats_vs_noncats.
The cache lives in <datasets_dir>/cache/; this script deletes the
cats_vs_noncats entries there to time a cold (decoding) load, then reloads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.datasets import datasets_dir, load_cats_vs_noncats  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cache = datasets_dir() / "cache"
    first, cached = [], []
    for _ in range(args.repeat):
        for old in cache.glob(f"cats_vs_noncats_{args.image_size}_*.h5"):
            old.unlink()
        seconds, data = timed(lambda: load_cats_vs_noncats(args.image_size))
        first.append(seconds)
        cached.append(timed(lambda: load_cats_vs_noncats(args.image_size))[0])
    n = sum(x.shape[0] for x in data[0:6:2])
    uncached = timed(lambda: load_cats_vs_noncats(args.image_size, cache=False, workers=1))[0]
    print(f"cats_vs_noncats, {n} photos at {args.image_size}x{args.image_size} (best of {args.repeat}):")
    print(f"  first load (decode + resize, thread pool): {min(first):7.3f} s")
    print(f"  first load, one thread:                    {uncached:7.3f} s")
    print(f"  cached load (HDF5):                        {min(cached):7.3f} s")
    print(f"  speed-up: {min(first) / min(cached):.0f}x")


if __name__ == "__main__":
    main()
