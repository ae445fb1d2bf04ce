"""Timing protocol (run in the worker) and the speed metrics (pure, for reports).

Protocol, the same on both devices: compile and autotune happen before (the candidate was
imported and called in correctness checks and warm-up), each timed iteration gets fresh inputs,
the cache is flushed before every call (the GPU's L2, or a 32 MB buffer on the CPU), CUDA times
with events and the CPU with ``perf_counter``; candidate and eager-PyTorch baseline alternate on the
same inputs, and the median of the iterations is reported.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from typing import Any

FAST_P = (0.0, 1.0, 1.5, 2.0)
NOISY_SPREAD = 2.0
"""Upper/lower quartile ratio of iteration times above which timings are flagged as noisy."""
SUSPICIOUS_SPEEDUP = 10.0
"""Speedups above this are flagged for review: more often a loophole than a kernel."""
_FLUSH_BYTES = {"cuda": 256 * 2**20, "cpu": 32 * 2**20}


def measure(
    cand: Callable[..., Any],
    ref: Callable[..., Any],
    sets: Sequence[list[Any]],
    warmup: int,
    device: str,
    clock: Callable[[], float],
    check_iters: Iterable[int] = (),
) -> dict[str, Any]:
    """Times ``cand`` and ``ref`` on ``sets[warmup:]`` (one fresh input set per iteration).

    Returns ``candidate_ms`` and ``baseline_ms`` lists, and ``out{i}`` (the candidate's output at
    each index in ``check_iters``) so the parent can spot-check that timed calls computed."""
    import torch

    cuda = device == "cuda"
    flush_buf = torch.empty(_FLUSH_BYTES[device] // 4, dtype=torch.float32, device=device)
    checks = set(check_iters)
    res: dict[str, Any] = {"candidate_ms": [], "baseline_ms": [], "device": device}

    def timed(fn: Callable[..., Any], args: list[Any]) -> tuple[float, Any]:
        flush_buf.zero_()
        if cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize()
            start.record()
            out = fn(*args)
            end.record()
            torch.cuda.synchronize()
            return float(start.elapsed_time(end)), out
        t0 = clock()
        out = fn(*args)
        return (clock() - t0) * 1e3, out

    with torch.no_grad():
        for args in sets[:warmup]:
            fn_out = cand(*args), ref(*args)
            del fn_out
        for i in range(warmup, len(sets)):
            ms, out = timed(cand, sets[i])
            res["candidate_ms"].append(ms)
            if i in checks:
                res[f"out{i}"] = out
            res["baseline_ms"].append(timed(ref, sets[i])[0])
    return res


def median_ms(times: Sequence[float]) -> float | None:
    return statistics.median(times) if times else None


def speedup(baseline_ms: float | None, candidate_ms: float | None) -> float | None:
    """Baseline time over candidate time; None when either is missing or not positive."""
    if not baseline_ms or not candidate_ms or baseline_ms <= 0 or candidate_ms <= 0:
        return None
    return baseline_ms / candidate_ms


def fast_p(results: Iterable[dict[str, Any]], p: float) -> float:
    """Share of results that are correct (``verdict == "pass"``) with speedup > ``p``.

    ``results`` are per-task dicts with ``verdict`` and ``metrics`` (EvalResult.model_dump()).
    fast_0 is the plain correctness rate. A pass without a speedup (interpreter) counts only for p=0.
    """
    rows = list(results)
    if not rows:
        return 0.0
    hits = 0
    for r in rows:
        if r.get("verdict") != "pass":
            continue
        s = (r.get("metrics") or {}).get("speedup")
        hits += p == 0 or (isinstance(s, int | float) and s > p)
    return hits / len(rows)


def speedup_geomean(results: Iterable[dict[str, Any]]) -> float | None:
    """Geometric mean speedup over correct results that have one (None if there are none)."""
    vals = [
        float(s)
        for r in results
        if r.get("verdict") == "pass"
        and isinstance(s := (r.get("metrics") or {}).get("speedup"), int | float)
        and s > 0
    ]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def spread(times: Sequence[float]) -> float | None:
    """Upper over lower quartile of the iteration times (1.0 = perfectly steady)."""
    if len(times) < 4:
        return None
    q = statistics.quantiles(times, n=4)
    return q[2] / q[0] if q[0] > 0 else None


def speed_flags(
    speedup_value: float | None, candidate_ms: Sequence[float], baseline_ms: Sequence[float] = ()
) -> list[str]:
    """Review flags: implausible speedups, near-zero times that would dominate a geomean, and
    iteration times so spread out (a busy machine) that the speedup is unreliable."""
    flags = []
    worst = max((s for s in (spread(candidate_ms), spread(baseline_ms)) if s is not None), default=None)
    if worst is not None and worst > NOISY_SPREAD:
        flags.append(f"timings vary {worst:.1f}x between iterations (busy machine?): speedup unreliable")
    if speedup_value is not None and speedup_value > SUSPICIOUS_SPEEDUP:
        flags.append(f"speedup {speedup_value:.1f}x > {SUSPICIOUS_SPEEDUP:g}x: review for a loophole")
    if candidate_ms and statistics.median(candidate_ms) < 1e-3:
        flags.append("timed calls take < 1 us: launch-bound or not computing")
    return flags
