"""The orchestrator's tools: sub-agents and checks offered to its model, one LangChain tool each.

Every tool here takes typed arguments (a pydantic schema the model sees), announces itself with
``tool_start`` / ``tool_end`` session events (brief arguments, duration, verdict), never raises for
bad input (one error line for the model), and records what it checked through ``ToolContext``.
Only a spent budget or a cancel (``BudgetExceeded``) propagates, so the turn stops cleanly.
The sub-agent tools themselves are in ``orchestrator_subagents``.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from chipsmith.agents.orchestrator_checks import (
    TbRef,
    find_testbench,
    modules_top,
    run_equivalence,
    run_kernel,
    run_ppa,
    run_tb_quality,
    run_testbench,
)
from chipsmith.agents.orchestrator_context import ToolContext
from chipsmith.agents.orchestrator_verdict import Goal, classify

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 6000
_calls = itertools.count(1)
Status = Literal["ok", "fail", "error"]


class ToolReply(BaseModel):
    text: str
    status: Status = "ok"
    verdict: str = ""


class ToolInputError(ValueError):
    """A bad argument; the message is shown to the model."""


def session_tool(
    ctx: ToolContext, name: str, description: str, schema: type[BaseModel],
    fn: Callable[[ToolContext, Any], ToolReply],
) -> Any:  # fmt: skip
    """A LangChain tool calling ``fn(ctx, args)`` with events and one-line errors around it."""
    from langchain_core.tools import StructuredTool

    from chipsmith.agents.tooling.events import brief_args
    from chipsmith.agents.tooling.render import bound
    from chipsmith.agents.workspace import WorkspaceError
    from chipsmith.llm.errors import BudgetExceeded

    def call(**kwargs: Any) -> str:
        call_id = f"o{next(_calls)}"
        ctx.emit("tool_start", {"call": call_id, "tool": name, "args": brief_args(kwargs)})
        start = time.monotonic()
        try:
            reply = fn(ctx, schema.model_validate(kwargs))
        except BudgetExceeded as exc:
            ctx.emit("tool_end", {"call": call_id, "tool": name, "status": "error", "verdict": "stopped",
                                  "error": str(exc), "duration_s": round(time.monotonic() - start, 3)})  # fmt: skip
            raise
        except (ToolInputError, WorkspaceError, ValidationError, UnicodeDecodeError) as exc:
            reply = ToolReply(text=f"{name}: {_first_line(exc)}", status="error", verdict="error")
        except Exception as exc:  # a tool bug must not end the session: the model is told, the log keeps it
            log.warning("orchestrator tool %s failed: %s: %s", name, type(exc).__name__, _first_line(exc))
            log.debug("orchestrator tool %s failed", name, exc_info=True)
            reply = ToolReply(text=f"{name} failed ({type(exc).__name__}): {_first_line(exc)}", status="error",
                              verdict="error")  # fmt: skip
        ctx.emit("tool_end", {"call": call_id, "tool": name, "status": reply.status, "verdict": reply.verdict,
                              "error": reply.text.splitlines()[0][:300] if reply.status == "error" else None,
                              "duration_s": round(time.monotonic() - start, 3)})  # fmt: skip
        return bound(reply.text, MAX_REPLY_CHARS)

    return StructuredTool.from_function(func=call, name=name, description=description, args_schema=schema)


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        errs = exc.errors()
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errs[:4])
    text = str(exc).strip().splitlines()
    return text[0][:400] if text else type(exc).__name__


def need_file(ctx: ToolContext, path: str, kind: str | None = None) -> str:
    """The text of a workspace file, or a ToolInputError naming what is wrong."""
    text = ctx.read_text(path)
    if kind is not None and (found := classify(path, text)) != kind:
        raise ToolInputError(f"{path} is not a {kind} file (it looks like a {found} file)")
    return text


def reference_version(ctx: ToolContext, design: str, reference: str) -> tuple[str, str]:
    """(path, sha) of the version to compare ``design`` with: ``previous`` is the design's content
    at the start of this turn; a path is that file's current content (recorded as a version)."""
    if reference == "previous":
        sha = ctx.turn_start.get(design)
        if sha is None:
            raise ToolInputError(f"{design} did not exist when this turn began; name a reference file")
        return design, sha
    need_file(ctx, reference)
    ctx.history.record({reference: ctx.sha_of(reference)}, ctx.turn, "session")
    return reference, ctx.sha_of(reference)


# ---------------------------------------------------------------------- verify_design
class VerifyArgs(BaseModel):
    design: str = Field(description="Workspace path of the design to check, e.g. rtl/uart_rx.v.")
    testbench: str = Field(
        "", description="Testbench to run (default: the session's testbench for the design's top module)."
    )
    reference: str = Field(
        "",
        description="Prove equivalence instead, with this workspace file, or 'previous' (the design's content when this turn began).",
    )


