"""Verdicts after each iteration of an agent: every answer's snapshot judged by the HIDDEN testbench.

An LLM agent's candidate carries one snapshot per checked answer in ``meta["iterations"]`` (its
files, and which answer was the best so far: what stopping there would have submitted). The eval
stage judges each distinct snapshot with the task's evaluator (no PPA), after the solve stage has
ended, so the agent never learns these verdicts. The repair curve and the failure classes before
and after repair are computed from them (``agent_metrics``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from chipsmith.benchmarks.task import Candidate, EvalResult

MAX_ITERATIONS_JUDGED = 32
"""A candidate claiming more snapshots than this gets only the first ones judged."""


class IterationVerdict(BaseModel):
    """The hidden testbench's verdict on one answer, and on what a stop after it would submit."""

    iteration: int
    verdict: str
    """The answer's own design: pass | fail (failure class ``empty`` when the answer held none)."""
    failure_class: str
    submitted_verdict: str
    """The best-so-far design at this answer (what the agent would submit if it stopped here)."""
    submitted_failure_class: str


def snapshots(candidate: Candidate) -> list[dict[str, Any]]:
    """Pure: the well-formed snapshots of a candidate (an agent's meta is untrusted input)."""
    raw = candidate.meta.get("iterations")
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw[:MAX_ITERATIONS_JUDGED]:
        if not isinstance(item, dict) or not isinstance(item.get("iteration"), int):
            continue
        files = item.get("files")
        ok_files = isinstance(files, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        )
        best = item.get("best") if isinstance(item.get("best"), int) else item["iteration"]
        out.append({"iteration": item["iteration"], "files": files if ok_files else None, "best": best})
    return out


def judge_iterations(
    candidate: Candidate, judge: Callable[[Candidate], EvalResult]
) -> list[IterationVerdict]:
    """Judge each distinct snapshot once (``judge``: the evaluator without PPA)."""
    snaps = snapshots(candidate)
    seen: dict[str, EvalResult] = {}

    def verdict_of(files: dict[str, str] | None) -> EvalResult:
        if not files:
            # The evaluator's own class for a candidate without source, so before/after compare alike.
            return EvalResult(verdict="fail", failure_class="empty", message="the answer held no design")
        key = json.dumps(files, sort_keys=True)
        if key not in seen:
            seen[key] = judge(Candidate(task_id=candidate.task_id, files=files, backend=candidate.backend))
        return seen[key]

    by_iter = {s["iteration"]: s for s in snaps}
    out = []
    for s in snaps:
        own = verdict_of(s["files"])
        best = by_iter.get(s["best"], s)
        sub = verdict_of(best["files"])
        out.append(
            IterationVerdict(
                iteration=s["iteration"], verdict=own.verdict, failure_class=own.failure_class,
                submitted_verdict=sub.verdict, submitted_failure_class=sub.failure_class,
            )
        )  # fmt: skip
    return out
