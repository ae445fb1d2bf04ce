"""trace_mismatch with the real iverilog/vvp and Verilator in the local sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chipsmith.tools.trace.render import render
from chipsmith.tools.trace.tool import trace_mismatch
from helpers import IN_CI, require_tool, shared_external

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "trace" / "src"
SUITE = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "vvp", "verilator")


def _files(*names: str, base: Path = DATA) -> dict[str, bytes]:
    return {n: (base / n).read_bytes() for n in names}


def _lines(report) -> set[tuple[str, int]]:
    return {(ln.file, ln.line) for s in report.suspects for ln in s.lines}


def test_chipsmith_rtl_task_with_a_planted_bug(local_sandbox) -> None:
    ref = (SUITE / "uart_tx" / "ref.v").read_text()
    bug = ref.replace("if (phase == 2'd3) begin", "if (phase == 2'd2) begin")
    line = bug.splitlines().index("      if (phase == 2'd2) begin") + 1
    sources = {"tb.sv": (SUITE / "uart_tx" / "tb.sv").read_bytes(), "uart_tx.v": bug.encode()}
    r = trace_mismatch(sources, reference={"uart_tx.v": ref.encode()}, sandbox=local_sandbox)
    assert (r.status, r.mode, r.design_top, r.instance) == ("traced", "reference", "uart_tx", "tb.dut")
    assert [(d.signal, d.got, d.expected) for d in r.differing] == [("tx", "1'b1", "1'b0")]
    assert ("uart_tx.v", line) in _lines(r)  # the planted line is among the suspects' lines
    assert r.window is not None and r.window.failing[-1] and len(r.window.cycles) == 8
    # Without the reference the testbench's counters still locate the first failing check.
    alone = trace_mismatch(sources, sandbox=local_sandbox)
    assert alone.status == "traced" and alone.mode == "counter" and alone.differing == []
    assert alone.first_mismatch_time is not None and alone.first_mismatch_time > r.first_mismatch_time


def test_verilog_eval_layout(local_sandbox) -> None:
    r = trace_mismatch(_files("ve_test.sv", "ve_ref.sv", "ve_bug.sv"), sandbox=local_sandbox)
    assert (r.status, r.mode, r.design_top, r.instance) == (
        "traced",
        "expected-signals",
        "TopModule",
        "tb.top_module1",
    )
    assert [d.signal for d in r.differing] == ["out"] and r.simulation.startswith("37 mismatches in 40")
    assert ("ve_bug.sv", 6) in _lines(r)
    assert "out (expected)" in render(r)


def test_published_verilog_eval_problem(local_sandbox) -> None:
    base = shared_external() / "verilog-eval-format"
    if not (base / "Prob904_count_mod10_ref.sv").is_file():
        if IN_CI:
            pytest.fail(f"missing {base} (CI requires the shared problems)")
        pytest.skip(f"missing {base}")
    ref = (base / "Prob904_count_mod10_ref.sv").read_text()
    bug = ref.replace("RefModule", "TopModule").replace("(q == 4'd9)", "(q == 4'd8)")
    sources = _files("Prob904_count_mod10_test.sv", "Prob904_count_mod10_ref.sv", base=base) | {
        "cand.sv": bug.encode()
    }
    r = trace_mismatch(sources, sandbox=local_sandbox)
    assert (r.status, r.mode, r.design_top) == ("traced", "expected-signals", "TopModule")
    assert [(d.signal, d.got, d.expected) for d in r.differing] == [("q", "4'h0", "4'h9")]
    assert r.suspects[0].signal == "q" and any("4'd8" in ln.text for ln in r.suspects[0].lines)


def test_self_checking_testbench_with_expected_signals(local_sandbox) -> None:
    r = trace_mismatch(_files("acc8_exp_tb.sv", "acc8_bug.v"), sandbox=local_sandbox)
    assert (r.status, r.mode, r.instance) == ("traced", "expected-signals", "tb_exp.uut")
    assert (r.checks, r.failing_checks) == (32, 21)  # the testbench's own count
    assert r.differing[0].signal == "sum" and r.suspects[0].signal == "next"
    assert ("acc8_bug.v", 6) in _lines(r)


def test_testbench_without_conventions_uses_its_messages(local_sandbox) -> None:
    r = trace_mismatch(_files("acc8_msg_tb.sv", "acc8_bug.v"), sandbox=local_sandbox)
    assert (r.status, r.mode, r.first_mismatch_time) == ("traced", "messages", 30000)
    assert {s.signal for s in r.suspects} >= {"next"}


def test_passing_run_and_bad_input(local_sandbox, tmp_path) -> None:
    ok = trace_mismatch(_files("acc8_tb.sv", "acc8.v"), sandbox=local_sandbox)
    assert ok.status == "passed" and ok.suspects == [] and "no mismatch" in ok.message
    broken = trace_mismatch({"tb.sv": b'module tb; initial $display("x"; endmodule\n'}, sandbox=local_sandbox)
    assert broken.status == "not-run" and broken.message.startswith(
        "the simulation did not run: compile error"
    )
    garbage = trace_mismatch({"tb.sv": b"\x00\x01garbage"}, sandbox=local_sandbox)
    assert garbage.status == "error" and "NUL bytes" in garbage.message
    assert trace_mismatch({}, sandbox=local_sandbox).message == "no source files given"
    # A testbench that dumps to its own file takes Icarus's one dump away from the tracer.
    own = (
        (DATA / "acc8_tb.sv")
        .read_text()
        .replace("initial begin #10000;", 'initial begin $dumpfile("own.vcd"); $dumpvars; #10000;')
    )
    mine = trace_mismatch({"tb.sv": own.encode(), **_files("acc8_bug.v")}, sandbox=local_sandbox)
    assert mine.status == "error" and mine.message.startswith("no waveform was produced")


def test_report_is_json_ready(local_sandbox) -> None:
    r = trace_mismatch(_files("acc8_tb.sv", "acc8_bug.v"), reference=_files("acc8.v"), sandbox=local_sandbox)
    data = json.loads(r.model_dump_json())
    assert data["status"] == "traced" and data["suspects"][0]["signal"] == "next"
    assert data["first_mismatch_time"] == 95000 and data["window"]["times"][-1] == 95000
