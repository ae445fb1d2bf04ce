"""Pure: a ``TraceReport`` from a failing run's waves, the front end's model and an optional reference run.

Nothing here runs a tool; ``tool.py`` runs the simulations and the front end and calls ``assemble``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from chipsmith.tools.trace._design import DesignModel, Line
from chipsmith.tools.trace._rank import Ranked, rank
from chipsmith.tools.trace._timeline import Cycle, Timeline, build_timeline, edges, mismatch, to_cycles
from chipsmith.tools.trace._waves import Wave, Waves
from chipsmith.tools.trace.models import (
    OutputDiff,
    Role,
    SourceLine,
    Suspect,
    TraceReport,
    WaveRow,
    WaveWindow,
)

DUT_NAMES = ("dut", "uut", "top_module1", "top_module", "dut0", "u_dut", "i_dut")
MAX_ROWS = 24
ROLE_ORDER: dict[Role, int] = {"input": 0, "register": 1, "wire": 2, "memory": 3, "output": 4, "expected": 5}


@dataclass
class Run:
    """What the tracer needs from one simulation."""

    waves: Waves
    log: str = ""


@dataclass
class Context:
    """Everything ``assemble`` reads, gathered by the runner."""

    run: Run
    model: DesignModel | None
    sources: Mapping[str, bytes]
    tb_top: str | None = None
    ref: Run | None = None
    cycles: int = 8
    max_suspects: int = 5
    notes: list[str] = field(default_factory=list)


@dataclass
class Trace:
    """The analysis ``assemble`` renders into a report."""

    scope: str
    dut: dict[str, Wave]
    outputs: list[str]
    clock: str | None
    timeline: Timeline
    cycles: list[Cycle]


def design_scope(waves: Waves, tb: str, model: DesignModel | None) -> str | None:
    """The VCD scope of the design instance: the front end's path, else the one child module scope
    of the testbench holding all the design's ports, else a conventional instance name."""
    if model is not None and model.instance in waves.scopes:
        return model.instance
    kids = waves.children(tb)
    if model is not None:
        ports = {s.name for s in model.signals.values() if s.direction}
        holding = [k for k in kids if ports <= set(waves.direct(k))]
        if len(holding) == 1:
            return holding[0]
        kids = holding or kids
    if len(kids) == 1:
        return kids[0]
    named = [k for k in kids if k.rsplit(".", 1)[-1].lower() in DUT_NAMES]
    return named[0] if len(named) == 1 else None


def fmt_value(bits: str) -> str:
    """Pure: a bit string as hex digits (``x``/``z`` for an unknown nibble, ``X`` for a partly unknown one)."""
    if len(bits) <= 1:
        return bits
    out = []
    for end in range(len(bits), 0, -4):
        nib = bits[max(0, end - 4) : end]
        if set(nib) <= {"0", "1"}:
            out.append(format(int(nib, 2), "x"))
        else:
            out.append(nib[0] if len(set(nib)) == 1 else "X")
    return "".join(reversed(out))


def verilog_value(bits: str) -> str:
    """Pure: ``8'h3c`` style (``1'b0`` for one bit)."""
    return f"1'b{bits}" if len(bits) == 1 else f"{len(bits)}'h{fmt_value(bits)}"


def role_of(model: DesignModel | None, name: str) -> Role:
    sig = model.signals.get(name) if model is not None else None
    if sig is None:
        return "wire"
    if sig.direction == "input":
        return "input"
    if sig.direction in ("output", "inout"):
        return "output"
    return "memory" if sig.memory else "register" if sig.clocked else "wire"


def source_lines(lines: set[Line], sources: Mapping[str, bytes], shared: Counter[Line]) -> list[SourceLine]:
    """Pure: the text of each (file, line), the lines specific to this signal first (``shared``
    counts how many candidates each line belongs to), then in file order."""
    texts = {name: data.decode("utf-8", errors="replace").splitlines() for name, data in sources.items()}
    out = []
    for file, line in sorted(lines, key=lambda fl: (shared[fl], fl)):
        body = texts.get(file, [])
        if 0 < line <= len(body) and body[line - 1].strip():
            out.append(SourceLine(file=file, line=line, text=body[line - 1].strip()[:160]))
    return out


def window(trace: Trace, first: int, n: int, model: DesignModel | None) -> WaveWindow:
    """The ``n`` columns up to the first mismatch: inputs, registers, outputs and their expected values."""
    upto = [c for c in trace.cycles if c.at < first][-(n - 1) :] if n > 1 else []
    times = [c.at for c in upto] + [first]
    failing = [c.failing is True for c in upto] + [True]
    last = next((c.index for c in trace.cycles if c.at >= first), len(trace.cycles))
    names = sorted(trace.dut, key=lambda s: (ROLE_ORDER[role_of(model, s)], s.count("."), s))
    names = [s for s in names if s != trace.clock][:MAX_ROWS]
    rows = [
        WaveRow(signal=s, role=role_of(model, s), values=[fmt_value(trace.dut[s].at(t)) for t in times])
        for s in names
    ]
    for out, wave in sorted(trace.timeline.expected.items()):
        values = [fmt_value(wave.at(t)) for t in times]
        rows.append(WaveRow(signal=f"{out} (expected)", role="expected", values=values))
    return WaveWindow(
        clock=trace.clock, cycles=[c.index for c in upto] + [last], times=times, failing=failing, rows=rows
    )


