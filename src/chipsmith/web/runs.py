"""Benchmark runs under ``<home>/runs`` for the Runs page: what each is, how far it got, its report.

The report is ``chipsmith bench report``'s own (``benchmarks.report.render``), so the page shows
the same tables and charts. A run has no end marker on disk: one is shown as *in progress* while
it has fewer records than it planned (tasks x samples, from its ``run.json`` and records) and its
results file changed in the last ``ACTIVE_S`` seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

ACTIVE_S = 600.0


class RunRow(BaseModel):
    id: str
    suite: str = ""
    agent: str = ""
    model: str | None = None
    started: float | None = None
    records: int = 0
    expected: int | None = None
    """Planned samples (tasks x samples) when the suite can be read; None otherwise."""
    pass_at_1: float | None = None
    failure_classes: dict[str, int] = Field(default_factory=dict)
    updated: float | None = None
    in_progress: bool = False


def run_dirs(home: Path) -> list[Path]:
    root = home / "runs"
    if not root.is_dir():
        return []
    return sorted((d for d in root.iterdir() if (d / "results.jsonl").is_file() or (d / "run.json").is_file()),
                  key=lambda d: d.name)  # fmt: skip


def expected_samples(manifest: dict[str, Any], records: list[Any]) -> int | None:
    """Tasks the run selected x the samples seen per task (None when the suite cannot be read)."""
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks

    try:
        tasks = select_tasks(load_suite(str(manifest.get("suite", ""))), manifest.get("tasks"))
    except Exception:  # a suite that moved or a plugin not installed: progress unknown, not an error
        return None
    samples = max((r.sample for r in records), default=0) + 1
    return len(tasks) * samples


def run_row(directory: Path, now: float | None = None) -> RunRow:
    from chipsmith.benchmarks.metrics import summarize
    from chipsmith.benchmarks.results import ResultStore

    results = directory / "results.jsonl"
    try:
        manifest = json.loads((directory / "run.json").read_text())
    except (OSError, ValueError):
        manifest = {}
    records = ResultStore(results).read()
    summary = summarize(records, directory.name)
    # a run that has not recorded a sample yet is fresh from its manifest
    stamp = results if results.is_file() else directory / "run.json"
    updated = stamp.stat().st_mtime if stamp.is_file() else None
    expected = expected_samples(manifest, records) if manifest else None
    fresh = updated is not None and (now or time.time()) - updated < ACTIVE_S
    return RunRow(
        id=directory.name, suite=str(manifest.get("suite", summary.suite)), agent=str(manifest.get("agent", summary.agent)),
        model=manifest.get("model"), started=manifest.get("started"), records=len(records), expected=expected,
        pass_at_1=summary.pass_at_k.get("pass@1"), failure_classes=summary.failure_classes, updated=updated,
        in_progress=bool(fresh and (expected is None or len(records) < expected)),
    )  # fmt: skip


def report_html(home: Path, run_ids: list[str]) -> str:
    """``bench report``'s HTML for the runs (side by side when several)."""
    from chipsmith.benchmarks.report import render
    from chipsmith.benchmarks.runner import load_run

    _, html = render([load_run(home, r) for r in run_ids])
    return html


class SynthRow(BaseModel):
    """A synthesis-agent sample's before/after (its ``agent_report``), for the run page."""

    run: str
    task: str
    sample: int
    goal: str = ""
    start: str = ""
    figures: list[tuple[str, float | None, float | None, str]] = Field(default_factory=list)
    """(label, before, after, change) for area, delay and power."""
    verification: str = ""
    steps: list[dict[str, Any]] = Field(default_factory=list)
    error: str = ""


def synth_rows(home: Path, run_ids: list[str]) -> list[SynthRow]:
    """Every record of the runs that carries a synthesis agent's report (none for other agents)."""
    from chipsmith.agents.synth_steps import FIGURES, pct
    from chipsmith.benchmarks.results import ResultStore

    rows = []
    for run in run_ids:
        for rec in ResultStore(home / "runs" / run / "results.jsonl").read():
            rep = rec.agent_report
            if not isinstance(rep, dict) or rec.agent != "synth":
                continue
            before, after = rep.get("before") or {}, rep.get("after") or {}
            figures = [
                (label, before.get(f), after.get(f), pct(after.get(f), before.get(f)))
                for f, label, _ in FIGURES
            ]
            rows.append(SynthRow(
                run=run, task=rec.task, sample=rec.sample, goal=str(rep.get("goal") or ""), start=str(rep.get("start") or ""),
                figures=figures if before else [], verification=str(rep.get("verification") or ""),
                steps=[s for s in rep.get("steps") or [] if isinstance(s, dict)], error=str(rep.get("error") or ""),
            ))  # fmt: skip
    return rows
