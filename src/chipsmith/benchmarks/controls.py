"""Control agents that bound a benchmark: ``reference`` must score 100% of usable tasks, ``null`` 0%.

The reference control is an oracle: it cannot derive a solution from the public view, so the runner
(in the parent process, which holds the full tasks) asks ``ReferenceAgent.oracle(task)`` for the
reference candidate and hands the agent only that candidate, keyed by task id. ``solve`` itself
still receives just the public view, like every other agent. Kernel tasks get their candidates from
the kernel harness (``chipsmith.benchmarks.kernel_tasks``), imported only when a kernel task comes;
the harness derives both kernel controls from the reference, so both are prepared through ``oracle``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks import samples_dir  # noqa: F401  (registers the "samples-dir" agent)
from chipsmith.benchmarks.task import Candidate, PublicView, Task
from chipsmith.registry import AGENTS


class ControlError(RuntimeError):
    """A control agent could not produce its candidate (e.g. a task without a reference)."""


def rtl_reference(task: Task) -> Candidate:
    """The hidden reference design submitted as the candidate. A task its adapter marked unusable
    gets an empty candidate: the evaluator reports the task unusable before looking at it."""
    name = task.hidden.reference
    if why := task.hidden.settings.get("unusable"):
        return Candidate(task_id=task.id, files={}, meta={"control": "reference", "unusable": str(why)})
    if not name or name not in task.hidden.files:
        raise ControlError(f"task {task.id} has no reference design")
    text = task.hidden.files[name].decode("utf-8", errors="replace")
    return Candidate(task_id=task.id, files={name: text}, meta={"control": "reference"})


def rtl_null(public: PublicView) -> Candidate:
    """The interface with an empty body: every output undriven, so it must fail."""
    return Candidate(
        task_id=public.task_id, files={"null.v": public.interface + "\nendmodule\n"}, meta={"control": "null"}
    )


@AGENTS.register("reference")
class ReferenceAgent:
    """Submits each task's reference (given by the runner through ``oracle``)."""

    name = "reference"
    needs_oracle: ClassVar[bool] = True

    def __init__(self, oracle: dict[str, dict[str, Any]] | None = None, **_: Any) -> None:
        self._oracle = oracle or {}

    @staticmethod
    def oracle(task: Task) -> Candidate:
        """Called by the runner in the process that holds the full task."""
        if task.kind == "session":
            from chipsmith.benchmarks.session_suite import reference_candidate as session_reference

            return session_reference(task)
        if task.kind == "kernel":
            from chipsmith.benchmarks.kernel_tasks import reference_candidate

            return reference_candidate(task)
        return rtl_reference(task)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        if task.task_id not in self._oracle:
            raise ControlError(f"reference control has no reference for {task.task_id}")
        return Candidate.model_validate(self._oracle[task.task_id])


@AGENTS.register("null")
class NullAgent:
    """Submits a design that does nothing. RTL: the bare interface, built from the public view.
    Kernel: the harness's null model, which it derives from the reference source, so for kernel
    tasks the runner prepares it through ``oracle`` like the reference control's."""

    name = "null"
    needs_oracle: ClassVar[bool] = True

    def __init__(self, oracle: dict[str, dict[str, Any]] | None = None, **_: Any) -> None:
        self._oracle = oracle or {}

    @staticmethod
    def oracle(task: Task) -> Candidate:
        if task.kind == "session":  # the workspace as the session found it
            from chipsmith.benchmarks.session_suite import null_candidate as session_null

            return session_null(task)
        if task.kind == "kernel":
            from chipsmith.benchmarks.kernel_tasks import null_candidate

            return null_candidate(task)
        return rtl_null(task.public)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        if task.kind == "rtl":
            return rtl_null(task)
        if task.task_id not in self._oracle:
            raise ControlError(f"null control has no prepared candidate for {task.task_id}")
        return Candidate.model_validate(self._oracle[task.task_id])
