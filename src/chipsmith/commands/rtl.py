"""CLI commands ``chipsmith lint`` and ``chipsmith sim``. Only typer/rich at import; tools load inside.

Exit codes: 0 when the check passed (lint: no errors; sim: the testbench passed), 1 when it ran and
failed, 2 for a usage error (missing file, unknown sandbox...), always with one clear line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from chipsmith.commands._common import fail, print_json

if TYPE_CHECKING:
    from chipsmith.sandbox.base import Sandbox
    from chipsmith.tools.lint import Diagnostic

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _sandbox(name: str | None) -> Sandbox:
    """The sandbox from settings (flag > env > chipsmith.toml > default), or a one-line error."""
    from chipsmith.config import load_settings
    from chipsmith.sandbox import get_sandbox

    try:
        return get_sandbox(load_settings(sandbox=name).sandbox)
    except Exception as exc:  # unknown name, Docker unreachable, bad config: all are user-fixable
        fail(f"cannot use sandbox {name or 'from settings'}: {exc}")


def _read(paths: list[Path]) -> dict[str, bytes]:
    from chipsmith.tools.hdl import read_paths

    try:
        return read_paths(paths)
    except ValueError as exc:
        fail(str(exc))


def _print_diagnostics(console: Console, diags: list[Diagnostic]) -> None:
    for d in diags:
        console.print(f"[{_STYLE[d.severity]}]{escape(d.one_line())}[/]  [dim]({d.tool})[/]")


def lint_cmd(
    files: list[Path] = typer.Argument(..., help="Verilog/SystemVerilog files to lint."),
    top: str | None = typer.Option(None, "--top", help="Top module (default: each tool decides)."),
    json_out: bool = typer.Option(False, "--json", help="Print the LintResult as JSON."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend: local, docker, ..."),
) -> None:
    """Lint RTL with Verilator (-Wall) and Icarus Verilog; exit 0 when there are no errors."""
    from chipsmith.sandbox.base import SandboxError
    from chipsmith.tools.lint import lint

    sources = _read(files)
    sb = _sandbox(sandbox)
    try:
        result = lint(sources, top=top, sandbox=sb)
    except SandboxError as exc:
        fail(f"sandbox failed: {exc}")
    finally:
        sb.close()
    if json_out:
        print_json(result)
    else:
        console = Console(highlight=False)
        _print_diagnostics(console, result.diagnostics)
        counts = {s: sum(d.severity == s for d in result.diagnostics) for s in ("error", "warning")}
        verdict = "[bold green]clean[/]" if result.ok else "[bold red]errors[/]"
        tools = ", ".join(result.tools) or "no tool"
        console.print(
            f"{verdict}: {counts['error']} errors, {counts['warning']} warnings ({tools}, {result.wall_s:.1f} s)"
        )
    raise typer.Exit(0 if result.ok else 1)


def sim_cmd(
    testbench: Path = typer.Argument(..., help="The testbench file."),
    design: list[Path] = typer.Argument(None, help="Design files (and any other sources to compile)."),
    top: str | None = typer.Option(
        None, "--top", help="Testbench top module (default: auto-detect, else tb)."
    ),
    simulator: str = typer.Option("iverilog", "--simulator", help="iverilog or verilator."),
    vcd: Path | None = typer.Option(
        None, "--vcd", help="Write a VCD waveform of the testbench here (iverilog)."
    ),
    data: list[Path] = typer.Option(
        None, "--data", help="Data file placed beside the simulation, e.g. for $readmemh."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds per step (default: settings timeout_s)."
    ),
    json_out: bool = typer.Option(
        False, "--json", help="Print the SimResult as JSON (without the VCD bytes)."
    ),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend: local, docker, ..."),
) -> None:
    """Simulate TB + DESIGN; exit 0 only when the testbench passes."""
    from chipsmith.config import load_settings
    from chipsmith.sandbox.base import SandboxError
    from chipsmith.tools.simulate import SIMULATORS, simulate

    if simulator not in SIMULATORS:
        fail(f"unknown simulator {simulator!r}; choose one of: {', '.join(SIMULATORS)}")
    if vcd is not None and simulator != "iverilog":
        fail("--vcd works with --simulator iverilog only")
    sources = _read([testbench, *(design or [])])
    data_files = _read(list(data)) if data else None
    timeout_s = timeout if timeout is not None else load_settings().timeout_s
    sb = _sandbox(sandbox)
    try:
        result = simulate(
            sources,
            top=top,
            simulator=simulator,
            sandbox=sb,
            timeout_s=timeout_s,
            vcd=vcd is not None,
            data_files=data_files,
        )
    except SandboxError as exc:
        fail(f"sandbox failed: {exc}")
    finally:
        sb.close()
    if vcd is not None and result.vcd is not None:
        vcd.write_bytes(result.vcd)
    if json_out:
        print_json(_sim_json(result, vcd))
    else:
        _print_sim(result, vcd)
    raise typer.Exit(0 if result.passed else 1)


def _sim_json(result: Any, vcd: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = result.model_dump(mode="json", exclude={"vcd"})
    out["vcd_path"] = str(vcd) if vcd is not None and result.vcd is not None else None
    return out


def _print_sim(result: Any, vcd: Path | None) -> None:
    console = Console(highlight=False)
    _print_diagnostics(console, [d for d in result.diagnostics if d.severity == "error"])
    if not result.passed and result.log.strip():
        tail = "\n".join(result.log.strip().splitlines()[-15:])
        console.print(f"[dim]{escape(tail)}[/]")
    style = "bold green" if result.passed else "bold red"
    label = "PASS" if result.passed else result.failure_class.upper()
    console.print(
        f"[{style}]{label}[/] ({result.simulator}, {result.wall_s:.1f} s): {escape(result.message)}"
    )
    if vcd is not None:
        console.print(f"waveform: {vcd}" if result.vcd is not None else "[yellow]no waveform was produced[/]")


def register(app: typer.Typer) -> None:
    """Add ``lint`` and ``sim`` to the root app."""
    app.command("lint")(lint_cmd)
    app.command("sim")(sim_cmd)
