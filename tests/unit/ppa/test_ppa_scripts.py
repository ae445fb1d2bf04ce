"""Pure script builders and argument checks of synthesize / equivalence."""

from __future__ import annotations

import pytest

from chipsmith.tools.equivalence import EquivError, build_miter_script, build_sat_script, pick_reset
from chipsmith.tools.synthesize import SynthError, build_yosys_script, synthesize

pytestmark = pytest.mark.unit


def test_yosys_script_maps_to_one_liberty_with_the_clock_period() -> None:
    ys = build_yosys_script(["a.v", "b.sv"], top="top", liberty="L.lib", clock_period_ps=750)
    lines = ys.splitlines()
    assert lines[:2] == ['read_verilog -sv "a.v"', 'read_verilog -sv "b.sv"']
    assert "hierarchy -check -top top" in lines
    assert lines.index("dfflibmap -liberty L.lib") < lines.index("abc -D 750 -liberty L.lib")
    assert "stat -liberty L.lib" in lines and "ltp -noff" in lines
    assert "-auto-top" in build_yosys_script(["a.v"], top=None, liberty="L", clock_period_ps=1)


def test_hostile_names_are_refused() -> None:
    with pytest.raises(SynthError, match="invalid top"):
        build_yosys_script(["a.v"], top='x"; shell', liberty="L", clock_period_ps=1)
    with pytest.raises(SynthError, match="file name"):
        build_yosys_script(['a"\nb.v'], top=None, liberty="L", clock_period_ps=1)


def test_synthesize_rejects_bad_arguments_before_running_anything() -> None:
    with pytest.raises(SynthError, match="no Verilog sources"):
        synthesize({"notes.txt": b"hello"})
    with pytest.raises(SynthError, match="clock period"):
        synthesize({"a.v": b"module a; endmodule"}, clock_period_ps=0)


def test_miter_script_reads_each_design_apart_then_builds_the_miter() -> None:
    ys = build_miter_script(["gold/a.v"], ["gate/b.v"], top="adder", gate_top=None)
    assert ys.index("design -stash gold_design") < ys.index('read_verilog -sv "gate/b.v"')
    assert "hierarchy -check -top adder" in ys and "hierarchy -check -auto-top" in ys
    assert "miter -equiv -flatten -make_outputs -ignore_gold_x gold gate miter" in ys


def test_sat_scripts() -> None:
    comb = build_sat_script(sequential=False, depth=20, reset=None)
    assert "-tempinduct" not in comb and "-enable_undef" in comb
    seq = build_sat_script(sequential=True, depth=12, reset=None)
    assert "-tempinduct" in seq and "-set-init-zero" in seq and "-maxsteps 12" in seq
    rst = build_sat_script(sequential=True, depth=12, reset=("rst_n", 0))
    assert "-set-at 1 in_rst_n 0" in rst and "-set-init-undef" in rst and "-seq 2" in rst


def test_pick_reset() -> None:
    assert pick_reset(["clk", "rst", "en"], "auto") == ("rst", 1)
    assert pick_reset(["clk", "rst_n"], "auto") == ("rst_n", 0)
    assert pick_reset(["clk", "en"], "auto") is None
    assert pick_reset(["clk", "rst"], None) is None
    assert pick_reset(["clk", "init_n"], "init_n") == ("init_n", 0)
    with pytest.raises(EquivError, match="not a port"):
        pick_reset(["clk"], "rst")
