"""One solve of the synthesis agent: what it holds (model handle, workspace, toolkit, sandbox) and
the order of its work (start design, report, optimizer, the checked steps, optimizer again)."""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chipsmith.agents.base import RunContext
from chipsmith.agents.synth import DEFAULT_TOOLS, SynthOptions, goal_of
from chipsmith.agents.synth_check import Best, SynthChecker
from chipsmith.agents.synth_events import Phases
from chipsmith.agents.synth_optimize import OptimizerSummary, run_optimizer
from chipsmith.agents.synth_reports import Measurer, render_report
from chipsmith.agents.synth_start import StartError, defines, start_design
from chipsmith.agents.synth_verify import TbSource, Verifier
from chipsmith.benchmarks.task import Candidate, PublicView

GOAL_TEXT = {
    "area": "the area (um^2)",
    "delay": "the critical-path delay (ps)",
    "power": "the power (W)",
    "adp": "the area x delay product",
}


class SynthSolve:
    """Everything one solve holds; ``run`` does the work, ``close`` releases the sandbox."""

    def __init__(
        self, opts: SynthOptions, task: PublicView, ctx: RunContext, handle: Any = None, observer: Any = None
    ) -> None:
        from chipsmith.agents.hdl_ports import interface_header
        from chipsmith.agents.tooling.toolkit import Toolkit
        from chipsmith.agents.workspace import Workspace
        from chipsmith.config import load_settings
        from chipsmith.llm import Budget, Ledger, open_model
        from chipsmith.sandbox import get_sandbox

        self.opts, self.task, self.ctx, self.observer = opts, task, ctx, observer
        self.settings = load_settings(home=opts.home)
        self.workdir = Path(ctx.workdir) if ctx.workdir else Path(tempfile.mkdtemp(prefix="chipsmith-synth-"))
        shutil.rmtree(self.workdir / "workspace", ignore_errors=True)  # a resumed sample starts clean
        self.workspace = Workspace(self.workdir / "workspace")
        budget = Budget(**opts.budget) if opts.budget else None
        self.handle = handle if handle is not None else open_model(
            opts.model or ctx.model, settings=self.settings, agent="synth", budget=budget,
            cache=None if opts.cache else False, protocol=opts.protocol, temperature=opts.temperature,
            seed=ctx.seed, ledger=Ledger(self.workdir / "ledger.jsonl"),
        )  # fmt: skip
        small = self.handle.spec.kind == "local"
        wanted = opts.tools if opts.tools is not None else (() if small else DEFAULT_TOOLS)
        self.sandbox = get_sandbox(self.settings.sandbox)
        self.toolkit = Toolkit(self.workspace, names=sorted({*wanted, "lint"}), settings=self.settings,
                               sandbox=self.sandbox, charge=self.handle.charge_tool_call)  # fmt: skip
        self.tools = tuple(t for t in wanted if t in self.toolkit.specs)
        self.phases = Phases(self.toolkit, observer)
        self.section_chars = opts.section_chars or (1200 if small else 3000)
        self.goal = goal_of(opts.goal, task.spec)
        self.liberty = [Path(p) for p in opts.liberty] or None
        self.top = task.top or ""
        self.header = interface_header(task.interface) if task.interface.strip() else None

    def close(self) -> None:
        self.toolkit.close()
        self.sandbox.close()

    def run(self, make_runtime: Callable[[Any, SynthChecker], Any]) -> Candidate:
        from chipsmith.agents.synth_result import empty_candidate, finish
        from chipsmith.tools.liberty import LibertyError

        try:
            files, source = start_design(self.opts.start, self.task, self.ctx.sample, self.settings.home)
            measurer = Measurer(self.liberty, self.opts.clock_period_ps, self.sandbox)
        except (StartError, LibertyError) as exc:
            return empty_candidate(self, "no_start", str(exc))
        design_path = next(n for n, t in files.items() if defines(t, self.top))
        report = measurer.measure(files, self.top)
        if report.error:
            why = f"the starting design does not synthesize: {report.error}"
            return empty_candidate(self, "bad_start", why, files)
        start = Best(step=0, files=files, report=report, check="starting design")
        first = self._optimize(files, "start")
        verifier = Verifier(files, self.top, sandbox=self.sandbox, equiv_timeout_s=self.opts.equiv_timeout_s,
                            testbench=self._testbench if self.opts.latency_change else None)  # fmt: skip
        checker = SynthChecker(
            self.toolkit, top=self.top, header=self.header, design_path=design_path, start=start,
            measurer=measurer, verifier=verifier, goal=self.goal, latency_change=self.opts.latency_change,
            target_pct=self.opts.target_pct, max_steps=self.opts.max_steps, section_chars=self.section_chars,
            phases=self.phases,
        )  # fmt: skip
        result = make_runtime(self, checker).run(variables=self._variables(checker, first, source))
        # After a spent budget the run stops as it is: no more recipe search.
        again = checker.best.step and result.stop_reason != "budget"
        final = self._optimize(checker.best.files, "final") if again else None
        return finish(self, checker, result, source=source, optimizers=[o for o in (first, final) if o])

    def _optimize(self, files: dict[str, str], which: str) -> OptimizerSummary | None:
        budget = self.opts.optimize_budget_s
        if budget <= 0:
            return None

        def search() -> OptimizerSummary:
            return run_optimizer(
                files, self.top, design=which, goal=self.goal, budget_s=budget, liberty=self.liberty,
                clock_period_ps=self.opts.clock_period_ps, home=self.settings.home, sandbox=self.sandbox,
            )  # fmt: skip

        args = {"design": which, "goal": self.goal, "budget_s": budget}
        return self.phases.run(
            "optimize", args, search, lambda o: ("error" if o.error else "ok", o.verdict())
        )

    def _variables(
        self, checker: SynthChecker, first: OptimizerSummary | None, source: str
    ) -> dict[str, Any]:
        best = checker.best
        return {
            "spec": self.task.spec.strip(), "interface": self.task.interface.strip(), "top": self.top,
            "design_path": checker.design_path, "design": best.files[checker.design_path],
            "other_files": sorted(n for n in best.files if n != checker.design_path),
            "report": render_report(best.report), "optimizer": first.text() if first else "",
            "goal": self.goal, "goal_text": GOAL_TEXT[self.goal], "clock_period_ps": self.opts.clock_period_ps,
            "library": ", ".join(Path(p).name for p in self.opts.liberty) or "the bundled generic 45 nm library",
            "latency_change": self.opts.latency_change, "tools": list(self.tools),
            "max_steps": self.opts.max_steps,
        }  # fmt: skip

    def _testbench(self) -> TbSource | str:
        """The spec's testbench for latency changes (the verification agent's by default)."""
        from chipsmith.agents.testbench import TestbenchContext, TestbenchRequest, make_testbench

        request = TestbenchRequest(task_id=self.task.task_id, spec=self.task.spec, interface=self.task.interface,
                                   top=self.top, language=self.task.language)  # fmt: skip
        context = TestbenchContext(handle=self.handle.for_agent("verify"), toolkit=self.toolkit,
                                   settings=self.settings, observer=self.observer)  # fmt: skip
        tb = make_testbench(
            request, self.workspace, source=self.opts.testbench, header=self.header, context=context
        )
        if not tb.checks_spec:
            why = "; ".join(tb.notes) or "no testbench writer is available"
            return f"only the smoke testbench is available ({why}); it checks no behaviour of the spec"
        read = self.workspace.read_bytes
        return TbSource(
            sources={posixpath.basename(tb.path): read(tb.path).decode("utf-8", errors="replace")}, top=tb.top,
            data={posixpath.basename(n): read(n).decode("utf-8", errors="replace") for n in tb.data_files},
            label=tb.label,
        )  # fmt: skip
