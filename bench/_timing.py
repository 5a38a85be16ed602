"""Shared helpers for the benchmarks: run commands interleaved, report medians side by side."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def entry_point(name: str = "dealcoach") -> str:
    found = shutil.which(name, path=str(BIN))
    if not found:
        sys.exit(f"{name} is not installed next to {sys.executable}; run: pip install -e .")
    return found


def median_times(commands: dict[str, list[str]], runs: int, env: dict | None = None, warmup: int = 2) -> dict[str, float]:
    """Median wall time (seconds) of each command; runs are interleaved so machine load hits all alike."""
    environment = {**os.environ, **(env or {})}
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for round_number in range(warmup + runs):
        for label, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            if round_number >= warmup:
                samples[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) for label, values in samples.items()}


def report(title: str, medians: dict[str, float], baseline: str) -> None:
    print(f"\n{title}")
    for label, seconds in medians.items():
        ratio = seconds / medians[baseline]
        print(f"  {label:<48} {seconds * 1000:7.1f} ms   {ratio:4.2f}x {baseline}")
