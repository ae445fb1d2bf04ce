"""The checks the orchestrator runs in code on workspace files, each recorded as a ``CheckRecord``.

Nothing here trusts a sub-agent's report: a design is judged by running the session's testbench on
its current content (with a waveform saved under ``sim/`` and the tracer's report on a failure),
by an equivalence proof against a named version, by synthesis against a PPA goal, or (a kernel) by
the kernel harness. The same functions serve the tools the model calls and the final verification.
"""

from __future__ import annotations

import posixpath
from typing import Any

from pydantic import BaseModel

from chipsmith.agents.orchestrator_context import ToolContext
from chipsmith.agents.orchestrator_verdict import Goal, classify
from chipsmith.agents.session_files import sha256
from chipsmith.agents.session_models import CheckRecord
from chipsmith.agents.testbench import SMOKE_TOP

SIM_TIMEOUT_S = 30.0


class TbRef(BaseModel):
    path: str
    top: str


def modules_top(text: str) -> str | None:
    """Pure: the one module of ``text`` no other module in it instantiates (None if unclear)."""
    from chipsmith.tools.hdl import top_candidates

    tops = top_candidates({"f.v": text})
    return tops[0] if len(tops) == 1 else None


def hdl_files(ctx: ToolContext, kind: str) -> dict[str, str]:
    """Workspace HDL files of one kind (``design`` or ``testbench``): path -> text."""
    out = {}
    for rel, _ in ctx.workspace.list("."):
        if rel.endswith((".v", ".sv")):
            text = ctx.read_text(rel)
            if classify(rel, text) == kind:
                out[rel] = text
    return out


def design_bundle(ctx: ToolContext, path: str) -> str:
    """The design file plus the workspace design files defining modules it instantiates (transitively)."""
    from chipsmith.tools.hdl import find_modules, instantiated

    others = {p: t for p, t in hdl_files(ctx, "design").items() if p != path}
    texts, todo = [ctx.read_text(path)], True
    while todo:
        todo = False
        for p, t in list(others.items()):
            if instantiated(texts, find_modules(t)):
                texts.append(others.pop(p))
                todo = True
    return "\n".join(texts)


def find_testbench(ctx: ToolContext, top: str) -> TbRef | None:
    """The session's testbench for module ``top``: ``tb/<top>_tb.sv`` (or ``.v``), else any
    testbench file that instantiates ``top``."""
    from chipsmith.tools.hdl import instantiated

    benches = hdl_files(ctx, "testbench")
    preferred = [f"tb/{top}_tb.sv", f"tb/{top}_tb.v"]
    for path in preferred + sorted(benches):
        text = benches.get(path)
        if text and instantiated([text], [top]) and (tb_top := modules_top(text)):
            return TbRef(path=path, top=tb_top)
    return None


def _tb_files(ctx: ToolContext, tb: TbRef) -> Any:
    from chipsmith.agents.verify_run import TbFiles

    name = posixpath.basename(tb.path) or "tb.sv"
    return TbFiles(sources={name: ctx.read_text(tb.path)}, tb_top=tb.top)


def _trace(ctx: ToolContext, tb: TbRef, design: str, top: str | None) -> Any:
    from chipsmith.agents.verify_run import DESIGN_NAME
    from chipsmith.benchmarks.rtl_eval import candidate_sources
    from chipsmith.tools.trace.tool import trace_mismatch

    files = _tb_files(ctx, tb)
    sources = {n: s.encode() for n, s in files.sources.items()} | candidate_sources({DESIGN_NAME: design})
    return trace_mismatch(
        sources, tb_top=tb.top, design_top=top, sandbox=ctx.sandbox, timeout_s=SIM_TIMEOUT_S
    )


def run_testbench(ctx: ToolContext, design: str, tb: TbRef, *, by: str = "orchestrator") -> CheckRecord:
    """Run testbench ``tb`` on the workspace design ``design``; save the waveform; trace a failure."""
    from chipsmith.agents.verify_run import run_design
    from chipsmith.tools.trace.render import render

    text, sha = design_bundle(ctx, design), ctx.sha_of(design)
    top = modules_top(ctx.read_text(design))
    sim = run_design(_tb_files(ctx, tb), text, sandbox=ctx.sandbox, timeout_s=SIM_TIMEOUT_S, vcd=True)
    details: dict[str, Any] = {"testbench": tb.path, "tb_top": tb.top, "testbench_sha": ctx.sha_of(tb.path),
                               "top": top, "mismatches": sim.mismatches, "samples": sim.samples,
                               "message": sim.message, "failure_class": sim.failure_class}  # fmt: skip
    vcd_path = f"sim/{top or 'design'}.vcd"
    if sim.vcd and ctx.write_large(vcd_path, sim.vcd):
        details["vcd"] = vcd_path
    if not sim.passed and sim.failure_class == "mismatch":
        report = _trace(ctx, tb, text, top)
        details.update(first_mismatch_time=report.first_mismatch_time, first_mismatch_cycle=report.first_mismatch_cycle,
                       timescale=report.timescale, differing=[d.model_dump() for d in report.differing],
                       trace=render(report))  # fmt: skip
    smoke = tb.top == SMOKE_TOP
    summary = f"testbench {tb.path} on {design}: {sim.message if sim.passed else 'FAIL: ' + sim.message}"
    if smoke:
        summary += " [smoke testbench: checks no behaviour of the spec]"
    return ctx.record(CheckRecord(
        id=ctx.next_check_id(), turn=ctx.turn, kind="smoke" if smoke else "testbench", subject=design,
        subject_sha=sha, passed=sim.passed, counts=not smoke, summary=summary, by=by, details=details,
    ))  # fmt: skip


