"""Metrics of LLM-agent runs: usage, the repair curve, cost per solved task, failures before/after repair.

Pure functions over ``RunRecord`` lists; records of control agents (no ``iterations``) are left out.

- Repair curve: for k = 1..K, the share of usable samples whose submission after answer k passes the
  hidden testbench. The submission after answer k is the agent's best-so-far design at k; an agent
  that stopped earlier keeps its last submission, so the curve never depends on when runs stopped.
- Single-shot pass rate = the curve at k = 1; with repair = the final records' pass rate.
- Cost per solved task: the run's total cost over the tasks with at least one passing sample
  (None when a price is unknown or nothing was solved).
- Failure classes before repair: of each sample's first answer; after repair: of its final record.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from chipsmith.benchmarks.results import RunRecord


class AgentStats(BaseModel):
    """What `bench report` shows about an LLM agent's run."""

    samples: int = 0
    model_labels: list[str] = Field(default_factory=list)
    all_real: bool = True
    """False when any reply was scripted (replayed from a file)."""
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0
    cached_calls: int = 0
    tool_calls: int = 0
    cost_usd: float | None = 0.0
    mean_iterations: float = 0.0
    stop_reasons: dict[str, int] = Field(default_factory=dict)
    repair_curve: list[float] = Field(default_factory=list)
    """Pass rate of the submission after answer 1, 2, ... (index 0 is answer 1)."""
    single_shot: float | None = None
    with_repair: float | None = None
    solved_tasks: int = 0
    cost_per_solved_task: float | None = None
    failures_before: dict[str, int] = Field(default_factory=dict)
    failures_after: dict[str, int] = Field(default_factory=dict)


def agent_records(records: list[RunRecord]) -> list[RunRecord]:
    """The usable records of LLM agents (those that report iterations)."""
    return [r for r in records if r.iterations is not None and r.verdict != "unusable"]


def submitted_verdicts(record: RunRecord, k_max: int) -> list[bool]:
    """Pure: whether the submission after answers 1..k_max passes (the last one carried forward)."""
    steps = [v.get("submitted_verdict") == "pass" for v in record.iteration_verdicts]
    if not steps:
        steps = [record.verdict == "pass"]
    return [steps[min(k, len(steps) - 1)] for k in range(k_max)]


def repair_curve(records: list[RunRecord]) -> list[float]:
    """Pass rate after each answer over ``records`` (see the module docstring)."""
    if not records:
        return []
    k_max = max(max(len(r.iteration_verdicts), 1) for r in records)
    rows = [submitted_verdicts(r, k_max) for r in records]
    return [round(sum(row[k] for row in rows) / len(rows), 6) for k in range(k_max)]


def total_cost(records: list[RunRecord]) -> float | None:
    """Pure: the summed cost, or None when any record's cost is unknown."""
    costs = [r.cost_usd for r in records]
    return None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 6)


def agent_summary(records: list[RunRecord]) -> AgentStats | None:
    """The agent statistics of a run, or None when no record came from an LLM agent."""
    recs = agent_records(records)
    if not recs:
        return None
    curve = repair_curve(recs)
    solved = {r.task for r in recs if r.verdict == "pass"}
    cost = total_cost(recs)
    before = Counter(
        (r.iteration_verdicts[0].get("failure_class") if r.iteration_verdicts else r.failure_class) or "?"
        for r in recs
    )
    return AgentStats(
        samples=len(recs),
        model_labels=sorted({r.model_label for r in recs if r.model_label}),
        all_real=all(r.model_real is not False for r in recs),
        input_tokens=sum(r.input_tokens or 0 for r in recs),
        output_tokens=sum(r.output_tokens or 0 for r in recs),
        model_calls=sum(r.model_calls or 0 for r in recs),
        cached_calls=sum(r.cached_calls or 0 for r in recs),
        tool_calls=sum(r.tool_calls or 0 for r in recs),
        cost_usd=cost,
        mean_iterations=round(sum(r.iterations or 0 for r in recs) / len(recs), 3),
        stop_reasons=dict(Counter(r.stop_reason or "?" for r in recs)),
        repair_curve=curve,
        single_shot=curve[0] if curve else None,
        with_repair=round(sum(r.verdict == "pass" for r in recs) / len(recs), 6),
        solved_tasks=len(solved),
        cost_per_solved_task=round(cost / len(solved), 6) if cost is not None and solved else None,
        failures_before=dict(before),
        failures_after=dict(Counter(r.failure_class for r in recs)),
    )
