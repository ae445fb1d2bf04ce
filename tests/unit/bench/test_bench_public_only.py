"""An agent only ever receives a task's public view: checked on the job types and on planned jobs."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.jobs import AgentSpec, SolveJob, solve_stage
from chipsmith.benchmarks.runner import RunConfig, plan
from chipsmith.benchmarks.suites_api import load_suite
from chipsmith.benchmarks.task import Candidate, HiddenView, PublicView, Task
from chipsmith.registry import AGENTS

pytestmark = pytest.mark.unit

SUITE = f"chipsmith-rtl:{Path(__file__).parents[2] / 'data' / 'bench' / 'rtl_suite'}"


def model_types(model: type[BaseModel], seen: set[type] | None = None) -> set[type]:
    """Every pydantic model type reachable from ``model``'s fields."""
    seen = seen if seen is not None else set()
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            ann = stack.pop()
            stack.extend(typing.get_args(ann))
            if isinstance(ann, type) and issubclass(ann, BaseModel) and ann not in seen:
                seen.add(ann)
                model_types(ann, seen)
    return seen


def test_a_solve_job_cannot_hold_hidden_data() -> None:
    reachable = model_types(SolveJob)
    assert PublicView in reachable
    assert Task not in reachable and HiddenView not in reachable


def test_planned_solve_jobs_carry_no_testbench_or_reference(tmp_path: Path) -> None:
    tasks = load_suite(SUITE)
    items = plan(RunConfig(suite=SUITE, agent="null", samples=2, home=tmp_path), tasks, done={("adder8", 0)})
    assert len(items) == 2 * len(tasks) - 1
    for item in items:
        task = next(t for t in tasks if t.id == item.task_id)
        payload = item.solve.model_dump_json()
        for secret in task.hidden.files.values():
            assert secret.decode()[:200] not in payload
        assert item.eval.task.hidden.files  # the evaluator, and only it, gets the full task


def test_reference_control_gets_only_its_own_tasks_reference(tmp_path: Path) -> None:
    tasks = load_suite(SUITE)
    items = plan(RunConfig(suite=SUITE, agent="reference", home=tmp_path), tasks, done=set())
    for item in items:
        oracle = item.solve.agent.options["oracle"]
        assert list(oracle) == [item.task_id]
        assert "tb.sv" not in item.solve.model_dump_json()  # the testbench never travels with a solve


class SpyAgent:
    """Records what solve() was given."""

    name = "spy-public"
    seen: typing.ClassVar[list[object]] = []

    def __init__(self, **_: object) -> None:
        pass

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        SpyAgent.seen.append(task)
        return Candidate(task_id=task.task_id, files={"x.v": "module x; endmodule"})


def test_solve_stage_hands_the_agent_a_public_view() -> None:
    if "spy-public" not in AGENTS:
        AGENTS.add("spy-public", SpyAgent)
    task = load_suite(SUITE)[0]
    out = solve_stage(SolveJob(agent=AgentSpec(name="spy-public"), public=task.public, ctx=RunContext()))
    assert out.candidate is not None and out.error == ""
    assert type(SpyAgent.seen[-1]) is PublicView and not hasattr(SpyAgent.seen[-1], "hidden")


def test_an_agent_exception_is_that_samples_failure() -> None:
    task = load_suite(SUITE)[0]
    out = solve_stage(
        SolveJob(
            agent=AgentSpec(name="samples-dir", options={"root": "/nonexistent"}),
            public=task.public,
            ctx=RunContext(),
        )
    )
    assert out.candidate is None and "FileNotFoundError" in out.error
