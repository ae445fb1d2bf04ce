"""Parsers of the synthesis flow, on yosys and OpenSTA logs recorded on this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools._sta import VIRTUAL_CLOCK, build_sta_script, parse_sta_log, power_assumption
from chipsmith.tools._synth_parse import parse_cells, parse_clocks, parse_yosys_log, yosys_error

pytestmark = pytest.mark.unit

DATA = Path(__file__).parents[2] / "data" / "ppa"


def log(name: str) -> str:
    return (DATA / name).read_text()


def test_yosys_log_of_combinational_adder() -> None:
    r = parse_yosys_log(log("synth_adder16_generic45.yosys.log"))
    assert r.top == "adder16"
    assert r.cell_count == 80 == sum(r.cells.values())
    assert r.cells["XNOR2_X1"] == 24 and not any(c.startswith("$") for c in r.cells)
    assert r.area == pytest.approx(97.888)
    assert r.logic_depth == 16
    assert r.clocks == []
    assert r.transistors == 772


def test_yosys_log_of_counter_finds_its_clock_port() -> None:
    r = parse_yosys_log(log("synth_counter8_generic45.yosys.log"))
    assert r.top == "counter8"
    assert r.clocks == ["clk"]
    assert r.cells["DFF_X1"] == 8


def test_parse_clocks_and_cells_pure() -> None:
    assert parse_clocks("top/clk\ntop/\\clk_b\n\n") == ["clk", "clk_b"]
    stat = "   Number of cells:                  3\n     INV_X1                          2\n     DFF_X1     1\n\n   Chip"
    assert parse_cells(stat) == {"INV_X1": 2, "DFF_X1": 1}
    assert parse_cells("nothing here") == {}


def test_yosys_error_is_one_line_with_location() -> None:
    assert yosys_error(log("yosys_syntax_error.log")) == "bad.v:2: syntax error, unexpected ';'"
    assert yosys_error("ERROR: Module `nope' not found!\n") == "Module `nope' not found!"
    assert yosys_error("all fine\n") is None


def test_sta_log_combinational() -> None:
    r = parse_sta_log(log("synth_adder16_generic45.sta.log"))
    assert r.slack_ps == pytest.approx(484.219)
    assert r.arrival_ps == pytest.approx(515.781)
    assert r.wns_ps == 0.0 and r.tns_ps == 0.0
    assert r.power_w == pytest.approx(3.444765e-05)
    assert r.errors == []


def test_sta_log_sequential_asap7() -> None:
    r = parse_sta_log(log("synth_counter8_asap7.sta.log"))
    assert r.slack_ps is not None and 0 < r.slack_ps < 1000
    assert r.power_w is not None and r.power_w > 0


def test_sta_log_without_paths_or_power_gives_none() -> None:
    text = "chipsmith-checks-begin\nNo paths found.\nchipsmith-checks-end\nwns 0.000\nError: x.tcl, 3 bad\n"
    r = parse_sta_log(text)
    assert r.slack_ps is None and r.power_w is None
    assert r.errors == ["x.tcl, 3 bad"]


def test_sta_script_uses_virtual_clock_without_clock_port() -> None:
    tcl = build_sta_script(liberty="l.lib", netlist="n.v", top="t", clocks=[], period_ps=800, activity=0.2)
    assert f"create_clock -name {VIRTUAL_CLOCK} -period 800\n" in tcl
    assert "set_input_delay 0 -clock {" + VIRTUAL_CLOCK + "} [all_inputs]" in tcl
    assert "set_power_activity -input -activity 0.2" in tcl


def test_sta_script_clocks_a_real_port_and_excludes_it_from_input_delays() -> None:
    tcl = build_sta_script(
        liberty="l.lib", netlist="n.v", top="t", clocks=["clk"], period_ps=500, activity=0.1
    )
    assert "create_clock -name {clk} -period 500 [get_ports {clk}]" in tcl
    assert "[delete_from_list [all_inputs] [get_ports {clk}]]" in tcl
    assert tcl.index("link_design") < tcl.index("create_clock") < tcl.index("report_power")


def test_power_assumption_states_the_activity() -> None:
    text = power_assumption(0.1, True, 1000)
    assert "activity 0.1" in text and "1000 ps" in text
