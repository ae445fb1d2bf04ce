"""The harness's verdict on a kernel, in words for the model (pure, apart from the error-knowledge
lookup).

Everything the harness found is shown: the build's diagnostics with the matching error-knowledge
entries, the failing case (which shape, which input distribution, the worst element and where it
is), every anti-cheat finding with the mechanism that caught it, and for a correct kernel its
speed per shape against eager PyTorch and where it sits on this machine's roofline.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.kernel_check import ShapeTiming, Verdict, clean_diagnostics, error_lines

DISTRIBUTIONS = {
    "task": "the task's own get_inputs() values",
    "normal": "N(0,1) values",
    "edge": "N(0,1) values with 10% exact zeros, 5% near +-16 and 5% scaled by 1e-4",
}
_CASE = re.compile(r"^(?:s(\d+)_(task|normal|edge)_\d+|([tu])\d+)\b")


class Sections(BaseModel):
    """One verdict as the feedback template's parts (each already bounded)."""

    headline: str
    problems: list[str] = Field(default_factory=list)
    compile: str = ""
    knowledge: str = ""
    failure: str = ""
    cheat: list[str] = Field(default_factory=list)
    caught_by: str = ""
    timing: list[str] = Field(default_factory=list)
    roofline: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


def bound(text: str, limit: int) -> str:
    text = text.strip()
    return (
        text if len(text) <= limit else text[: limit - 40].rstrip() + f"\n[... {len(text)} characters in all]"
    )


def case_words(message: str, shapes: list[dict[str, Any]]) -> str:
    """Pure: the case a harness message starts with (``s1_edge_2: ...``), in words."""
    m = _CASE.match(message)
    if m is None:
        return ""
    if m.group(3):
        shape = shapes[0] if shapes else {}
        kind = "timed" if m.group(3) == "t" else "untimed check"
        return f"a {kind} call at shape 0 {shape} with fresh {DISTRIBUTIONS['normal']}"
    i = int(m.group(1))
    shape = shapes[i] if i < len(shapes) else {}
    return f"shape {i} {shape} with {DISTRIBUTIONS[m.group(2)]}"


def knowledge(lines: list[str]) -> str:
    """The matching error-knowledge entries of the kernel toolchain (g++, nvcc, Triton)."""
    from chipsmith.agents.tooling.errknow import KERNEL, ErrorKnowledge

    try:
        return ErrorKnowledge().annotate(lines, families=KERNEL)
    except Exception:  # the knowledge extra may be missing: the feedback stands without it
        return ""


def timing_line(t: ShapeTiming) -> str:
    head = f"shape {t.index} {t.shape}"
    if t.speedup is None or t.candidate_ms is None:
        return f"{head}: {t.note or 'not timed'}"
    cores = f", {t.cpu_ms / t.candidate_ms:.1f} cores busy" if t.cpu_ms and t.candidate_ms > 0 else ""
    return (
        f"{head}: {t.candidate_ms:.4f} ms vs eager PyTorch {t.baseline_ms or 0:.4f} ms: "
        f"speedup {t.speedup:.2f}x{cores}"
    )


def roofline_line(t: ShapeTiming, peaks: dict[str, Any] | None) -> str:
    r = t.roofline
    if not r:
        return f"shape {t.index}: {t.note}" if t.note and t.speedup is not None else ""
    bw = f" of {peaks['bandwidth_gbs']:.1f}" if peaks else ""
    gf = f" of {peaks['gflops']:.1f}" if peaks else ""
    return (
        f"shape {t.index}: {r['intensity']:.3g} FLOP/byte ({r['bound']}-bound); "
        f"{r['gbs']:.2f} GB/s = {r['bandwidth_fraction']:.0%}{bw} GB/s memory bandwidth; "
        f"{r['gflops']:.2f} GFLOP/s = {r['flops_fraction']:.0%}{gf} GFLOP/s peak; "
        f"roofline fraction {r['roofline_fraction']:.0%}"
    )


def _cheat(v: Verdict) -> tuple[str, list[str]]:
    from chipsmith.tools.kernels.findings import MECHANISMS

    how = MECHANISMS.get(v.caught_by or "", v.caught_by or "")
    lines = []
    for f in v.findings[:8]:
        where = f" (line {f['line']})" if f.get("line") else ""
        mech = (
            f" <{MECHANISMS.get(f.get('mechanism') or '', f.get('mechanism'))}>" if f.get("mechanism") else ""
        )
        lines.append(f"[{f.get('check')}]{mech} {f.get('message')}{where}")
    return how, lines


def sections(
    v: Verdict, backend: str, shapes: list[dict[str, Any]], peaks: dict[str, Any] | None, limit: int = 3000
) -> Sections:
    """The parts of the feedback on one verdict (see the module docstring)."""
    out = Sections(headline=f"{v.verdict.upper()} ({v.failure_class}): {bound(v.message, 600)}")
    if v.failure_class == "compile":
        text = clean_diagnostics(v.diagnostics or v.message, backend)
        out.compile = bound(text, limit)
        out.knowledge = knowledge(error_lines(text))
    elif v.failure_class in ("runtime", "timeout", "mismatch"):
        where = case_words(v.message, shapes)
        out.failure = f"failing case: {where}" if where else ""
        if v.failure_class == "runtime":
            out.knowledge = knowledge(error_lines(v.message))
    elif v.flagged:
        out.caught_by, out.cheat = _cheat(v)
    out.timing = [timing_line(t) for t in v.timings]
    out.roofline = [line for t in v.timings if (line := roofline_line(t, peaks))]
    out.flags = list(dict.fromkeys(v.flags + [f for t in v.timings for f in t.flags]))[:6]
    return out


def instruction(v: Verdict | None, problem: str | None, search: str) -> str:
    """Pure: what the model should do next, by what failed."""
    if v is None:
        return "Answer with one ```python block holding the complete file that defines class ModelNew."
    if v.correct:
        return (
            "The kernel is correct. Make it faster (see the timings and the roofline: a memory-bound "
            "kernel gains by moving fewer bytes, a compute-bound one by vectorising and using every "
            "core); answer with the whole new file."
        )
    return {
        "compile": "Fix the build errors above and answer with the whole corrected file.",
        "runtime": "Fix the cause of the crash above and answer with the whole corrected file.",
        "timeout": "The kernel did not finish in time: look for an endless loop or far too much work.",
        "mismatch": "The outputs are wrong for the case above: fix the computation (the worst element "
        "says where) and answer with the whole corrected file.",
        "cheat": "Do all arithmetic inside your own kernel, called from forward: no torch/numpy compute, "
        "no fallback to the reference. Answer with the whole corrected file.",
    }.get(v.failure_class, "Fix the cause of this failure and answer with the whole corrected file.")
