"""CLI commands ``synth`` (area, delay, power) and ``equiv`` (formal equivalence).

Only typer is imported at module level; the tools are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer


def _read_sources(files: list[Path]) -> dict[str, bytes]:
    """Files given on the command line, by base name (one-line error when unreadable)."""
    from chipsmith.commands._common import fail

    sources: dict[str, bytes] = {}
    for f in files:
        try:
            data = f.read_bytes()
        except FileNotFoundError:
            fail(f"no such file: {f}")
        except OSError as exc:
            fail(f"cannot read {f}: {exc.strerror}")
        if f.name in sources:
            fail(f"two files named {f.name}: give each source a distinct name")
        sources[f.name] = data
    return sources


def _sandbox(name: str | None):  # type: ignore[no-untyped-def]
    from chipsmith.commands._common import fail
    from chipsmith.registry import UnknownNameError
    from chipsmith.sandbox import SandboxError, get_sandbox

    try:
        return get_sandbox(name)
    except (UnknownNameError, SandboxError) as exc:
        fail(str(exc))


def synth_command(
    files: list[Path] = typer.Argument(
        ..., help="Verilog/SystemVerilog sources (.v/.sv); headers alongside."
    ),
    top: str | None = typer.Option(None, "--top", help="Top module (default: yosys picks it)."),
    liberty: list[Path] = typer.Option(
        [], "--liberty", help="Liberty file (.lib or .lib.gz, times in ps); repeat to merge several."
    ),
    clock_period: float | None = typer.Option(
        None, "--clock-period", help="Clock period in ps [default: 1000]."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend (default: configured)."),
) -> None:
    """Synthesize with yosys and report area, delay, fmax and power (OpenSTA)."""
    from chipsmith.commands._common import fail, print_json
    from chipsmith.config import load_settings
    from chipsmith.sandbox import SandboxError
    from chipsmith.tools.synthesize import SynthError, synthesize

    settings = load_settings(clock_period_ps=clock_period, sandbox=sandbox)
    sources = _read_sources(files)
    libs = list(liberty) or list(settings.liberty) or None
    try:
        result = synthesize(
            sources,
            top=top,
            liberty=libs,
            clock_period_ps=settings.clock_period_ps,
            sandbox=_sandbox(settings.sandbox),
        )
    except (SynthError, SandboxError) as exc:
        fail(str(exc))
    if json:
        print_json(result.model_dump(exclude={"log"}))
        return
    _print_synth(result)


def _fmt(value: float | int | None, unit: str, spec: str = ".3f") -> str:
    return "n/a" if value is None else f"{value:{spec}} {unit}".strip()


def _print_synth(r) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("top", r.top),
        ("liberty", ", ".join(r.liberty)),
        ("cells", f"{r.cell_count}  ({', '.join(f'{k} {v}' for k, v in sorted(r.cells.items()))})"),
        ("area", _fmt(r.area_um2, "um^2")),
        ("logic depth", _fmt(r.logic_depth, "gates", "d")),
        ("critical path", _fmt(r.delay_ps, "ps")),
        ("fmax", _fmt(r.fmax_mhz, "MHz", ".1f")),
        ("clock", f"{r.clock_period_ps:g} ps on {', '.join(r.clocks) or 'a virtual clock (combinational)'}"),
        ("wns / tns", f"{_fmt(r.wns_ps, 'ps')} / {_fmt(r.tns_ps, 'ps')}"),
        ("power", _fmt(r.power_w, "W", ".4g")),
        ("transistors", _fmt(r.transistors, "(cmos estimate)", "d")),
    ]
    for key, value in rows:
        typer.echo(f"{key:>14}: {value}")
    typer.echo(f"{'power model':>14}: {r.power_assumption}")


def equiv_command(
    gold: Path = typer.Argument(..., help="Reference (golden) design file."),
    gate: Path = typer.Argument(..., help="Design to check against the reference."),
    top: str | None = typer.Option(None, "--top", help="Top module of the reference (default: auto)."),
    gate_top: str | None = typer.Option(None, "--gate-top", help="Top module of the checked design."),
    depth: int = typer.Option(20, "--depth", min=1, help="Most induction steps for sequential designs."),
    reset: str = typer.Option(
        "auto", "--reset", help="Reset input asserted in cycle 1: a port, auto or none."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    sandbox: str | None = typer.Option(None, "--sandbox", help="Sandbox backend (default: configured)."),
) -> None:
    """Prove GATE equivalent to GOLD (yosys SAT / induction). Exit 0 only when proven equal."""
    from chipsmith.commands._common import fail, print_json
    from chipsmith.config import load_settings
    from chipsmith.sandbox import SandboxError
    from chipsmith.tools.equivalence import EquivError, check_equivalence

    settings = load_settings(sandbox=sandbox)
    gold_src, gate_src = _read_sources([gold]), _read_sources([gate])
    try:
        result = check_equivalence(
            gold_src,
            gate_src,
            top=top,
            gate_top=gate_top,
            depth=depth,
            reset=None if reset == "none" else reset,
            sandbox=_sandbox(settings.sandbox),
        )
    except (EquivError, SandboxError) as exc:
        fail(str(exc))
    if json:
        print_json(result.model_dump(exclude={"log"}))
    else:
        _print_equiv(result)
    if result.equivalent is not True:
        raise typer.Exit(1)


def _print_equiv(r) -> None:  # type: ignore[no-untyped-def]
    verdict = {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNKNOWN"}[r.equivalent]
    typer.echo(f"{verdict} ({r.method}{'' if r.depth is None else f', depth {r.depth}'}): {r.message}")
    for step, values in enumerate(r.counterexample or [], start=1):
        typer.echo(f"  cycle {step}: " + " ".join(f"{k}={v}" for k, v in values.items()))


def register(app: typer.Typer) -> None:
    """Add ``synth`` and ``equiv`` to the root app."""
    app.command("synth")(synth_command)
    app.command("equiv")(equiv_command)
