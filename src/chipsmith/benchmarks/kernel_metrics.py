"""Kernel-run metrics for reports: fast_p and speedup per category, the roofline figures per task.

Pure functions over ``RunRecord`` lists. Each kernel task is represented by its best sample (a
pass first, then the larger speedup), as fast_p does (``tools.kernels.timing``); unusable tasks are
left out. The roofline figures are the ones the kernel evaluator recorded for the timing shape
(``metrics["roofline"]``: achieved GB/s and GFLOP/s, their fractions of this machine's peaks, the
task's arithmetic intensity and the roofline fraction).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chipsmith.benchmarks.results import RunRecord
from chipsmith.tools.kernels.verdicts import unmeasured

ROOF_KEYS = (
    "intensity",
    "gbs",
    "gflops",
    "bandwidth_fraction",
    "flops_fraction",
    "roofline_fraction",
    "bound",
)


def timed(r: RunRecord) -> dict[str, Any]:
    """The record as fast_p reads it, without a speedup the harness did not measure (``unmeasured``:
    then it counts as correct only, like a pass timed in the Triton interpreter)."""
    d = r.model_dump()
    if unmeasured(r.metrics.get("candidate_ms"), r.metrics.get("channel_ms")):
        d["metrics"] = {**d["metrics"], "speedup": None}
    return d


def kernel_rank(r: RunRecord) -> tuple[bool, float]:
    """Order samples of one task: a pass first, then the larger speedup."""
    s = timed(r)["metrics"].get("speedup")
    return (r.verdict == "pass", float(s) if isinstance(s, int | float) else -1.0)


def best_per_task(records: list[RunRecord]) -> dict[str, RunRecord]:
    """Each usable kernel task's best sample."""
    by_task: dict[str, list[RunRecord]] = defaultdict(list)
    for r in records:
        if r.kind == "kernel" and r.verdict != "unusable":
            by_task[r.task].append(r)
    return {t: max(rs, key=kernel_rank) for t, rs in sorted(by_task.items())}


def by_category(records: list[RunRecord]) -> dict[str, dict[str, float | None]]:
    """Per category: tasks, fast_0/1/1.5/2 and the speedup geomean (over correct, timed tasks)."""
    from chipsmith.tools.kernels.timing import FAST_P, fast_p, speedup_geomean

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in best_per_task(records).values():
        groups[r.category].append(timed(r))
    out: dict[str, dict[str, float | None]] = {}
    for cat, rows in sorted(groups.items()):
        stats: dict[str, float | None] = {"tasks": float(len(rows))}
        stats |= {f"fast_{p:g}": fast_p(rows, p) for p in FAST_P}
        stats["speedup_geomean"] = speedup_geomean(rows)
        out[cat] = stats
    return out


def task_rows(records: list[RunRecord]) -> list[dict[str, Any]]:
    """Per task (best sample): verdict, times, speedup and the roofline figures of the timing shape."""
    rows = []
    for task, r in best_per_task(records).items():
        raw = r.metrics.get("roofline")
        roof: dict[str, Any] = raw if isinstance(raw, dict) else {}
        row: dict[str, Any] = {
            "task": task, "category": r.category, "verdict": r.verdict if r.verdict == "pass" else r.failure_class,
            "speedup": r.metrics.get("speedup"), "candidate_ms": r.metrics.get("candidate_ms"),
            "baseline_ms": r.metrics.get("baseline_ms"),
        }  # fmt: skip
        row |= {k: roof.get(k) for k in ROOF_KEYS}
        row["note"] = "" if roof else str(r.metrics.get("roofline_note") or "")
        row["flags"] = timing_tags(r.metrics.get("flags") or [], roof)
        if unmeasured(r.metrics.get("candidate_ms"), r.metrics.get("channel_ms")):
            row["flags"] = (row["flags"] + " unmeasured").strip()
        rows.append(row)
    return rows


TAGS = (("timings vary", "noisy"), ("review for a loophole", ">10x"), ("small next to the channel", "channel"),
        ("< 1 us", "<1us"))  # fmt: skip


def timing_tags(flags: list[str], roof: dict[str, Any]) -> str:
    """Pure: short tags for the harness's timing flags, and ``>peak`` when a fraction exceeds 1 (the
    peaks were measured low, e.g. on a busy machine, or the time is wrong)."""
    tags = [tag for text, tag in TAGS if any(text in str(f) for f in flags)]
    fractions = [roof.get(k) for k in ("bandwidth_fraction", "flops_fraction")]
    if any(isinstance(v, int | float) and v > 1.0 for v in fractions):
        tags.append(">peak")
    return " ".join(tags)
