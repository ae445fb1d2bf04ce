"""The kernel agent's own check: one kernel file through the full harness, timed per shape.

``KernelCheck(...)(code)`` runs the kernel evaluator (static anti-cheat, build, symbol allowlist,
the trusted supervisor's correctness and timing runs, the ablation run) on a task built from the
PUBLIC reference only. The agent never sees the suite's hidden shapes, so it checks its own:
the reference's module-level sizes, half of them and an odd size near half (the KernelBench
adapter's rule); when the reference cannot run at a derived size, only its own sizes are used.
A correct kernel is then timed again on each further shape (one timed harness run per shape), so
the feedback has a speedup per shape; each timed shape gets its roofline figures from the task's
declared work (``RunContext.work``) and this machine's peaks.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any, Literal

from pydantic import BaseModel, Field

TimeShapes = Literal["all", "first"]
_SEED_NAME = "SEED"
_LIB_PATH = re.compile(r"\S*/(?:k|cu)_[0-9a-f]{8,}\.(?:cpp|cu)")
_ERROR_LINE = re.compile(r"\b(error|fatal)\b", re.I)


def clean_diagnostics(text: str, backend: str) -> str:
    """Pure: compiler output with the build cache's file names replaced by the source's name."""
    return _LIB_PATH.sub("CUDA_SOURCE" if backend == "cuda" else "CPP_SOURCE", text)


def error_lines(text: str) -> list[str]:
    """Pure: the lines of a tool's output that state errors (else its first lines)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [ln for ln in lines if _ERROR_LINE.search(ln)][:8] or lines[:2]


class ShapeTiming(BaseModel):
    """The speed of a correct kernel at one shape."""

    index: int
    shape: dict[str, Any]
    speedup: float | None = None
    candidate_ms: float | None = None
    baseline_ms: float | None = None
    cpu_ms: float | None = None
    """The worker's CPU time per call (over ``candidate_ms``: about the cores it kept busy)."""
    flags: list[str] = Field(default_factory=list)
    roofline: dict[str, Any] | None = None
    at_most_ms: float | None = None
    """When the time was no measurement (below the channel's noise): the channel's own time, an
    upper bound of the kernel's (its call took no longer), used for ranking only."""
    note: str = ""
    """Why there is no figure (a failure of the timed run at this shape alone, ...)."""


class Verdict(BaseModel):
    """The harness's verdict on one kernel file, with everything the model is shown."""

    verdict: str
    """pass, fail or unusable."""
    failure_class: str
    message: str = ""
    caught_by: str | None = None
    findings: list[dict[str, Any]] = Field(default_factory=list)
    diagnostics: str = ""
    """The compiler's full output when the build failed."""
    flags: list[str] = Field(default_factory=list)
    cases: int = 0
    timings: list[ShapeTiming] = Field(default_factory=list)
    ptxas: list[dict[str, Any]] = Field(default_factory=list)
    watch: dict[str, Any] = Field(default_factory=dict)
    check_s: float = 0.0

    @property
    def correct(self) -> bool:
        return self.verdict == "pass"

    @property
    def flagged(self) -> bool:
        """Caught cheating by any anti-cheat mechanism: never a parent, never the best."""
        return self.failure_class == "cheat"

    def fitness(self, eager: dict[int, float] | None = None) -> float | None:
        """Geometric mean speedup over the timed shapes (None: not correct, or nothing timed).

        With ``eager`` (the fastest eager time per shape index seen in the solve, see
        ``EvolveState.eager_ms``) each speedup is against that instead of this check's own eager
        time: on a busy machine one shape's eager time varied 20x between checks, which ranked a
        20x slower kernel above a faster one. Then the order is the kernels' own times'."""
        vals = [v for t in self.timings if (v := _speedup(t, eager)) is not None and v > 0]
        if not self.correct or not vals:
            return None
        return math.exp(sum(math.log(v) for v in vals) / len(vals))


def _speedup(t: ShapeTiming, eager: dict[int, float] | None) -> float | None:
    base = (eager or {}).get(t.index) or t.baseline_ms
    ms = t.candidate_ms or t.at_most_ms  # an unmeasured time ranks by its upper bound: a fast
    if base is None or not ms or ms <= 0:  # kernel lost in the channel's noise is not the slowest
        return t.speedup
    return base / ms


def check_shapes(reference: str) -> list[dict[str, int]]:
    """Pure: the shapes the agent checks with: the reference's own sizes, half, odd near half."""
    from chipsmith.benchmarks.adapters._common import SuiteError
    from chipsmith.benchmarks.adapters.kernelbench import size_constants, variants

    try:
        sizes = {k: v for k, v in size_constants(reference).items() if _SEED_NAME not in k.upper()}
    except SuiteError:
        return [{}]
    return variants(sizes) if sizes else [{}]


def _reference_broke(result: Any) -> bool:
    msg = str(result.message)
    return result.verdict == "unusable" and msg.startswith(("reference failed", "degenerate task"))