def differing(timeline: Timeline, dut: dict[str, Wave], outputs: list[str], t: int) -> list[OutputDiff]:
    """The outputs that differ from their expected values at ``t`` (none when those are unknown)."""
    out = []
    for name in outputs:
        got, exp = dut.get(name), timeline.expected.get(name)
        if got is not None and exp is not None and mismatch(got.at(t), exp.at(t)):
            out.append(
                OutputDiff(signal=name, got=verilog_value(got.at(t)), expected=verilog_value(exp.at(t)))
            )
    return out


def suspects(ranked: list[Ranked], model: DesignModel, sources: Mapping[str, bytes]) -> list[Suspect]:
    shared: Counter[Line] = Counter(ln for r in ranked for ln in model.signals[r.signal].lines)
    out = []
    for r in ranked:
        why = f"in the slice at {r.in_slice}/{r.failing} failure onsets, changed at {r.changed}/{r.failing}"
        why += f"; {r.predicate}" if r.predicate else ""
        lines = source_lines(model.signals[r.signal].lines, sources, shared)
        role = role_of(model, r.signal)
        out.append(
            Suspect(signal=r.signal, role=role, score=r.score, distance=r.distance, why=why, lines=lines)
        )
    return out


def analyse(ctx: Context, tb: str, scope: str) -> Trace:
    """Pure: the checks of the failing run (against the reference run, when there is one), in cycles."""
    waves, model = ctx.run.waves, ctx.model
    dut = waves.under(scope)
    outputs = model.ports("output") + model.ports("inout") if model else []
    clock, kind = model.clocks[0] if model and model.clocks else (None, "posedge")
    clock_wave = dut.get(clock) if clock else None
    timeline = build_timeline(
        dut=dut,
        tb=waves.direct(tb),
        outputs=outputs,
        inputs=model.ports("input") if model else [],
        clock=clock_wave,
        steps=waves.times([tb]),
        ref_dut=ctx.ref.waves.under(scope) if ctx.ref is not None else None,
        log=ctx.run.log,
    )
    clock_edges = edges(clock_wave, kind) if clock_wave is not None else None
    cycles = to_cycles(timeline, clock_edges, waves.end)
    return Trace(scope, dut, outputs, clock if clock_wave is not None else None, timeline, cycles)


def assemble(ctx: Context, base: TraceReport) -> TraceReport:
    """Pure: ``base`` (status, simulation verdict) completed with the trace of the failing run."""
    waves, model = ctx.run.waves, ctx.model
    tb = ctx.tb_top or next(iter(waves.scopes), "")
    notes = list(ctx.notes) + (
        ["the VCD ends early (the simulation was cut short)"] if waves.truncated else []
    )
    scope = design_scope(waves, tb, model)
    if scope is None:
        msg = f"cannot find the design's instance under {tb} in the waveform"
        return base.model_copy(update={"status": "error", "message": msg, "notes": notes})
    trace = analyse(ctx, tb, scope)
    notes += [trace.timeline.note] if trace.timeline.note else []
    report = base.model_copy(
        update={
            "mode": trace.timeline.mode,
            "instance": scope,
            "design_top": model.top if model else base.design_top,
            "timescale": waves.timescale,
            "checks": len(trace.timeline.samples),
            "failing_checks": trace.timeline.failures,
            "notes": notes,
        }
    )
    first = trace.timeline.first_fail
    if first is None:
        msg = "the testbench failed, but no failing check could be located in the waveform"
        return report.model_copy(update={"status": "no-mismatch-found", "message": msg})
    diffs = differing(trace.timeline, trace.dut, trace.outputs, first)
    win = window(trace, first, max(1, ctx.cycles), model)
    order = rank(model, trace.dut, trace.cycles, [d.signal for d in diffs] or trace.outputs) if model else []
    ranked = suspects(order[: ctx.max_suspects], model, ctx.sources) if model else []
    what = ", ".join(d.signal for d in diffs) or "which output is unknown"
    msg = f"first mismatch at cycle {win.cycles[-1]}: {what}"
    update = {
        "status": "traced",
        "message": msg,
        "first_mismatch_time": first,
        "first_mismatch_cycle": win.cycles[-1],
    }
    more = {"differing": diffs, "window": win, "suspects": ranked, "candidates": len(order)}
    return report.model_copy(update={**update, **more})
