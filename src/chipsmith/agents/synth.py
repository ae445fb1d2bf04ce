"""The synthesis agent (``--agent synth``): a working design and a PPA goal in, a better verified design out.

``SynthAgent.solve(public_view, ctx)``:

1. The starting design (``synth_start``): the task's starter file defining the top (how the
   orchestrator's ``optimize_design`` hands a session design over), or, in bench runs, an earlier
   run's passing candidate (``-O start=run:RUN_ID``) or a samples directory (``-O start=dir:PATH``).
2. It is synthesized with the default flow (``synth_reports``: PPA, critical path, biggest cells,
   registers) and the recipe optimizer searches synthesis scripts for it (``synth_optimize``).
3. The model proposes one RTL change per reply (restructuring, resource sharing, pipelining where
   the options say the spec's latency may change, operand isolation for power). ``SynthChecker``
   checks each one: interface, lint, verification (equivalence with the starting design, or the
   spec's testbench for a declared latency change), then synthesis; it is kept only when verified
   and better for the goal. Each reply is a step with its PPA before and after.
4. After the last step the optimizer runs on the best design kept. The candidate is that design
   (the starting design when nothing better was verified): never an unverified one.

The goal comes from the ``goal`` option, else from the request ("reduce its area", as the
orchestrator asks), else ``adp``. Prompts: ``synth_agent_{system,task,feedback}.j2``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from chipsmith.agents.base import ModelOptions, RunContext
from chipsmith.agents.runtime import AgentDef, AgentRuntime
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

DEFAULT_TOOLS = ("read_file", "list_files", "lint", "synthesize")
_GOAL_RE = re.compile(
    r"\b(?:reduce|minimi[sz]e|lower|improve)\s+(?:its|the)?\s*(area|delay|power|adp)\b", re.I
)
Goal = Literal["area", "delay", "power", "adp"]


class SynthOptions(ModelOptions):
    """The agent's options (``-O KEY=VALUE`` in bench runs; budgets have their own flags)."""

    goal: Goal | None = None
    """Default: named in the request ("reduce its area"), else adp."""
    clock_period_ps: float = 1000.0
    liberty: tuple[str, ...] = ()
    """Liberty files (default: the bundled library, as the orchestrator's PPA check uses)."""
    max_steps: int = 4
    """Proposals checked per solve (each reply is one)."""
    max_model_calls: int | None = None
    """Default: 3 per step (tool-calling turns and bad replies count)."""
    target_pct: float | None = 0.0
    """Stop once the kept design is this many percent better than the start for the goal (0: at the
    first verified improvement, which is what the orchestrator asks for); none: use every step."""
    optimize_budget_s: float = 10.0
    """Seconds of recipe search on the starting design and again on the final one (0: none)."""
    latency_change: bool = False
    """The spec allows the latency to change: a declared latency change is checked by testbench."""
    testbench: str = "auto"
    """Writer of that testbench: auto (the verification agent), or another writer's name."""
    start: str = "auto"
    """auto | starter | dir:PATH | run:RUN_ID (``synth_start``)."""
    tools: tuple[str, ...] | None = None
    """Tools offered to the model; default: read/list files, lint, synthesize (none for ``local``)."""
    equiv_timeout_s: float = 120.0
    history_iterations: int = 2
    section_chars: int | None = None

    @field_validator("target_pct", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip().lower() in ("none", "null", "") else value

    @field_validator("tools", "liberty", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return tuple(t.strip() for t in value.split(",") if t.strip()) if isinstance(value, str) else value


def goal_of(option: str | None, request: str) -> str:
    """Pure: the goal option, else the one the request names, else adp."""
    if option:
        return option
    m = _GOAL_RE.search(request)
    return m.group(1).lower() if m else "adp"


@AGENTS.register("synth")
class SynthAgent:
    """Runs the optimizer, proposes RTL changes, keeps only verified improvements."""

    name = "synth"
    uses_model: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        self.opts = SynthOptions.model_validate(options)

    def solve(self, task: PublicView, ctx: RunContext, handle: Any = None, observer: Any = None) -> Candidate:
        """``handle``: a model handle to share (the orchestrator's: one ledger and budget);
        ``observer``: receives the run's AgentEvents."""
        from chipsmith.agents.synth_solve import SynthSolve

        if task.kind != "rtl":
            raise ValueError(f"the synth agent optimizes RTL designs; {task.task_id} is a {task.kind} task")
        s = SynthSolve(self.opts, task, ctx, handle, observer)
        try:
            return s.run(self._runtime)
        finally:
            s.close()

    def _runtime(self, s: Any, checker: Any) -> AgentRuntime:
        steps = max(1, self.opts.max_steps)
        definition = AgentDef(
            name="synth", system_prompt="synth_agent_system", task_prompt="synth_agent_task", tools=s.tools,
            max_iterations=steps, max_model_calls=self.opts.max_model_calls or 3 * steps,
            history_iterations=self.opts.history_iterations,
        )  # fmt: skip
        return AgentRuntime(definition, s.handle, s.toolkit, checker=checker, observer=s.observer)
