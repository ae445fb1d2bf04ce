"""synthesize() with the real yosys and OpenSTA, through the local sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.synthesize import SynthError, synthesize
from helpers import require_tool

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("yosys", "sta")


def test_adder16_with_the_bundled_library(example, local_sandbox) -> None:
    r = synthesize(example("adder16.v"), sandbox=local_sandbox)
    assert r.top == "adder16" and r.clocks == []
    assert 50 < r.area_um2 < 200  # ~80 two-input cells of ~1 um^2 in a 45 nm-class library
    assert r.delay_ps is not None and 100 < r.delay_ps < 1000
    assert r.fmax_mhz == pytest.approx(1e6 / r.delay_ps, rel=1e-3)
    assert r.power_w is not None and r.power_w > 0
    assert "activity 0.1" in r.power_assumption
    assert r.logic_depth and r.logic_depth >= 16  # the carry chain crosses all 16 bits
    assert r.transistors and r.transistors > 0


def test_adder16_with_asap7(example, local_sandbox, asap7_lib: Path) -> None:
    r = synthesize(example("adder16.v"), liberty=[asap7_lib], sandbox=local_sandbox)
    assert all(c.endswith("_ASAP7_75t_R") for c in r.cells)
    assert 1 < r.area_um2 < 20  # 7 nm cells are ~0.05-0.3 um^2 each
    assert r.delay_ps is not None and 50 < r.delay_ps < 1000
    assert r.power_w is not None and r.power_w > 0


def test_counter_is_timed_on_its_clock_and_a_tighter_clock_fails_timing(example, local_sandbox) -> None:
    relaxed = synthesize(example("counter8.v"), sandbox=local_sandbox)
    assert relaxed.clocks == ["clk"] and relaxed.cells.get("DFF_X1") == 8
    assert relaxed.wns_ps == 0.0 and relaxed.delay_ps is not None
    tight = synthesize(example("counter8.v"), clock_period_ps=relaxed.delay_ps / 2, sandbox=local_sandbox)
    assert tight.wns_ps is not None and tight.wns_ps < 0


@pytest.mark.parametrize(
    ("sources", "top", "message"),
    [
        (
            {"bad.v": b"module m(input a, output y);\n assign y = a +;\nendmodule\n"},
            None,
            "bad.v:2: syntax error",
        ),
        ({"empty.v": b""}, None, "no module to synthesize"),
        ({"junk.v": bytes(range(256)) * 4}, None, "yosys|no module"),
        (
            {"adder16.v": b"module adder16(input a, output y); assign y = a; endmodule\n"},
            "nope",
            "nope' not found",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(example, local_sandbox, sources, top, message) -> None:
    with pytest.raises(SynthError, match=message) as info:
        synthesize(sources, top=top, sandbox=local_sandbox)
    assert "\n" not in str(info.value)


def test_missing_liberty_is_a_one_line_error(example, local_sandbox, tmp_path: Path) -> None:
    with pytest.raises(SynthError, match="liberty file not found"):
        synthesize(example("adder16.v"), liberty=[tmp_path / "none.lib"], sandbox=local_sandbox)


def test_async_reset_and_set_flops_map_to_the_bundled_library(local_sandbox) -> None:
    src = b"""module ar(input clk, input rst_n, input d, output reg q, output reg q1);
  always @(posedge clk or negedge rst_n)
    if (!rst_n) begin q <= 1'b0; q1 <= 1'b1; end else begin q <= d; q1 <= ~d; end
endmodule
"""
    r = synthesize({"ar.v": src}, sandbox=local_sandbox)
    assert r.cells.get("DFFR_X1") == 1 and r.cells.get("DFFS_X1") == 1
    assert r.clocks == ["clk"] and r.delay_ps is not None and r.power_w


GENERATE_RCA = b"""
module rca #(parameter W=8) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);
  wire [W:0] c;
  assign c[0] = 1'b0;
  genvar i;
  generate for (i = 0; i < W; i = i + 1) begin : g
    assign s[i] = a[i] ^ b[i] ^ c[i];
    assign c[i+1] = (a[i] & b[i]) | (c[i] & (a[i] ^ b[i]));
  end endgenerate
  assign s[W] = c[W];
endmodule
"""

WIRING_ONLY = b"module sw(input [1:0] a, output [1:0] y, output [2:0] z); assign y = {a[0], a[1]}; assign z = {a[1], 2'b01}; endmodule\n"


def test_generate_loop_and_concatenated_assigns_reach_timing(local_sandbox) -> None:
    # yosys writes `assign {c[8], c[0]} = ...` for these, which OpenSTA cannot read unless purged/buffered.
    r = synthesize({"rca.v": GENERATE_RCA}, sandbox=local_sandbox)
    assert r.top == "rca" and r.area_um2 > 0 and r.delay_ps is not None and r.delay_ps > 0
    w = synthesize({"sw.v": WIRING_ONLY}, sandbox=local_sandbox)
    # 3 port-to-port wires plus the 2 tie nets that reach ports each get a buffer.
    assert w.cells == {"BUF_X1": 5, "TIEHI_X1": 1, "TIELO_X1": 1}
    assert w.delay_ps is not None
