"""CLI command ``optimize``: search synthesis recipes, prove the results, write the best one.

Only typer is imported at module level; the optimizer loads inside the command.
"""

from __future__ import annotations

from pathlib import Path

import typer


def _write_outputs(result, out: Path, lib_text: str | None) -> list[Path]:  # type: ignore[no-untyped-def]
    """best.ys, optimized_netlist.v, report.json (and merged.lib when the script names it)."""
    from chipsmith.commands._common import fail

    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "report.json"]
        (out / "report.json").write_text(
            result.model_dump_json(indent=2, exclude={"best_netlist", "best_script"})
        )
        if result.best_script:
            (out / "best.ys").write_text(result.best_script)
            (out / "optimized_netlist.v").write_text(result.best_netlist or "")
            written += [out / "best.ys", out / "optimized_netlist.v"]
            if lib_text is not None and "merged.lib" in result.best_script:
                (out / "merged.lib").write_text(lib_text)
                written.append(out / "merged.lib")
    except OSError as exc:
        fail(f"cannot write results to {out}: {exc.strerror}")
    return written


def optimize_command(
    files: list[Path] = typer.Argument(..., help="Verilog/SystemVerilog sources of the design."),
    top: str = typer.Option(..., "--top", help="Top module."),
    goal: str = typer.Option("adp", "--goal", help="area, delay, power or adp (area x delay)."),
    budget: float = typer.Option(60.0, "--budget", help="Seconds of search (verification comes after)."),
    liberty: list[Path] = typer.Option(
        [], "--liberty", help="Liberty file (.lib/.lib.gz, ps); repeat to merge."
    ),
    clock_period: float | None = typer.Option(
        None, "--clock-period", help="Clock period in ps (default 1000, or the configured one)."
    ),
    jobs: int | None = typer.Option(None, "--jobs", help="Candidates synthesized in parallel."),
    strategy: str = typer.Option("evolve", "--strategy", help="Search strategy: evolve or random."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the search."),
    reset: str = typer.Option(
        "auto", "--reset", help="Reset input for the sequential proof: a port, auto or none."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Directory for best.ys, the netlist and report.json."
    ),
    no_history: bool = typer.Option(
        False, "--no-history", help="Neither read nor extend the recipe history."
    ),
    json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend (default: configured)."),
) -> None:
    """Search yosys/ABC recipes for a design; report the proven Pareto front and the best recipe."""
    from chipsmith.commands._common import fail, print_json
    from chipsmith.commands.ppa import _read_sources, _sandbox
    from chipsmith.config import load_settings
    from chipsmith.sandbox import SandboxError
    from chipsmith.tools.optimize.evaluate import OptimizeError
    from chipsmith.tools.optimize.report import render_text
    from chipsmith.tools.optimize.run import OptimizeConfig, optimize

    settings = load_settings(clock_period_ps=clock_period, sandbox=sandbox, jobs=jobs)
    sources = _read_sources(files)
    libs = list(liberty) or list(settings.liberty) or None
    try:
        cfg = OptimizeConfig(
            goal=goal, budget_s=budget, clock_period_ps=settings.clock_period_ps, jobs=settings.jobs,
            strategy=strategy, seed=seed, reset=None if reset == "none" else reset,
            use_history=not no_history, record_history=not no_history,
        )  # fmt: skip
        result = optimize(
            sources, top=top, liberty=libs, config=cfg, home=settings.home, sandbox=_sandbox(settings.sandbox)
        )
    except (OptimizeError, SandboxError) as exc:
        fail(str(exc))
    out_dir = out or settings.home / "optimize" / f"{top}-{goal}"
    written = _write_outputs(result, out_dir, _merged_text(libs) if result.best_script else None)
    if json:
        print_json(result.model_dump(exclude={"best_netlist", "best_script", "trace"}))
    else:
        typer.echo(render_text(result))
        typer.echo("wrote " + ", ".join(str(p) for p in written))
    if result.best is None:
        raise typer.Exit(1)


def _merged_text(libs: list[Path] | None) -> str | None:
    from chipsmith.tools.liberty import LibertyError, load_liberties

    try:
        return load_liberties(libs)[0]
    except LibertyError:
        return None


def register(app: typer.Typer) -> None:
    """Add ``optimize`` to the root app."""
    app.command("optimize")(optimize_command)
