"""Optimization and kernel work delegated to registered agents, kept only when the code's checks agree.

- ``optimize_design``: the synthesis agent (``AGENTS["synth"]``) when one is registered, else the
  RTL agent asked to restructure the design for the goal. The new version is kept only when it is
  proven equivalent to the version it replaces AND better for the goal (synthesized here); otherwise
  the previous content is put back and the tool says why: an unverified design is never kept.
- ``design_kernel``: the kernel agent (``AGENTS["kernel"]``), offered only when one is registered;
  its kernel is then run through the kernel harness here.

Any registered agent with ``solve(public_view, ctx)`` can be driven this way (``solve_with``): it
gets the session's model handle and an observer when its ``solve`` accepts them (one ledger, one
budget, cancel reaches inside), else the session's model spec and what is left of the budget, its
own ledger being added to the session's afterwards.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.orchestrator_checks import (
    find_testbench,
    modules_top,
    run_equivalence,
    run_kernel,
    run_ppa,
)
from chipsmith.agents.orchestrator_context import ToolContext
from chipsmith.agents.orchestrator_subagents import GIVEN_TB, observer_for
from chipsmith.agents.orchestrator_tools import ToolInputError, ToolReply, need_file, parse_goal, session_tool


def remaining_budget(tracker: Any) -> dict[str, Any]:
    """Pure over the tracker: the budget still left, as ``Budget`` fields (None: no limit)."""
    b = tracker.budget
    left = {
        "max_tokens": None if b.max_tokens is None else max(1, b.max_tokens - tracker.tokens),
        "max_usd": None if b.max_usd is None else max(0.0, b.max_usd - tracker.usd),
        "max_wall_s": None if b.max_wall_s is None else max(1.0, b.max_wall_s - tracker.elapsed_s),
        "max_model_calls": None
        if b.max_model_calls is None
        else max(1, b.max_model_calls - tracker.model_calls),
        "max_tool_calls": None if b.max_tool_calls is None else max(1, b.max_tool_calls - tracker.tool_calls),
    }
    return {k: v for k, v in left.items() if v is not None}


def solve_with(ctx: ToolContext, name: str, public: Any, **run: Any) -> Any:
    """Run the registered agent ``name`` on ``public`` in a work dir of its own; returns its Candidate."""
    from chipsmith.agents.base import RunContext
    from chipsmith.llm.ledger import Ledger, ModelCallRecord
    from chipsmith.registry import AGENTS

    factory = AGENTS.get(name)
    options: dict[str, Any] = {"home": str(ctx.settings.home)}
    params = inspect.signature(factory.solve).parameters
    shared = "handle" in params
    if getattr(factory, "uses_model", False) and not shared:
        options |= {
            "model": ctx.agent_models.get(name) or ctx.handle.spec.text,
            "budget": remaining_budget(ctx.handle.budget),
        }
    work = ctx.workdir(name)
    kwargs: dict[str, Any] = {"handle": ctx.sub_handle(name)} if shared else {}
    if "observer" in params:
        kwargs["observer"] = observer_for(ctx, name)
    candidate = factory(**options).solve(public, RunContext(workdir=work, **run), **kwargs)
    if not shared and (work / "ledger.jsonl").is_file():  # its spending joins the session's
        for rec in Ledger.load(work / "ledger.jsonl").records:
            ctx.handle.ledger.add(rec)
            if isinstance(rec, ModelCallRecord):
                ctx.handle.budget.charge_model_call(rec)
    return candidate


def _code_for(candidate: Any, pattern: str) -> str | None:
    return next((t for t in candidate.files.values() if re.search(pattern, t, re.M)), None)


# ---------------------------------------------------------------------- optimize_design
class OptimizeArgs(BaseModel):
    design: str = Field(
        description="Workspace path of a working design to improve (it keeps its module and ports)."
    )
    goal: str = Field(description="area, delay or power.")
    spec: str = Field("", description="What the design does (helps the agent keep its behaviour).")


def optimize_design(ctx: ToolContext, a: OptimizeArgs) -> ToolReply:
    from chipsmith.agents.orchestrator_checks import _interface_of
    from chipsmith.benchmarks.task import PublicView
    from chipsmith.registry import AGENTS

    text = need_file(ctx, a.design, "design")
    goal = parse_goal(a.goal)
    if goal is None or goal.bound is not None:
        raise ToolInputError("goal: area, delay or power (the new version must beat the current one)")
    top = modules_top(text) or ""
    before = ctx.sha_of(a.design)
    ctx.history.record({a.design: before}, ctx.turn, "session")
    ask = (f"{a.spec.strip()}\n\n" if a.spec.strip() else "") + (
        f"Rewrite the design below to reduce its {goal.metric} (synthesis with the bundled library) without "
        f"changing its behaviour at all: same module `{top}`, same ports, same outputs for every input sequence.")  # fmt: skip
    starters = {a.design.rsplit("/", 1)[-1]: text}
    if "synth" in AGENTS:
        who = "synthesis agent"
        cand = solve_with(ctx, "synth", PublicView(task_id=top, kind="rtl", spec=ask, interface=_interface_of(text),
                                                    top=top, starter_files=starters))  # fmt: skip
    else:
        who = "RTL agent (no synthesis agent is installed)"
        cand = _rtl_rewrite(ctx, ask, top, text)
    code = _code_for(cand, rf"\bmodule\s+{re.escape(top)}\b")
    if code is None or code.strip() == text.strip():
        return ToolReply(
            text=f"{who}: no new version of {top}; {a.design} unchanged", status="fail", verdict="no change"
        )
    return _keep_if_proven(ctx, a.design, code, before, goal, who)


def _rtl_rewrite(ctx: ToolContext, ask: str, top: str, text: str) -> Any:
    from chipsmith.agents.base import RunContext
    from chipsmith.agents.orchestrator_checks import _interface_of
    from chipsmith.agents.rtl import RtlAgent
    from chipsmith.benchmarks.task import PublicView

    starters = {f"current_{top}.v": text}
    tb = find_testbench(ctx, top)
    if tb is not None:
        starters[GIVEN_TB] = ctx.read_text(tb.path)
    public = PublicView(
        task_id=top, kind="rtl", spec=ask, interface=_interface_of(text), top=top, starter_files=starters
    )
    agent = RtlAgent(home=str(ctx.settings.home), testbench="session-testbench" if tb else "smoke")
    return agent.solve(public, RunContext(workdir=ctx.workdir("rtl")), handle=ctx.sub_handle("rtl"),
                       observer=observer_for(ctx, "rtl"))  # fmt: skip


def _keep_if_proven(ctx: ToolContext, path: str, code: str, before: str, goal: Any, who: str) -> ToolReply:
    """Write the new version, prove it and measure it; put the old one back unless both hold."""
    old = ctx.history.read(before).decode("utf-8", errors="replace")
    ctx.write_text(path, code)
    ctx.history.record({path: ctx.sha_of(path)}, ctx.turn, "session")
    proof = run_equivalence(ctx, path, path, before)
    lines = [f"{who} proposed a new {path}", proof.summary]
    ppa = run_ppa(ctx, path, goal, (path, before)) if proof.passed else None
    if ppa is not None:
        lines.append(ppa.summary)
    if proof.passed and ppa is not None and ppa.passed:
        return ToolReply(text="\n".join(lines + [f"kept the new {path}"]), verdict="improved")
    ctx.write_text(path, old)
    lines.append(f"the previous {path} was put back (the new version was not proven equivalent and better)")
    return ToolReply(text="\n".join(lines), status="fail", verdict="rejected")


# ---------------------------------------------------------------------- design_kernel
class KernelDesignArgs(BaseModel):
    reference: str = Field(description="Workspace path of the PyTorch reference (class Model, get_inputs).")
    backend: str = Field("cpp", description="cpp, triton or cuda.")
    path: str = Field(
        "", description="Where the kernel goes (default kernels/<reference name>_<backend>.py)."
    )
    task: str = Field(
        "", description="A chipsmith-kernels task id to check against (its shapes), if it is one."
    )


def design_kernel(ctx: ToolContext, a: KernelDesignArgs) -> ToolReply:
    from chipsmith.benchmarks.task import PublicView

    ref = need_file(ctx, a.reference)
    stem = a.reference.rsplit("/", 1)[-1].removesuffix(".py").removesuffix("_reference")
    path = a.path or f"kernels/{stem}_{a.backend}.py"
    public = PublicView(task_id=a.task or stem, kind="kernel", spec=f"Write class ModelNew for this reference:\n\n{ref}",
                        interface=ref, language="python")  # fmt: skip
    cand = solve_with(ctx, "kernel", public, backend=a.backend)
    code = _code_for(cand, r"^class ModelNew\b")
    if code is None:
        return ToolReply(text="kernel agent: no kernel (class ModelNew) came back; nothing written", status="fail",
                         verdict="no kernel")  # fmt: skip
    ctx.write_text(path, code)
    check = run_kernel(ctx, path, a.backend, reference=None if a.task else a.reference, task=a.task or None)
    return ToolReply(text=f"kernel agent wrote {path}\n{check.summary}", status="ok" if check.passed else "fail",
                     verdict="pass" if check.passed else "FAIL")  # fmt: skip


DELEGATE_TOOLS: dict[str, tuple[str, type[BaseModel], Callable[[ToolContext, Any], ToolReply]]] = {
    "optimize_design": (
        "Improve a working design's area, delay or power with the synthesis agent; the new version is kept "
        "only if it is proven equivalent and synthesizes better, else the old one is put back.",
        OptimizeArgs, optimize_design,
    ),
    "design_kernel": (
        "Delegate to the kernel agent: a kernel (cpp, triton, cuda) for a PyTorch reference, then checked "
        "with the kernel harness.",
        KernelDesignArgs, design_kernel,
    ),
}  # fmt: skip


def delegate_tools(ctx: ToolContext, names: tuple[str, ...] | None = None) -> list[Any]:
    """The delegation tools; ``design_kernel`` only when a kernel agent is registered."""
    from chipsmith.registry import AGENTS

    out = []
    for name, (desc, schema, fn) in DELEGATE_TOOLS.items():
        if (names is None or name in names) and (name != "design_kernel" or "kernel" in AGENTS):
            out.append(session_tool(ctx, name, desc, schema, fn))
    return out
