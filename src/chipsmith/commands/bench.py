"""CLI commands: `chipsmith bench list|run|score|report` (+ `mutate` when that module exists).

Only typer/rich are imported here; the runner and its tools load inside the commands.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any, Literal

import typer

from chipsmith.commands._common import fail, print_json

bench_app = typer.Typer(
    help="Benchmarks: list suites, run agents, score samples, write reports.", no_args_is_help=True
)

SUITE_HELP = "Suite name, or NAME:PATH for adapter suites (verilog-eval:DIR, rtllm:DIR, chipsmith-rtl:DIR)."
SPEC_LEVEL_HELP = "Spec shown to the agent: detailed (any suite) or high (chipsmith-rtl only)."


def register(app: typer.Typer) -> None:
    """Add the `bench` group (and the mutate command of the RTL-suite area, when present)."""
    if importlib.util.find_spec("chipsmith.commands.mutate") is not None:
        mutate = importlib.import_module("chipsmith.commands.mutate")
        if hasattr(mutate, "register_bench"):
            mutate.register_bench(bench_app)
    app.add_typer(bench_app, name="bench")


def _user_errors() -> tuple[type[BaseException], ...]:
    from chipsmith.benchmarks.adapters._common import SuiteError
    from chipsmith.benchmarks.controls import ControlError
    from chipsmith.benchmarks.runner import RunnerError

    return (SuiteError, RunnerError, ControlError)


@bench_app.command("list")
def list_cmd(
    suite: str | None = typer.Option(None, "--suite", help=SUITE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    check: bool = typer.Option(
        True, "--check/--no-check", help="RTL tasks: run each reference once (cached) to tell usable tasks."
    ),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Parallel reference checks."),
) -> None:
    """List suites, or the tasks of one suite: category, sub-category, difficulty, and whether the
    task is usable here (with the reason when it is not)."""
    from chipsmith.benchmarks.suites_api import load_suite
    from chipsmith.registry import SUITES

    if suite is None:
        rows = [
            {"suite": n, "doc": (SUITES.get(n).__doc__ or "").strip().splitlines()[0]} for n in SUITES.names()
        ]
        return print_json(rows) if json_out else _table(["suite", "doc"], rows)
    try:
        tasks = load_suite(suite)
    except _user_errors() as exc:
        fail(str(exc))
    checks = _reference_checks(tasks, jobs) if check else {}
    rows = [_task_row(t, checks.get(t.id)) for t in tasks]
    if json_out:
        return print_json(rows)
    cols = ["task", "kind", "category", "subcategory", "difficulty", "usable", "why"]
    shown = [
        c for c in cols if any(r[c] not in (None, "") for r in rows) or c in ("task", "kind", "category")
    ]
    return _table(shown, rows)


def _reference_checks(tasks: list[Any], jobs: int | None) -> dict[str, dict[str, Any]]:
    from chipsmith.benchmarks.rtl_eval import check_references
    from chipsmith.config import load_settings

    settings = load_settings(jobs=jobs)
    return check_references(tasks, cache_dir=settings.home / "cache" / "bench", jobs=settings.jobs)


def _task_row(task: Any, check: dict[str, Any] | None) -> dict[str, Any]:
    """One listing row; ``usable`` is None when nothing was checked (kernel tasks, --no-check)."""
    static = task.hidden.settings.get("unusable")
    usable = False if static else (check["ok"] if check else None)
    why = str(static) if static else (check["why"] if check and not check["ok"] else "")
    return {
        "task": task.id, "kind": task.kind, "category": task.category, "subcategory": task.subcategory,
        "difficulty": task.difficulty, "usable": usable, "why": why,
    }  # fmt: skip


def _table(cols: list[str], rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*cols)
    for row in rows:
        table.add_row(*("-" if row[c] is None else str(row[c]) for c in cols))
    Console().print(table)


@bench_app.command("run")
def run_cmd(
    suite: str = typer.Option(..., "--suite", help=SUITE_HELP),
    agent: str = typer.Option(..., "--agent", help="Agent name (reference, null, or an LLM agent)."),
    model: str | None = typer.Option(None, "--model", help="Model spec for LLM agents."),
    samples: int = typer.Option(1, "--samples", min=1, help="Samples per task."),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Parallel jobs (default: settings.jobs)."),
    run_id: str | None = typer.Option(None, "--run-id", help="Run id; an existing one is resumed."),
    executor: str | None = typer.Option(None, "--executor", help="local (process pool) or ray."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster address."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox for tools: local or docker."),
    backend: str | None = typer.Option(None, "--backend", help="Kernel backend for kernel tasks."),
    tasks: str | None = typer.Option(None, "--tasks", help="Glob(s) over task ids, comma-separated."),
    no_ppa: bool = typer.Option(False, "--no-ppa", help="Skip synthesis of correct designs."),
    ppa_timeout: float = typer.Option(300, "--ppa-timeout", min=1, help="Seconds allowed for one synthesis."),
    optimize: Literal["area", "delay", "power", "adp"] | None = typer.Option(
        None, "--optimize", help="RTL: PPA also after `chipsmith optimize` (this goal), both sides."
    ),
    optimize_budget: float = typer.Option(30, "--optimize-budget", min=1, help="Search seconds per design."),
    spec_level: Literal["detailed", "high"] = typer.Option("detailed", "--spec-level", help=SPEC_LEVEL_HELP),
    budget_usd: float | None = typer.Option(None, "--budget-usd", min=0, help="LLM agents: USD per solve."),
    budget_tokens: int | None = typer.Option(
        None, "--budget-tokens", min=1, help="LLM agents: tokens per solve."
    ),
    budget_wall: float | None = typer.Option(
        None, "--budget-wall", min=1, help="LLM agents: seconds per solve."
    ),
    budget_calls: int | None = typer.Option(
        None, "--budget-calls", min=1, help="LLM agents: model calls per solve."
    ),
    budget_tool_calls: int | None = typer.Option(
        None, "--budget-tool-calls", min=1, help="LLM agents: tool calls per solve."
    ),
    run_budget_usd: float | None = typer.Option(
        None, "--run-budget-usd", min=0, help="LLM agents: USD for the whole run (no new solve past it)."
    ),
    run_budget_tokens: int | None = typer.Option(
        None, "--run-budget-tokens", min=1, help="LLM agents: tokens for the whole run."
    ),
    run_budget_calls: int | None = typer.Option(
        None, "--run-budget-calls", min=1, help="LLM agents: model calls for the whole run."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="LLM agents: do not reuse cached model replies."),
    protocol: Literal["native", "text"] | None = typer.Option(
        None, "--protocol", help="LLM agents: tool protocol (default: per model; text for local)."
    ),
    agent_option: list[str] = typer.Option(
        [], "--agent-option", "-O", help="Agent option KEY=VALUE (repeatable), e.g. -O max_iterations=3."
    ),
    search: Literal["single", "repair", "evolve"] | None = typer.Option(
        None, "--search", help="Kernel agent: single (one-shot), repair (feedback loop) or evolve."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Evaluate every (task, sample); results append to <home>/runs/<run-id>/results.jsonl."""
    from chipsmith.benchmarks.run_budget import RunBudget
    from chipsmith.benchmarks.runner import RunConfig
    from chipsmith.config import load_settings

    settings = load_settings(
        jobs=jobs, executor=executor, ray_address=ray_address, sandbox=sandbox, model=model
    )
    budget = {"max_usd": budget_usd, "max_tokens": budget_tokens, "max_wall_s": budget_wall,
              "max_model_calls": budget_calls, "max_tool_calls": budget_tool_calls}  # fmt: skip
    run_budget = RunBudget(
        max_usd=run_budget_usd, max_tokens=run_budget_tokens, max_model_calls=run_budget_calls
    )
    cfg = RunConfig(
        suite=suite, agent=agent, model=model or settings.model, samples=samples, jobs=settings.jobs,
        run_id=run_id, executor=settings.executor, ray_address=settings.ray_address, sandbox=sandbox,
        backend=backend, tasks=tasks, home=settings.home, ppa=not no_ppa, ppa_timeout_s=ppa_timeout,
        spec_level=spec_level, budget={k: v for k, v in budget.items() if v is not None}, protocol=protocol,
        cache=not no_cache, agent_options=parse_agent_options(agent_option) | ({"search": search} if search else {}),
        optimize=optimize, optimize_budget_s=optimize_budget, run_budget=run_budget,
    )  # fmt: skip
    _execute(cfg, json_out)


