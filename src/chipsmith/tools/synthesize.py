"""Synthesis with PPA: yosys maps the design to a liberty library, OpenSTA reports timing and power.

Three parts, as for every tool: ``build_yosys_script`` / ``_sta.build_sta_script`` (pure builders),
``_synth_parse.parse_yosys_log`` / ``_sta.parse_sta_log`` (pure parsers), and ``synthesize`` (the one
function that runs them through a Sandbox).
"""

from __future__ import annotations

import time
from pathlib import Path

from pydantic import BaseModel, Field

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import ExecResult, Limits, Sandbox
from chipsmith.tools import _synth_parse as yp
from chipsmith.tools._sta import StaReport, build_sta_script, parse_sta_log, power_assumption
from chipsmith.tools._yosys_names import module_name, quoted

WORK = "_chipsmith"
LIB, SCRIPT, LOG, NETLIST, STA_TCL = (
    f"{WORK}/{n}" for n in ("lib.lib", "synth.ys", "yosys.log", "mapped.v", "sta.tcl")
)
VERILOG_SUFFIXES = (".v", ".sv")
DEFAULT_ACTIVITY = 0.1


class SynthError(RuntimeError):
    """Synthesis could not produce a result; the message is one line saying why."""


class SynthResult(BaseModel):
    """Area, timing and power of one design mapped to one (merged) liberty library."""

    top: str
    liberty: list[str]
    cell_count: int
    cells: dict[str, int]
    area_um2: float
    logic_depth: int | None
    """Longest path in yosys generic gates after ``synth`` (flip-flops cut the paths)."""
    delay_ps: float | None
    """Critical path: clock-to-q + logic + setup for a clocked design; input-to-output otherwise."""
    fmax_mhz: float | None
    clock_period_ps: float
    power_w: float | None
    power_assumption: str
    wns_ps: float | None = None
    tns_ps: float | None = None
    transistors: int | None = None
    """yosys ``abc -g cmos2; stat -tech cmos`` estimate, independent of the liberty library."""
    clocks: list[str] = Field(default_factory=list)
    log: str
    wall_s: float


def _module_name(name: str) -> str:
    return module_name(name, SynthError)


def _quoted(name: str) -> str:
    return quoted(name, SynthError)


def build_yosys_script(
    sources: list[str],
    *,
    top: str | None,
    liberty: str,
    clock_period_ps: float,
    fixups: list[str] | None = None,
) -> str:
    """Pure: the yosys script that maps ``sources`` to ``liberty`` and logs what the parser reads."""
    top_arg = f"-top {_module_name(top)}" if top else "-auto-top"
    ff = "t:$_*DFF*_"
    lines = [f"read_verilog -sv {_quoted(s)}" for s in sources]
    lines += [
        f"hierarchy -check {top_arg}",
        f"synth -flatten {top_arg}",
        "ltp -noff",
        f"log {yp.CLOCKS_BEGIN}",
        f"select -list {ff} %x:+[C] {ff} %d i:* %i",
        f"log {yp.CLOCKS_END}",
        "design -save chipsmith_generic",
        f"dfflibmap -liberty {liberty}",
        f"abc -D {clock_period_ps:g} -liberty {liberty}",
        # OpenSTA's Verilog reader rejects `assign {a, b} = ...`: purge aliases, tie constants, buffer the rest.
        *(fixups if fixups is not None else ["opt_clean"]),
        f"log {yp.STAT_BEGIN}",
        f"stat -liberty {liberty}",
        f"log {yp.STAT_END}",
        f"write_verilog -noattr -noexpr {NETLIST}",
        "design -load chipsmith_generic",
        "abc -g cmos2",
        f"log {yp.CMOS_BEGIN}",
        "stat -tech cmos",
        f"log {yp.CMOS_END}",
    ]
    return "\n".join(lines) + "\n"


def _run(
    sandbox: Sandbox, cmd: list[str], files: dict[str, bytes], timeout_s: float, want: list[str]
) -> ExecResult:
    limits = Limits(cpu_s=int(timeout_s) + 5)
    res = sandbox.run(cmd, files, timeout_s=timeout_s, limits=limits, want=want)
    if res.timed_out:
        raise SynthError(f"{cmd[0]} timed out after {timeout_s:g} s")
    if res.exit_code == 127 or "execvp" in res.stderr:
        raise SynthError(
            f"{cmd[0]} is not installed where the sandbox runs; install it (see `chipsmith doctor`)"
        )
    return res


def _check_mapped(report: yp.YosysReport) -> None:
    unmapped = {c: n for c, n in report.cells.items() if c.startswith("$")}
    if unmapped:
        listed = ", ".join(f"{c} x{n}" for c, n in sorted(unmapped.items()))
        raise SynthError(f"cells not mapped to the library (no matching flip-flop/latch?): {listed}")


