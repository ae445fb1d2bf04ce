"""The schematic's data: OpenSTA's critical path, the netlist for netlistsvg, what to colour."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.web.schematic import critical_path, highlight, top_module

pytestmark = pytest.mark.unit
DATA = Path(__file__).parent / "data"


def test_the_critical_path_of_a_combinational_design_runs_port_to_port():
    p = critical_path((DATA / "adder8_sta.log").read_text())
    assert (p.startpoint, p.endpoint, p.arrival_ps) == ("b[0]", "sum[7]", 102.702)
    assert [pt.name for pt in p.points] == ["b[0]", "_29_/Y", "_31_/Y", "_60_/Y", "sum[7]"]
    assert p.points[1].instance == "_29_" and p.points[1].pin == "Y" and p.points[1].kind == "XNOR2_X1"
    assert p.points[0].instance is None and p.points[0].kind == "in"


def test_the_critical_path_of_a_clocked_design_stops_at_the_capturing_flop():
    p = critical_path((DATA / "counter4_sta.log").read_text())
    names = [pt.name for pt in p.points]
    assert names[0] == "_37_/CK" and names[-1] == "_39_/D" and p.arrival_ps == 166.94
    assert "_39_/CK" not in names  # the capture clock's pin is not on the data path


def test_no_report_no_path():
    assert critical_path("Error: no timing").points == []


NETLIST = {
    "modules": {
        "AND2": {"ports": {}, "cells": {}, "netnames": {}},
        "top": {
            "ports": {"a": {"direction": "input", "bits": [2, 3]}, "y": {"direction": "output", "bits": [5]},
                      "<b>": {"direction": "input", "bits": [6]}},
            "cells": {
                "_1_": {"type": "INV", "port_directions": {"A": "input", "Y": "output"}, "connections": {"A": [2], "Y": [4]}},
                "_2_": {"type": "AND2", "port_directions": {"A": "input", "B": "input", "Y": "output"},
                        "connections": {"A": [4], "B": [3], "Y": [5]}},
            },
            "netnames": {"n4": {"bits": [4], "hide_name": 1}},
        },
    }
}  # fmt: skip


def test_the_drawn_netlist_is_the_top_alone_with_safe_names():
    out = top_module(NETLIST, "top")
    assert list(out["modules"]) == ["top"]
    top = out["modules"]["top"]
    assert set(top["ports"]) == {"a", "y", "n0"}  # '<b>' renamed
    assert top["cells"]["_2_"]["port_directions"]["B"] == "input"
    with pytest.raises(ValueError, match="not in the synthesized netlist"):
        top_module(NETLIST, "nope")


def test_the_highlight_joins_consecutive_points_by_their_nets():
    from chipsmith.web.schematic import CriticalPath, PathPin

    path = CriticalPath(points=[PathPin(name="a[0]", kind="in"), PathPin(name="_1_/Y", kind="INV", instance="_1_", pin="Y"),
                                PathPin(name="_2_/Y", kind="AND2", instance="_2_", pin="Y"), PathPin(name="y", kind="out")])  # fmt: skip
    hl = highlight(top_module(NETLIST, "top")["modules"]["top"], path)
    assert hl == {"cells": ["_1_", "_2_"], "ports": ["a", "y"], "bits": [2, 4, 5]}


def test_a_flop_startpoint_does_not_colour_its_clock_net():
    from chipsmith.web.schematic import CriticalPath, PathPin

    module = {"ports": {}, "cells": {
        "_7_": {"type": "DFF", "port_directions": {"CK": "input", "D": "input", "Q": "output"}, "connections": {"CK": [1], "D": [9], "Q": [2]}},
        "_8_": {"type": "INV", "port_directions": {"A": "input", "Y": "output"}, "connections": {"A": [2], "Y": [9]}}}}  # fmt: skip
    path = CriticalPath(points=[PathPin(name="_7_/CK", kind="DFF", instance="_7_", pin="CK"),
                                PathPin(name="_7_/Q", kind="DFF", instance="_7_", pin="Q"),
                                PathPin(name="_8_/Y", kind="INV", instance="_8_", pin="Y")])  # fmt: skip
    hl = highlight(module, path)
    assert hl["cells"] == ["_7_", "_8_"] and hl["bits"] == [2]