def verify_design(ctx: ToolContext, a: VerifyArgs) -> ToolReply:
    text = need_file(ctx, a.design, "design")
    if a.reference:
        path, sha = reference_version(ctx, a.design, a.reference)
        check = run_equivalence(ctx, a.design, path, sha)
        return _check_reply(check, check.details.get("counterexample"))
    top = modules_top(text)
    tb = TbRef(path=a.testbench, top=modules_top(need_file(ctx, a.testbench, "testbench")) or "tb") if a.testbench else (
        find_testbench(ctx, top) if top else None)  # fmt: skip
    if tb is None:
        raise ToolInputError(
            f"no testbench for {top or a.design} in the workspace; write one with write_testbench"
        )
    check = run_testbench(ctx, a.design, tb)
    if check.passed:
        quality = run_tb_quality(ctx, tb, a.design, by="orchestrator")
        return ToolReply(text=f"{check.summary}\n{quality.summary}", status="ok" if quality.passed else "fail",
                         verdict="pass" if quality.passed else "weak testbench")  # fmt: skip
    return _check_reply(check, check.details.get("trace"))


def _check_reply(check: Any, extra: Any = None) -> ToolReply:
    text = check.summary + (f"\n{extra}" if extra else "")
    return ToolReply(
        text=text, status="ok" if check.passed else "fail", verdict="pass" if check.passed else "FAIL"
    )


# ---------------------------------------------------------------------- check_ppa
class PpaArgs(BaseModel):
    design: str = Field(description="Workspace path of the design to synthesize.")
    goal: str = Field(
        "",
        description="'area', 'delay' or 'power' (better than the baseline), or a bound such as 'area<=120' (um2), 'delay<=800' (ps), 'power<=0.0002' (W); empty: just report.",
    )
    baseline: str = Field(
        "", description="Compare with this workspace file, or 'previous' (the design when this turn began)."
    )


def parse_goal(text: str) -> Goal | None:
    """Pure: ``area`` / ``delay<=800`` ... -> Goal; ToolInputError for anything else."""
    text = text.strip().lower().replace(" ", "")
    if not text:
        return None
    m = re.fullmatch(r"(area|delay|power)(?:<=?([0-9.eE+-]+))?", text)
    if not m:
        raise ToolInputError(f"goal {text!r}: use area, delay or power, optionally with <=NUMBER")
    return Goal(metric=m.group(1), bound=float(m.group(2)) if m.group(2) else None)  # type: ignore[arg-type]


def check_ppa(ctx: ToolContext, a: PpaArgs) -> ToolReply:
    need_file(ctx, a.design, "design")
    goal = parse_goal(a.goal)
    baseline_ref = a.baseline or ("previous" if goal and goal.bound is None else "")
    baseline = reference_version(ctx, a.design, baseline_ref) if baseline_ref else None
    return _check_reply(run_ppa(ctx, a.design, goal, baseline))


# ---------------------------------------------------------------------- check_kernel
class KernelArgs(BaseModel):
    kernel: str = Field(description="Workspace path of the kernel file (defines class ModelNew).")
    backend: str = Field("cpp", description="Kernel backend: cpp, triton, cuda or torch.")
    reference: str = Field(
        "", description="Workspace path of the PyTorch reference (class Model, get_inputs)."
    )
    task: str = Field("", description="Or a chipsmith-kernels task id whose reference and shapes to use.")


def check_kernel(ctx: ToolContext, a: KernelArgs) -> ToolReply:
    need_file(ctx, a.kernel, "kernel")
    if not (a.reference or a.task):
        raise ToolInputError("name the reference file or a chipsmith-kernels task")
    check = run_kernel(ctx, a.kernel, a.backend, reference=a.reference or None, task=a.task or None)
    return _check_reply(check)


CHECK_TOOLS: dict[str, tuple[str, type[BaseModel], Callable[[ToolContext, Any], ToolReply]]] = {
    "verify_design": (
        "Check a design in the workspace: run its testbench (saves the waveform under sim/, traces the "
        "first mismatch) or, with a reference, prove the two equivalent. Records the check.",
        VerifyArgs, verify_design,
    ),
    "check_ppa": (
        "Synthesize a design and report area (um2), delay (ps) and power (W); with a goal, judge it "
        "(against a baseline version for 'better'). Records the check.",
        PpaArgs, check_ppa,
    ),
    "check_kernel": (
        "Run the kernel harness (compile, anti-cheat, correctness over shapes and inputs) on a kernel "
        "file. Records the check.",
        KernelArgs, check_kernel,
    ),
}  # fmt: skip


def check_tools(ctx: ToolContext, names: tuple[str, ...] | None = None) -> list[Any]:
    return [
        session_tool(ctx, n, d, s, f) for n, (d, s, f) in CHECK_TOOLS.items() if names is None or n in names
    ]
