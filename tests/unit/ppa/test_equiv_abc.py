"""Pure parts of the ABC equivalence engine."""

from __future__ import annotations

import pytest

from chipsmith.tools._equiv_abc import (
    Port,
    build_aiger_script,
    build_reset_wrapper,
    normalize_ff_storage,
    parse_dprove,
    parse_rtlil_ports,
)

pytestmark = pytest.mark.unit

INVERTED = """cell (DFFHQN) {
    ff (IQN,IQNN) {
      clear : "!SETN";
      clear_preset_var1 : L;
      clear_preset_var2 : H;
      clocked_on : "CLK";
      next_state : "!D";
      preset : "!RESETN";
    }
    pin (QN) { direction : output; function : "IQN"; }
  }
  cell (DFFHQ) {
    ff (IQ,IQN) { clocked_on : "CLK"; next_state : "D"; }
  }
"""


def test_inverted_storage_is_redescribed_with_the_true_polarity() -> None:
    out = normalize_ff_storage(INVERTED)
    first, second = out.split("cell (DFFHQ)")
    assert "ff (IQNN, IQN) {" in first and 'next_state : "D"' in first
    # Clear sets the first variable to 0: once the variables swap it is the preset, and back.
    assert 'preset : "!SETN"' in first and 'clear : "!RESETN"' in first
    assert "clear_preset_var2 : L" in first and "clear_preset_var1 : H" in first
    assert 'function : "IQN"' in first  # pins keep naming the same variables
    assert second == INVERTED.split("cell (DFFHQ)")[1]
    assert normalize_ff_storage(out) == out


def test_rtlil_ports_and_the_reset_wrapper() -> None:
    rtlil = "module \\miter\n  wire width 8 input 1 \\in_a\n  wire input 2 \\in_rst\n  wire input 3 \\in_clk\n  wire output 4 \\trigger\nend\n"
    ports = parse_rtlil_ports(rtlil)
    assert ports == [
        Port(name="in_a", width=8, direction="input"),
        Port(name="in_rst", width=1, direction="input"),
        Port(name="in_clk", width=1, direction="input"),
        Port(name="trigger", width=1, direction="output"),
    ]
    v = build_reset_wrapper(ports, ("rst", 1))
    assert "input [7:0] in_a, input [0:0] in_rst" in v
    assert ".in_rst(started ? in_rst : 1'd1)" in v and ".in_a(in_a)" in v
    assert "assign trigger = started & t;" in v and "$global_clock" in v
    assert ".in_rst(started ? in_rst : 1'd0)" in build_reset_wrapper(ports, ("rst", 0))


def test_aiger_script_keeps_only_the_trigger_and_starts_from_zero() -> None:
    plain = build_aiger_script(miter_il="m.il", aiger="m.aig", wrapper=None).splitlines()
    assert plain[0] == "read_rtlil m.il" and "delete -port miter/o:* miter/o:trigger %d" in plain
    assert "setundef -zero -init" in plain and plain[-1] == "write_aiger -zinit m.aig"
    assert plain.index("async2sync") < plain.index("dffunmap") < plain.index("aigmap")
    wrapped = build_aiger_script(miter_il="m.il", aiger="m.aig", wrapper="w.v")
    assert "read_verilog -sv w.v" in wrapped and "hierarchy -top chipsmith_check" in wrapped


@pytest.mark.parametrize(
    ("log", "verdict"),
    [
        ("The network has no latches. Running CEC.\nUNSATISFIABLE  Time =     0.01 sec\n", True),
        ("The network has no latches. Running CEC.\nSATISFIABLE (output = 0) Time = 0.02 sec\n", False),
        ('Output 0 of miter "miter" was asserted in frame 2.\nNetworks are not equivalent.\n', False),
        ("Networks are equivalent.  Time =  0.11 sec\n", True),
        ("Property proved.  Time = 1.0 sec\n", True),
        ("Networks are UNDECIDED.\n", None),
        ("", None),
    ],
)
def test_dprove_verdicts(log: str, verdict: bool | None) -> None:
    assert parse_dprove(log) is verdict
