"""The synthesis agent's candidate, transcript and report (what a bench record and the orchestrator read).

The candidate's files are the best verified design (the starting design when no change was kept).
``meta["agent"]`` carries the model usage and stop reason like the RTL agent's, plus ``report``:
the goal, PPA before (the starting design) and after (the design submitted), each step with its
check and PPA delta, how the submitted design was verified, and the optimizer runs. A bench record
copies it as ``agent_report``. ``meta["iterations"]`` holds the starting design (iteration 0) and
each step's proposal, with the best kept so far, so a bench run judges every one of them with the
task's hidden testbench afterwards.
"""

from __future__ import annotations

from typing import Any

from chipsmith.agents.synth_steps import FIGURES, pct, steps_table
from chipsmith.benchmarks.task import Candidate


def agent_info(s: Any, stop_reason: str, stop_message: str, iterations: int) -> dict[str, Any]:
    """The fields every LLM agent's ``meta["agent"]`` has (model, usage, stop)."""
    usage = s.handle.ledger.summary()
    return {
        "model": s.handle.label, "notice": s.handle.notice, "real": s.handle.is_real,
        "stop_reason": stop_reason, "stop_message": stop_message, "iterations": iterations,
        "model_calls": usage.model_calls, "cached_calls": usage.cached_calls, "tool_calls": usage.tool_calls,
        "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens, "cost_usd": usage.cost_usd,
        "model_wall_s": round(usage.model_wall_s, 3),
    }  # fmt: skip


def report(checker: Any, *, goal: str, source: str, optimizers: list[Any]) -> dict[str, Any]:
    """Pure over the checker: the agent's report (see the module docstring)."""
    start, best = checker.start.report, checker.best.report
    before, after = start.figures(), best.figures()
    old, new = start.score(goal), best.score(goal)
    return {
        "goal": goal, "start": source, "before": before, "after": after,
        "delta": {field: pct(after[field], before[field]) for field, _, _ in FIGURES},
        "goal_change_pct": round((new / old - 1) * 100, 3) if old and new is not None else None,
        "best_step": checker.best.step, "kept_steps": [s.step for s in checker.steps if s.kept],
        "verification": checker.best.check, "verified": True,
        "steps": [s.model_dump(exclude={"files"}) for s in checker.steps],
        "table": steps_table(checker.steps),
        "optimizer": {o.design: o.model_dump(exclude={"script"}) for o in optimizers},
    }  # fmt: skip


def snapshots(checker: Any) -> list[dict[str, Any]]:
    """Pure: iteration 0 (the start) and each step's proposal, with the best kept at that point."""
    out = [{"iteration": 0, "files": checker.start.files, "own_check": "start", "best": 0}]
    best = 0
    for s in checker.steps:
        best = s.step if s.kept else best
        out.append({"iteration": s.step, "files": s.files, "own_check": s.check, "best": best})
    return out


def finish(s: Any, checker: Any, result: Any, *, source: str, optimizers: list[Any]) -> Candidate:
    """The candidate of a solve that ran its steps (whatever stopped them)."""
    info = agent_info(s, result.stop_reason, result.message, len(checker.steps))
    transcript = result.transcript
    rep = report(checker, goal=s.goal, source=source, optimizers=optimizers)
    transcript.iterations = len(checker.steps)
    transcript.meta = {
        "agent": info, "report": rep,
        "best": {"step": checker.best.step, "files": checker.best.files, "check": checker.best.check},
        "optimizer_scripts": {o.design: o.script for o in optimizers if o.script},
    }  # fmt: skip
    path = transcript.save(s.workdir / "transcript.json")
    usage = s.handle.ledger.summary()
    return Candidate(
        task_id=s.task.task_id, files=dict(checker.best.files), tokens=usage.total_tokens,
        cost_usd=usage.cost_usd or 0.0,
        meta={"agent": {**info, "transcript": str(path), "report": rep}, "iterations": snapshots(checker)},
    )  # fmt: skip


def empty_candidate(s: Any, reason: str, message: str, files: dict[str, str] | None = None) -> Candidate:
    """A solve that could not start: no design to improve (or one that does not synthesize, returned
    unchanged). The reason is in the stop fields and the report."""
    from chipsmith.agents.transcript import Transcript

    info = agent_info(s, reason, message, 0)
    transcript = Transcript(agent="synth", model=s.handle.label, notice=s.handle.notice)
    transcript.stop_reason, transcript.stop_message = reason, message
    rep = {"goal": s.goal, "error": message, "verified": False, "steps": []}
    transcript.meta = {"agent": info, "report": rep}
    path = transcript.save(s.workdir / "transcript.json")
    return Candidate(task_id=s.task.task_id, files=dict(files or {}),
                     meta={"agent": {**info, "transcript": str(path), "report": rep}})  # fmt: skip
