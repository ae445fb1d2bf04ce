"""Spec levels (MG-Verilog style): the same task described cycle-exactly or as a requirements note.

``detailed`` is every suite's own spec (chipsmith-rtl's spec.md, VerilogEval's prompt, RTLLM's
description); ``high`` exists only where a suite ships it (chipsmith-rtl's spec_high.md). Asking for
a level a task lacks is an error, never a silent fallback, so a result recorded as ``high`` always
was produced from a high-level spec.
"""

from __future__ import annotations

from typing import Literal

from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.task import Task

SpecLevel = Literal["detailed", "high"]
SPEC_LEVELS: tuple[SpecLevel, ...] = ("detailed", "high")
DEFAULT_LEVEL: SpecLevel = "detailed"


def at_level(tasks: list[Task], level: str, suite: str) -> list[Task]:
    """The tasks with ``public.spec`` set to their ``level`` spec; a one-line SuiteError if any lacks it."""
    if level not in SPEC_LEVELS:
        raise SuiteError(f"unknown spec level {level!r}; use one of {', '.join(SPEC_LEVELS)}")
    if level == DEFAULT_LEVEL:
        return [_with_spec(t, t.specs[level]) if level in t.specs else t for t in tasks]
    missing = [t.id for t in tasks if not t.specs.get(level, "").strip()]
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        raise SuiteError(
            f"{suite}: {len(missing)} of {len(tasks)} tasks have no {level}-level spec ({shown}); "
            f"only chipsmith-rtl ships one, use --spec-level {DEFAULT_LEVEL}"
        )
    return [_with_spec(t, t.specs[level]) for t in tasks]


def _with_spec(task: Task, spec: str) -> Task:
    return task.model_copy(update={"public": task.public.model_copy(update={"spec": spec})})
