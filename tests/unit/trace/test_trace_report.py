"""The report assembled from recorded runs, and its text rendering (bounded, deterministic)."""

from __future__ import annotations

import pytest

from chipsmith.tools.trace._assemble import Context, Run, assemble, design_scope, fmt_value, verilog_value
from chipsmith.tools.trace._waves import read_vcd
from chipsmith.tools.trace.models import TraceReport
from chipsmith.tools.trace.render import fmt_time, fmt_times, render

pytestmark = pytest.mark.unit


def _report(acc_bug, rec, *, ref: bool = True, model: bool = True, **kw) -> TraceReport:
    waves, m, sources = acc_bug
    ctx = Context(
        run=Run(waves, rec("acc8_bug.log").decode()),
        model=m if model else None,
        sources={k: v.encode() for k, v in sources.items()},
        tb_top="tb",
        ref=Run(read_vcd(rec("acc8_ref.vcd"))) if ref else None,
        **kw,
    )
    return assemble(ctx, TraceReport(status="traced", message="", simulation="30 mismatches in 40 samples"))


def test_values_and_times() -> None:
    assert [fmt_value(b) for b in ("0", "x", "00111100", "0x111100", "xxxx0001", "zz", "101")] == [
        "0", "x", "3c", "Xc", "x1", "z", "5",
    ]  # fmt: skip
    assert verilog_value("00111100") == "8'h3c" and verilog_value("1") == "1'b1"
    assert [fmt_time(t, "1ps") for t in (95000, 95001, 0, 10**9)] == ["95 ns", "95001 ps", "0 ps", "1 ms"]
    assert fmt_time(7, "10ns") == "7 x 10ns"
    assert (
        fmt_times([94999, 95000], "1ps") == "94999, 95000 ps"
        and fmt_times([5000, 15000], "1ps") == "5, 15 ns"
    )


def test_reference_report(acc_bug, rec) -> None:
    r = _report(acc_bug, rec)
    assert (r.status, r.mode, r.instance, r.design_top) == ("traced", "reference", "tb.dut", "acc8")
    assert r.first_mismatch_time == 95000 and r.first_mismatch_cycle == 10
    assert [(d.signal, d.got, d.expected) for d in r.differing] == [("sum", "8'h14", "8'h1c")]
    assert r.suspects[0].signal == "next" and r.candidates == 3
    assert [(ln.line, ln.text) for ln in r.suspects[0].lines] == [
        (6, "wire [7:0] next = acc + {5'd0, d[2:0]};")
    ]
    win = r.window
    assert win is not None and win.clock == "clk" and win.cycles == [3, 4, 5, 6, 7, 8, 9, 10]
    assert win.failing == [False] * 7 + [True] and win.times[-1] == 95000
    rows = {row.signal: row.values for row in win.rows}
    assert rows["sum"][-1] == "14" and rows["sum (expected)"][-1] == "1c" and "clk" not in rows
    assert [row.role for row in win.rows][:4] == ["input"] * 3 + ["register"]


def test_counter_report_has_no_expected_values(acc_bug, rec) -> None:
    r = _report(acc_bug, rec, ref=False)
    assert r.mode == "counter" and r.first_mismatch_time == 101000 and r.differing == []
    assert r.message.endswith("which output is unknown") and r.suspects  # every output is a root
    assert "expected values from: the testbench's error counter (expected values unknown)" in render(r)


def test_without_the_front_end(acc_bug, rec) -> None:
    r = _report(acc_bug, rec, model=False, notes=["no suspects: verilator could not read the sources: x"])
    assert r.status == "traced" and r.suspects == [] and r.mode == "counter" and r.instance == "tb.dut"
    assert "no suspects" in render(r)


def test_design_scope_fallbacks(rec) -> None:
    waves = read_vcd(rec("ve_bug.vcd"))
    assert design_scope(waves, "tb", None) == "tb.top_module1"  # VerilogEval's instance name
    assert design_scope(read_vcd(rec("acc8_bug.vcd")), "tb", None) == "tb.dut"


def test_render_is_bounded_and_deterministic(acc_bug, rec) -> None:
    r = _report(acc_bug, rec, cycles=16)
    text = render(r)
    assert text == render(_report(acc_bug, rec, cycles=16)) and len(text) <= 4000
    assert text.splitlines()[0] == "trace: first mismatch at cycle 10: sum"
    assert "sum: got 8'h14, expected 8'h1c" in text and "1. next (wire" in text and "acc8_bug.v:6" in text
    assert "/tmp" not in text and "wall" not in text
    for limit in (300, 600, 1200):
        small = render(r, max_chars=limit)
        assert len(small) <= limit and small.startswith("trace: first mismatch")


def test_render_of_nothing_to_trace() -> None:
    r = TraceReport(
        status="passed", message="the simulation passed; there is no mismatch to trace", simulation="pass"
    )
    assert render(r) == "trace: the simulation passed; there is no mismatch to trace\nsimulation: pass"


def test_nothing_to_trace_verdicts() -> None:
    from chipsmith.tools.simulate import SimResult
    from chipsmith.tools.trace.tool import _base

    def sim(cls: str, vcd: bytes | None = None) -> SimResult:
        return SimResult(
            passed=cls == "pass",
            failure_class=cls,
            simulator="iverilog",
            message=cls,
            log="",
            wall_s=0,
            vcd=vcd,
        )  # type: ignore[arg-type]

    assert _base(sim("compile"), None).status == "not-run"  # type: ignore[union-attr]
    assert _base(sim("pass"), None).status == "passed"  # type: ignore[union-attr]
    assert "timeout before it wrote a waveform" in _base(sim("timeout"), None).message  # type: ignore[union-attr]
    assert "$dumpfile" in _base(sim("mismatch"), None).message  # type: ignore[union-attr]
    assert _base(sim("mismatch", b"$enddefinitions $end"), None) is None
