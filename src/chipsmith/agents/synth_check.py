"""The synthesis agent's checker: each reply is one proposed change, checked before it may be kept.

For each final reply (the runtime's ``Checker``): salvage the design (a fenced or bare module, or
the design file the model wrote with a tool), check the module name and ports against the
interface, lint it, verify it (``synth_verify``: equivalence with the starting design; the spec's
testbench for a declared latency change where the options allow one), synthesize it with the
default flow and keep it only when it is verified AND better for the goal than the best design so
far. Every reply becomes a ``Step`` with its PPA before and after. A rejected proposal never
replaces the best design: the workspace's design file is put back after each check.

Stop rule: the model says there is nothing more to improve (``NO FURTHER CHANGES``, no code).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from chipsmith.agents.hdl_ports import ModuleHeader, interface_problems
from chipsmith.agents.rtl_reply import reply_code
from chipsmith.agents.runtime import Observation
from chipsmith.agents.synth_events import Phases
from chipsmith.agents.synth_reports import DesignReport, Measurer, render_report
from chipsmith.agents.synth_steps import (
    Step,
    change_line,
    declares_latency_change,
    says_done,
    steps_table,
    summary_line,
)
from chipsmith.agents.synth_verify import Verdict, Verifier
from chipsmith.agents.tooling.events import CallStatus

T = TypeVar("T")


class Best(BaseModel):
    """The best verified design so far (step 0: the starting design)."""

    step: int
    files: dict[str, str]
    report: DesignReport
    check: str


class Details(BaseModel):
    """What the model is shown about one step besides the table."""

    problems: list[str] = []
    lint: str = ""
    verification: str = ""
    report: str = ""


class SynthChecker:
    """One per solve; ``check`` is the runtime's stop rule."""

    def __init__(
        self,
        toolkit: Any,
        *,
        top: str,
        header: ModuleHeader | None,
        design_path: str,
        start: Best,
        measurer: Measurer,
        verifier: Verifier,
        goal: str,
        latency_change: bool = False,
        target_pct: float | None = 0.0,
        max_steps: int = 4,
        section_chars: int = 3000,
        phases: Phases | None = None,
    ) -> None:
        self.toolkit, self.workspace = toolkit, toolkit.workspace
        self.top, self.header, self.design_path = top, header, design_path
        self.extras = {n: t for n, t in start.files.items() if n != design_path}
        self.measurer, self.verifier, self.goal = measurer, verifier, goal
        self.latency_change, self.max_steps, self.section_chars = latency_change, max_steps, section_chars
        self.target_pct, self.phases = target_pct, phases
        self.start, self.best = start, start
        self.steps: list[Step] = []
        for name, text in start.files.items():
            self.workspace.write(name, text)

    def check(self, reply: Any, text: str, iteration: int) -> Observation:
        if says_done(text):
            return Observation(
                stop=True, reason="no_more_changes", summary="the model proposes no further change"
            )
        step, details = self.evaluate(text, len(self.steps) + 1)
        self.steps.append(step)
        self.workspace.write(self.design_path, self.best.files[self.design_path])  # a rejection is undone
        met = step.kept and self.target_met()
        return Observation(stop=met, reason="goal_met", feedback=self.feedback(step, details),
                           summary=summary_line(step))  # fmt: skip

    def gain_pct(self) -> float | None:
        """How much better the best design is than the start for the goal, in percent."""
        old, new = self.start.report.score(self.goal), self.best.report.score(self.goal)
        return None if not old or new is None else (1 - new / old) * 100

    def target_met(self) -> bool:
        gain = self.gain_pct()
        return self.target_pct is not None and gain is not None and gain > 0 and gain >= self.target_pct

    def evaluate(self, text: str, n: int) -> tuple[Step, Details]:
        """Check one reply; the best design changes only when the proposal is verified and better."""
        best = self.best
        step = Step(step=n, change=change_line(text), latency_change=declares_latency_change(text),
                    before=best.report.figures())  # fmt: skip
        details = Details()
        found = reply_code(text, self.top)
        src = found.code or self._written_by_tool()
        if src is None:
            details.problems.append(found.problem or "your reply has no design")
            return self._reject(step, "no code", "no design in the reply"), details
        files = {self.design_path: src, **self.extras}
        step.files = files
        if problems := self._interface(src):
            details.problems += problems
            return self._reject(step, "interface", "module name or ports differ from the interface"), details
        if _normal(src) == _normal(best.files[self.design_path]):
            return self._reject(step, "no change", "the same design as the best so far"), details
        self.workspace.write(self.design_path, src)
        lint = self.toolkit.call("lint", {"sources": sorted(files), "top": self.top})
        if lint.status != "ok":
            details.lint = self._bound(lint.text)
            return self._reject(step, "lint", "lint errors"), details
        verdict = self._verify(step, files)
        step.check, step.verified = verdict.check, verdict.verified
        details.verification = self._bound(verdict.detail)
        if not verdict.verified:
            return self._reject(step, verdict.check, "not verified"), details
        report = self._timed("synthesize", lambda: self.measurer.measure(files, self.top), _synth_verdict)
        step.after = report.figures() if not report.error else None
        details.report = render_report(report)
        return self._judge(step, files, report), details

    def _verify(self, step: Step, files: dict[str, str]) -> Verdict:
        proof = self._timed("equivalence", lambda: self.verifier.equivalence(files), _check_verdict)
        if proof.verified or not (step.latency_change and self.latency_change):
            return proof
        tb = self._timed("testbench", lambda: self.verifier.testbench(files), _check_verdict)
        if not tb.verified:
            tb.detail = f"{proof.check}; the testbench then decides (latency change):\n{tb.detail}"
        return tb

    def _timed(self, tool: str, fn: Callable[[], T], judge: Callable[[T], tuple[CallStatus, str]]) -> T:
        if self.phases is None:
            return fn()
        return self.phases.run(tool, {"design": self.design_path, "top": self.top}, fn, judge)

    def _judge(self, step: Step, files: dict[str, str], report: DesignReport) -> Step:
        new, old = report.score(self.goal), self.best.report.score(self.goal)
        if report.error or new is None:
            step.reason = f"no {self.goal} figure: {report.error or 'the flow reported none'}"
            return step
        if old is not None and new >= old:
            step.reason = f"no gain: {self.goal} {new:.6g} vs {old:.6g} for the best so far"
            return step
        step.kept = True
        step.reason = f"{self.goal} {new:.6g} vs {old:.6g}" if old is not None else f"{self.goal} {new:.6g}"
        self.best = Best(step=step.step, files=files, report=report, check=step.check)
        return step

    def _reject(self, step: Step, check: str, reason: str) -> Step:
        step.check = step.check or check
        step.reason = reason
        return step

    def _interface(self, src: str) -> list[str]:
        if self.header is None:
            return [] if re.search(rf"\bmodule\s+{re.escape(self.top)}\b", src) else [
                f"your code defines no module named {self.top}"
            ]  # fmt: skip
        try:
            return interface_problems(src, self.header)
        except ImportError:  # without pyslang the equivalence tool still compares the ports
            return []
        except Exception as exc:  # the parser is a guide, never a reason to stop
            return [f"the parser could not read the code ({exc})"]

    def _written_by_tool(self) -> str | None:
        """The design file, if the model changed it with a tool since the last check."""
        try:
            disk = self.workspace.read_bytes(self.design_path).decode("utf-8", errors="replace")
        except Exception:
            return None
        return disk if disk.strip() and disk != self.best.files[self.design_path] else None

    def _bound(self, text: str) -> str:
        from chipsmith.agents.tooling.render import bound

        return bound(text, self.section_chars) if text else ""

    def feedback(self, step: Step, details: Details) -> str:
        from chipsmith.prompts import render

        best = self.best
        return render(
            "synth_agent_feedback", step=step.model_dump(exclude={"files"}), max_steps=self.max_steps,
            goal=self.goal, problems=details.problems, lint=details.lint, verification=details.verification,
            proposal_report=details.report, table=steps_table(self.steps), best_step=best.step,
            best_report=render_report(best.report), best_code=None if step.kept else best.files[self.design_path],
            design_path=self.design_path, top=self.top,
        ).strip()  # fmt: skip


def _check_verdict(v: Verdict) -> tuple[CallStatus, str]:
    return ("ok" if v.verified else "fail"), v.check


def _synth_verdict(r: DesignReport) -> tuple[CallStatus, str]:
    if r.error:
        return "error", r.error
    return "ok", f"area {r.area_um2} um^2, delay {r.delay_ps} ps, power {r.power_w} W"


def _normal(text: str) -> str:
    return " ".join(text.split())