def run_tb_quality(ctx: ToolContext, tb: TbRef, design: str, *, by: str = "final") -> CheckRecord:
    """A testbench is usable when it passes the design and rejects one that drives nothing."""
    from chipsmith.agents.verify_run import null_problems

    header = _interface_of(ctx.read_text(design))
    problems = null_problems(_tb_files(ctx, tb), header, sandbox=ctx.sandbox, timeout_s=SIM_TIMEOUT_S)
    own = _earlier_run(ctx, design, tb) or run_testbench(ctx, design, tb, by=by)
    if not own.passed:
        problems.append(f"it does not pass the design: {own.details.get('message', '')}")
    passed = not problems and own.counts
    summary = f"testbench {tb.path}: " + ("usable (passes the design, rejects a design that drives nothing)"
                                          if passed else "; ".join(problems) or "not usable")  # fmt: skip
    return ctx.record(CheckRecord(
        id=ctx.next_check_id(), turn=ctx.turn, kind="testbench_quality", subject=tb.path,
        subject_sha=ctx.sha_of(tb.path), passed=passed, summary=summary, by=by,
        details={"design": design, "design_sha": ctx.sha_of(design), "problems": problems},
    ))  # fmt: skip


def _earlier_run(ctx: ToolContext, design: str, tb: TbRef) -> CheckRecord | None:
    """A recorded run of this testbench content on this design content, if there is one."""
    sha, tb_sha = ctx.sha_of(design), ctx.sha_of(tb.path)
    runs = [c for c in ctx.checks() if c.kind in ("testbench", "smoke") and c.subject == design
            and c.subject_sha == sha and c.details.get("testbench_sha") == tb_sha]  # fmt: skip
    return runs[-1] if runs else None


def _interface_of(text: str) -> str:
    """Pure: the first module's header (``module ...;``) for building a design that drives nothing."""
    from chipsmith.tools.hdl import strip_comments_and_strings

    clean = strip_comments_and_strings(text)
    start = clean.find("module")
    end = clean.find(";", start)
    return text[start : end + 1] if start >= 0 and end > start else ""


def run_equivalence(
    ctx: ToolContext, design: str, ref_path: str, ref_sha: str, *, by: str = "orchestrator"
) -> CheckRecord:
    """Prove the workspace design equivalent to a recorded version ``ref_sha`` of ``ref_path``."""
    from chipsmith.agents.verify_equiv import prove_refactor, render_verdict

    ref_text = ctx.history.read(ref_sha).decode("utf-8", errors="replace")
    text = design_bundle(ctx, design)
    top = modules_top(ctx.read_text(design))
    proof = prove_refactor({"reference.v": ref_text}, {"design.v": text}, top=top, sandbox=ctx.sandbox)
    trusted = ctx.trusted(ref_path, ref_sha)
    ref_name = f"{ref_path}@{ref_sha[:10]}"
    summary = f"equivalence of {design} with {ref_name}: {render_verdict(proof).splitlines()[0]}"
    if proof.passed and not trusted:
        summary += " (the reference itself was never verified)"
    return ctx.record(CheckRecord(
        id=ctx.next_check_id(), turn=ctx.turn, kind="equivalence", subject=design, subject_sha=ctx.sha_of(design),
        passed=proof.passed, summary=summary, by=by,
        details={"reference": ref_path, "reference_sha": ref_sha, "reference_trusted": trusted,
                 "method": proof.method, "status": proof.status, "counterexample": proof.counterexample},
    ))  # fmt: skip


def ppa_of(ctx: ToolContext, text: str, top: str | None) -> dict[str, Any]:
    """Area, delay and power of one design text (synthesized once per content, cached)."""
    from chipsmith.benchmarks.rtl_eval import design_ppa

    cache = ctx.settings.home / "cache" / "bench"
    return design_ppa({"design.v": text.encode()}, top, ctx.sandbox, cache)


