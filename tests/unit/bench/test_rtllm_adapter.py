"""The RTLLM adapter and the source scanners behind it (pure; no simulator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks.adapters._verilog import instantiated_modules, module_header, rename_module
from chipsmith.benchmarks.adapters.rtllm import DesignError, categories, design_top
from chipsmith.benchmarks.controls import ReferenceAgent
from chipsmith.benchmarks.metrics import summarize
from chipsmith.benchmarks.report import task_rows
from chipsmith.benchmarks.results import RunRecord
from chipsmith.benchmarks.rtl_eval import check_reference
from chipsmith.benchmarks.suites_api import load_suite

pytestmark = pytest.mark.unit

TREE = Path(__file__).parents[2] / "data" / "bench" / "differential" / "problems" / "rtllm"

TB = """
`define WIDTH 8
module tb_x;
  reg [`WIDTH-1:0] a; wire y;
  integer i;
  // old_dut u0 (.a(a));   a comment is not an instance
  dut #(.W(fn(3)), .D(2)) u1 (.a(a), .y(y));
  helper h (.x(a[0]));
  and g1 (y2, a[0], a[1]);
  sub s [3:0] (.a(a[3:0]));
  initial begin
    $display("dut x (%d)", a);
    if (a) begin end else if (y) $finish;
    apply_and_check(a, y);
  end
  task apply_and_check; input [7:0] v; input w; begin end endtask
