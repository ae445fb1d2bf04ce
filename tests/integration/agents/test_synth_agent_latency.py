"""Pipelining where the spec allows the latency to change: a declared latency change cannot be proven
equivalent cycle for cycle, so the spec's testbench decides (a scoreboard that accepts any latency
and checks the results in order). Real yosys, OpenSTA, equivalence and Icarus; scripted model.

Measured with the bundled library: the two-stage multiplier's delay is 542 ps against 770 ps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents import testbench as tbmod
from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.task import PublicView
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

HEADER = (
    "module pmul(input clk, input rst, input in_valid, input [7:0] a, input [7:0] b, "
    "output reg out_valid, output reg [15:0] p);"
)
START = (
    HEADER
    + """
  always @(posedge clk) begin
    if (rst) begin out_valid <= 1'b0; p <= 16'd0; end
    else begin out_valid <= in_valid; p <= a * b; end
  end
endmodule
"""
)
PIPE = (
    HEADER
    + """
  reg v1; reg [11:0] lo, hi;
  always @(posedge clk) begin
    if (rst) begin v1 <= 1'b0; out_valid <= 1'b0; lo <= 12'd0; hi <= 12'd0; p <= 16'd0; end
    else begin
      v1 <= in_valid; lo <= a * b[3:0]; hi <= a * b[7:4];
      out_valid <= v1; p <= {4'd0, lo} + {hi, 4'd0};
    end
  end
endmodule
"""
)
MISALIGNED = PIPE.replace("out_valid <= v1;", "out_valid <= in_valid;")  # valid a cycle early
SCOREBOARD_TB = """`timescale 1ns/1ps
module tb;
  reg clk = 1'b0, rst = 1'b1, in_valid = 1'b0;
  reg [7:0] a = 8'd0, b = 8'd0;
  wire out_valid;
  wire [15:0] p;
  pmul dut(.clk(clk), .rst(rst), .in_valid(in_valid), .a(a), .b(b), .out_valid(out_valid), .p(p));
  always #5 clk = ~clk;
  reg [15:0] expected [0:255];
  integer wr = 0, rd = 0, mismatches = 0, samples = 0, i;
  always @(posedge clk) if (!rst && out_valid) begin
    samples = samples + 1;
    if (rd >= wr || p !== expected[rd]) mismatches = mismatches + 1;
    rd = rd + 1;
  end
  initial begin
    repeat (2) @(negedge clk);
    rst = 1'b0;
    for (i = 0; i < 200; i = i + 1) begin
      @(negedge clk);
      in_valid = $random; a = $random; b = $random;
      if (in_valid) begin expected[wr] = a * b; wr = wr + 1; end
    end
    @(negedge clk) in_valid = 1'b0;
    repeat (8) @(negedge clk);
    if (rd != wr) mismatches = mismatches + 1;
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
"""
SPEC = (
    "p = a * b (unsigned). A result comes out with out_valid high for every input taken with in_valid "
    "high, in order; the latency may be any number of cycles."
)


class ScoreboardWriter:
    """Stands in for the verification agent: the spec's testbench (any latency, results in order)."""

    def __init__(self, **_: Any) -> None:
        pass

    def make_testbench(self, request: Any, workspace: Any, context: Any) -> tbmod.Testbench:
        workspace.write("tb/pmul_tb.sv", SCOREBOARD_TB)
        return tbmod.Testbench(path="tb/pmul_tb.sv", top="tb", source="scoreboard",
                               label="scoreboard: any latency, results in order", checks_spec=True)  # fmt: skip


@pytest.fixture
def writer():
    from chipsmith.registry import AGENTS

    require_tool("yosys", "sta", "iverilog", "verilator")
    require_module("langchain")
    require_module("pyslang")
    AGENTS.add("test-scoreboard", ScoreboardWriter)
    yield "test-scoreboard"
    AGENTS._entries.pop("test-scoreboard", None)


def solve(tmp_path: Path, replies: list[str], **options: Any) -> Any:
    from chipsmith.agents.synth import SynthAgent

    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    task = PublicView(task_id="pmul", kind="rtl", spec=SPEC, interface=HEADER, top="pmul",
                      starter_files={"pmul.v": START})  # fmt: skip
    options = {"cache": False, "home": str(tmp_path / "home"), "goal": "delay", "optimize_budget_s": 0,
               "testbench": "test-scoreboard", **options}  # fmt: skip
    return SynthAgent(model=f"scripted:{script}", **options).solve(task, RunContext(workdir=tmp_path / "w"))


def pipelined(code: str) -> str:
    return f"CHANGE: split the multiplier over two stages\nLATENCY CHANGE: yes\n```verilog\n{code}```\n"


def test_a_declared_latency_change_is_judged_by_the_spec_testbench(tmp_path: Path, writer: str) -> None:
    cand = solve(tmp_path, [pipelined(MISALIGNED), pipelined(PIPE)], latency_change=True)
    rep = cand.meta["agent"]["report"]
    bad, good = rep["steps"]
    assert bad["latency_change"] and bad["check"] == "testbench FAILED" and not bad["kept"]
    assert good["check"].startswith("testbench passed") and good["kept"]
    assert good["after"]["delay_ps"] < 0.8 * good["before"]["delay_ps"]
    assert cand.files == {"pmul.v": PIPE} and rep["verification"].startswith("testbench passed")


def test_without_leave_to_change_the_latency_the_pipeline_is_not_equivalent(
    tmp_path: Path, writer: str
) -> None:
    cand = solve(tmp_path, [pipelined(PIPE)], max_steps=1)
    (step,) = cand.meta["agent"]["report"]["steps"]
    assert step["check"].startswith("NOT equivalent") and not step["kept"]
    assert cand.files == {"pmul.v": START}
