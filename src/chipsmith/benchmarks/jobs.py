"""The two stages of one benchmark job and the worker functions executors run.

The split is the structural guarantee that an agent never sees hidden files: ``SolveJob`` carries
only the task's ``PublicView`` (no field can hold a ``Task`` or ``HiddenView``), and only the
``EvalJob`` sent afterwards to ``eval_stage`` carries the full task. ``solve_stage`` and
``eval_stage`` are module-level functions taking and returning pydantic models, so any executor
(process pool, Ray) can ship them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.task import Candidate, EvalResult, PublicView, Task


class AgentSpec(BaseModel):
    """How a worker builds the agent: its registry name and constructor options."""

    name: str
    options: dict[str, Any] = Field(default_factory=dict)


class SolveJob(BaseModel):
    """Everything ``agent.solve`` may use: the public view and the run context. Nothing hidden."""

    agent: AgentSpec
    public: PublicView
    ctx: RunContext


class SolveOutcome(BaseModel):
    candidate: Candidate | None = None
    error: str = ""
    solve_s: float = 0.0


class EvalJob(BaseModel):
    """The full task and the candidate, for the evaluator only."""

    task: Task
    candidate: Candidate | None = None
    solve_error: str = ""
    sandbox: str | None = None
    cache_dir: Path | None = None
    ppa: bool = True
    ppa_timeout_s: float = 300
    optimize: str | None = None
    """RTL tasks: a goal for ``chipsmith optimize`` on correct candidates and the reference."""
    optimize_budget_s: float = 30
    evaluator: str | None = None
    """EVALUATORS entry to use instead of the task kind's (the agent class's ``evaluator``: a
    testbench-writing agent is judged by ``rtl-testbench``)."""


class EvalOutcome(BaseModel):
    result: EvalResult
    eval_s: float = 0.0
    iterations: list[dict[str, Any]] = Field(default_factory=list)
    """LLM agents: the hidden testbench's verdict on each answer (``iter_eval.IterationVerdict``)."""


class WorkItem(BaseModel):
    """One (task, sample): the solve job, and the evaluation job waiting for its candidate."""

    task_id: str
    sample: int
    solve: SolveJob
    eval: EvalJob


def then_eval(item: WorkItem, outcome: SolveOutcome) -> EvalJob:
    """The evaluation job once the candidate is known."""
    return item.eval.model_copy(update={"candidate": outcome.candidate, "solve_error": outcome.error})


_AGENTS: dict[str, Any] = {}


def _agent(spec: AgentSpec) -> Any:
    """Build (or reuse, within one worker process) the agent a spec names."""
    key = spec.name + json.dumps(spec.options, sort_keys=True, default=str)
    if key not in _AGENTS:
        from chipsmith.registry import AGENTS

        if len(_AGENTS) > 64:  # oracle options differ per task: keep the cache small
            _AGENTS.clear()
        _AGENTS[key] = AGENTS.get(spec.name)(**spec.options)
    return _AGENTS[key]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def solve_stage(job: SolveJob) -> SolveOutcome:
    """Worker: run the agent on the public view. An agent's exception becomes an error outcome."""
    start = time.monotonic()
    try:
        candidate = _agent(job.agent).solve(job.public.model_copy(deep=True), job.ctx)
    except Exception as exc:  # any agent failure is that sample's failure, not the run's
        return SolveOutcome(error=_one_line(exc), solve_s=time.monotonic() - start)
    return SolveOutcome(candidate=candidate, solve_s=time.monotonic() - start)


def eval_stage(job: EvalJob) -> EvalOutcome:
    """Worker: judge the candidate with the evaluator registered for the task's kind."""
    start = time.monotonic()
    if job.candidate is None:
        result = EvalResult(
            verdict="fail", failure_class="agent_error", message=job.solve_error or "no candidate"
        )
        return EvalOutcome(result=result)
    try:
        result = _evaluate(job)
    except Exception as exc:  # a harness bug must not kill the run; the record says what happened
        result = EvalResult(verdict="fail", failure_class="harness_error", message=_one_line(exc))
    iterations = _iterations(job, result)
    return EvalOutcome(result=result, eval_s=time.monotonic() - start, iterations=iterations)


def _iterations(job: EvalJob, final: EvalResult) -> list[dict[str, Any]]:
    """Each answer of an LLM agent judged by the hidden testbench (none for other candidates)."""
    from chipsmith.benchmarks.iter_eval import judge_iterations

    assert job.candidate is not None
    if final.verdict == "unusable" or not job.candidate.meta.get("iterations"):
        return []
    quick = job.model_copy(update={"ppa": False})

    def judge(candidate: Candidate) -> EvalResult:
        try:
            return _evaluate(quick.model_copy(update={"candidate": candidate}))
        except Exception as exc:
            return EvalResult(verdict="fail", failure_class="harness_error", message=_one_line(exc))

    return [v.model_dump() for v in judge_iterations(job.candidate, judge)]


def _evaluate(job: EvalJob) -> EvalResult:
    from chipsmith.registry import EVALUATORS

    evaluator = EVALUATORS.get(job.evaluator or job.task.kind)
    sandbox = None
    if job.sandbox:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox(job.sandbox)
    assert job.candidate is not None
    kwargs: dict[str, Any] = {}
    if job.task.kind == "rtl":
        kwargs = {"cache_dir": job.cache_dir, "ppa": job.ppa, "ppa_timeout_s": job.ppa_timeout_s}
        if job.optimize:
            kwargs.update(optimize=job.optimize, optimize_budget_s=job.optimize_budget_s)
    try:
        return evaluator(job.task, job.candidate, sandbox, **kwargs)  # type: ignore[no-any-return]
    finally:
        if sandbox is not None:
            sandbox.close()
