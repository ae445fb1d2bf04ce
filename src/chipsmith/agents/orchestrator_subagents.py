"""Sub-agents offered to the orchestrator as tools (LangChain 1.x's subagents-as-tools pattern).

Each tool builds what its sub-agent needs and nothing more (a spec, an interface, the files it
names), runs the sub-agent in a work dir of its own with the session's model handle (one ledger,
one budget, one cancel), copies the result into the session workspace, and then runs the session's
own check on it in code (``orchestrator_checks``): the sub-agent's word is never the evidence.

- ``design_rtl``: the RTL agent (``agents.rtl``), repairing against the session's testbench for the
  module when there is one (through the ``session-testbench`` writer below), else against the
  verification agent's.
- ``write_testbench``: the verification agent (``agents.verify``): a self-checking testbench from
  the spec, measured by mutation; with a design, that design is run against it.
- Registered agents with the ``solve(public_view, ctx)`` interface (the synthesis and kernel agents
  when installed, plugins) are offered through ``agent_tool``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.orchestrator_checks import (
    TbRef,
    _interface_of,
    find_testbench,
    modules_top,
    run_tb_quality,
    run_testbench,
)
from chipsmith.agents.orchestrator_context import ToolContext
from chipsmith.agents.orchestrator_tools import Status, ToolInputError, ToolReply, need_file, session_tool
from chipsmith.agents.testbench import Testbench

GIVEN_TB = "given_testbench.sv.txt"
"""Where the session's testbench travels to the RTL agent (a starter file; ``.txt`` so that it is
not taken for part of the design)."""
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class SessionTestbench:
    """The ``session-testbench`` testbench writer: hands the RTL agent the session's testbench."""

    def __init__(self, **_: Any) -> None:
        pass

    def make_testbench(self, request: Any, workspace: Any, context: Any) -> Testbench:
        text = workspace.read_bytes(GIVEN_TB).decode("utf-8", errors="replace")
        top = modules_top(text) or "tb"
        path = f"tb/{request.top}_tb.sv"
        workspace.write(path, text)
        return Testbench(
            path=path, top=top, source="session", checks_spec=True,
            label="the session's testbench for this module (written from the spec; passing it is the goal)",
        )  # fmt: skip


def observer_for(ctx: ToolContext, agent: str) -> Any:
    """Map a sub-agent's AgentEvents to session events one level down (depth 1)."""
    run = ctx._runs

    def on_event(ev: Any) -> None:
        d = ev.data
        if ev.kind == "model":
            keep = ("text", "tool_calls", "input_tokens", "output_tokens")
            ctx.emit("model", {k: d.get(k) for k in keep}, agent=ev.agent, depth=1)
        elif ev.kind == "tool":
            kind = "tool_start" if d.get("phase") == "start" else "tool_end"
            data = {
                k: d[k]
                for k in ("tool", "args", "status", "verdict", "error", "duration_s")
                if d.get(k) is not None
            }
            ctx.emit(kind, {**data, "call": f"{agent}{run}-{d.get('seq')}"}, agent=ev.agent, depth=1)
        elif ev.kind in ("iteration", "stop"):
            text = d.get("summary") or f"stopped: {d.get('reason')} {d.get('message') or ''}".strip()
            ctx.emit("progress", {"text": text}, agent=ev.agent, depth=1)

    return on_event


def _top(name: str) -> str:
    if not _IDENT.fullmatch(name):
        raise ToolInputError(f"top {name!r} is not a Verilog module name")
    return name


# ---------------------------------------------------------------------- design_rtl
class RtlArgs(BaseModel):
    spec: str = Field(description="What the module must do: behaviour, timing, reset, corner cases.")
    top: str = Field(description="The module name.")
    interface: str = Field(
        "",
        description="The module header, e.g. 'module adder8(input [7:0] a, b, output [8:0] s);' (default: the current design's).",
    )
    path: str = Field("", description="Where the design goes in the workspace (default rtl/<top>.v).")
    testbench: str = Field(
        "",
        description="A workspace testbench the agent must pass (default: the session's testbench for <top>, else the verification agent writes one).",
    )
    files: list[str] = Field(
        default_factory=list,
        description="Workspace files the agent gets as a starting point (the current design when changing one).",
    )


def design_rtl(ctx: ToolContext, a: RtlArgs) -> ToolReply:
    from chipsmith.agents.base import RunContext
    from chipsmith.agents.rtl import RtlAgent
    from chipsmith.benchmarks.task import PublicView

    top, path = _top(a.top), a.path or f"rtl/{a.top}.v"
    interface = a.interface.strip() or _existing_interface(ctx, path)
    starters = {posixpath.basename(f): need_file(ctx, f) for f in a.files}
    tb = find_testbench(ctx, top)
    if a.testbench:
        tb = TbRef(path=a.testbench, top=modules_top(need_file(ctx, a.testbench, "testbench")) or "tb")
    if tb is not None:
        starters[GIVEN_TB] = ctx.read_text(tb.path)
    public = PublicView(
        task_id=top, kind="rtl", spec=a.spec, interface=interface, top=top, starter_files=starters
    )
    work = ctx.workdir("rtl")
    agent = RtlAgent(home=str(ctx.settings.home), testbench="session-testbench" if tb else "auto")
    cand = agent.solve(
        public, RunContext(workdir=work), handle=ctx.sub_handle("rtl"), observer=observer_for(ctx, "rtl")
    )
    info = cand.meta.get("agent", {})
    code = next((t for n, t in cand.files.items() if re.search(rf"\bmodule\s+{top}\b", t)), None)
    head = f"RTL agent: stopped {info.get('stop_reason')} after {info.get('iterations')} answer(s)"
    if code is None:
        return ToolReply(text=f"{head}; it produced no design for {top}; nothing was written", status="fail",
                         verdict="no design")  # fmt: skip
    ctx.write_text(path, code)
    lines = [f"{head}; wrote {path} ({len(code.splitlines())} lines)"]
    if tb is None:
        tb = _adopt_testbench(ctx, work, top, info)
    if tb is None:
        lines.append(f"NOT VERIFIED: no testbench for {top}; write one with write_testbench")
        return ToolReply(text="\n".join(lines), status="fail", verdict="unverified")
    check = run_testbench(ctx, path, tb)
    lines.append(check.summary + (f"\n{check.details['trace']}" if check.details.get("trace") else ""))
    return ToolReply(text="\n".join(lines), status="ok" if check.passed else "fail",
                     verdict="pass" if check.passed else "FAIL")  # fmt: skip


