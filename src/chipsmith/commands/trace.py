"""CLI command ``chipsmith trace TB DESIGN...``: where a failing simulation first went wrong.

Only typer is imported here; the tracer, the simulator wrapper and pyvcd load inside the command.
Exit codes: 0 a mismatch was traced, 1 nothing to trace or it could not be located (the simulation
passed, did not run, or left no failing check), 2 a usage error; always one clear line on error.
"""

from __future__ import annotations

from pathlib import Path

import typer

from chipsmith.commands._common import fail, print_json


def register(app: typer.Typer) -> None:
    app.command("trace")(trace_cmd)


def trace_cmd(
    testbench: Path = typer.Argument(..., help="The testbench file."),
    design: list[Path] = typer.Argument(None, help="Design files (and any other sources to compile)."),
    reference: list[Path] = typer.Option(
        None,
        "--ref",
        help="Reference design file(s) with the same top module: its outputs become the expected values.",
    ),
    top: str | None = typer.Option(None, "--top", help="Testbench top module (default: auto-detect)."),
    dut: str | None = typer.Option(
        None,
        "--dut",
        help="Design top module (default: the module the testbench instantiates from another file).",
    ),
    cycles: int = typer.Option(8, "--cycles", min=1, max=64, help="Cycles shown up to the first mismatch."),
    suspects: int = typer.Option(5, "--suspects", min=0, max=50, help="Suspects listed."),
    data: list[Path] = typer.Option(
        None, "--data", help="Data file placed beside the simulation ($readmemh)."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds per step (default: settings timeout_s)."
    ),
    max_chars: int = typer.Option(4000, "--max-chars", min=200, help="Bound on the text output."),
    json_out: bool = typer.Option(False, "--json", help="Print the TraceReport as JSON."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend: local, docker, ..."),
) -> None:
    """Trace a failing simulation: first mismatch, got/expected, waveform window, ranked suspects."""
    from chipsmith.commands.rtl import _read, _sandbox
    from chipsmith.config import load_settings
    from chipsmith.sandbox.base import SandboxError
    from chipsmith.tools.trace.render import render
    from chipsmith.tools.trace.tool import trace_mismatch

    sources = _read([testbench, *(design or [])])
    ref = _read(list(reference)) if reference else None
    data_files = _read(list(data)) if data else None
    timeout_s = timeout if timeout is not None else load_settings().timeout_s
    sb = _sandbox(sandbox)
    try:
        report = trace_mismatch(
            sources,
            tb_top=top,
            design_top=dut,
            reference=ref,
            cycles=cycles,
            max_suspects=suspects,
            data_files=data_files,
            sandbox=sb,
            timeout_s=timeout_s,
        )
    except SandboxError as exc:
        fail(f"sandbox failed: {exc}")
    finally:
        sb.close()
    if json_out:
        print_json(report)
    else:
        typer.echo(render(report, max_chars=max_chars))
    if report.status == "error":
        raise typer.Exit(2)
    raise typer.Exit(0 if report.status == "traced" else 1)
