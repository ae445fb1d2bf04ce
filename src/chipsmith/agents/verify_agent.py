"""``--agent verify``: the verification agent as a benchmark agent and as the RTL agent's testbench writer.

- ``solve(public, ctx)`` (bench runs): writes a testbench for the task from its public view and
  submits it as a ``Candidate`` marked ``meta["role"] = "testbench"``; the runner judges it with
  the ``rtl-testbench`` evaluator (``benchmarks.tb_eval``: no false alarm on the hidden reference,
  kill rate on its mutants), named by the class attribute ``evaluator``.
- ``make_testbench(request, workspace, context)`` (``agents.testbench`` interface): writes the
  testbench into the RTL agent's workspace with the model handle it is given, and returns the
  ``Testbench`` record (path, top, label with the mutation score).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from chipsmith.agents.base import ModelOptions, RunContext
from chipsmith.agents.verify import LABEL, TOOLS, VerifyOutcome, write_testbench
from chipsmith.agents.verify_checker import VerifyOptions
from chipsmith.agents.verify_tb import TB_FILE
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

ROLE = "testbench"


class VerifyAgentOptions(VerifyOptions, ModelOptions):
    """The agent's options: the checker's bounds plus the model settings the runner passes."""


def sizing(opts: VerifyAgentOptions, handle: Any) -> tuple[tuple[str, ...], VerifyAgentOptions]:
    """The tools and bounds for this model: the embedded ``local`` model (4k context, no Verilog to
    speak of) gets no tool list and, unless set explicitly, 2 replies instead of 5 (the RTL agent
    calls this agent before every design task, and each of its replies takes 10-70 s here)."""
    if handle.spec.kind != "local":
        return TOOLS, opts
    if "max_iterations" in opts.model_fields_set:
        return (), opts
    return (), opts.model_copy(update={"max_iterations": 2})


def agent_meta(out: VerifyOutcome, handle: Any, transcript: str | None) -> dict[str, Any]:
    """Pure: the ``meta["agent"]`` fields the runner copies into a record (usage, stop reason...)."""
    u = out.usage
    return {
        "model": out.model, "notice": out.notice, "real": handle.is_real, "stop_reason": out.stop_reason,
        "stop_message": out.message, "iterations": len(out.attempts), "model_calls": u.get("model_calls", 0),
        "cached_calls": u.get("cached_calls", 0), "tool_calls": u.get("tool_calls", 0),
        "input_tokens": u.get("input_tokens", 0), "output_tokens": u.get("output_tokens", 0),
        "cost_usd": u.get("cost_usd"), "transcript": transcript,
    }  # fmt: skip


@AGENTS.register("verify")
class VerifyAgent:
    """Writes a self-checking testbench from the spec; measures and strengthens it by mutation."""

    name = "verify"
    uses_model: ClassVar[bool] = True
    evaluator: ClassVar[str] = "rtl-testbench"
    """The evaluator the runner uses for this agent's candidates (testbenches, not designs)."""

    def __init__(self, **options: Any) -> None:
        self.opts = VerifyAgentOptions.model_validate(options)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        from chipsmith.agents.testbench import TestbenchRequest
        from chipsmith.agents.workspace import Workspace
        from chipsmith.config import load_settings
        from chipsmith.llm import Budget, Ledger, open_model

        if task.kind != "rtl":
            raise ValueError(
                f"the verify agent writes testbenches for RTL tasks; {task.task_id} is {task.kind}"
            )
        workdir = Path(ctx.workdir) if ctx.workdir else Path(tempfile.mkdtemp(prefix="chipsmith-verify-"))
        shutil.rmtree(workdir / "workspace", ignore_errors=True)  # a resumed sample starts clean
        settings = load_settings(home=self.opts.home)
        handle = open_model(
            self.opts.model or ctx.model, settings=settings, agent="verify",
            budget=Budget(**self.opts.budget) if self.opts.budget else None, cache=None if self.opts.cache else False,
            protocol=self.opts.protocol, temperature=self.opts.temperature, seed=ctx.seed,
            ledger=Ledger(workdir / "ledger.jsonl"),
        )  # fmt: skip
        request = TestbenchRequest(
            task_id=task.task_id, spec=task.spec, interface=task.interface, top=task.top or "top"
        )
        workspace = Workspace(workdir / "workspace")
        out = self._write(request, workspace, handle, settings, workdir)
        return self._candidate(task, out, handle, workdir)

    def _write(
        self, request: Any, workspace: Any, handle: Any, settings: Any, workdir: Path
    ) -> VerifyOutcome:
        tools, opts = sizing(self.opts, handle)
        cache = Path(settings.home) / "cache" / "bench"
        return write_testbench(
            request, workspace, handle, options=opts, tools=tools, settings=settings, cache_dir=cache,
            transcript_path=workdir / "transcript.json",
        )  # fmt: skip

    def _candidate(self, task: PublicView, out: VerifyOutcome, handle: Any, workdir: Path) -> Candidate:
        usage = out.usage
        return Candidate(
            task_id=task.task_id,
            files={TB_FILE: out.code} if out.code else {},
            tokens=int(usage.get("total_tokens", 0)),
            cost_usd=float(usage.get("cost_usd") or 0.0),
            meta={
                "role": ROLE, "tb_top": out.tb_top, "usable": out.usable, "self_score": out.score,
                "self_counts": out.counts, "subject": out.subject, "attempts": out.attempts,
                "agent": agent_meta(out, handle, out.transcript),
            },
        )  # fmt: skip

    def make_testbench(self, request: Any, workspace: Any, context: Any) -> Any:
        """The ``agents.testbench`` writer interface: a testbench in ``workspace`` for the RTL agent."""
        from chipsmith.agents.testbench import Testbench

        if context.handle is None:
            raise ValueError("the verify agent needs a model handle to write a testbench")
        tools, opts = sizing(self.opts, context.handle)
        home = getattr(context.settings, "home", None)
        out = write_testbench(
            request, workspace, context.handle, options=opts, tools=tools, settings=context.settings,
            observer=context.observer, cache_dir=Path(home) / "cache" / "bench" if home else None,
        )  # fmt: skip
        if out.path is None or not out.usable:  # the caller falls back to its smoke testbench, saying why
            last = out.attempts[-1] if out.attempts else "no reply"
            raise RuntimeError(f"no usable testbench ({out.stop_reason}; {last})")
        score = "unmeasured" if out.score is None else f"{100 * out.score:.0f}%"
        return Testbench(
            path=out.path, top=out.tb_top, source="verify", label=f"{LABEL} (mutation score {score})",
            checks_spec=True, notes=[f"verify: {line}" for line in out.attempts],
        )  # fmt: skip
