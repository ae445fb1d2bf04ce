"""`chipsmith bench report`: Markdown and one self-contained HTML file comparing runs side by side.

Both are rendered from jinja templates in ``benchmarks/templates`` (StrictUndefined); the HTML
embeds its charts as inline SVG (``svg.py``) and has no external references.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from chipsmith.benchmarks.metrics import KS, RunSummary, mean_pass_at_k, summarize, task_stats
from chipsmith.benchmarks.results import RunRecord
from chipsmith.benchmarks.svg import grouped_bars, log_scatter

TEMPLATES = Path(__file__).parent / "templates"


class RunView(BaseModel):
    """One run as the templates see it."""

    label: str
    summary: RunSummary
    task_rows: list[dict[str, Any]]


def task_rows(records: list[RunRecord]) -> list[dict[str, Any]]:
    """Per task: category (with the sub-category where there is one), samples, passes, verdict note,
    best area ratio."""
    rows: dict[str, dict[str, Any]] = {}
    for r in records:
        group = f"{r.category} / {r.subcategory}" if r.subcategory else r.category
        row = rows.setdefault(
            r.task, {"task": r.task, "category": group, "n": 0, "c": 0, "note": "", "area_ratio": None}
        )
        row["n"] += 1
        row["c"] += r.verdict == "pass"
        if r.verdict == "unusable":
            row["note"] = "unusable: " + r.message[:120]
        elif r.verdict != "pass" and not row["note"]:
            row["note"] = r.failure_class
        ratio = r.metrics.get("area_ratio") if r.verdict == "pass" else None
        if isinstance(ratio, int | float) and (row["area_ratio"] is None or ratio < row["area_ratio"]):
            row["area_ratio"] = ratio
    return [rows[k] for k in sorted(rows)]


def ppa_points(records: list[RunRecord]) -> list[tuple[float, float, str]]:
    """(reference area, candidate area, task) for the smallest correct candidate of each task."""
    best: dict[str, tuple[float, float, str]] = {}
    for r in records:
        ref, cand = r.metrics.get("ref_area_um2"), r.metrics.get("area_um2")
        if r.verdict != "pass" or not isinstance(ref, int | float) or not isinstance(cand, int | float):
            continue
        if r.task not in best or cand < best[r.task][1]:
            best[r.task] = (float(ref), float(cand), r.task)
    return list(best.values())


def level_table(runs: list[tuple[str, list[RunRecord]]]) -> tuple[list[str], list[dict[str, Any]]]:
    """pass@1 per (agent, model, suite) at each spec level, runs at one level pooled; empty with one level."""
    pooled: dict[tuple[str, str, str], dict[str, list[RunRecord]]] = defaultdict(lambda: defaultdict(list))
    for _, recs in runs:
        for r in recs:
            pooled[(r.agent, r.model or "-", r.suite)][r.spec_level].append(r)
    levels = sorted({level for by_level in pooled.values() for level in by_level})
    if len(levels) < 2:
        return levels, []
    rows = [
        {
            "agent": agent,
            "model": model,
            "suite": suite,
            "pass@1": {lv: mean_pass_at_k(task_stats(by[lv]), 1) if lv in by else None for lv in levels},
        }
        for (agent, model, suite), by in sorted(pooled.items())
    ]
    return levels, rows


def build_views(runs: list[tuple[str, list[RunRecord]]]) -> list[RunView]:
    return [
        RunView(label=label, summary=summarize(recs, label), task_rows=task_rows(recs))
        for label, recs in runs
    ]


def charts(runs: list[tuple[str, list[RunRecord]]], views: list[RunView]) -> dict[str, str]:
    """The inline SVG charts: pass@1 by category (bars) and candidate vs reference area (scatter)."""
    cats = sorted({c for v in views for c in v.summary.pass_at_1_by_category})
    series = {v.label: [v.summary.pass_at_1_by_category.get(c, 0.0) for c in cats] for v in views}
    bars = grouped_bars(cats, series, title="pass@1 by category")
    scatter = log_scatter(
        {label: ppa_points(recs) for label, recs in runs},
        title="Area of correct designs vs reference",
        xlabel="reference area (um^2)",
        ylabel="candidate area (um^2)",
    )
    return {"bars": bars, "scatter": scatter, "repair": repair_chart(views)}


def repair_chart(views: list[RunView]) -> str:
    """Pass rate after each answer, one bar series per LLM-agent run ("" when there is none)."""
    curves = {v.label: v.summary.agent_stats.repair_curve for v in views if v.summary.agent_stats}
    if not curves:
        return ""
    k = max(len(c) for c in curves.values())
    series = {label: [c[min(i, len(c) - 1)] if c else 0.0 for i in range(k)] for label, c in curves.items()}
    return grouped_bars(
        [f"answer {i + 1}" for i in range(k)], series, title="repair curve: pass rate after answer k"
    )


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def fmt(value: Any, digits: int = 3) -> str:
    """Pure: a number for a table cell; '-' for missing."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render(runs: list[tuple[str, list[RunRecord]]]) -> tuple[str, str]:
    """(markdown, html) for the given (label, records) runs."""
    import markupsafe

    views = build_views(runs)
    env = _env()
    env.filters["fmt"] = fmt
    levels, level_rows = level_table(runs)
    ctx = {"views": views, "ks": [f"pass@{k}" for k in KS], "levels": levels, "level_rows": level_rows}
    md = env.get_template("report.md.j2").render(**ctx)
    svg = {k: markupsafe.Markup(v) for k, v in charts(runs, views).items()}  # our own escaped SVG
    html = env.get_template("report.html.j2").render(**ctx, charts=svg)
    return md, html


def write_report(runs: list[tuple[str, list[RunRecord]]], out: Path) -> tuple[Path, Path]:
    """Write report.md and report.html into ``out``; returns both paths."""
    md, html = render(runs)
    out.mkdir(parents=True, exist_ok=True)
    md_path, html_path = out / "report.md", out / "report.html"
    md_path.write_text(md)
    html_path.write_text(html)
    return md_path, html_path