class KernelCheck:
    """Checks kernel files for one task (public reference) and backend; see the module docstring."""

    def __init__(
        self,
        task_id: str,
        reference: str,
        backend: str,
        *,
        work: dict[str, str] | None = None,
        shapes: list[dict[str, Any]] | None = None,
        time_shapes: TimeShapes = "all",
        sandbox: Any = None,
    ) -> None:
        from chipsmith.tools.kernels.backends import get_backend

        self.task_id, self.reference, self.backend = task_id, reference, backend
        self.work, self.time_shapes, self.sandbox = work, time_shapes, sandbox
        self.shapes = shapes or check_shapes(reference)
        self.device = get_backend(backend).device()
        self.runs = 0
        """Harness runs made (each a full sandboxed check)."""

    def _task(self, shapes: list[dict[str, Any]]) -> Any:
        from chipsmith.benchmarks.kernel_tasks import kernel_task

        settings = {"shapes": shapes, "dtype": "float32", "work": self.work}
        return kernel_task(self.task_id, "agent-check", self.reference, "", settings)

    def _evaluate(self, code: str, shapes: list[dict[str, Any]], timed: bool | None) -> Any:
        from chipsmith.benchmarks.kernel_eval import evaluate
        from chipsmith.benchmarks.task import Candidate

        self.runs += 1
        cand = Candidate(task_id=self.task_id, files={"candidate.py": code}, backend=self.backend)
        try:
            return evaluate(self._task(shapes), cand, self.sandbox, time=timed)
        except Exception as exc:  # a harness failure is this check's verdict, never the agent's crash
            from chipsmith.benchmarks.task import EvalResult

            first = (str(exc).strip().splitlines() or [""])[0][:300]
            return EvalResult(
                verdict="fail", failure_class="harness_error", message=f"{type(exc).__name__}: {first}"
            )

    def __call__(self, code: str) -> Verdict:
        t0 = time.monotonic()
        result = self._evaluate(code, self.shapes, None)
        if _reference_broke(result) and len(self.shapes) > 1:
            self.shapes = self.shapes[:1]  # the reference only runs at its own sizes
            result = self._evaluate(code, self.shapes, None)
        verdict = self._verdict(result)
        if verdict.correct and verdict.timings and self.time_shapes == "all":
            verdict = self._time_more(code, verdict)
        verdict.check_s = round(time.monotonic() - t0, 3)
        return verdict

    def _time_more(self, code: str, verdict: Verdict) -> Verdict:
        """One timed harness run per further shape; a failure there is the kernel's verdict."""
        for i, shape in enumerate(self.shapes[1:], start=1):
            result = self._evaluate(code, [shape], True)
            if result.verdict == "fail":
                failed = self._verdict(result)
                failed.message = f"timed run at shape {i} {shape}: {failed.message}"
                return failed
            if result.verdict != "pass" or result.metrics.get("speedup") is None:
                note = f"no timing at this shape alone: {result.failure_class}: {result.message[:200]}"
                verdict.timings.append(ShapeTiming(index=i, shape=dict(shape), note=note))
            else:
                verdict.timings.append(self._timing(i, shape, result.metrics))
        return verdict

    def _verdict(self, result: Any) -> Verdict:
        m = result.metrics
        v = Verdict(
            verdict=result.verdict, failure_class=result.failure_class, message=result.message,
            caught_by=m.get("caught_by"), findings=list(m.get("findings") or []),
            diagnostics=str(m.get("diagnostics") or ""), flags=list(m.get("flags") or []),
            cases=int(m.get("cases") or 0), ptxas=list(m.get("ptxas") or []), watch=dict(m.get("watch") or {}),
        )  # fmt: skip
        if v.diagnostics:  # the build's first error, not its "In function ..." preamble
            v.diagnostics = clean_diagnostics(v.diagnostics, self.backend)
            v.message = error_lines(v.diagnostics)[0][:400]
        from chipsmith.tools.kernels.verdicts import unmeasured

        # the harness gives no speedup for a call hidden in the channel's time: kept, ranked by its bound
        timed = m.get("speedup") is not None or unmeasured(m.get("candidate_ms"), m.get("channel_ms"))
        if result.verdict == "pass" and timed:
            v.timings.append(self._timing(0, self.shapes[0], m))
        return v

    def _timing(self, index: int, shape: dict[str, Any], m: dict[str, Any]) -> ShapeTiming:
        from chipsmith.benchmarks.kernel_roofline import roofline_of, work_at
        from chipsmith.tools.kernels.verdicts import unmeasured

        if unmeasured(m.get("candidate_ms"), m.get("channel_ms")):
            note = (f"not measurable: the channel's own time ({m.get('channel_ms') or 0:.4f} ms) was above the "
                    "kernel's call (a busy machine): no speedup or roofline at this shape")  # fmt: skip
            return ShapeTiming(index=index, shape=dict(shape), baseline_ms=m.get("baseline_ms"), note=note,
                               flags=list(m.get("flags") or []), at_most_ms=m.get("channel_ms"))  # fmt: skip
        roof = roofline_of(work_at(self.work, self.reference, shape), m.get("candidate_ms"), self.device)
        return ShapeTiming(
            index=index, shape=dict(shape), speedup=m.get("speedup"), candidate_ms=m.get("candidate_ms"),
            baseline_ms=m.get("baseline_ms"), cpu_ms=m.get("candidate_cpu_ms"), flags=list(m.get("flags") or []), roofline=roof.get("roofline"),
            note=str(roof.get("roofline_note") or ""),
        )  # fmt: skip
