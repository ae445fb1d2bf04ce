"""The ``kernel-solution`` control: each task's own example solution for the run's backend.

Like the ``reference`` control it is an oracle: the runner, which holds the full tasks, prepares
the candidates (``oracle``) and ``solve`` only picks the one for the run's ``--backend``. Its run is
the baseline an agent must beat (fast_p, speedup per category, roofline fraction per task):
``chipsmith bench run --suite chipsmith-kernels --agent kernel-solution --backend cpp``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.task import Candidate, PublicView, Task
from chipsmith.registry import AGENTS


@AGENTS.register("kernel-solution")
class KernelSolutionAgent:
    """Submits the suite's example solution of each kernel task for the run's backend."""

    name = "kernel-solution"
    needs_oracle: ClassVar[bool] = True

    def __init__(self, oracle: dict[str, dict[str, Any]] | None = None, **_: Any) -> None:
        self._oracle = oracle or {}

    @staticmethod
    def oracle(task: Task) -> Candidate:
        """Every example solution of ``task`` (backend -> source), prepared by the runner."""
        sols = {
            b: task.hidden.files[n].decode()
            for b, n in task.hidden.solutions.items()
            if n in task.hidden.files
        }
        return Candidate(
            task_id=task.id, files={f"{b}.py": src for b, src in sols.items()}, meta={"control": "solution"}
        )

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        backend = ctx.backend or "cpp"
        prepared = self._oracle.get(task.task_id, {}).get("files", {})
        src = prepared.get(f"{backend}.py")
        if src is None:
            raise ValueError(f"task {task.task_id} has no example solution for the {backend} backend")
        return Candidate(task_id=task.task_id, files={"candidate.py": src}, backend=backend,
                         meta={"control": "solution"})  # fmt: skip