def synthesize(
    sources: dict[str, bytes],
    *,
    top: str | None = None,
    liberty: list[Path] | None = None,
    clock_period_ps: float = 1000.0,
    sandbox: Sandbox | None = None,
    timeout_s: float = 300,
    activity: float = DEFAULT_ACTIVITY,
) -> SynthResult:
    """Synthesize ``sources`` (relative name -> content) and report area, delay and power.

    ``liberty`` files (plain or ``.lib.gz``, times in ps) are merged into one; default: the bundled
    generic 45 nm-class library. Raises SynthError with a one-line message on any failure.
    """
    from chipsmith.tools.liberty import LibertyError, load_liberties

    start = time.monotonic()
    if clock_period_ps <= 0:
        raise SynthError("clock period must be positive (ps)")
    verilog = sorted(n for n in sources if n.endswith(VERILOG_SUFFIXES))
    if not verilog:
        raise SynthError("no Verilog sources (.v/.sv) given")
    try:
        lib_text, lib_names = load_liberties(liberty)
    except LibertyError as exc:
        raise SynthError(str(exc)) from None
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    from chipsmith.tools.liberty._helpers import helper_cells, netlist_fixups

    fixups = netlist_fixups(helper_cells(lib_text))
    script = build_yosys_script(verilog, top=top, liberty=LIB, clock_period_ps=clock_period_ps, fixups=fixups)
    result, _ = synthesize_script(
        sources,
        script,
        lib_text=lib_text,
        lib_names=lib_names,
        clock_period_ps=clock_period_ps,
        sandbox=sandbox,
        timeout_s=timeout_s,
        activity=activity,
    )
    return result.model_copy(update={"wall_s": round(time.monotonic() - start, 3)})


def synthesize_script(
    sources: dict[str, bytes],
    script: str,
    *,
    lib_text: str,
    lib_names: list[str],
    clock_period_ps: float,
    sandbox: Sandbox,
    timeout_s: float = 300,
    activity: float = DEFAULT_ACTIVITY,
) -> tuple[SynthResult, bytes]:
    """Run a synthesis ``script`` that follows ``build_yosys_script``'s contract (reads the library
    at ``LIB``, logs the parsed markers, writes ``NETLIST``), then OpenSTA; the result and netlist.

    Other flows (the recipe optimizer) reuse the measurement this way. SynthError on failure.
    """
    start = time.monotonic()
    files = {**sources, LIB: lib_text.encode(), SCRIPT: script.encode()}
    res = _run(sandbox, ["yosys", "-q", "-l", LOG, "-s", SCRIPT], files, timeout_s, [LOG, NETLIST])
    ylog = res.files.get(LOG, b"").decode(errors="replace") or res.stdout + res.stderr
    if not res.ok:
        raise SynthError(f"yosys: {yp.yosys_error(ylog + res.stderr) or f'failed (exit {res.exit_code})'}")
    report = yp.parse_yosys_log(ylog)
    if report.top is None or NETLIST not in res.files:
        raise SynthError("no module to synthesize: the sources define no top module")
    _check_mapped(report)
    sta = _run_sta(sandbox, lib_text, res.files[NETLIST], report, clock_period_ps, activity, timeout_s)
    result = _result(report, sta, lib_names, clock_period_ps, activity, ylog, time.monotonic() - start)
    return result, res.files[NETLIST]


def _run_sta(
    sandbox: Sandbox,
    lib_text: str,
    netlist: bytes,
    report: yp.YosysReport,
    period: float,
    activity: float,
    timeout_s: float,
) -> tuple[StaReport, str]:
    tcl = build_sta_script(
        liberty=LIB,
        netlist=NETLIST,
        top=report.top or "",
        clocks=report.clocks,
        period_ps=period,
        activity=activity,
    )
    files = {LIB: lib_text.encode(), NETLIST: netlist, STA_TCL: tcl.encode()}
    res = _run(sandbox, ["sta", "-no_init", "-no_splash", "-exit", STA_TCL], files, timeout_s, [])
    log = res.stdout + res.stderr
    parsed = parse_sta_log(log)
    fatal = [e for e in parsed.errors if "link" in e.lower() or "read_" in e.lower()]
    if not res.ok or fatal:
        raise SynthError(f"sta: {(fatal or parsed.errors or [f'failed (exit {res.exit_code})'])[0]}")
    return parsed, log


def _result(
    report: yp.YosysReport,
    sta_and_log: tuple[StaReport, str],
    lib_names: list[str],
    period: float,
    activity: float,
    ylog: str,
    wall_s: float,
) -> SynthResult:
    sta, sta_log = sta_and_log
    delay = round(period - sta.slack_ps, 3) if sta.slack_ps is not None else None
    return SynthResult(
        top=report.top or "",
        liberty=lib_names,
        cell_count=report.cell_count,
        cells=report.cells,
        area_um2=report.area or 0.0,
        logic_depth=report.logic_depth,
        delay_ps=delay,
        fmax_mhz=round(1e6 / delay, 3) if delay and delay > 0 else None,
        clock_period_ps=period,
        power_w=sta.power_w,
        power_assumption=power_assumption(activity, bool(report.clocks), period),
        wns_ps=sta.wns_ps,
        tns_ps=sta.tns_ps,
        transistors=report.transistors,
        clocks=report.clocks,
        log=ylog + "\n--- sta ---\n" + sta_log,
        wall_s=round(wall_s, 3),
    )


# The registry holds the function itself: agents get its schema from the typed signature.
TOOLS.add("synthesize", synthesize)
