"""Helpers shared by the kernel harness tests (test data location, labelled files, candidates)."""

from __future__ import annotations

import re
from pathlib import Path

from chipsmith.benchmarks.task import Candidate, Task

DATA = Path(__file__).resolve().parent / "data" / "kernels"


def header(path: Path) -> dict[str, str]:
    """The ``# key: value`` labels at the top of a test kernel file."""
    return dict(re.findall(r"^# (\w+): (.*)$", path.read_text(), re.M))


def candidate(task: Task, source: str, backend: str) -> Candidate:
    return Candidate(task_id=task.id, files={"candidate.py": source}, backend=backend)