def _existing_interface(ctx: ToolContext, path: str) -> str:
    try:
        return _interface_of(ctx.read_text(path))
    except Exception:  # no design there yet: the agent works from the spec alone
        return ""


def _adopt_testbench(ctx: ToolContext, work: Any, top: str, info: dict[str, Any]) -> TbRef | None:
    """The verification agent's testbench the RTL agent used, copied into the session (not a smoke one)."""
    src = work / "workspace" / "tb" / "verify_tb.sv"
    if info.get("testbench") != "verify" or not src.is_file():
        return None
    text = src.read_text(encoding="utf-8", errors="replace")
    path = f"tb/{top}_tb.sv"
    ctx.write_text(path, text)
    return TbRef(path=path, top=modules_top(text) or "tb")


# ---------------------------------------------------------------------- write_testbench
class TbArgs(BaseModel):
    spec: str = Field(description="What the module must do (the testbench checks this).")
    top: str = Field(description="The module under test.")
    interface: str = Field("", description="Its module header (default: the design's, when given).")
    design: str = Field("", description="A workspace design to run against the new testbench.")
    path: str = Field("", description="Where the testbench goes (default tb/<top>_tb.sv).")


def write_testbench(ctx: ToolContext, a: TbArgs) -> ToolReply:
    from chipsmith.agents.testbench import TestbenchRequest
    from chipsmith.agents.verify import write_testbench as run_verify
    from chipsmith.agents.verify_agent import VerifyAgentOptions, sizing
    from chipsmith.agents.workspace import Workspace

    top, path = _top(a.top), a.path or f"tb/{a.top}_tb.sv"
    design = need_file(ctx, a.design, "design") if a.design else None
    interface = a.interface.strip() or (_interface_of(design) if design else "")
    if not interface:
        raise ToolInputError("give the module's interface (its header), or a design to take it from")
    handle = ctx.sub_handle("verify")
    tools, opts = sizing(VerifyAgentOptions(), handle)
    work = ctx.workdir("verify")
    out = run_verify(
        TestbenchRequest(task_id=top, spec=a.spec, interface=interface, top=top), Workspace(work / "workspace"),
        handle, options=opts, design=design, tools=tools, sandbox=ctx.sandbox, settings=ctx.settings,
        observer=observer_for(ctx, "verify"), cache_dir=ctx.settings.home / "cache" / "bench",
        transcript_path=work / "transcript.json",
    )  # fmt: skip
    if out.code is None or not out.usable:
        why = out.attempts[-1] if out.attempts else "no reply"
        return ToolReply(text=f"verification agent: no usable testbench ({out.stop_reason}; {why})", status="fail",
                         verdict="no testbench")  # fmt: skip
    ctx.write_text(path, out.code)
    score = "unmeasured" if out.score is None else f"{100 * out.score:.0f}% of mutants killed"
    lines = [f"wrote {path} (top {out.tb_top}; {score} on its {out.subject})"]
    status: Status = "ok"
    if a.design:
        tb = TbRef(path=path, top=out.tb_top)
        check = run_testbench(ctx, a.design, tb)
        lines.append(check.summary + (f"\n{check.details['trace']}" if check.details.get("trace") else ""))
        if check.passed:
            lines.append(run_tb_quality(ctx, tb, a.design, by="orchestrator").summary)
        status = "ok" if check.passed else "fail"
    return ToolReply(
        text="\n".join(lines), status=status, verdict="written" if status == "ok" else "design FAILS"
    )  # type: ignore[arg-type]


SUBAGENT_TOOLS: dict[str, tuple[str, type[BaseModel], Callable[[ToolContext, Any], ToolReply]]] = {
    "design_rtl": (
        "Delegate to the RTL agent: it writes (or changes) one Verilog module from a spec, lints and "
        "simulates it against the session's testbench and repairs it. The design is then checked in "
        "code with that testbench.",
        RtlArgs, design_rtl,
    ),
    "write_testbench": (
        "Delegate to the verification agent: a self-checking testbench from the spec (directed corner "
        "cases, then random stimulus against a behavioural model), strengthened by mutation testing; "
        "with a design, the design is run against it.",
        TbArgs, write_testbench,
    ),
}  # fmt: skip


def subagent_tools(ctx: ToolContext, names: tuple[str, ...] | None = None) -> list[Any]:
    return [
        session_tool(ctx, n, d, s, f)
        for n, (d, s, f) in SUBAGENT_TOOLS.items()
        if names is None or n in names
    ]