endmodule
module helper(input x); endmodule
"""


def test_instantiated_modules_are_the_outside_ones_in_order() -> None:
    assert instantiated_modules(TB) == ["dut", "sub"]
    assert instantiated_modules("module t; endmodule") == []


def test_rename_module_touches_only_the_declaration() -> None:
    src = "module verified_x #(parameter W=1) (input a);\n  // verified_x stays\nendmodule : verified_x\n"
    assert rename_module(src, "verified_x", "x") == (
        "module x #(parameter W=1) (input a);\n  // verified_x stays\nendmodule : x\n"
    )


def test_module_header_ansi_and_non_ansi() -> None:
    ansi = "module m #(parameter W = 4) (\n  input [W-1:0] a, // a ); in a comment\n  output y\n);\n assign y = ^a;\nendmodule"
    assert module_header(ansi, "m") == ansi[: ansi.index(");\n") + 2]
    non_ansi = (
        "module n (clk, q);\n  parameter W = 3;\n  localparam UNUSED = 1;\n  input clk;\n"
        "  output reg [W-1:0] q;\n  task t; input x; begin end endtask\n  always @(posedge clk) q <= q + 1;\nendmodule"
    )
    assert module_header(non_ansi, "n") == (
        "module n (clk, q);\n    parameter W = 3;\n    input clk;\n    output reg [W-1:0] q;"
    )
    assert module_header(non_ansi, "missing") == ""


def test_design_top_is_what_the_testbench_instantiates() -> None:
    tb = "module tb; adder_8bit uut (.a(a)); endmodule"
    ref = "module verified_adder_8bit(input a); full_adder f (.a(a)); endmodule\nmodule full_adder(input a); endmodule"
    assert design_top(tb, ref) == ("adder_8bit", "verified_adder_8bit")
    assert design_top(tb, ref.replace("verified_adder_8bit", "adder_8bit")) == ("adder_8bit", None)
    # the verified root has another name altogether (RTLLM: verified_multi_pipe for multi_pipe_4bit)
    assert design_top(tb, "module verified_multi_pipe(input a); endmodule") == (
        "adder_8bit",
        "verified_multi_pipe",
    )
    two = "module tb; a_mod u (); b_mod v (); endmodule"
    assert design_top(two, "module verified_b_mod(); endmodule") == ("b_mod", "verified_b_mod")
    with pytest.raises(DesignError, match="several outside modules"):
        design_top(two, "module other(); endmodule")
    with pytest.raises(DesignError, match="instantiates no module"):
        design_top("module tb; initial $finish; endmodule", ref)
    with pytest.raises(DesignError, match="defines no module"):
        design_top(tb, "// empty")


def test_categories_come_from_the_tree(tmp_path: Path) -> None:
    assert categories(tmp_path / "Arithmetic" / "Adder" / "adder_8bit", tmp_path) == ("Arithmetic", "Adder")
    assert categories(tmp_path / "Memory" / "fifo", tmp_path) == ("Memory", None)
    assert categories(tmp_path / "fifo", tmp_path) == ("rtllm", None)
    assert categories(tmp_path / "a" / "b" / "c" / "d", tmp_path) == ("a", "b/c")


def test_rtllm_v2_tree_loads_with_tops_interfaces_and_reasons() -> None:
    tasks = {t.id: t for t in load_suite(f"rtllm:{TREE}")}
    assert set(tasks) == {"adder_4bit", "counter_mod5", "rom_lut", "no_reference"}
    adder = tasks["adder_4bit"]
    assert (adder.category, adder.subcategory, adder.public.top) == ("Arithmetic", "Adder", "adder_4bit")
    assert (
        adder.public.interface.startswith("module adder_4bit (") and "verified" not in adder.public.interface
    )
    ref = adder.hidden.files[adder.hidden.reference or ""].decode()
    assert "module adder_4bit (" in ref and "module full_adder" in ref and "module verified_" not in ref
    counter = tasks["counter_mod5"]
    assert counter.public.interface == (
        "module counter_mod5 (clk, rst_n, en, q);\n    parameter W = 3;\n    input clk;\n    input rst_n;"
        "\n    input en;\n    output reg [W-1:0] q;"
    )
    assert tasks["rom_lut"].hidden.settings["data_files"] == ["expected.hex"]
    missing = tasks["no_reference"]
    assert missing.hidden.settings["unusable"] == "no verified_*.v reference in the directory"
    assert missing.hidden.reference is None and "testbench.v" in missing.hidden.files


def test_an_unusable_task_is_reported_without_running_anything(tmp_path: Path) -> None:
    task = next(t for t in load_suite(f"rtllm:{TREE}") if t.id == "no_reference")
    # no simulator, no sandbox, no cache entry: the adapter's reason is the answer
    assert check_reference(task, sandbox=object(), cache_dir=tmp_path) == {
        "ok": False,
        "failure_class": "unusable",
        "message": "no verified_*.v reference in the directory",
        "why": "no verified_*.v reference in the directory",
    }
    assert not list(tmp_path.iterdir())
    cand = ReferenceAgent.oracle(task)
    assert cand.files == {} and cand.meta["unusable"].startswith("no verified")


def record(task: str, sub: str | None, verdict: str) -> RunRecord:
    return RunRecord(
        run_id="r", task=task, suite="rtllm", category="Arithmetic", subcategory=sub, agent="a",
        sample=0, verdict=verdict, failure_class=verdict,
    )  # fmt: skip


def test_summaries_and_reports_carry_the_sub_category() -> None:
    recs = [
        record("adder", "Adder", "pass"),
        record("mul", "Multiplier", "fail"),
        record("mul2", "Multiplier", "pass"),
    ]
    summary = summarize(recs)
    assert summary.pass_at_1_by_category == {"Arithmetic": pytest.approx(2 / 3, abs=1e-6)}
    assert summary.pass_at_1_by_subcategory == {"Arithmetic/Adder": 1.0, "Arithmetic/Multiplier": 0.5}
    assert task_rows(recs)[0]["category"] == "Arithmetic / Adder"
    assert task_rows([record("x", None, "pass")])[0]["category"] == "Arithmetic"


def test_a_timed_out_reference_check_is_not_remembered(tmp_path: Path, monkeypatch) -> None:
    """Under load a reference may time out once; the next check must simulate again, not reuse it."""
    from types import SimpleNamespace

    from chipsmith.benchmarks import rtl_eval

    task = next(t for t in load_suite(f"rtllm:{TREE}") if t.id == "adder_4bit")
    answers = [
        SimpleNamespace(passed=False, failure_class="timeout", message="did not finish within 70 s"),
        SimpleNamespace(passed=True, failure_class="pass", message="pass"),
        SimpleNamespace(passed=False, failure_class="timeout", message="must not be asked"),
    ]
    monkeypatch.setattr(rtl_eval, "_simulate", lambda *a: answers.pop(0))
    first = check_reference(task, sandbox=object(), cache_dir=tmp_path)
    assert first["ok"] is False and first["failure_class"] == "timeout"
    second = check_reference(task, sandbox=object(), cache_dir=tmp_path)
    assert second["ok"] is True
    assert check_reference(task, sandbox=object(), cache_dir=tmp_path)["ok"] is True  # the pass is cached
    assert len(answers) == 1
