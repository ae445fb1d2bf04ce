"""The ``trace_mismatch`` tool: where a failing simulation first went wrong, and which lines to suspect.

Three sandbox runs at most: the simulation with a VCD (``tools.simulate``), Verilator's front end
on the same sources (``--xml-only``; retried on the design files alone when the testbench uses
something Verilator rejects), and, when a reference design is given, the same testbench on the
reference. The rest is pure (``_assemble``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import Limits, Sandbox
from chipsmith.tools.hdl import check_files, decode_sources, find_modules, instantiated
from chipsmith.tools.simulate import SimResult, compiled_files, simulate
from chipsmith.tools.trace._assemble import Context, Run, assemble
from chipsmith.tools.trace._frontend import (
    XML_FILE,
    DesignModel,
    FrontendError,
    parse_design_xml,
    verilator_xml_cmd,
)
from chipsmith.tools.trace._waves import VcdError, read_vcd
from chipsmith.tools.trace.models import TraceReport

__all__ = ["TraceOptions", "TraceReport", "trace_mismatch", "trace_run"]

FRONTEND_LIMITS = Limits(output_bytes=200_000, file_mb=64)


def _first_error(log: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if "%Error" in ln] or [
        ln.strip() for ln in log.splitlines() if ln.strip()
    ]
    return lines[0][:200] if lines else "no output"


def _design_files(sources: Mapping[str, bytes], tb_top: str) -> list[str]:
    """Compiled files that do not define the testbench top (the design, and any reference beside it)."""
    text = decode_sources(sources)
    return [n for n in compiled_files(list(sources)) if tb_top not in find_modules(text[n])]


def guess_design_top(sources: Mapping[str, bytes], tb_top: str) -> str | None:
    """The module the testbench file instantiates that another file defines (``RefModule`` excepted;
    ``TopModule`` breaks a tie); the scanners of ``tools.hdl``, for when the front end cannot help."""
    text = decode_sources(sources)
    tb_file = next((n for n, src in text.items() if tb_top in find_modules(src)), None)
    if tb_file is None:
        return None
    others = {m for n, src in text.items() if n != tb_file for m in find_modules(src)} - {"RefModule"}
    used = sorted(instantiated([text[tb_file]], others))
    return used[0] if len(used) == 1 else ("TopModule" if "TopModule" in used else None)


def front_end(
    sandbox: Sandbox, sources: Mapping[str, bytes], tb_top: str, design_top: str | None, timeout_s: float
) -> tuple[DesignModel | None, str]:
    """The design model from Verilator's XML of testbench + design, else of the design alone; or a reason."""
    files = compiled_files(list(sources))
    attempts = [(files, tb_top)]
    alone = design_top or guess_design_top(sources, tb_top)
    if alone:
        attempts.append((_design_files(sources, tb_top), alone))
    why = "the front end did not run"
    for names, top in attempts:
        res = sandbox.run(
            verilator_xml_cmd(names, top),
            dict(sources),
            timeout_s=timeout_s,
            limits=FRONTEND_LIMITS,
            want=[XML_FILE],
        )
        xml = res.files.get(XML_FILE)
        if xml is None:
            why = f"verilator could not read the sources: {_first_error(res.stdout + res.stderr)}"
            continue
        try:
            return parse_design_xml(
                xml.decode("utf-8", errors="replace"), design_top, decode_sources(sources)
            ), ""
        except FrontendError as exc:
            why = str(exc)
    return None, why


def _base(sim: SimResult, design_top: str | None) -> TraceReport | None:
    """A finished report when there is nothing to trace (did not run, passed, no waveform)."""
    if sim.failure_class in ("compile", "elaborate"):
        return TraceReport(
            status="not-run",
            message=f"the simulation did not run: {sim.message}",
            simulation=sim.message,
            design_top=design_top,
        )
    if sim.passed:
        return TraceReport(
            status="passed",
            message="the simulation passed; there is no mismatch to trace",
            simulation=sim.message,
            design_top=design_top,
        )
    if not sim.vcd:
        why = (
            "the simulation was stopped by its timeout before it wrote a waveform (an endless loop?)"
            if sim.failure_class == "timeout"
            else "no waveform was produced (does the testbench call $dumpfile itself?)"
        )
        return TraceReport(status="error", message=why, simulation=sim.message, design_top=design_top)
    return None