def parse_agent_options(items: list[str]) -> dict[str, Any]:
    """Pure: ``KEY=VALUE`` strings as a dict (values stay strings; the agent's options model converts)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(f"--agent-option {item!r}: write KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


@bench_app.command("score")
def score_cmd(
    suite: str = typer.Option(..., "--suite", help=SUITE_HELP),
    samples_dir: Path = typer.Option(
        ..., "--samples", help="DIR/<task>/sample_<k>.v, DIR/<task>.v or DIR/<task>_sampleNN.sv."
    ),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Parallel jobs."),
    run_id: str | None = typer.Option(None, "--run-id", help="Run id; an existing one is resumed."),
    tasks: str | None = typer.Option(None, "--tasks", help="Glob(s) over task ids."),
    no_ppa: bool = typer.Option(False, "--no-ppa", help="Skip synthesis of correct designs."),
    spec_level: Literal["detailed", "high"] = typer.Option(
        "detailed", "--spec-level", help="Spec level the samples were generated from (recorded)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Score candidate files produced elsewhere against a suite."""
    from chipsmith.benchmarks.runner import RunConfig
    from chipsmith.benchmarks.samples_dir import discover
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.config import load_settings

    if not samples_dir.is_dir():
        fail(f"{samples_dir} is not a directory")
    try:
        found = {t.id: len(discover(samples_dir, t.id)) for t in select_tasks(load_suite(suite), tasks)}
    except _user_errors() as exc:
        fail(str(exc))
    counts = {k: n for k, n in found.items() if n}
    if not counts:
        fail(
            f"no sample files for any task of {suite} under {samples_dir} (see `chipsmith bench score --help`)"
        )
    if len(counts) < len(found):
        typer.echo(
            f"{len(found) - len(counts)} of {len(found)} tasks have no samples and are not scored", err=True
        )
    settings = load_settings(jobs=jobs)
    cfg = RunConfig(
        suite=suite, agent="samples-dir", samples=max(counts.values()), jobs=settings.jobs, run_id=run_id,
        executor=settings.executor, tasks=tasks, home=settings.home, ppa=not no_ppa,
        agent_options={"root": str(samples_dir.resolve())}, samples_per_task=counts, spec_level=spec_level,
    )  # fmt: skip
    _execute(cfg, json_out)


