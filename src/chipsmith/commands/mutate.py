"""CLI: `chipsmith bench mutate`, the mutation score of a suite's testbenches.

Only typer/rich are imported here; the mutation engine and the tools load inside the command.
"""

from __future__ import annotations

from typing import Any

import typer

from chipsmith.commands._common import fail, print_json


def register_bench(bench_app: typer.Typer) -> None:
    """Add `mutate` to the `bench` sub-app."""
    bench_app.command("mutate")(mutate_cmd)


def mutate_cmd(
    suite: str = typer.Option("chipsmith-rtl", "--suite", help="Suite name, or NAME:PATH (RTL suites only)."),
    tasks: str | None = typer.Option(
        None, "--tasks", help="Task id glob(s), comma-separated (default: all)."
    ),
    max_mutants: int = typer.Option(
        30, "--max-mutants", min=1, help="Mutants per task (sampled deterministically)."
    ),
    jobs: int = typer.Option(2, "--jobs", min=1, help="Simulations run in parallel."),
    equivalence: bool = typer.Option(
        True,
        "--equiv/--no-equiv",
        help="Prove surviving mutants equivalent with yosys (they then do not count).",
    ),
    equiv_timeout: float = typer.Option(
        60.0, "--equiv-timeout", min=1.0, help="Seconds per equivalence proof."
    ),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox name (default: settings)."),
    fail_under: float | None = typer.Option(
        None, "--fail-under", min=0.0, max=1.0, help="Exit 1 when the overall score is below this (0..1)."
    ),
    survivors: bool = typer.Option(False, "--survivors", help="Also list surviving mutants."),
    json_out: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Mutate each task's reference and report how many mutants its testbench kills."""
    from chipsmith.benchmarks.adapters._common import SuiteError
    from chipsmith.benchmarks.mutate import mutable_tasks, mutate_tasks
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.sandbox import SandboxError, get_sandbox

    try:
        chosen = [t for t in select_tasks(load_suite(suite), tasks) if t.kind == "rtl"]
        box = get_sandbox(sandbox)
    except (SuiteError, SandboxError, KeyError, ValueError) as exc:
        fail(str(exc))
    if not chosen:
        fail(f"no RTL tasks in {suite} match {tasks!r}")
    chosen, skipped = mutable_tasks(chosen)
    if not chosen:
        fail(f"no task to mutate in {suite}: {'; '.join(f'{t}: {why}' for t, why in skipped.items())}")
    for task_id, why in skipped.items():
        typer.echo(f"skipped {task_id}: {why}", err=True)
    report = mutate_tasks(
        chosen,
        suite=suite,
        max_mutants=max_mutants,
        jobs=jobs,
        sandbox=box,
        equivalence=equivalence,
        equiv_timeout_s=equiv_timeout,
    )
    totals = report.totals()
    if json_out:
        print_json({"totals": totals, "skipped": skipped, **report.model_dump()})
    else:
        _print(report, totals, survivors)
    if fail_under is not None and (totals["score"] is None or float(totals["score"]) < fail_under):  # type: ignore[arg-type]
        raise typer.Exit(1)


def _print(report: Any, totals: dict[str, Any], survivors: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    cols = ["task", "mutants", "killed", "survived", "equivalent", "stillborn", "score"]
    table = Table(*cols)
    for t in report.tasks:
        row = t.summary()
        score = (
            "reference fails"
            if not t.reference_ok
            else ("-" if row["score"] is None else f"{row['score']:.0%}")
        )
        table.add_row(*(str(row[c]) for c in cols[:-1]), score)
    console = Console()
    console.print(table)
    score = "-" if totals["score"] is None else f"{totals['score']:.1%}"
    low = "-" if totals["min_task_score"] is None else f"{totals['min_task_score']:.0%}"
    console.print(
        f"overall: {score} killed ({totals['killed']} of {totals['killed'] + totals['survived']} counted; "
        f"{totals['equivalent']} equivalent, {totals['stillborn']} stillborn), lowest task {low}, "
        f"{report.wall_s:.1f} s with {report.jobs} jobs"
    )
    if totals["broken_references"]:
        console.print(f"references failing their testbench: {', '.join(totals['broken_references'])}")
    if survivors:
        for t in report.tasks:
            for o in t.outcomes:
                if o.status == "survived":
                    console.print(f"  {t.task_id} {o.id} line {o.line}: {o.description}")
