"""How the synthesis agent checks a proposed design before it may be kept.

- By default the proposal must be proven equivalent to the STARTING design (every kept design is
  proven against the original, not only against the previous step): the yosys SAT engine first (it
  gives a counterexample to show the model), then, when induction does not close, ABC's ``dprove``
  (it settles most of what SAT leaves unknown; docs/ppa-equiv.md). Unknown is not proven.
- A change that alters the latency on purpose (pipelining), declared by the model and allowed by
  the agent's options, cannot be equivalent cycle for cycle: it is run against a testbench that
  checks the spec instead (the verification agent's, or another writer's; never the smoke
  testbench, which checks no behaviour). The starting design must pass that testbench first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

SIM_TIMEOUT_S = 60.0


class Verdict(BaseModel):
    """A check's answer: whether the proposal is verified, a short label, details for the model."""

    verified: bool
    check: str
    detail: str = ""


class TbSource(BaseModel):
    """A testbench that checks the spec: its files and top, and what passing it means."""

    sources: dict[str, str]
    top: str
    data: dict[str, str] = {}
    label: str = ""


TbProvider = Callable[[], "TbSource | str"]
"""Returns the testbench, or one line saying why there is none (called at most once)."""


class Verifier:
    """Checks proposals against the starting design (``start``: file name -> text)."""

    def __init__(
        self,
        start: dict[str, str],
        top: str,
        *,
        sandbox: Any = None,
        equiv_timeout_s: float = 120.0,
        testbench: TbProvider | None = None,
    ) -> None:
        self.start, self.top, self.sandbox = start, top, sandbox
        self.equiv_timeout_s = equiv_timeout_s
        self._provider = testbench
        self._tb: TbSource | str | None = None
        self._start_ok: Verdict | None = None

    def equivalence(self, files: dict[str, str]) -> Verdict:
        """Prove ``files`` equivalent to the start: SAT (with a counterexample), then ABC when unknown."""
        from chipsmith.agents.verify_equiv import prove_refactor, render_verdict

        v = prove_refactor(
            self.start, files, top=self.top, sandbox=self.sandbox, timeout_s=self.equiv_timeout_s
        )
        if v.status == "equivalent":
            return Verdict(verified=True, check=f"equivalent ({v.method})")
        if v.status in ("different", "error"):
            label = "NOT equivalent" if v.status == "different" else "equivalence error"
            return Verdict(verified=False, check=f"{label}{f' ({v.method})' if v.method else ''}",
                           detail=render_verdict(v))  # fmt: skip
        return self._abc(files, render_verdict(v))

    def _abc(self, files: dict[str, str], sat_text: str) -> Verdict:
        from chipsmith.tools.equivalence import EquivError, check_equivalence

        try:
            res = check_equivalence(
                {n: t.encode() for n, t in self.start.items()}, {n: t.encode() for n, t in files.items()},
                top=self.top, sandbox=self.sandbox, timeout_s=self.equiv_timeout_s, engine="abc",
            )  # fmt: skip
        except EquivError as exc:
            return Verdict(verified=False, check="unknown (not proven)", detail=f"{sat_text}\nABC: {exc}")
        if res.equivalent is True:
            return Verdict(verified=True, check=f"equivalent ({res.method})")
        label = "NOT equivalent" if res.equivalent is False else "unknown (not proven)"
        return Verdict(verified=False, check=f"{label} ({res.method})", detail=f"{sat_text}\n{res.message}")

    def testbench(self, files: dict[str, str]) -> Verdict:
        """Run ``files`` against the spec's testbench (latency changed by design)."""
        tb = self._testbench()
        if isinstance(tb, str):
            return Verdict(verified=False, check="no testbench", detail=tb)
        start = self._start_passes(tb)
        if not start.verified:
            return start
        return self._run(tb, files, passed="testbench passed", failed="testbench FAILED")

    def _testbench(self) -> TbSource | str:
        if self._tb is None:
            if self._provider is None:
                self._tb = "no testbench that checks the spec is available for a latency change"
            else:
                try:
                    self._tb = self._provider()
                except Exception as exc:  # a writer that fails leaves latency changes unverifiable
                    from chipsmith.llm.errors import BudgetExceeded

                    if isinstance(exc, BudgetExceeded):
                        raise
                    self._tb = f"the testbench could not be written: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        return self._tb

    def _start_passes(self, tb: TbSource) -> Verdict:
        if self._start_ok is None:
            v = self._run(tb, self.start, passed="ok", failed="testbench fails the starting design")
            self._start_ok = v if not v.verified else Verdict(verified=True, check="ok")
        return self._start_ok

    def _run(self, tb: TbSource, files: dict[str, str], *, passed: str, failed: str) -> Verdict:
        from chipsmith.agents.verify_run import TbFiles, failing_case, run_design

        tbf = TbFiles(sources=tb.sources, tb_top=tb.top, data=tb.data)
        design = "\n".join(files[n] for n in sorted(files))
        sim = run_design(tbf, design, sandbox=self.sandbox, timeout_s=SIM_TIMEOUT_S)
        if sim.passed:
            return Verdict(verified=True, check=f"{passed} ({sim.samples} samples)")
        detail = sim.message
        if sim.failure_class == "mismatch":
            try:
                detail += "\n" + failing_case(tbf, design, top=self.top, sandbox=self.sandbox)
            except Exception as exc:  # the verdict stands without the trace
                detail += f"\n(no waveform trace: {type(exc).__name__})"
        return Verdict(verified=False, check=failed, detail=detail)
