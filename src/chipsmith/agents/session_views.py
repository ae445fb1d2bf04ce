"""Views over a session's records for the chat and the web app: last simulation, PPA, usage (pure)."""

from __future__ import annotations

from typing import Any

from chipsmith.agents.session_models import CheckRecord, PpaFigures, SessionInfo, SimulationInfo, UsageInfo


def last_simulation(checks: list[CheckRecord]) -> SimulationInfo | None:
    """The last testbench run (its waveform, verdict and first mismatch), or None."""
    runs = [c for c in checks if c.kind in ("testbench", "smoke")]
    if not runs:
        return None
    c = runs[-1]
    d = c.details
    return SimulationInfo(
        check_id=c.id, design=c.subject, testbench=str(d.get("testbench", "")), tb_top=str(d.get("tb_top", "")),
        passed=c.passed, message=str(d.get("message", c.summary)), mismatches=d.get("mismatches"),
        samples=d.get("samples"), vcd=d.get("vcd"), first_mismatch_time=d.get("first_mismatch_time"),
        first_mismatch_cycle=d.get("first_mismatch_cycle"), timescale=str(d.get("timescale") or ""),
        differing=list(d.get("differing") or []), trace=str(d.get("trace") or ""),
    )  # fmt: skip


def ppa_figures(checks: list[CheckRecord]) -> list[PpaFigures]:
    """Every PPA check as figures (with its baseline and goal), oldest first."""
    out = []
    for c in checks:
        if c.kind != "ppa":
            continue
        d = c.details
        out.append(PpaFigures(
            design=c.subject, sha=c.subject_sha, top=d.get("top"), area_um2=d.get("area_um2"),
            delay_ps=d.get("delay_ps"), power_w=d.get("power_w"), baseline=d.get("baseline"), goal=d.get("goal"),
            passed=c.passed, check_id=c.id,
        ))  # fmt: skip
    return out


def usage_info(summary: Any, info: SessionInfo, engine: Any = None) -> UsageInfo:
    """The session's usage: the ledger's totals, the wall time, the budget's limits."""
    wall = engine.tracker.wall_s if engine is not None else info.wall_s
    limits = engine.tracker.budget.model_dump() if engine is not None else dict(info.budget)
    return UsageInfo(
        input_tokens=summary.input_tokens, output_tokens=summary.output_tokens, cost_usd=summary.cost_usd,
        model_calls=summary.model_calls, cached_calls=summary.cached_calls, tool_calls=summary.tool_calls,
        wall_s=round(wall, 3), limits=limits,
    )  # fmt: skip
