"""The PPA and Runs APIs: a session's synthesis figures, the optimizer's reports, benchmark runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse

from chipsmith.web.security import REPORT_CSP
from chipsmith.web.state import WebState, get_state

router = APIRouter(prefix="/api")


def before_after(figures: list[Any]) -> list[dict[str, Any]]:
    """Pure: per synthesized version, its figures and the change against the version it was
    compared with (a synthesis or optimize step's before/after)."""
    rows = []
    for f in figures:
        base = f.baseline or {}
        row = {"design": f.design, "sha": f.sha[:12], "goal": f.goal, "passed": f.passed}
        for key in ("area_um2", "delay_ps", "power_w"):
            now, then = getattr(f, key), base.get(key)
            row[key] = now
            row[key + "_before"] = then
            row[key + "_change"] = (now / then - 1) if isinstance(now, float | int) and then else None
        rows.append(row)
    return rows


def optimizer_reports(home: Path) -> list[tuple[str, Any]]:
    """(name, OptimizeResult) of each ``<home>/optimize/<name>/report.json`` that reads."""
    from pydantic import ValidationError

    from chipsmith.tools.optimize.report import OptimizeResult

    out = []
    for path in sorted((home / "optimize").glob("*/report.json")):
        try:
            out.append((path.parent.name, OptimizeResult.model_validate(json.loads(path.read_text()))))
        except (OSError, ValueError, ValidationError):
            continue
    return out


@router.get("/s/{ref}/ppa")
def ppa(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    from chipsmith.web.charts import pareto_chart, ppa_bars

    figures = state.session(ref).ppa()
    reports = optimizer_reports(state.home)
    return {
        "rows": before_after(figures),
        "chart": ppa_bars(figures) if figures else "",
        "optimizer": [{"name": name, "top": r.top, "goal": r.goal, "front": len(r.front),
                       "evaluations": r.evaluations, "chart": pareto_chart(r)} for name, r in reports],
    }  # fmt: skip


def known_runs(home: Path, wanted: list[str]) -> list[str]:
    """The requested run ids that exist under ``<home>/runs`` (never a path), else 404."""
    from chipsmith.web.runs import run_dirs

    names = {d.name for d in run_dirs(home)}
    unknown = [r for r in wanted if r not in names]
    if unknown or not wanted:
        raise HTTPException(404, f"no run {unknown[0] if unknown else '(none given)'} under {home / 'runs'}")
    return wanted


@router.get("/runs")
def runs(state: WebState = Depends(get_state)) -> list[dict[str, Any]]:
    from chipsmith.web.runs import run_dirs, run_row

    return [run_row(d).model_dump(mode="json") for d in reversed(run_dirs(state.home))]


@router.get("/runs/status")
def status(run: list[str] = Query(default=[]), state: WebState = Depends(get_state)) -> list[dict[str, Any]]:
    from chipsmith.web.runs import run_row

    return [run_row(state.home / "runs" / r).model_dump(mode="json") for r in known_runs(state.home, run)]


@router.get("/runs/report", response_class=HTMLResponse)
def report(run: list[str] = Query(default=[]), state: WebState = Depends(get_state)) -> HTMLResponse:
    from chipsmith.web.runs import report_html

    html = report_html(state.home, known_runs(state.home, run))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
