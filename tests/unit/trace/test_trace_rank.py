"""Expression evaluation, dynamic slices and the suspect ranking, on the recorded accumulator bug."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from chipsmith.tools.trace._expr import Evaluator, parse_const, to_signed
from chipsmith.tools.trace._rank import Ranked, cone, ochiai, onsets, rank, spread
from chipsmith.tools.trace._slice import Slicer
from chipsmith.tools.trace._timeline import Cycle, build_timeline, edges, to_cycles
from chipsmith.tools.trace._waves import read_vcd

pytestmark = pytest.mark.unit

TYPES = {"1": (1, False), "4": (4, False), "8": (8, False), "8s": (8, True)}


def _ev(xml: str, **values: int | None) -> int | None:
    return Evaluator(TYPES, lambda name: values.get(name)).value(ET.fromstring(xml))


@pytest.mark.parametrize(
    ("xml", "values", "want"),
    [
        ('<const name="8\'h3c" dtype_id="8"/>', {}, 0x3C),
        ('<eq dtype_id="1"><const name="4\'h9" dtype_id="4"/><varref name="n" dtype_id="4"/></eq>', {"n": 9}, 1),
        ('<add dtype_id="4"><const name="4\'h1" dtype_id="4"/><varref name="n" dtype_id="4"/></add>', {"n": 15}, 0),
        ('<not dtype_id="4"><varref name="n" dtype_id="4"/></not>', {"n": 5}, 10),
        ('<lognot dtype_id="1"><varref name="n" dtype_id="4"/></lognot>', {"n": 0}, 1),
        ('<sel dtype_id="1"><varref name="a" dtype_id="8"/><const name="32\'h7" dtype_id="8"/><const name="32\'h1" dtype_id="8"/></sel>', {"a": 0x80}, 1),
        ('<concat dtype_id="8"><varref name="n" dtype_id="4"/><const name="4\'h1" dtype_id="4"/></concat>', {"n": 3}, 0x31),
        ('<lts dtype_id="1"><varref name="a" dtype_id="8s"/><varref name="b" dtype_id="8s"/></lts>', {"a": 0xFF, "b": 1}, 1),
        ('<lt dtype_id="1"><varref name="a" dtype_id="8"/><varref name="b" dtype_id="8"/></lt>', {"a": 0xFF, "b": 1}, 0),
        ('<cond dtype_id="4"><varref name="s" dtype_id="1"/><varref name="a" dtype_id="4"/><varref name="b" dtype_id="4"/></cond>', {"s": 0, "a": None, "b": 7}, 7),
        ('<logand dtype_id="1"><varref name="s" dtype_id="1"/><varref name="t" dtype_id="1"/></logand>', {"s": 0, "t": None}, 0),
        ('<logor dtype_id="1"><varref name="s" dtype_id="1"/><varref name="t" dtype_id="1"/></logor>', {"s": 0, "t": None}, None),
        ('<redxor dtype_id="1"><varref name="a" dtype_id="8"/></redxor>', {"a": 0b1011}, 1),
        ('<mystery dtype_id="1"><varref name="a" dtype_id="8"/></mystery>', {"a": 1}, None),
        ('<eq dtype_id="1"><varref name="x" dtype_id="4"/><const name="4\'h1" dtype_id="4"/></eq>', {}, None),
    ],
)  # fmt: skip
def test_evaluator(xml: str, values: dict[str, int | None], want: int | None) -> None:
    assert _ev(xml, **values) == want


def test_constants() -> None:
    assert [parse_const(c) for c in ("32'sh8", "1'b1", "4'bx01", "16'd65535", "abc")] == [
        8,
        1,
        None,
        65535,
        None,
    ]
    assert to_signed(0xFF, 8) == -1 and to_signed(0x7F, 8) == 127


def test_ochiai_onsets_and_spread() -> None:
    assert ochiai(4, 0, 4) == 1.0 and ochiai(0, 5, 4) == 0.0 and ochiai(0, 0, 0) == 0.0
    assert round(ochiai(2, 2, 4), 3) == 0.5
    cycles = [Cycle(i, i, f) for i, f in enumerate([False, True, True, None, True, False, True])]
    assert [c.index for c in onsets(cycles)] == [1, 6]  # a cycle without checks does not end a run
    assert [c.index for c in spread(cycles, 3)] == [0, 2, 4] and spread(cycles, 10) == cycles


@pytest.fixture
def acc_run(acc_bug, rec):
    waves, model, _ = acc_bug
    dut = waves.under("tb.dut")
    ref = read_vcd(rec("acc8_ref.vcd")).under("tb.dut")
    tl = build_timeline(
        dut=dut, tb=waves.direct("tb"), outputs=["sum", "big"], inputs=["clk", "rst", "en", "d"],
        clock=dut["clk"], steps=waves.times(["tb"]), ref_dut=ref,
    )  # fmt: skip
    return model, dut, to_cycles(tl, edges(dut["clk"]), waves.end)


def test_cone_distances(acc_run) -> None:
    model, _, _ = acc_run
    assert cone(model, ["sum"]) == {"sum": 0, "acc": 1, "en": 2, "next": 2, "rst": 2, "d": 3}
    assert set(cone(model, ["big"])) == {"big", "acc", "cnt", "en", "next", "rst", "d"}


def test_dynamic_reads_follow_the_taken_branch(acc_run) -> None:
    model, dut, cycles = acc_run
    slicer = Slicer(model, dut, [c.at for c in cycles])
    assert slicer.reads("acc", cycles[0].at) == ({"rst"}, True)  # in reset: acc <= 0
    assert slicer.reads("acc", cycles[8].at) == ({"rst", "en", "next"}, True)
    reads, fired = slicer.reads("cnt", cycles[8].at)  # saturated: `if (cnt != FULL)` not taken
    assert reads == {"rst", "en", "cnt"} and not fired
    first = onsets(cycles)[0]
    assert (first.index, first.fail_at) == (10, 95000)
    assert slicer.slice(["sum"], first.index, 95000) == {"sum", "acc", "next", "d", "en", "rst"}


def test_the_buggy_line_ranks_first(acc_run) -> None:
    model, dut, cycles = acc_run
    ranked = rank(model, dut, cycles, ["sum"])
    assert [r.signal for r in ranked] == ["next", "sum", "acc"]  # inputs are never suspects
    top = ranked[0]
    assert isinstance(top, Ranked) and top.distance == 2 and top.predicate == "d[3]=1 at 2 of 2"
    assert 0 < ranked[-1].score <= top.score <= 1
    assert rank(model, dut, cycles, ["sum"]) == ranked  # deterministic
