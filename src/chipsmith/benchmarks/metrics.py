"""Run metrics from records: unbiased pass@k, failure classes, PPA ratios, kernel fast_p.

Pure functions over ``RunRecord`` lists. Tasks whose reference fails (verdict ``unusable``) are
counted apart and never scored.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.benchmarks.agent_metrics import AgentStats, agent_summary, total_cost
from chipsmith.benchmarks.results import RunRecord

KS = (1, 5, 10)
PPA_KEYS = ("area", "delay", "power")


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimator 1 - C(n-c, k) / C(n, k) (Chen et al. 2021); needs n >= k."""
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples, got {n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def geomean(values: Iterable[float]) -> float | None:
    """Geometric mean of positive values; None when there are none."""
    vals = [v for v in values if v is not None and v > 0]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


class TaskStats(BaseModel):
    """Samples and passes of one task."""

    task: str
    category: str
    subcategory: str | None = None
    n: int
    c: int


class RunSummary(BaseModel):
    """What `bench run --json` prints and the report shows per run."""

    run_id: str = ""
    agent: str = ""
    model: str | None = None
    suite: str = ""
    spec_level: str = ""
    """The spec level of the records (detailed or high; levels joined by '+' if a set mixes them)."""
    records: int = 0
    tasks: int = 0
    usable_tasks: int = 0
    unusable: dict[str, str] = Field(default_factory=dict)
    """Unusable task -> why (the reference's own failure)."""
    verdicts: dict[str, int] = Field(default_factory=dict)
    failure_classes: dict[str, int] = Field(default_factory=dict)
    pass_at_k: dict[str, float] = Field(default_factory=dict)
    """"pass@1" -> mean over usable tasks with at least k samples."""
    pass_at_1_by_category: dict[str, float] = Field(default_factory=dict)
    pass_at_1_by_subcategory: dict[str, float] = Field(default_factory=dict)
    """"Category/Sub-category" -> pass@1, for suites whose tasks carry a sub-category (RTLLM)."""
    ppa_geomean: dict[str, float | None] = Field(default_factory=dict)
    """area/delay/power: geometric mean of candidate/reference over correct samples with PPA."""
    ppa_samples: int = 0
    opt_ppa_geomean: dict[str, float | None] = Field(default_factory=dict)
    """The same after the recipe search (``bench run --optimize``) on both sides; empty without it."""
    opt_ppa_samples: int = 0
    tasks_beating_reference: int = 0
    """Tasks with a correct sample that is no worse in area, delay and power and better in one."""
    kernel: dict[str, float | None] = Field(default_factory=dict)
    """fast_0/fast_1/fast_2 (share of kernel tasks correct and faster than p x baseline), speedup_geomean."""
    kernel_by_category: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    """Per category: tasks, fast_p and the speedup geomean (``kernel_metrics.by_category``)."""
    kernel_tasks: list[dict[str, Any]] = Field(default_factory=list)
    """Per kernel task (best sample): speedup and the roofline figures of its timing shape."""
    tokens: int = 0
    cost_usd: float | None = 0.0
    """None when any sample's model price is unknown."""
    agent_stats: AgentStats | None = None
    """LLM agents: usage, stop reasons, the repair curve, cost per solved task, failures before/after."""
    stopped: str | None = None
    """Why the run stopped before starting every sample (its run budget), one line; None otherwise."""


def task_stats(records: list[RunRecord]) -> list[TaskStats]:
    """Per usable task: samples and correct samples."""
    by_task: dict[str, list[RunRecord]] = defaultdict(list)
    for r in records:
        if r.verdict != "unusable":
            by_task[r.task].append(r)
    return [
        TaskStats(
            task=t,
            category=rs[0].category,
            subcategory=rs[0].subcategory,
            n=len(rs),
            c=sum(r.verdict == "pass" for r in rs),
        )
        for t, rs in sorted(by_task.items())
    ]


def mean_pass_at_k(stats: list[TaskStats], k: int) -> float | None:
    eligible = [s for s in stats if s.n >= k]
    if not eligible:
        return None
    return sum(pass_at_k(s.n, s.c, k) for s in eligible) / len(eligible)


def ppa_ratios(record: RunRecord, prefix: str = "") -> dict[str, float]:
    """The candidate/reference ratios a correct RTL record carries (``<key>_ratio`` metrics; with
    ``prefix="opt_"`` the ratios after the recipe search of ``--optimize``)."""
    out = {}
    for key in PPA_KEYS:
        val = record.metrics.get(f"{prefix}{key}_ratio")
        if isinstance(val, int | float) and val > 0:
            out[key] = float(val)
    return out


def ppa_geomeans(records: list[RunRecord], prefix: str) -> tuple[int, dict[str, float | None]]:
    """Correct RTL samples with ratios, and the geometric mean of each ratio over them."""
    correct = [ppa_ratios(r, prefix) for r in records if r.verdict == "pass" and r.kind == "rtl"]
    correct = [c for c in correct if c]
    return len(correct), {k: geomean(c[k] for c in correct if k in c) for k in PPA_KEYS}


def beats_reference(ratios: dict[str, float]) -> bool:
    """Pareto-better: every known ratio <= 1 and at least one < 1 (a tiny tolerance for noise)."""
    if not ratios:
        return False
    return all(v <= 1.0 + 1e-9 for v in ratios.values()) and any(v < 1.0 - 1e-9 for v in ratios.values())


def kernel_metrics(records: list[RunRecord]) -> dict[str, float | None]:
    """fast_p per kernel task (its best sample) and the speedup geomean over correct samples.

    The rule is the harness's own (``tools.kernels.timing.fast_p``): a pass counts for p = 0 even
    without a speedup (the Triton interpreter measures correctness only; a time below the channel's
    noise, ``kernel_metrics.timed``, is no speedup either).
    """
    from chipsmith.benchmarks.kernel_metrics import best_per_task, timed
    from chipsmith.tools.kernels.timing import FAST_P, fast_p, speedup_geomean

    best_of = best_per_task(records)
    if not best_of:
        return {}
    best = [timed(r) for r in best_of.values()]
    out: dict[str, float | None] = {f"fast_{p:g}": fast_p(best, p) for p in FAST_P}
    every = [timed(r) for r in records if r.kind == "kernel" and r.verdict != "unusable"]
    out["speedup_geomean"] = speedup_geomean(every)
    return out


def summarize(records: list[RunRecord], run_id: str = "") -> RunSummary:
    """Everything the CLI and the report show about one run."""
    stats = task_stats(records)
    unusable = {r.task: r.message for r in records if r.verdict == "unusable"}
    summary = RunSummary(
        run_id=run_id or (records[0].run_id if records else ""),
        agent=records[0].agent if records else "",
        model=records[0].model if records else None,
        suite=records[0].suite if records else "",
        spec_level="+".join(sorted({r.spec_level for r in records})),
        records=len(records),
        tasks=len({r.task for r in records}),
        usable_tasks=len(stats),
        unusable=unusable,
        verdicts=dict(Counter(r.verdict for r in records)),
        failure_classes=dict(Counter(r.failure_class for r in records)),
        tokens=sum(r.tokens for r in records),
        cost_usd=total_cost(records),
        agent_stats=agent_summary(records),
    )
    for k in KS:
        val = mean_pass_at_k(stats, k)
        if val is not None:
            summary.pass_at_k[f"pass@{k}"] = round(val, 6)
    for cat in sorted({s.category for s in stats}):
        val = mean_pass_at_k([s for s in stats if s.category == cat], 1)
        summary.pass_at_1_by_category[cat] = round(val or 0.0, 6)
    for group in sorted({f"{s.category}/{s.subcategory}" for s in stats if s.subcategory}):
        val = mean_pass_at_k([s for s in stats if f"{s.category}/{s.subcategory}" == group], 1)
        summary.pass_at_1_by_subcategory[group] = round(val or 0.0, 6)
    summary.ppa_samples, summary.ppa_geomean = ppa_geomeans(records, "")
    summary.opt_ppa_samples, opt = ppa_geomeans(records, "opt_")
    summary.opt_ppa_geomean = opt if summary.opt_ppa_samples else {}
    best = {r.task for r in records if r.verdict == "pass" and beats_reference(ppa_ratios(r))}
    summary.tasks_beating_reference = len(best)
    summary.kernel = kernel_metrics(records)
    if summary.kernel:
        from chipsmith.benchmarks.kernel_metrics import by_category, task_rows

        summary.kernel_by_category, summary.kernel_tasks = by_category(records), task_rows(records)
    return summary
