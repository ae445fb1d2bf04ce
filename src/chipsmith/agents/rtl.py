"""The RTL agent (``--agent rtl``): spec -> Verilog -> lint -> simulate -> repair, within bounds.

``RtlAgent.solve(public_view, ctx)`` opens the model, fills a fresh workspace (the testbench and any
starter files; never a hidden file: the agent only ever gets the public view), gets a testbench
(``testbench.make_testbench``: the verification agent's, else the labelled smoke fallback), renders
its prompts (few-shot examples by category, design notes from the knowledge base), optionally
samples several first answers at a higher temperature and keeps the best (MAGE), then runs the
repair loop on the runtime with ``RtlChecker`` as the stop rule. It submits the best design so far
whatever stopped it (a bound, the budget, a model error), with per-answer snapshots in
``Candidate.meta["iterations"]`` (judged afterwards by the bench's hidden testbench) and its usage,
stop reason and transcript path in ``Candidate.meta["agent"]``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from pydantic import field_validator

from chipsmith.agents.base import ModelOptions, RunContext
from chipsmith.agents.rtl_check import RtlChecker, Snapshot
from chipsmith.agents.rtl_examples import Knowledge, design_notes, pick_examples
from chipsmith.agents.runtime import AgentDef, AgentRuntime, RunResult
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

DEFAULT_TOOLS = ("read_file", "write_file", "list_files", "apply_patch", "lint", "simulate", "trace_mismatch")
CHECK_TOOLS = ("lint", "simulate", "trace_mismatch")


class RtlOptions(ModelOptions):
    """The agent's options (``--agent-option KEY=VALUE`` in bench runs; budgets have their own flags)."""

    max_iterations: int = 4
    """Checked answers per solve (the first one included)."""
    max_model_calls: int | None = None
    """Default: 4 per iteration (tool-calling turns and bad replies count)."""
    candidates: int = 1
    """First answers sampled at ``sample_temperature`` and ranked by lint, then the testbench (MAGE)."""
    sample_temperature: float = 0.8
    testbench: str = "auto"
    """auto (the verify agent when registered, else smoke), smoke, or a testbench-writing agent's name."""
    tools: tuple[str, ...] | None = None
    """Tools offered to the model; default: file, lint, simulate and trace tools (none for ``local``)."""
    examples: int | None = None
    knowledge: Knowledge = "bundled"
    notes: int | None = None
    history_iterations: int = 2
    section_chars: int | None = None
    """Characters of each feedback section (lint, simulation, trace)."""

    @field_validator("tools", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return tuple(t.strip() for t in value.split(",") if t.strip()) if isinstance(value, str) else value


def sizing(opts: RtlOptions, small_context: bool) -> dict[str, Any]:
    """Pure: prompt sizes; a small-context model (``local``: 4k tokens) gets fewer, shorter parts."""
    return {
        "examples": opts.examples if opts.examples is not None else (1 if small_context else 2),
        "notes": opts.notes if opts.notes is not None else (1 if small_context else 2),
        "section_chars": opts.section_chars or (1200 if small_context else 3000),
        "tools": opts.tools if opts.tools is not None else (() if small_context else DEFAULT_TOOLS),
    }


class Solve:
    """Everything one solve holds: model handle, workspace, toolkit, testbench, checker."""

    def __init__(
        self, opts: RtlOptions, task: PublicView, ctx: RunContext, handle: Any = None, observer: Any = None
    ) -> None:
        from chipsmith.agents.hdl_ports import interface_header
        from chipsmith.agents.tooling.toolkit import Toolkit
        from chipsmith.agents.workspace import Workspace
        from chipsmith.config import load_settings
        from chipsmith.llm import Budget, Ledger, open_model

        self.opts, self.task, self.ctx = opts, task, ctx
        self.settings = load_settings(home=opts.home)
        self.workdir = Path(ctx.workdir) if ctx.workdir else Path(tempfile.mkdtemp(prefix="chipsmith-rtl-"))
        shutil.rmtree(self.workdir / "workspace", ignore_errors=True)  # a resumed sample starts clean
        self.workspace = Workspace(self.workdir / "workspace")
        budget = Budget(**opts.budget) if opts.budget else None
        # A caller that owns a session (the orchestrator) passes its handle: one ledger, one budget.
        self.handle = handle if handle is not None else open_model(
            opts.model or ctx.model, settings=self.settings, agent="rtl", budget=budget,
            cache=None if opts.cache else False, protocol=opts.protocol, temperature=opts.temperature,
            seed=ctx.seed, ledger=Ledger(self.workdir / "ledger.jsonl"),
        )  # fmt: skip
        self.observer = observer
        self.size = sizing(opts, self.handle.spec.kind == "local")
        self.top = task.top or "top"
        self.header = interface_header(task.interface) if task.interface.strip() else None
        self.design_path = f"{self.top}.sv" if task.language == "systemverilog" else f"{self.top}.v"
        self.starters = self._write_starters()
        self.toolkit = Toolkit(
            self.workspace, names=sorted({*self.size["tools"], *CHECK_TOOLS}), settings=self.settings,
            charge=self.handle.charge_tool_call,
        )  # fmt: skip
        self.tools = tuple(t for t in self.size["tools"] if t in self.toolkit.specs)

    def _write_starters(self) -> list[str]:
        """Starter files into the workspace; the Verilog ones not defining the top join the design."""
        extra = []
        for name, text in self.task.starter_files.items():
            self.workspace.write(name, text)
            if name.endswith((".v", ".sv")) and f"module {self.top}" not in text:
                extra.append(name)
        return extra

    def close(self) -> None:
        self.toolkit.close()


@AGENTS.register("rtl")
class RtlAgent:
    """Spec -> Verilog -> lint -> simulate -> repair; submits the best design so far."""

    name = "rtl"
    uses_model: ClassVar[bool] = True
    """The runner passes the run's model, budget, protocol and cache setting as options."""

    def __init__(self, **options: Any) -> None:
        self.opts = RtlOptions.model_validate(options)

    def solve(self, task: PublicView, ctx: RunContext, handle: Any = None, observer: Any = None) -> Candidate:
        """``handle``: a model handle to use instead of opening one (shares its ledger and budget);
        ``observer``: receives the run's AgentEvents (the verification agent's too)."""
        if task.kind != "rtl":
            raise ValueError(f"the rtl agent solves RTL tasks; {task.task_id} is a {task.kind} task")
        s = Solve(self.opts, task, ctx, handle, observer)
        try:
            return self._solve(s)
        finally:
            s.close()

    def _solve(self, s: Solve) -> Candidate:
        from chipsmith.agents.hdl_ports import ModuleHeader
        from chipsmith.agents.testbench import TestbenchContext, TestbenchRequest, make_testbench, write_smoke
        from chipsmith.llm.errors import BudgetExceeded

        request = TestbenchRequest(
            task_id=s.task.task_id,
            spec=s.task.spec,
            interface=s.task.interface,
            top=s.top,
            language=s.task.language,
        )
        tb_ctx = TestbenchContext(
            handle=s.handle.for_agent("verify"), toolkit=s.toolkit, settings=s.settings, observer=s.observer
        )
        try:
            tb = make_testbench(
                request, s.workspace, source=self.opts.testbench, header=s.header, context=tb_ctx
            )
        except BudgetExceeded as exc:  # spent by the testbench writer: the loop stops at its first call
            tb = write_smoke(s.header or ModuleHeader(name=s.top, ports=[]), s.workspace, [f"budget: {exc}"])
        checker = RtlChecker(
            s.toolkit, top=s.top, header=s.header, testbench=tb, design_path=s.design_path,
            extra_sources=s.starters, max_iterations=self.opts.max_iterations, section_chars=s.size["section_chars"],
        )  # fmt: skip
        variables = self._variables(s, tb)
        result, samples = self._run(s, checker, variables)
        return self._candidate(s, checker, result, tb, samples)

    def _variables(self, s: Solve, tb: Any) -> dict[str, Any]:
        examples = pick_examples(s.ctx.category or "", s.task.spec, s.size["examples"])
        notes = design_notes(s.task.spec, self.opts.knowledge, s.size["notes"])
        return {
            "spec": s.task.spec.strip(), "interface": s.task.interface.strip(), "top": s.top,
            "starter_files": dict(s.task.starter_files), "examples": [e.model_dump() for e in examples],
            "notes": [n.model_dump() for n in notes], "testbench_path": tb.path, "testbench_label": tb.label,
            "tools": list(s.tools),
        }  # fmt: skip

    def _definition(self, s: Solve, iterations: int) -> AgentDef:
        return AgentDef(
            name="rtl", system_prompt="rtl_agent_system", task_prompt="rtl_agent_task", tools=s.tools,
            max_iterations=max(1, iterations),
            max_model_calls=self.opts.max_model_calls or 4 * max(1, iterations),
            history_iterations=self.opts.history_iterations,
        )  # fmt: skip

    def _run(
        self, s: Solve, checker: RtlChecker, variables: dict[str, Any]
    ) -> tuple[RunResult | None, list[dict[str, Any]]]:
        """Sampling (when asked), then the repair loop; (the loop's result or None, the samples' summary)."""
        from chipsmith.agents.rtl_sampling import sample_first

        definition = self._definition(s, self.opts.max_iterations)
        runtime = AgentRuntime(definition, s.handle, s.toolkit, checker=checker, observer=s.observer)
        if self.opts.candidates <= 1:
            return runtime.run(variables=variables), []
        first = sample_first(runtime, checker, variables, self.opts, s.ctx.seed)
        if first.done or self.opts.max_iterations <= 1:
            return first.result, first.samples
        runtime.definition = self._definition(s, self.opts.max_iterations - 1)
        return runtime.run(first.messages, variables=variables), first.samples

    def _candidate(
        self, s: Solve, checker: RtlChecker, result: RunResult | None, tb: Any, samples: list[dict[str, Any]]
    ) -> Candidate:
        from chipsmith.agents.rtl_sampling import finish_transcript

        usage = s.handle.ledger.summary()
        transcript = finish_transcript(s, checker, result, tb, samples, usage)
        path = transcript.save(s.workdir / "transcript.json")
        best = checker.best
        files = dict(best.files or {}) if best is not None else {}
        if files:
            files.update({n: s.task.starter_files[n] for n in s.starters})
        meta = {
            "agent": {**transcript.meta["agent"], "transcript": str(path)},
            "iterations": iteration_snapshots(checker.history),
        }
        return Candidate(
            task_id=s.task.task_id,
            files=files,
            tokens=usage.total_tokens,
            cost_usd=usage.cost_usd or 0.0,
            meta=meta,
        )


def iteration_snapshots(history: list[Snapshot]) -> list[dict[str, Any]]:
    """Pure: per answer, its files and which answer was the best so far (what a stop there submits)."""
    out, best = [], None
    for snap in history:
        if best is None or snap.score() > best.score():
            best = snap
        out.append(
            {
                "iteration": snap.iteration,
                "files": snap.files,
                "own_check": snap.failure,
                "best": best.iteration,
            }
        )
    return out
