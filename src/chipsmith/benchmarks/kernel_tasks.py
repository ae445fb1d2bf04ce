"""Kernel tasks as benchmark objects: the ``Task`` for a reference, and the control candidates.

Shared by the built-in suite loader (``kernel_suites``) and the KernelBench adapter, which both
import it (and nothing imports back), so the two loaders have no import cycle.
"""

from __future__ import annotations

from typing import Any

from chipsmith.benchmarks.task import Candidate, HiddenView, PublicView, Task
from chipsmith.tools.kernels.controls import null_source, reference_source


def kernel_task(
    task_id: str,
    suite: str,
    reference: str,
    description: str,
    settings: dict[str, Any],
    category: str = "misc",
    difficulty: str = "medium",
    solutions: dict[str, str] | None = None,
) -> Task:
    """A kernel Task: the reference Model is public (as KernelBench shows it), solutions hidden."""
    files = {"reference.py": reference.encode()}
    sol_names = {}
    for backend, src in (solutions or {}).items():
        name = f"solutions/{backend}.py"
        files[name] = src.encode()
        sol_names[backend] = name
    spec = f"{description}\n\nWrite `class ModelNew(nn.Module)` with the same interface as this reference:\n\n{reference}"
    return Task(
        id=task_id,
        suite=suite,
        kind="kernel",
        category=category,
        difficulty=difficulty,
        public=PublicView(task_id=task_id, kind="kernel", spec=spec, interface=reference, language="python"),
        hidden=HiddenView(files=files, reference="reference.py", solutions=sol_names, settings=settings),
    )


def _reference(task: Task) -> str:
    return task.hidden.files["reference.py"].decode()


def reference_candidate(task: Task) -> Candidate:
    """The reference itself as a ``torch`` candidate (expected: pass, speedup 1.0)."""
    return Candidate(
        task_id=task.id,
        files={"candidate.py": reference_source(_reference(task))},
        backend="torch",
        meta={"control": "reference"},
    )


def null_candidate(task: Task) -> Candidate:
    """A candidate that computes nothing (expected: fail with mismatch)."""
    return Candidate(
        task_id=task.id,
        files={"candidate.py": null_source(_reference(task))},
        backend="torch",
        meta={"control": "null"},
    )
