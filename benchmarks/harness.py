"""What the interleaved benchmarks (bench_training.py, bench_conv.py) share: each contender runs in a fresh process
of its own (`run_worker`) and prints one ``RESULT {json}`` line; the parent describes the machine (`machine_lines`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import sys

import numpy as np


def reset_peak_memory():
    """Linux: reset the process's peak resident size to the current one (so that a passing peak of the imports and
    the data loading is not counted as training's); True if it could."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_lines():
    """The CPU, the load, numpy's, torch's and Python's versions, and every BLAS with its kernel and threads."""
    from threadpoolctl import threadpool_info
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed (pip install -r benchmarks/requirements.txt)"
    lines = [f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average {os.getloadavg()}",
             f"numpy {np.__version__}, torch {torch_version}, Python {platform.python_version()}"]
    for lib in threadpool_info():
        if lib["user_api"] == "blas":
            lines.append(f"BLAS: {lib['internal_api']} {lib.get('version')}, kernel {lib.get('architecture')}, "
                         f"{lib['num_threads']} threads by default"
                         + (f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']})"
                            if "OPENBLAS_CORETYPE" in os.environ else " (own kernel)"))
    return lines


def run_worker(script, name, arguments, cwd):
    """Run `script --worker name *arguments` in a fresh Python; its last RESULT line as a dict (exit on failure)."""
    command = [sys.executable, str(script), "--worker", name, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        sys.exit(f"{name} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads(lines[-1][len("RESULT "):])


def mb(kib):
    """ru_maxrss (KiB on Linux) in MB (10^6 bytes)."""
    return kib * 1024 / 1e6
