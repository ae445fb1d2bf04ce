"""Measure this machine's roofline peaks; run as ``python -m chipsmith.tools.kernels._roofline_measure
cpu|cuda``, printing one JSON object (``roofline.py`` starts it in a subprocess and caches the result).

CPU: sustained memory bandwidth from a STREAM-style triad ``a[i] = b[i] + s * c[i]`` over float64
arrays four times the last-level cache or more, built by the cpp backend's compiler and flags
(``cpp_runtime.build_cpp``: g++ -O3 -march=native -fopenmp) and called through ctypes, with every
core (OpenMP) and with one, the better of the two counting; bytes counted as STREAM does (three
arrays, no write-allocate). Peak
float32 GEMM rate from ``torch.mm`` on square matrices with torch's threads. Best of several
repetitions for both, as STREAM reports (the median is recorded too).

GPU (CUDA): the same triad and GEMM with torch on the device (TF32 off), timed with CUDA events.
"""

from __future__ import annotations

import ctypes
import json
import os
import statistics
import sys
import time
from typing import Any

TRIAD_SOURCE = r"""
#include <cstdint>

extern "C" void triad_init(double* a, double* b, double* c, int64_t n, int threads) {
    // first touch with the same threads that will stream the arrays (page placement)
    #pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; ++i) { a[i] = 0.0; b[i] = 1.0 + (double)(i & 7); c[i] = 0.5; }
}

extern "C" void triad(double* __restrict a, const double* __restrict b, const double* __restrict c,
                      double s, int64_t n, int threads) {
    #pragma omp parallel for simd schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}
"""
TRIAD_ELEMENTS = 1 << 23
"""float64 elements per array: 64 MB each, 192 MB for the three (a 32 MB L3 here)."""
TRIAD_REPS = 20
GEMM_N = {"cpu": 1024, "cuda": 8192}
GEMM_REPS = 20


def _best_and_median(rates: list[float]) -> dict[str, float]:
    return {"best": max(rates), "median": statistics.median(rates)}


def cpu_triad(threads: int, n: int = TRIAD_ELEMENTS, reps: int = TRIAD_REPS) -> dict[str, Any]:
    """GB/s of the triad with ``threads`` OpenMP threads (best and median of ``reps``)."""
    import numpy as np

    from chipsmith.tools.kernels.cpp_runtime import build_cpp

    lib = ctypes.CDLL(str(build_cpp(TRIAD_SOURCE)))
    lib.triad_init.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64, ctypes.c_int]
    lib.triad.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_double, ctypes.c_int64, ctypes.c_int]
    a, b, c = (np.empty(n, dtype=np.float64) for _ in range(3))
    ptrs = [ctypes.c_void_p(x.ctypes.data) for x in (a, b, c)]
    lib.triad_init(*ptrs, n, threads)
    lib.triad(*ptrs, 3.0, n, threads)  # warm-up
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        lib.triad(*ptrs, 3.0, n, threads)
        rates.append(3 * 8 * n / (time.perf_counter() - t0) / 1e9)
    if not np.allclose(a[:8], b[:8] + 3.0 * c[:8]):
        raise RuntimeError("the triad kernel computed wrong values")
    return {**_best_and_median(rates), "threads": threads, "elements": n, "bytes_per_pass": 3 * 8 * n}


def cpu_gemm(n: int = GEMM_N["cpu"], reps: int = GEMM_REPS) -> dict[str, Any]:
    """GFLOP/s of a float32 ``torch.mm`` of two n x n matrices with torch's default threads."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    out = torch.empty(n, n)
    torch.mm(a, b, out=out)  # warm-up (and oneDNN/BLAS initialisation)
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b, out=out)
        rates.append(2 * n**3 / (time.perf_counter() - t0) / 1e9)
    return {**_best_and_median(rates), "n": n, "threads": torch.get_num_threads(), "torch": torch.__version__}


def measure_cpu() -> dict[str, Any]:
    cores = os.cpu_count() or 1
    every = cpu_triad(cores)
    one = cpu_triad(1) if cores > 1 else every
    gemm = cpu_gemm()
    return {
        "device": "cpu",
        # On a machine shared with other work one thread can stream faster than all of them (a
        # static schedule waits for the slowest core): the machine sustains at least the better one.
        "bandwidth_gbs": max(every["best"], one["best"]),
        "bandwidth_1t_gbs": one["best"],
        "gflops": gemm["best"],
        "threads": cores,
        "details": {"triad": every, "triad_1t": one, "gemm": gemm},
    }


def _cuda_rate(fn: Any, work: float, reps: int) -> list[float]:
    import torch

    fn()
    torch.cuda.synchronize()
    rates = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        rates.append(work / (start.elapsed_time(end) / 1e3) / 1e9)
    return rates


def measure_cuda() -> dict[str, Any]:
    """The same figures on the first CUDA device (not run on this project's CPU-only machines)."""
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    n = 1 << 27  # 1 GiB per float64 array: far beyond any L2
    a, b, c = (torch.empty(n, dtype=torch.float64, device="cuda") for _ in range(3))
    b.fill_(1.0)
    c.fill_(0.5)
    triad = _cuda_rate(lambda: torch.add(b, c, alpha=3.0, out=a), 3 * 8 * n, TRIAD_REPS)
    m = GEMM_N["cuda"]
    x, y = torch.randn(m, m, device="cuda"), torch.randn(m, m, device="cuda")
    out = torch.empty(m, m, device="cuda")
    gemm = _cuda_rate(lambda: torch.mm(x, y, out=out), 2 * m**3, GEMM_REPS)
    return {
        "device": "cuda",
        "bandwidth_gbs": max(triad),
        "bandwidth_1t_gbs": None,
        "gflops": max(gemm),
        "threads": None,
        "details": {
            "triad": {**_best_and_median(triad), "elements": n},
            "gemm": {**_best_and_median(gemm), "n": m, "tf32": False},
            "name": torch.cuda.get_device_name(0),
        },
    }


def main(argv: list[str]) -> int:
    device = argv[1] if len(argv) > 1 else "cpu"
    try:
        out = measure_cuda() if device == "cuda" else measure_cpu()
    except Exception as exc:  # one JSON line either way: the parent turns it into one error line
        print(json.dumps({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}))
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