@TOOLS.register("trace_mismatch")
def trace_mismatch(
    sources: dict[str, bytes],
    *,
    tb_top: str | None = None,
    design_top: str | None = None,
    reference: dict[str, bytes] | None = None,
    cycles: int = 8,
    max_suspects: int = 5,
    data_files: dict[str, bytes] | None = None,
    sandbox: Sandbox | None = None,
    timeout_s: float = 60,
) -> TraceReport:
    """Trace a failing simulation of testbench + design ``sources`` (file name -> content).

    Returns the first mismatching time, the outputs that differ there (got / expected), the design's
    inputs, registers and outputs over the ``cycles`` cycles up to it, and up to ``max_suspects``
    design signals (with the lines assigning them) ranked by how well they explain the failing
    cycles. ``tb_top`` is the testbench module (default: as ``simulate`` picks it); ``design_top``
    the design module (default: the one the testbench instantiates from another file).
    ``reference``: files defining a correct design with the same top module; when given, the same
    testbench runs on it and its outputs are the expected values. Bad input gives a report whose
    status says why (``not-run``, ``error``), never an exception.
    """
    problem = check_files(sources) or (check_files(reference) if reference else None)
    if problem:
        return TraceReport(status="error", message=problem)
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    sim = simulate(sources, top=tb_top, sandbox=sandbox, timeout_s=timeout_s, vcd=True, data_files=data_files)
    options = TraceOptions(tb_top, design_top, cycles, max_suspects, data_files, timeout_s)
    return trace_run(sandbox, sources, sim, options, reference=reference)


@dataclass
class TraceOptions:
    """The knobs of one trace (see ``trace_mismatch``)."""

    tb_top: str | None = None
    design_top: str | None = None
    cycles: int = 8
    max_suspects: int = 5
    data_files: dict[str, bytes] | None = None
    timeout_s: float = 60


def trace_run(
    sandbox: Sandbox,
    sources: Mapping[str, bytes],
    sim: SimResult,
    options: TraceOptions,
    *,
    reference: Mapping[str, bytes] | None = None,
    reference_run: Run | None = None,
) -> TraceReport:
    """Trace an already simulated run (``sim`` made with ``vcd=True``). ``reference_run``: the
    reference's run of the same testbench when the caller already has it (a benchmark reuses one
    per task); else ``reference`` files are simulated here when given."""
    done = _base(sim, options.design_top)
    if done is not None:
        return done
    try:
        waves = read_vcd(sim.vcd or b"")
    except VcdError as exc:
        return TraceReport(status="error", message=str(exc), simulation=sim.message)
    tb = options.tb_top or next(iter(waves.scopes), "tb")
    model, why = front_end(sandbox, sources, tb, options.design_top, options.timeout_s)
    notes = [f"no suspects: {why}"] if model is None else []
    ref, ref_note = reference_run, ""
    if ref is None and reference:
        ref, ref_note = _reference_run(sandbox, sources, reference, model, tb, options)
    notes += [ref_note] if ref_note else []
    ctx = Context(
        run=Run(waves, sim.log),
        model=model,
        sources=sources,
        tb_top=tb,
        ref=ref,
        cycles=options.cycles,
        max_suspects=options.max_suspects,
        notes=notes,
    )
    return assemble(
        ctx, TraceReport(status="traced", message="", simulation=sim.message, design_top=options.design_top)
    )


def _reference_run(
    sandbox: Sandbox,
    sources: Mapping[str, bytes],
    reference: Mapping[str, bytes],
    model: DesignModel | None,
    tb_top: str,
    options: TraceOptions,
) -> tuple[Run | None, str]:
    """The testbench run on the reference in place of the design files."""
    if model is None:
        return None, "the reference was not used: the design's files are unknown without the front end"
    design = set(model.files)
    ref_sources = {k: v for k, v in sources.items() if k not in design} | dict(reference)
    sim = simulate(
        ref_sources,
        top=tb_top,
        sandbox=sandbox,
        timeout_s=options.timeout_s,
        vcd=True,
        data_files=options.data_files,
    )
    if not sim.vcd or sim.failure_class in ("compile", "elaborate"):
        return None, f"the reference was not used: its simulation gave no waveform ({sim.message})"
    try:
        return Run(read_vcd(sim.vcd), sim.log), ""
    except VcdError as exc:
        return None, f"the reference was not used: {exc}"
