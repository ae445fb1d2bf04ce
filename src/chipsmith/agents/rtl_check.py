"""The RTL agent's checker: each final reply -> design -> interface check -> lint -> simulate -> trace.

It implements the runtime's ``Checker``: after every answer it salvages the design from the reply
(or takes the design file the model wrote with a tool), checks the module name and ports against
the interface, writes the design into the workspace, lints it, simulates it against the agent's own
testbench and, on a mismatch, traces the waveform. Every tool runs through the toolkit (events,
budget, error knowledge). It keeps the best design so far (ranked by: has code, matches the
interface, lints clean, simulates, passes, fewest mismatches) and one snapshot per answer, which a
bench run evaluates against the hidden testbench afterwards. The stop rule: lint clean and the
testbench passes.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from chipsmith.agents.hdl_ports import ModuleHeader, interface_problems
from chipsmith.agents.rtl_reply import reply_code
from chipsmith.agents.runtime import Observation
from chipsmith.agents.testbench import Testbench

_COUNTS = re.compile(r"\((\d+) in (\d+)\)")


class Snapshot(BaseModel):
    """One checked answer."""

    iteration: int
    files: dict[str, str] | None = None
    """The design files (workspace name -> text), None when the answer held no design."""
    interface_ok: bool = False
    lint_ok: bool = False
    sim_ran: bool = False
    passed: bool = False
    mismatches: int | None = None
    samples: int | None = None
    failure: str = "no_code"
    """no_code, interface, lint, compile, mismatch, timeout, runtime, ... or pass (own testbench)."""
    summary: str = ""

    def score(self) -> tuple[Any, ...]:
        ratio = (self.mismatches / self.samples) if self.mismatches is not None and self.samples else 1.0
        return (self.files is not None, self.interface_ok, self.lint_ok, self.sim_ran, self.passed, -ratio)


class Sections(BaseModel):
    problems: list[str] = []
    lint: str = ""
    simulation: str = ""
    trace: str = ""


def counts(verdict: str) -> tuple[int | None, int | None]:
    """Pure: (mismatches, samples) from a simulate verdict such as ``mismatch (3 in 100)``."""
    m = _COUNTS.search(verdict)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def summary_of(s: Snapshot) -> str:
    """Pure: one line for events, the transcript and the prompt's "best so far"."""
    if s.files is None:
        return "no design in the answer"
    if s.passed:
        return f"lint clean, testbench passed ({s.samples} samples)"
    if s.failure == "mismatch" and s.mismatches is not None:
        return f"{s.mismatches} mismatches in {s.samples} samples"
    return {"interface": "module name or ports differ from the interface", "lint": "lint errors"}.get(
        s.failure, f"simulation failed: {s.failure}"
    )