def run_ppa(
    ctx: ToolContext,
    design: str,
    goal: Goal | None,
    baseline: tuple[str, str] | None,
    *,
    by: str = "orchestrator",
) -> CheckRecord:
    """Synthesize the design (and the baseline version, if any) and judge ``goal``."""
    text, top = design_bundle(ctx, design), modules_top(ctx.read_text(design))
    figures = ppa_of(ctx, text, top)
    base = None
    if baseline is not None:
        base = ppa_of(ctx, ctx.history.read(baseline[1]).decode("utf-8", errors="replace"), top)
    passed, verdict = judge_goal(goal, figures, base)
    details = {**figures, "top": top, "goal": goal.key() if goal else None,
               "baseline": {**(base or {}), "path": baseline[0], "sha": baseline[1]} if baseline else None}  # fmt: skip
    return ctx.record(CheckRecord(
        id=ctx.next_check_id(), turn=ctx.turn, kind="ppa", subject=design, subject_sha=ctx.sha_of(design),
        passed=passed, summary=f"PPA of {design}: {verdict}", by=by, details=details,
    ))  # fmt: skip


def judge_goal(goal: Goal | None, figures: dict[str, Any], base: dict[str, Any] | None) -> tuple[bool, str]:
    """Pure: (passed, one line) for a PPA goal on synthesis figures."""
    if "error" in figures:
        return False, f"synthesis failed: {figures['error']}"
    shown = ", ".join(f"{k} {figures.get(f)}" for k, f in
                      (("area_um2", "area_um2"), ("delay_ps", "delay_ps"), ("power_w", "power_w")))  # fmt: skip
    if goal is None:
        return True, shown
    field = {"area": "area_um2", "delay": "delay_ps", "power": "power_w"}[goal.metric]
    value = figures.get(field)
    if not isinstance(value, int | float):
        return False, f"{shown}; no {goal.metric} figure to judge {goal.text()}"
    if goal.bound is not None:
        ok = value <= goal.bound
        return ok, f"{shown}; goal {goal.text()}: {'met' if ok else 'NOT met'}"
    ref = (base or {}).get(field)
    if not isinstance(ref, int | float):
        return False, f"{shown}; no baseline {goal.metric} to compare with ({goal.text()})"
    ok = value < ref
    return ok, f"{shown}; {goal.metric} {value:g} vs baseline {ref:g}: {'better' if ok else 'NOT better'}"


def run_kernel(
    ctx: ToolContext, kernel: str, backend: str, *, reference: str | None = None, task: str | None = None,
    by: str = "orchestrator",
) -> CheckRecord:  # fmt: skip
    """The kernel harness on a workspace kernel: against a suite task's reference or a workspace one."""
    from chipsmith.benchmarks.kernel_eval import evaluate
    from chipsmith.benchmarks.task import Candidate

    details: dict[str, Any] = {"backend": backend, "reference": reference, "task": task}
    try:
        kernel_task = _kernel_task(ctx, reference, task)
        src = ctx.read_text(kernel)
        result = evaluate(
            kernel_task, Candidate(task_id=kernel_task.id, files={"candidate.py": src}, backend=backend)
        )
        passed, message = (
            result.verdict == "pass",
            f"{result.verdict} ({result.failure_class}): {result.message}",
        )
        details.update(failure_class=result.failure_class, speedup=result.metrics.get("speedup"),
                       caught_by=result.metrics.get("caught_by"))  # fmt: skip
    except Exception as exc:  # a missing extra, an unreadable reference: the check fails with one line
        passed, message = (
            False,
            f"could not run the kernel harness: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
        )
    return ctx.record(CheckRecord(
        id=ctx.next_check_id(), turn=ctx.turn, kind="kernel", subject=kernel, subject_sha=ctx.sha_of(kernel),
        passed=passed, summary=f"kernel harness on {kernel} ({backend}): {message[:300]}", by=by, details=details,
    ))  # fmt: skip


def _kernel_task(ctx: ToolContext, reference: str | None, task: str | None) -> Any:
    from chipsmith.benchmarks.kernel_tasks import kernel_task

    if task:
        from chipsmith.benchmarks.suites_api import load_suite

        tasks = {t.id: t for t in load_suite("chipsmith-kernels")}
        if task not in tasks:
            raise ValueError(f"no chipsmith-kernels task {task!r}")
        return tasks[task]
    if not reference:
        raise ValueError("name the reference file (a PyTorch Model) or a chipsmith-kernels task")
    src = ctx.read_text(reference)
    return kernel_task(
        "session", "session", src, f"reference {reference}", {"shapes": [{}], "dtype": "float32"}
    )


def content_sha(text: str) -> str:
    return sha256(text.encode())
