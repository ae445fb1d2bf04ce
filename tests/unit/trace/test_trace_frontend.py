"""The front end: Verilator's XML (recorded) -> signals, dependences, lines, guards, clocks."""

from __future__ import annotations

import pytest

from chipsmith.tools.trace._frontend import FrontendError, parse_design_xml, verilator_xml_cmd

pytestmark = pytest.mark.unit


def _lines(model, name: str) -> list[int]:
    return sorted(line for _, line in model.signals[name].lines)


def test_command_is_data() -> None:
    cmd = verilator_xml_cmd(["tb.sv", "d.v"], "tb")
    assert cmd[:2] == ["verilator", "--xml-only"] and "-fno-dfg" in cmd and "--timing" in cmd
    assert cmd[-4:] == ["--top-module", "tb", "tb.sv", "d.v"]
    assert "--timing" not in verilator_xml_cmd(["d.v"], "d", timing=False)


def test_accumulator_model(acc_bug) -> None:
    _, m, _ = acc_bug
    assert (m.top, m.instance, m.clocks, m.files) == ("acc8", "tb.dut", [("clk", "posedge")], ["acc8_bug.v"])
    assert m.ports("input") == ["clk", "rst", "en", "d"] and m.ports("output") == ["sum", "big"]
    sig = m.signals
    assert sig["acc"].clocked and not sig["next"].clocked and sig["acc"].width == 8 and sig["d"].width == 4
    assert sig["next"].deps == {"acc", "d"} and sig["sum"].deps == {"acc"}
    assert sig["acc"].deps == {"en", "next", "rst"}  # data and control dependences
    assert _lines(m, "next") == [6] and _lines(m, "sum") == [16]
    assert _lines(m, "acc") == [8, 9, 11, 12]  # its two assignments and the conditions above them
    # `FULL` is a localparam: Verilator folds it into a constant; its line is traced through the source.
    assert 3 in _lines(m, "cnt") and 3 in _lines(m, "big") and 13 in _lines(m, "cnt")


def test_guards_keep_branches_apart(acc_bug) -> None:
    _, m, _ = acc_bug
    reset, enabled = m.signals["acc"].assigns
    assert [g.want for g in reset.guards] == [True] and reset.reads.all() == set()
    assert [g.want for g in enabled.guards] == [False, True] and enabled.reads.all() == {"next"}
    assert {r for g in enabled.guards for r in g.refs} == {"rst", "en"}
    assert m.types and all(w >= 1 for w, _ in m.types.values())


def test_verilog_eval_layout_picks_top_module(rec, src) -> None:
    sources = src("ve_test.sv", "ve_ref.sv", "ve_bug.sv")
    m = parse_design_xml(rec("ve_bug.xml").decode(), None, sources)
    assert (m.top, m.instance, m.files) == ("TopModule", "tb.top_module1", ["ve_bug.sv"])
    assert m.signals["out"].deps == {"in", "prev"} and _lines(m, "out") == [6]
    assert parse_design_xml(rec("ve_bug.xml").decode(), "RefModule", sources).instance == "tb.good1"
    with pytest.raises(FrontendError, match="does not instantiate module 'nope'"):
        parse_design_xml(rec("ve_bug.xml").decode(), "nope", sources)


def test_hierarchy_functions_and_memories(rec, src) -> None:
    m = parse_design_xml(rec("hier.xml").decode(), "top", src("hier.v"))
    assert m.instance is None and m.signals["mem"].memory and m.signals["mem"].width == 8
    assert m.signals["u1.y"].deps == {"u1.a"} and _lines(m, "u1.y") == [2, 3]  # the function's body line too
    assert m.signals["t"].deps == {"u1.y"} and m.signals["u1.a"].deps == {"x"}
    assert m.signals["q"].deps == {"mem", "t", "w", "x"}
    default = m.signals["q"].assigns[2].guards[0]
    assert default.labels == () and len(default.others) == 3  # `default:` runs when no other label matches


@pytest.mark.parametrize("text", ["", "<not xml", "<verilator_xml><netlist/></verilator_xml>"])
def test_bad_xml_is_one_clear_error(text: str) -> None:
    with pytest.raises(FrontendError):
        parse_design_xml(text)
