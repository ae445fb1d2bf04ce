"""The orchestrator (``--agent orchestrator``): plans a design request and delegates each step.

Its model runs on the shared runtime (``agents.runtime``: LangChain's ``create_agent`` loop) with
the sub-agents offered as tools (``orchestrator_subagents``: RTL, verification, and any registered
agent with the ``solve`` interface such as the synthesis and kernel agents), the code-run checks
(``orchestrator_tools``: verify_design, check_ppa, check_kernel) and the workspace file and
knowledge tools. It has no checker: a turn ends when the model replies without a tool call, and
then the code's final verification (``orchestrator_final``) decides whether the request was met.

Sessions (``agents.session``) own the conversation; this module defines the agent and the
benchmark entry, which runs one request as a one-turn session on a fresh workspace.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from chipsmith.agents.base import RunContext
from chipsmith.agents.orchestrator_subagents import SessionTestbench
from chipsmith.agents.runtime import AgentDef
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

FILE_TOOLS = ("read_file", "list_files", "write_file", "knowledge_search")
SMALL_TOOLS = ("design_rtl", "verify_design", "read_file", "list_files")
"""For a small-context model (the embedded ``local`` one, 4k tokens) the tool list is cut short."""
MAX_CANDIDATE_FILE = 1 * 2**20

AGENTS.add("session-testbench", SessionTestbench)


class OrchestratorOptions(BaseModel):
    """Options of one orchestrator (session or bench solve)."""

    model: str | None = None
    home: str | None = None
    budget: dict[str, Any] | None = None
    protocol: Literal["native", "text"] | None = None
    cache: bool = True
    max_model_calls: int = 30
    """Model calls of the orchestrator itself in one turn (sub-agents have their own bounds)."""
    tools: tuple[str, ...] | None = None
    """Tools offered (default: all; a short list for ``local``)."""
    agent_models: dict[str, str] = {}
    """A model spec per sub-agent (rtl, verify, ...), where it should differ from the session's."""
    history_chars: int | None = None
    """Characters of conversation sent to the model; older whole turns are left out (default: by
    model, about the embedded model's 4k-token context, else 400,000)."""


def definition(opts: OrchestratorOptions, offered: tuple[str, ...]) -> AgentDef:
    """The orchestrator as data: its prompt, the toolkit tools it may call, its bounds."""
    return AgentDef(
        name="orchestrator", system_prompt="orchestrator_system",
        tools=tuple(t for t in offered if t in FILE_TOOLS), max_iterations=1,
        max_model_calls=opts.max_model_calls, history_iterations=0,
    )  # fmt: skip


def offered_tools(opts: OrchestratorOptions, small_context: bool) -> tuple[str, ...]:
    from chipsmith.agents.orchestrator_delegate import DELEGATE_TOOLS
    from chipsmith.agents.orchestrator_subagents import SUBAGENT_TOOLS
    from chipsmith.agents.orchestrator_tools import CHECK_TOOLS
    from chipsmith.registry import AGENTS

    if opts.tools is not None:
        return opts.tools
    if small_context:
        return SMALL_TOOLS
    delegated = tuple(t for t in DELEGATE_TOOLS if t != "design_kernel" or "kernel" in AGENTS)
    return (*SUBAGENT_TOOLS, *delegated, *CHECK_TOOLS, *FILE_TOOLS)


def build_tools(ctx: Any, offered: tuple[str, ...]) -> tuple[Any, list[Any]]:
    """(the toolkit of file tools, the LangChain tools of sub-agents and checks)."""
    from chipsmith.agents.orchestrator_delegate import delegate_tools
    from chipsmith.agents.orchestrator_subagents import subagent_tools
    from chipsmith.agents.orchestrator_tools import check_tools
    from chipsmith.agents.tooling.toolkit import Toolkit

    toolkit = Toolkit(
        ctx.workspace, names=[t for t in offered if t in FILE_TOOLS], settings=ctx.settings,
        charge=ctx.handle.charge_tool_call,
    )  # fmt: skip
    extra = subagent_tools(ctx, offered) + delegate_tools(ctx, offered) + check_tools(ctx, offered)
    return toolkit, extra


def workspace_files(workspace: Any, limit: int = MAX_CANDIDATE_FILE) -> dict[str, str]:
    """Text files of a workspace (a bench candidate): waveforms and oversized or binary files left out."""
    out = {}
    for rel, size in workspace.list("."):
        if size > limit or rel.startswith("sim/") or rel.endswith(".vcd"):
            continue
        try:
            out[rel] = workspace.read_bytes(rel).decode("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
    return out


@AGENTS.register("orchestrator")
class OrchestratorAgent:
    """A benchmark agent: one request (the task's spec) as a one-turn session; submits the workspace."""

    name = "orchestrator"
    uses_model: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        self.opts = OrchestratorOptions.model_validate(options)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        from chipsmith.agents.session import SessionManager
        from chipsmith.config import load_settings
        from chipsmith.llm import Budget

        workdir = Path(ctx.workdir) if ctx.workdir else Path(tempfile.mkdtemp(prefix="chipsmith-orch-"))
        for stale in ("workspace", "sessions"):  # a resumed sample starts clean
            shutil.rmtree(workdir / stale, ignore_errors=True)
        workspace = workdir / "workspace"
        for name, text in task.starter_files.items():
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            (workspace / name).write_text(text, encoding="utf-8")
        settings = load_settings(home=self.opts.home)
        manager = SessionManager(settings=settings, root=workdir / "sessions")
        session = manager.create(
            model=self.opts.model or ctx.model, workspace=workspace, title=task.task_id,
            budget=Budget(**self.opts.budget) if self.opts.budget else None, options=self.opts,
        )  # fmt: skip
        try:
            outcome = session.run_turn(task.spec)
            export = session.paths.root / "session.md"
            export.write_text(session.export_markdown(), encoding="utf-8")
        finally:
            session.close()
        return self._candidate(task, session, outcome, export)

    def _candidate(self, task: PublicView, session: Any, outcome: Any, export: Path) -> Candidate:
        usage = session.ledger_summary()
        meta_agent = {
            "model": outcome.model, "notice": outcome.notice, "real": session.handle_is_real(),
            "stop_reason": outcome.status, "stop_message": "; ".join(outcome.reasons)[:500],
            "iterations": 1, "model_calls": usage.model_calls, "cached_calls": usage.cached_calls,
            "tool_calls": usage.tool_calls, "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
            "cost_usd": usage.cost_usd, "transcript": str(export),
        }  # fmt: skip
        return Candidate(
            task_id=task.task_id, files=workspace_files(session.workspace), tokens=usage.total_tokens,
            cost_usd=usage.cost_usd or 0.0,
            meta={"agent": meta_agent, "outcome": {"met": outcome.met, "status": outcome.status,
                                                   "reasons": outcome.reasons, "checks": len(outcome.checks)}},
        )  # fmt: skip
