"""The real tools through the toolkit: paths in, rendered verdicts out, the same text every time."""

from __future__ import annotations

import pytest

from chipsmith.agents.tooling.toolkit import Toolkit
from chipsmith.agents.workspace import Workspace
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

BUGGY = "module inv(input a, output y);\n  assign y = ~a\nendmodule\n"
FIXED = "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"
TB = """module tb;
  reg a; wire y; integer errors = 0, i;
  inv dut(.a(a), .y(y));
  initial begin
    for (i = 0; i < 4; i = i + 1) begin
      a = i[0]; #1;
      if (y !== ~a) errors = errors + 1;
    end
    $display("Mismatches: %0d in 4 samples", errors);
    $finish;
  end
endmodule
"""
FIX_PATCH = """--- a/rtl/inv.v
+++ b/rtl/inv.v
@@ -1,3 +1,3 @@
 module inv(input a, output y);
-  assign y = ~a
+  assign y = ~a;
 endmodule
"""


@pytest.fixture
def kit(tmp_path, local_sandbox):
    require_module("bm25s")
    ws = Workspace(tmp_path / "ws")
    ws.write("tb/tb.v", TB)
    ws.write("hidden/ref.v", FIXED)
    ws.hide("hidden")
    tk = Toolkit(ws, sandbox=local_sandbox)
    yield tk
    tk.close()


def test_repair_loop_lint_patch_simulate(kit):
    require_tool("iverilog", "verilator", "patch")
    assert kit.call("write_file", {"path": "rtl/inv.v", "content": BUGGY}).status == "ok"
    lint = kit.call("lint", {"sources": ["rtl/inv.v"]})
    assert lint.status == "fail" and "error" in lint.verdict
    assert "rtl/inv.v:3" in lint.text
    assert "Error knowledge" in lint.text and "missing `;`" in lint.text
    again = kit.call("lint", {"sources": ["rtl/inv.v"]})
    assert again.text == lint.text  # deterministic for the response cache
    sim = kit.call("simulate", {"sources": ["tb/tb.v", "rtl/inv.v"]})
    assert sim.status == "fail" and sim.text.startswith("simulate (iverilog): COMPILE")
    assert kit.call("apply_patch", {"patch": FIX_PATCH}).status == "ok"
    assert kit.call("lint", {"sources": "rtl/inv.v"}).status == "ok"
    sim = kit.call("simulate", {"sources": ["tb/tb.v", "rtl/inv.v"]})
    assert (sim.status, sim.text) == ("ok", "simulate (iverilog): PASS: pass (0 mismatches in 4 samples)")
    assert kit.call("simulate", {"sources": ["tb/tb.v", "rtl/inv.v"]}).text == sim.text
    assert str(kit.workspace.root) not in lint.text + sim.text


def test_hidden_reference_cannot_be_simulated_or_read(kit):
    out = kit.call("simulate", {"sources": ["tb/tb.v", "hidden/ref.v"]})
    assert out.status == "error" and out.text == "simulate: no such file in the workspace: hidden/ref.v"
    assert kit.call("read_file", {"path": "hidden/ref.v"}).status == "error"
    assert "hidden" not in kit.call("list_files", {}).text


def test_simulation_mismatch_output_reaches_the_model(kit):
    require_tool("iverilog")
    kit.call("write_file", {"path": "rtl/inv.v", "content": FIXED.replace("~a", "a")})
    out = kit.call("simulate", {"sources": ["tb/tb.v", "rtl/inv.v"]})
    assert out.status == "fail" and out.verdict == "mismatch (4 in 4)"
    assert "Mismatches: 4 in 4 samples" in out.text and "Error knowledge" not in out.text


def test_synthesis_failure_is_an_error_text_with_knowledge(kit):
    require_tool("yosys", "sta")
    kit.call("write_file", {"path": "rtl/inv.v", "content": FIXED})
    ok = kit.call("synthesize", {"sources": ["rtl/inv.v"]})
    assert ok.status == "ok" and ok.text.startswith("synthesize: top inv, ")
    bad = kit.call("synthesize", {"sources": ["rtl/inv.v"], "top": "riscv_core"})
    assert bad.status == "error"
    assert bad.text.startswith("synthesize failed (SynthError): yosys: ")
    assert "Error knowledge" in bad.text


def test_equivalence_is_offered_and_proves_or_refutes(kit):
    require_tool("yosys")
    assert "equivalence" in kit.names
    kit.call("write_file", {"path": "rtl/inv.v", "content": FIXED})
    kit.call("write_file", {"path": "rtl/inv2.v", "content": FIXED.replace("~a", "!a")})
    kit.call("write_file", {"path": "rtl/buf.v", "content": FIXED.replace("~a", "a")})
    same = kit.call("equivalence", {"gold": ["rtl/inv.v"], "gate": ["rtl/inv2.v"]})
    assert same.status == "ok", same.text
    differ = kit.call("equivalence", {"gold": ["rtl/inv.v"], "gate": ["rtl/buf.v"]})
    assert differ.status == "fail", differ.text
    hidden = kit.call("equivalence", {"gold": ["hidden/ref.v"], "gate": ["rtl/inv.v"]})
    assert hidden.status == "error"
    assert "EQUIVALENT: proven" in same.text
    assert "NOT EQUIVALENT" in differ.text and "gold.y=1" in differ.text  # the counterexample
    assert hidden.text == "equivalence: no such file in the workspace: hidden/ref.v"
