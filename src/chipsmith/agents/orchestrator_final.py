"""The end of a turn: the code's own checks of what the turn produced, the verdict, the report.

Whatever the orchestrator model did or claimed, ``finalize`` looks at the workspace: each design
or kernel the turn changed (or checked) gets the checks the request needs on its final content,
run here when none was recorded (its testbench, an equivalence proof against the version the turn
started from, the PPA goal against that baseline, the kernel harness); then ``decide`` rules on
the records alone, and ``render_report`` writes the evidence the user sees.
"""

from __future__ import annotations

from typing import Any

from chipsmith.agents.orchestrator_checks import (
    find_testbench,
    modules_top,
    run_equivalence,
    run_kernel,
    run_ppa,
    run_tb_quality,
    run_testbench,
)
from chipsmith.agents.orchestrator_context import ToolContext
from chipsmith.agents.orchestrator_verdict import Requirements, Subject, Verdict, classify, decide
from chipsmith.agents.session_files import changes, sizes_of, snapshot
from chipsmith.agents.session_models import CheckRecord, FileChange


def subjects_of(ctx: ToolContext, changed: list[FileChange]) -> list[Subject]:
    """Designs and kernels the turn changed, plus those it checked without changing."""
    paths = [c.path for c in changed if c.status != "deleted"]
    paths += [c.subject for c in ctx.checks(ctx.turn) if c.subject not in paths]
    out = []
    for path in paths:
        try:
            text = ctx.read_text(path)
        except Exception:  # deleted since, or refused
            continue
        kind = classify(path, text)
        if kind in ("design", "kernel"):
            out.append(Subject(path=path, sha=ctx.sha_of(path), kind=kind))
    return out


def _has(checks: list[CheckRecord], s: Subject, kinds: tuple[str, ...], goal: str | None = None) -> bool:
    return any(
        c.subject == s.path and c.subject_sha == s.sha and c.kind in kinds and c.passed
        and (goal is None or c.details.get("goal") == goal)
        for c in checks
    )  # fmt: skip


def _baseline(ctx: ToolContext, s: Subject) -> tuple[str, str] | None:
    """The version to compare a changed design with: its content when the turn began."""
    sha = ctx.turn_start.get(s.path)
    return (s.path, sha) if sha and sha != s.sha else None


def _final_design_checks(ctx: ToolContext, s: Subject, reqs: Requirements) -> None:
    top = modules_top(ctx.read_text(s.path))
    tb = find_testbench(ctx, top) if top else None
    base = _baseline(ctx, s)
    functional = [c for c in ctx.checks() if c.subject == s.path and c.subject_sha == s.sha
                  and c.counts and c.kind in ("testbench", "equivalence")]  # fmt: skip
    if not functional and tb is not None:
        run_testbench(ctx, s.path, tb, by="final")
    elif not functional and base is not None and ctx.trusted(*base):
        run_equivalence(ctx, s.path, *base, by="final")
    if reqs.equivalence and base is not None and not _has(ctx.checks(), s, ("equivalence",)):
        run_equivalence(ctx, s.path, *base, by="final")
    for goal in reqs.goals:
        if not _has(ctx.checks(), s, ("ppa",), goal.key()):
            run_ppa(ctx, s.path, goal, base if goal.bound is None else None, by="final")
    if reqs.testbench and tb is not None:
        mine = [c for c in ctx.checks() if c.kind == "testbench_quality" and c.passed
                and c.details.get("design") == s.path and c.details.get("design_sha") == s.sha]  # fmt: skip
        if not mine:
            run_tb_quality(ctx, tb, s.path, by="final")


def _final_kernel_checks(ctx: ToolContext, s: Subject) -> None:
    earlier = [c for c in ctx.checks() if c.subject == s.path and c.kind == "kernel"]
    if any(c.subject_sha == s.sha for c in earlier) or not earlier:
        return  # checked already, or no reference known to check it against (decide says so)
    d = earlier[-1].details
    run_kernel(
        ctx, s.path, d.get("backend") or "cpp", reference=d.get("reference"), task=d.get("task"), by="final"
    )


def finalize(ctx: ToolContext, reqs: Requirements, stop_reason: str) -> tuple[Verdict, list[FileChange]]:
    """Run the missing checks on what the turn produced, then decide (not when cancelled)."""
    snap = snapshot(ctx.workspace)
    changed = changes(ctx.turn_start, snap, sizes_of(ctx.workspace))
    subjects = subjects_of(ctx, changed)
    if stop_reason != "cancelled":
        for s in subjects:
            if s.kind == "design":
                _final_design_checks(ctx, s, reqs)
            else:
                _final_kernel_checks(ctx, s)
        snap = snapshot(ctx.workspace)  # the checks wrote waveforms
        changed = changes(ctx.turn_start, snap, sizes_of(ctx.workspace))
    ctx.history.record(snap, ctx.turn, "session")
    return decide(reqs, subjects, ctx.checks(), stop_reason), changed


def render_report(
    verdict: Verdict, checks: list[CheckRecord], changed: list[FileChange], extra: dict[str, Any]
) -> str:
    """Pure: the evidence block shown under the model's answer."""
    lines = ["Checks run this turn:" if checks else "Checks run this turn: none"]
    lines += [f"  [{'pass' if c.passed else 'FAIL'}] {c.summary}" + ("" if c.counts else " (does not count)")
              for c in checks]  # fmt: skip
    for p in extra.get("ppa", []):
        lines.append(
            f"PPA {p['design']}: area {p.get('area_um2')} um2, delay {p.get('delay_ps')} ps, power {p.get('power_w')} W"
        )
    if changed:
        shown = ", ".join(f"{c.path} ({c.status})" for c in changed[:20])
        lines.append(f"Files: {shown}" + (f" and {len(changed) - 20} more" if len(changed) > 20 else ""))
    lines.append(f"Workspace: {extra.get('workspace', '')}")
    if extra.get("sources"):
        lines.append("Sources: " + "; ".join(f"{s['source']}" + (f" ({s['section']})" if s.get("section") else "")
                                          for s in extra["sources"]))  # fmt: skip
    word = {"met": "MET", "not_met": "NOT MET", "answered": "nothing to verify", "cancelled": "CANCELLED",
            "error": "ERROR"}[verdict.status]  # fmt: skip
    lines.append(f"Verdict: {word}" + ("" if verdict.met else "".join(f"\n  - {r}" for r in verdict.reasons)))
    return "\n".join(lines)
