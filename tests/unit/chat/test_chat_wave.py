"""The ASCII waveform of ``/wave`` (pure): cells, columns, the whole drawing, signal selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.agents.session_models import SimulationInfo
from chipsmith.chat.wave import (
    Row,
    bit_cells,
    bus_cells,
    columns,
    fit_columns,
    hex_value,
    mark_index,
    render,
)
from chipsmith.chat.wave_select import WaveError, default_rows, dut_scope, named_rows, wave_lines
from chipsmith.tools.trace._waves import Wave, Waves, read_vcd

pytestmark = pytest.mark.unit

REC = Path(__file__).resolve().parents[2] / "data" / "trace" / "rec"


def wave(width: int, *changes: tuple[int, str]) -> Wave:
    w = Wave(width=width)
    for t, v in changes:
        w.set(t, v)
    return w


@pytest.mark.parametrize(
    ("bits", "text"),
    [("00001111", "0f"), ("101", "5"), ("1", "1"), ("0000x111", "0x"), ("zzzz0001", "z1"),
     ("x01", "x"), ("100000000", "100"), ("", "")],
)  # fmt: skip
def test_hex_value(bits, text):
    assert hex_value(bits) == text


def test_one_bit_levels_and_edges():
    assert bit_cells(["0", "0", "1", "1", "0", "x", "1", "z"], 3) == "______/-----\\__|xx|--|zz"


def test_bus_values_are_written_where_they_change_and_cut_when_too_wide():
    assert bus_cells(["00000011", "00000011", "11111111"], 4) == "|03     |ff "
    assert bus_cells(["1" * 32], 5) == "|ff+ "


def test_columns_hold_the_mark_a_few_changes_before_it_and_some_after():
    rows = [Row("a", wave(1, (0, "0"), (10, "1"), (20, "0"), (30, "1"))),
            Row("b", wave(4, (0, "0000"), (15, "0001"), (40, "0011")))]  # fmt: skip
    assert columns(rows, 22, before=2, after=1) == [15, 20, 30]
    assert columns(rows, None, before=2, after=1) == [0, 10, 15]
    assert columns(rows, 100, before=2, after=5) == [30, 40]
    assert columns([Row("c", Wave(width=1))], 5, 2, 2) == [0]
    assert (
        mark_index([15, 20, 30], 22) == 1
        and mark_index([15, 20], 3) is None
        and mark_index([1], None) is None
    )


def test_fit_columns_drops_the_earliest_and_keeps_the_mark_in_view():
    times = list(range(0, 100, 5))  # 20 columns, the mark at 72 -> column 14
    kept = fit_columns(times, 72, 10)
    assert len(kept) == 10 and 70 in kept and kept[-1] == 80  # two columns after the mark
    assert fit_columns(times, None, 4) == [0, 5, 10, 15] and fit_columns(times, 72, 50) == times


def test_render_draws_levels_values_the_mark_and_the_span():
    clk = wave(1, (0, "0"), (5, "1"), (10, "0"), (15, "1"), (20, "0"))
    q = wave(8, (0, "00000000"), (5, "00000001"), (15, "00000011"))
    q_exp = wave(8, (0, "00000000"), (5, "00000001"), (15, "00000010"))
    rows = [Row("clk", clk), Row("q", q), Row("q (exp)", q_exp)]
    lines = render(rows, [0, 5, 10, 15, 20], 15, "1ns")
    assert lines == [
        "clk      ____/---\\___/---\\___",
        "q        |00 |01     |03",
        "q (exp)  |00 |01     |02",
        "                     ^ first mismatch (15 ns)",
        "(5 columns, one per change of a shown signal, 0 ns .. 20 ns)",
    ]


def _acc8() -> Waves:
    return read_vcd((REC / "acc8_exp_bug.vcd").read_bytes())


def _sim(**kw) -> SimulationInfo:
    base = dict(check_id="c1-1", design="rtl/acc8.v", testbench="tb/acc8_tb.sv", tb_top="tb_exp", passed=False,
                message="3 mismatches in 40 samples", vcd="sim/acc8.vcd", first_mismatch_time=95000,
                differing=[{"signal": "sum", "got": "8'h14", "expected": "8'h1c"}])  # fmt: skip
    return SimulationInfo(**{**base, **kw})


def test_the_design_scope_comes_from_the_trace_else_from_the_testbench_top():
    w = _acc8()
    assert dut_scope(w, "tb_exp", ["sum"]) == "tb_exp.uut"
    assert (
        dut_scope(w, "tb_exp", [], trace="trace: ...\nfirst mismatch: 95 ns in tb_exp.uut\n") == "tb_exp.uut"
    )
    assert dut_scope(w, "tb_exp", [], trace="first mismatch: 95 ns in tb.gone\n") == "tb_exp.uut"
    assert dut_scope(w, "no_such_top", []) == "tb_exp.uut"  # the first top scope's child


def test_default_rows_put_clock_and_reset_first_and_the_expected_value_under_a_differing_output():
    rows, left_out = default_rows(_acc8(), "tb_exp.uut", "tb_exp", ["sum"])
    labels = [r.label for r in rows]
    assert labels[:2] == ["clk", "rst"] and left_out == 0
    assert labels[labels.index("sum") + 1] == "sum (exp)"
    assert set(labels) == {"clk", "rst", "big", "d", "en", "sum", "sum (exp)", "next", "acc", "cnt"}


def test_default_rows_are_capped_and_say_how_many_were_left_out():
    many = {f"tb.dut.s{i:02d}": wave(1, (0, "0")) for i in range(20)} | {"tb.dut.clk": wave(1, (0, "0"))}
    w = Waves(signals=many, scopes={"tb": "module", "tb.dut": "module"}, timescale="1ns", end=10)
    rows, left_out = default_rows(w, "tb.dut", "tb", [])
    assert len(rows) == 16 and left_out == 5 and rows[0].label == "clk"


def test_named_rows_take_names_and_globs_and_refuse_what_matches_nothing():
    w = _acc8()
    rows = named_rows(w, "tb_exp.uut", "tb_exp", ["sum", "c*", "errors"], ["sum"])
    assert [r.label for r in rows] == ["sum", "sum (exp)", "clk", "cnt", "errors"]
    assert [r.label for r in named_rows(w, "tb_exp.uut", "tb_exp", ["tb_exp.i"], [])] == ["tb_exp.i"]
    with pytest.raises(WaveError, match=r"no signal matches 'nope' in tb_exp.uut \(signals: big, clk"):
        named_rows(w, "tb_exp.uut", "tb_exp", ["nope"], [])


def test_wave_lines_fit_the_width_and_keep_the_first_mismatch_in_view():
    lines = wave_lines(_acc8(), _sim(), [], width=60)
    assert (
        lines[0]
        == "sim/acc8.vcd (design tb_exp.uut): testbench tb/acc8_tb.sv on rtl/acc8.v: FAIL: 3 mismatches in 40 samples"
    )
    assert lines[1] == "  sum: got 8'h14, expected 8'h1c"
    body = [ln for ln in lines[2:] if not ln.startswith(("(", " "))]
    assert len(body) == 10 and all(len(ln) <= 60 for ln in body)
    assert any(ln.strip().startswith("^ first mismatch (95 ns)") for ln in lines)
    passed = wave_lines(_acc8(), _sim(passed=True, message="pass (0 mismatches in 40 samples)",
                                      first_mismatch_time=None, differing=[]), ["d"], width=80)  # fmt: skip
    assert "pass (0 mismatches" in passed[0] and not any("first mismatch" in ln for ln in passed)
    assert passed[-1].startswith("(") and "0 ps .." in passed[-1]  # a passing run: from its start
