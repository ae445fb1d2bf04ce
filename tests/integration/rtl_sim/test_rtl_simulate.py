"""simulate() with the real iverilog/vvp (and Verilator) in the local sandbox."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chipsmith.tools.simulate import simulate, simulate_paths
from helpers import require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "counter"
SRC = ROOT / "tests" / "data" / "rtl_sim" / "src"
TB = EXAMPLE / "counter_tb.sv"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "vvp")


def test_example_passes(local_sandbox) -> None:
    r = simulate_paths([TB, EXAMPLE / "counter.v"], sandbox=local_sandbox)
    assert (r.passed, r.failure_class, r.mismatches, r.samples) == (True, "pass", 0, 200)
    assert r.message == "pass (0 mismatches in 200 samples)" and r.simulator == "iverilog"


def test_wrong_design_mismatches(local_sandbox) -> None:
    r = simulate_paths([TB, SRC / "counter_wrap9.v"], sandbox=local_sandbox)
    assert not r.passed and r.failure_class == "mismatch"
    assert r.mismatches is not None and 0 < r.mismatches <= 200 and r.samples == 200
    assert "mismatch at" in r.log


def test_vcd_is_returned(local_sandbox) -> None:
    r = simulate_paths([TB, EXAMPLE / "counter.v"], sandbox=local_sandbox, vcd=True)
    assert r.passed and r.vcd is not None
    text = r.vcd.decode()
    assert "$scope module counter_tb $end" in text and "$var reg 4 " in text and "#" in text
    assert simulate_paths([TB, EXAMPLE / "counter.v"], sandbox=local_sandbox).vcd is None


@pytest.mark.parametrize(
    ("files", "top", "cls", "needle"),
    [
        (["syntax.v"], None, "compile", "syntax.v:2: error[syntax]: syntax error"),
        (["sorry.sv"], None, "compile", "Unpacked structs not supported"),
        (["elab_unknown.v"], None, "elaborate", "Unknown module type: nothere"),
        (["elab_port.v"], None, "elaborate", "is not a port of u0"),
        (["warn.v"], "nope", "elaborate", 'Unable to find the root module "nope"'),
        (["noverdict_tb.v"], None, "runtime", "no verdict line"),
        (["readmem_tb.v"], None, "runtime", "could not open data file vectors.hex"),
    ],
)
def test_failure_classes(local_sandbox, files: list[str], top: str | None, cls: str, needle: str) -> None:
    r = simulate_paths([SRC / f for f in files], top=top, sandbox=local_sandbox, timeout_s=20)
    assert (r.passed, r.failure_class) == (False, cls)
    assert needle in r.message


def test_design_missing_from_the_command_is_elaborate(local_sandbox) -> None:
    r = simulate_paths([TB], sandbox=local_sandbox)
    assert r.failure_class == "elaborate" and "Unknown module type: counter" in r.message


def test_data_files_are_placed_not_compiled(local_sandbox) -> None:
    r = simulate_paths([SRC / "readmem_tb.v"], data_paths=[SRC / "vectors.hex"], sandbox=local_sandbox)
    assert r.passed and r.message == "pass (Your Design Passed)"


def test_testbench_that_never_ends_times_out(local_sandbox) -> None:
    start = time.monotonic()
    r = simulate_paths([SRC / "hang_tb.v"], sandbox=local_sandbox, timeout_s=2)
    assert r.failure_class == "timeout" and r.message == "simulation did not finish within 2 s"
    assert time.monotonic() - start < 15


def test_endless_printing_is_cut_quickly(local_sandbox) -> None:
    start = time.monotonic()
    r = simulate_paths([SRC / "endless_print_tb.v"], sandbox=local_sandbox, timeout_s=60)
    assert r.failure_class == "timeout" and "without a verdict" in r.message
    assert time.monotonic() - start < 20  # cut at the output cap, long before the 60 s timeout
    assert "characters left out" in r.log and len(r.log) < 70_000


def test_bad_inputs_give_verdicts(local_sandbox) -> None:
    empty = simulate({"empty.v": b""}, sandbox=local_sandbox)
    assert empty.failure_class == "compile" and "pass top" in empty.message
    garbage = simulate(
        {TB.name: TB.read_bytes(), "counter.v": bytes(range(1, 256)) * 4}, sandbox=local_sandbox
    )
    assert (
        garbage.failure_class == "compile"
        and garbage.message == "compile error: counter.v:1: error[syntax]: syntax error"
    )
    empty_design = simulate({TB.name: TB.read_bytes(), "counter.v": b""}, sandbox=local_sandbox)
    assert (
        empty_design.failure_class == "elaborate" and "Unknown module type: counter" in empty_design.message
    )


def test_include_files_are_not_compiled(local_sandbox) -> None:
    sources = {
        "defs.vh": b"`define N 3\n",
        "tb.v": b'`include "defs.vh"\nmodule tb; initial begin $display("Mismatches: 0 in %0d samples", `N); $finish; end endmodule\n',
    }
    r = simulate(sources, sandbox=local_sandbox)
    assert r.passed and r.samples == 3


@pytest.mark.slow
def test_verilator_runs_the_example(local_sandbox) -> None:
    require_tool("verilator")
    r = simulate_paths([TB, EXAMPLE / "counter.v"], simulator="verilator", sandbox=local_sandbox)
    assert (r.passed, r.simulator, r.mismatches, r.samples) == (True, "verilator", 0, 200)


def test_verilator_rejection_is_a_compile_failure(local_sandbox) -> None:
    require_tool("verilator")
    r = simulate_paths([SRC / "syntax.v"], simulator="verilator", sandbox=local_sandbox)
    assert (r.failure_class, r.simulator) == ("compile", "verilator") and "syntax error" in r.message