def _execute(cfg: Any, json_out: bool) -> None:
    """Run with a progress bar (ETA, running pass rate); print the summary."""
    from chipsmith.benchmarks.runner import run_benchmark
    from chipsmith.commands._bench_progress import RunProgress

    with RunProgress(enabled=not json_out) as prog:
        try:
            summary = run_benchmark(cfg, progress=prog.update, on_start=prog.start)
        except _user_errors() as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted; rerun with the same --run-id to resume", code=130)
    if json_out:
        print_json(summary)
    else:
        prog.print_summary(summary, cfg.home)
        _print_agent(summary)
    if summary.stopped:
        typer.echo(f"stopped: {summary.stopped}", err=True)


def _print_agent(summary: Any) -> None:
    """The LLM agent's model, usage and repair in a few lines (nothing for control agents)."""
    a = summary.agent_stats
    if a is None:
        return
    cost = "unknown" if a.cost_usd is None else f"${a.cost_usd:.4f}"
    curve = ", ".join(f"{p:.2f}" for p in a.repair_curve)
    typer.echo(f"  model: {'; '.join(a.model_labels) or '-'}")
    typer.echo(
        f"  tokens in/out {a.input_tokens}/{a.output_tokens}, model calls {a.model_calls} "
        f"(+{a.cached_calls} cached), tool calls {a.tool_calls}, cost {cost}"
    )
    typer.echo(f"  repair curve (pass rate after answer k): {curve}; stop reasons: {a.stop_reasons}")


@bench_app.command("report")
def report_cmd(
    runs: list[str] = typer.Argument(..., help="Run ids (under <home>/runs) or run directories."),
    out: Path | None = typer.Option(
        None, "--out", help="Output directory (default: <home>/reports/<first run>)."
    ),
) -> None:
    """Write report.md and one self-contained report.html comparing the runs."""
    from chipsmith.benchmarks.report import write_report
    from chipsmith.benchmarks.runner import load_run
    from chipsmith.config import load_settings

    home = load_settings().home
    try:
        loaded = [load_run(home, r) for r in runs]
    except _user_errors() as exc:
        fail(str(exc))
    md, html = write_report(loaded, out or home / "reports" / loaded[0][0])
    typer.echo(f"report: {md}\nreport: {html}")