class RtlChecker:
    """One per solve. ``check`` is the runtime's stop rule; ``evaluate`` also ranks sampled candidates."""

    def __init__(
        self,
        toolkit: Any,
        *,
        top: str,
        header: ModuleHeader | None,
        testbench: Testbench,
        design_path: str,
        extra_sources: list[str] | None = None,
        max_iterations: int = 4,
        section_chars: int = 3000,
    ) -> None:
        self.toolkit = toolkit
        self.workspace = toolkit.workspace
        self.top, self.header, self.testbench = top, header, testbench
        self.design_path = design_path
        self.extra_sources = extra_sources or []
        self.max_iterations = max_iterations
        self.section_chars = section_chars
        self.history: list[Snapshot] = []
        self.best: Snapshot | None = None
        self._written: str | None = None

    def check(self, reply: Any, text: str, iteration: int) -> Observation:
        snap, sections = self.evaluate(text, len(self.history) + 1)
        self.keep(snap)
        return Observation(
            stop=snap.passed,
            reason="testbench_passed",
            feedback=self.feedback(snap, sections),
            summary=snap.summary,
        )

    def keep(self, snap: Snapshot) -> None:
        """Record an answer; it becomes the best when it ranks higher (the earlier one wins a tie)."""
        self.history.append(snap)
        if self.best is None or snap.score() > self.best.score():
            self.best = snap

    def evaluate(self, text: str, iteration: int) -> tuple[Snapshot, Sections]:
        """Check one answer's design (tools run through the toolkit); nothing is kept yet."""
        sections = Sections()
        found = reply_code(text, self.top)
        src = found.code or self._written_by_tool()
        if src is None:
            sections.problems.append(found.problem or "your reply has no design")
            return self._done(Snapshot(iteration=iteration), sections)
        snap = Snapshot(iteration=iteration, files={self.design_path: src}, failure="interface")
        sections.problems += self._interface(src)
        snap.interface_ok = not sections.problems
        self.workspace.write(self.design_path, src)
        self._written = src
        lint = self.toolkit.call("lint", {"sources": self._design_sources(), "top": self.top})
        sections.lint, snap.lint_ok = self._bound(lint.text), lint.status == "ok"
        if not snap.interface_ok:
            return self._done(snap, sections)
        if not snap.lint_ok:
            snap.failure = "lint"
            return self._done(snap, sections)
        self._simulate(snap, sections)
        return self._done(snap, sections)

    def _interface(self, src: str) -> list[str]:
        if self.header is None:
            return []
        try:
            return interface_problems(src, self.header)
        except Exception as exc:  # the parser is a guide, never a reason to stop
            return [] if isinstance(exc, ImportError) else [f"the parser could not read the code ({exc})"]

    def _written_by_tool(self) -> str | None:
        """The design file, if the model wrote or patched it with a tool since the last check."""
        try:
            disk = self.workspace.read_bytes(self.design_path).decode("utf-8", errors="replace")
        except Exception:
            return None
        return disk if disk.strip() and disk != self._written else None

    def _design_sources(self) -> list[str]:
        return [self.design_path, *self.extra_sources]

    def _simulate(self, snap: Snapshot, sections: Sections) -> None:
        tb = self.testbench
        args: dict[str, Any] = {"sources": [tb.path, *self._design_sources()], "top": tb.top}
        if tb.data_files:
            args["data_files"] = tb.data_files
        sim = self.toolkit.call("simulate", args)
        sections.simulation = self._bound(sim.text)
        snap.passed = sim.status == "ok"
        snap.failure = "pass" if snap.passed else (sim.verdict.split(" ")[0] or "error")
        snap.sim_ran = snap.failure not in ("compile", "elaborate", "error")
        snap.mismatches, snap.samples = counts(sim.verdict)
        if snap.failure == "mismatch" and "trace_mismatch" in self.toolkit.specs:
            trace = self.toolkit.call(
                "trace_mismatch",
                {"sources": args["sources"], "tb_top": tb.top, "design_top": self.top,
                 **({"data_files": tb.data_files} if tb.data_files else {})},
            )  # fmt: skip
            sections.trace = self._bound(trace.text)

    def _bound(self, text: str) -> str:
        from chipsmith.agents.tooling.render import bound

        return bound(text, self.section_chars)

    def _done(self, snap: Snapshot, sections: Sections) -> tuple[Snapshot, Sections]:
        snap.summary = summary_of(snap)
        return snap, sections

    def feedback(self, snap: Snapshot, sections: Sections) -> str:
        from chipsmith.prompts import render

        best = self.best if self.best is not None and self.best.iteration != snap.iteration else None
        best = best if best is not None and best.files is not None else None
        return render(
            "rtl_agent_feedback", iteration=snap.iteration, max_iterations=self.max_iterations,
            problems=sections.problems, lint=sections.lint, simulation=sections.simulation,
            trace=sections.trace, testbench_path=self.testbench.path, best=best,
            instruction=instruction(snap, self.top),
        ).strip()  # fmt: skip


def instruction(snap: Snapshot, top: str) -> str:
    """Pure: what the model should do next, by what failed."""
    if snap.passed:
        return "The design passes its testbench."
    if snap.files is None:
        return f"Answer with one ```verilog block holding the complete module `{top}`."
    if not snap.interface_ok:
        return f"Keep the module name `{top}` and the ports exactly as in the interface; answer with the whole module."
    if not snap.lint_ok:
        return "Fix the lint errors above and answer with the whole corrected module."
    if snap.failure == "mismatch":
        return (
            "The design does not behave as the testbench expects. Find the cause in the trace (the "
            "suspect lines first), fix it, and answer with the whole corrected module."
        )
    return "Fix the cause of this failure and answer with the whole corrected module."
