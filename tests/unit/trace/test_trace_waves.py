"""VCD reading (pyvcd underneath) into per-signal histories."""

from __future__ import annotations

import pytest

from chipsmith.tools.trace._waves import VcdError, Wave, changed_between, normalise, read_vcd

pytestmark = pytest.mark.unit


def test_recorded_vcd_scopes_and_values(rec) -> None:
    w = read_vcd(rec("acc8_bug.vcd"))
    assert w.scopes == {"tb": "module", "tb.dut": "module"} and w.timescale == "1ps" and w.end == 410000
    acc = w.signals["tb.dut.acc"]
    assert acc.width == 8 and acc.at(0) == "xxxxxxxx" and acc.at(5000) == "00000000"
    assert acc.at(35000) == "00000010" and acc.at(34999) == "00000000"
    assert w.signals["tb.clk"] is w.signals["tb.dut.clk"]  # one VCD id, two names
    assert set(w.direct("tb.dut")) == {"clk", "rst", "en", "d", "sum", "big", "acc", "cnt", "next"}
    assert w.children("tb") == ["tb.dut"] and not w.truncated


def test_times_and_changes(rec) -> None:
    w = read_vcd(rec("acc8_bug.vcd"))
    steps = w.times(["tb"])
    assert steps == sorted(set(steps)) and steps[0] == 0 and steps[-1] <= w.end
    clk = w.signals["tb.clk"]
    assert changed_between(clk, 0, 5000) and not changed_between(clk, 5000, 9999)


@pytest.mark.parametrize(
    ("value", "width", "bits"),
    [
        (5, 4, "0101"),
        (5, 2, "01"),
        ("1x", 4, "001x"),
        ("x1", 4, "xxx1"),
        ("z", 3, "zzz"),
        ("X", 1, "x"),
        (0, 1, "0"),
    ],
)
def test_normalise_left_extends_as_the_standard_says(value: int | str, width: int, bits: str) -> None:
    assert normalise(value, width) == bits


def test_same_step_changes_keep_the_last() -> None:
    wave = Wave(width=1)
    for t, v in [(0, "0"), (5, "1"), (5, "0"), (7, "0"), (9, "1")]:
        wave.set(t, v)
    assert wave.times == [0, 9] and wave.values == ["0", "1"]


def test_truncated_file_keeps_what_was_read(rec) -> None:
    data = rec("acc8_bug.vcd")
    half = data[: data.rindex(b"\n", 0, len(data) // 2) + 1]
    assert not read_vcd(half).truncated  # a dump that simply stops reads as shorter
    cut = read_vcd(half + b"q\n")  # a half-written line cannot be parsed
    assert cut.truncated and 0 < cut.end < 410000 and len(cut.signals["tb.dut.acc"].values) > 3


@pytest.mark.parametrize(
    "data", [b"", b"hello world", b"\x00\x01\x02" * 50, b"$scope module tb $end\n", b"$var wire 1 ! a $end"]
)
def test_garbage_is_one_clear_error(data: bytes) -> None:
    with pytest.raises(VcdError, match="not a readable VCD file"):
        read_vcd(data)
