"""Controls for the testbench benchmark (``rtl-testbench`` evaluator), as ``reference``/``null`` are for designs.

- ``tb-reference`` submits the task's own hidden testbench (with the files compiled beside it and
  its data files) as the candidate. It must score exactly what ``bench mutate`` measures for the
  task: the same mutants, the same simulations, through the candidate path (sanity check).
- ``tb-null`` submits an empty testbench: it must fail (``empty``).

The reference control is an oracle like ``controls.ReferenceAgent``: the runner, which holds the
full task, prepares its candidate through ``oracle(task)``; ``solve`` only sees the public view.
"""

from __future__ import annotations

from typing import Any, ClassVar

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.controls import ControlError
from chipsmith.benchmarks.task import Candidate, PublicView, Task
from chipsmith.registry import AGENTS

ROLE = "testbench"
EVALUATOR = "rtl-testbench"


def hidden_testbench(task: Task) -> Candidate:
    """The task's own testbench as a testbench candidate (compiled files, then data files)."""
    hidden = task.hidden
    compiled = [n for n in hidden.settings.get("compile_with") or [hidden.testbench] if n]
    data = list(hidden.settings.get("data_files", []))
    if not compiled or any(n not in hidden.files for n in compiled + data):
        raise ControlError(f"task {task.id} has no testbench to submit")
    files = {n: hidden.files[n].decode("utf-8", errors="replace") for n in compiled + data}
    meta = {"role": ROLE, "tb_top": hidden.tb_top or "tb", "data_files": data, "control": "tb-reference"}
    return Candidate(task_id=task.id, files=files, meta=meta)


@AGENTS.register("tb-reference")
class TestbenchReferenceAgent:
    """Submits each task's hidden testbench (given by the runner through ``oracle``)."""

    name = "tb-reference"
    needs_oracle: ClassVar[bool] = True
    evaluator: ClassVar[str] = EVALUATOR

    def __init__(self, oracle: dict[str, dict[str, Any]] | None = None, **_: Any) -> None:
        self._oracle = oracle or {}

    @staticmethod
    def oracle(task: Task) -> Candidate:
        return hidden_testbench(task)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        if task.task_id not in self._oracle:
            raise ControlError(f"tb-reference control has no testbench for {task.task_id}")
        return Candidate.model_validate(self._oracle[task.task_id])


@AGENTS.register("tb-null")
class TestbenchNullAgent:
    """Submits an empty testbench: it must fail."""

    name = "tb-null"
    evaluator: ClassVar[str] = EVALUATOR

    def __init__(self, **_: Any) -> None:
        pass

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        return Candidate(task_id=task.task_id, files={"tb.sv": ""}, meta={"role": ROLE, "control": "tb-null"})
