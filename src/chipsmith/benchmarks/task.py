"""A benchmark task: the public view an agent may see, and the hidden view only evaluators read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

TaskKind = Literal["rtl", "kernel", "session"]
"""session: a multi-step design request judged on the final workspace (``benchmarks.session_suite``)."""
Verdict = Literal["pass", "fail", "unusable"]


class PublicView(BaseModel):
    """Everything an agent may see: never a testbench, a reference or an example solution."""

    task_id: str
    kind: TaskKind
    spec: str
    """The problem statement (spec.md, prompt.txt, design_description.txt, or a kernel's Model source)."""
    interface: str = ""
    """RTL: the module header the design must define. Kernel: the reference Model's signature/source."""
    top: str | None = None
    """RTL: the module name the candidate must define."""
    language: str = "verilog"
    starter_files: dict[str, str] = Field(default_factory=dict)


class HiddenView(BaseModel):
    """Evaluator-only files (name -> content) and settings: testbench, reference, solutions."""

    files: dict[str, bytes] = Field(default_factory=dict)
    tb_top: str | None = None
    reference: str | None = None
    """Name (in ``files``) of the reference design or reference model."""
    testbench: str | None = None
    """Name (in ``files``) of the testbench."""
    solutions: dict[str, str] = Field(default_factory=dict)
    """Example solutions per kernel backend: backend name -> file name in ``files``."""
    settings: dict[str, Any] = Field(default_factory=dict)
    """Evaluator settings: simulation limits, shapes, tolerances, verdict convention..."""


class Task(BaseModel):
    """One benchmark problem."""

    id: str
    suite: str
    kind: TaskKind
    category: str = "misc"
    subcategory: str | None = None
    """A finer group inside the category where the suite has one (RTLLM: Arithmetic / Adder)."""
    difficulty: str = "medium"
    public: PublicView
    hidden: HiddenView
    specs: dict[str, str] = Field(default_factory=dict)
    """Spec text per level when the suite has more than one (chipsmith-rtl: detailed, high);
    ``public.spec`` holds the level being run (``spec_levels.at_level``)."""


class Candidate(BaseModel):
    """What an agent submits for a task."""

    task_id: str
    files: dict[str, str] = Field(default_factory=dict)
    """File name -> source text (Verilog files, or one Python kernel file)."""
    backend: str | None = None
    """Kernel backend the candidate targets (triton, cuda, cpp, torch)."""
    tokens: int = 0
    cost_usd: float = 0.0
    meta: dict[str, Any] = Field(default_factory=dict)


class EvalResult(BaseModel):
    """An evaluator's verdict on one candidate."""

    verdict: Verdict
    failure_class: str
    """pass, compile, elaborate, runtime, timeout, mismatch, cheat, unusable, ..."""
    message: str = ""
    metrics: dict[str, Any] = Field(default_factory=dict)
    """PPA (area_um2, delay_ps, power_w), mismatches, kernel speedup, flags..."""
