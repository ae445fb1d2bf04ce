"""Benchmark: wall time of `chipsmith --help` (goal: under 0.3 s). Usage: .venv/bin/python scripts/bench_startup.py"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

EXE = Path(sys.executable).parent / "chipsmith"


def main(runs: int = 15) -> None:
    subprocess.run([str(EXE), "--help"], capture_output=True, check=True)  # warm the page cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([str(EXE), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    print(
        f"chipsmith --help: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {runs} runs"
    )


if __name__ == "__main__":
    main()
