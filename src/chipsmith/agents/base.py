"""The Agent protocol: an agent turns a task's public view into a candidate."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel

from chipsmith.benchmarks.task import Candidate, PublicView


class RunContext(BaseModel):
    """Per-solve context: which sample this is, the model, a scratch dir."""

    sample: int = 0
    seed: int = 0
    model: str | None = None
    workdir: Path | None = None
    backend: str | None = None
    """Kernel tasks: the backend the candidate should target."""
    category: str | None = None
    """The task's category (not hidden: it picks an agent's few-shot examples)."""
    work: dict[str, str] | None = None
    """Kernel tasks: the FLOP and byte formulas the task declares (not hidden: they describe the
    problem, like the category; the kernel agent's roofline feedback uses them)."""


class ModelOptions(BaseModel):
    """The options every LLM agent takes from the runner or the session: which model, how to call it."""

    model: str | None = None
    """Model spec; default: the run context's, else the ``model`` setting, else ``local``."""
    home: str | None = None
    budget: dict[str, Any] | None = None
    """Budget fields (max_tokens, max_usd, max_wall_s, max_model_calls, max_tool_calls) per solve."""
    protocol: Literal["native", "text"] | None = None
    cache: bool = True
    temperature: float | None = None


@runtime_checkable
class Agent(Protocol):
    name: str

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate: ...
