"""Check times, failing checks and expected values by each convention, on recorded runs."""

from __future__ import annotations

import pytest

from chipsmith.tools.trace._timeline import (
    Timeline,
    build_timeline,
    edges,
    failing_by_events,
    find_counter,
    find_expected,
    message_times,
    mismatch,
    pre_edge_samples,
    rises,
    scale_times,
    to_cycles,
)
from chipsmith.tools.trace._waves import Wave, read_vcd

pytestmark = pytest.mark.unit

ACC_OUT, ACC_IN = ["sum", "big"], ["clk", "rst", "en", "d"]


def _wave(width: int, changes: list[tuple[int, str]]) -> Wave:
    w = Wave(width)
    for t, v in changes:
        w.set(t, v)
    return w


def _timeline(waves, tb: str, scope: str, ref=None, log: str = "") -> Timeline:
    dut = waves.under(scope)
    return build_timeline(
        dut=dut, tb=waves.direct(tb), outputs=ACC_OUT, inputs=ACC_IN, clock=dut["clk"],
        steps=waves.times([tb]), ref_dut=ref.under(scope) if ref else None, log=log,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("got", "exp", "bad"),
    [("0101", "0101", False), ("0111", "0101", True), ("0111", "01x1", False), ("x101", "0101", True),
     ("x", "x", False), ("1", "z", False), ("01", "001", False), ("11", "011", False), ("11", "111", True)],
)  # fmt: skip
def test_mismatch_treats_unknown_expected_bits_as_wildcards(got: str, exp: str, bad: bool) -> None:
    assert mismatch(got, exp) is bad


def test_expected_names_and_counters() -> None:
    out = {"sum": _wave(8, [(0, "0" * 8)]), "big": _wave(1, [(0, "0")])}
    tb = {
        "SUM_exp": _wave(8, []),
        "big_ref": _wave(2, []),
        "errors": _wave(32, []),
        "samples": _wave(32, []),
        "err": _wave(1, []),
    }
    found = find_expected(tb, out)
    assert list(found) == ["sum"] and found["sum"] is tb["SUM_exp"]  # big_ref has the wrong width
    assert find_counter(tb, ("mismatches", "errors")) is tb["errors"]
    assert find_counter({"errors": _wave(1, [])}, ("errors",)) is None  # a 1-bit flag is no counter


def test_rises_edges_and_pre_edge_samples() -> None:
    counter = _wave(4, [(0, "0000"), (10, "0001"), (20, "0001"), (30, "xxxx"), (40, "0011"), (50, "0000")])
    assert rises(counter) == [10, 40]
    clk = _wave(1, [(0, "0"), (5, "1"), (10, "0"), (15, "1")])
    assert edges(clk) == [5, 15] and edges(clk, "negedge") == [10]
    assert pre_edge_samples(clk, [0, 5, 6, 10, 12, 15]) == [0, 6, 12]


def test_message_times_and_scaling() -> None:
    log = (
        "ERROR: tb.sv:12: boom\n       Time: 95000 Scope: tb\n"
        "MISMATCH at time=120000 got 3\nnote t=5 still good\nfail @ 130000\nall fine t=7\n"
    )
    assert message_times(log) == [95000, 120000, 130000]
    steps = [0, 5000, 95000, 120000]
    assert scale_times([95, 120], steps, 200000) == [95000, 120000]  # %d of $time in ns, VCD in ps
    assert scale_times([95000], steps, 200000) == [95000]
    assert scale_times([7], steps, 200000) == [7]  # nothing fits: left alone


def test_failing_by_events_counts_each_event_once() -> None:
    assert failing_by_events([10, 20, 30, 40], [15, 20, 35]) == [False, True, False, True]
    assert failing_by_events([10, 20], []) == [False, False]


def test_reference_mode_on_recorded_runs(rec) -> None:
    bug, ref = read_vcd(rec("acc8_bug.vcd")), read_vcd(rec("acc8_ref.vcd"))
    tl = _timeline(bug, "tb", "tb.dut", ref=ref)
    assert tl.mode == "reference" and tl.cutoff is None and set(tl.expected) == {"sum", "big"}
    # The first d with bit 3 set (cyc 8) enters acc at the rising edge at 95 ns: the reference
    # run differs from then on, 6 ns before the testbench's own check sees it.
    assert tl.first_fail == 95000
    same = _timeline(ref, "tb", "tb.dut", ref=ref)
    assert same.mode == "none" and same.first_fail is None and "equal the reference's" in same.note


def test_counter_mode_without_reference(rec) -> None:
    tl = _timeline(read_vcd(rec("acc8_bug.vcd")), "tb", "tb.dut")
    # Checks are where `samples` rose (1 ns after each falling edge); `mismatches` rose with 30 of them.
    assert tl.mode == "counter" and len(tl.samples) == 40 and tl.failures == 30
    assert tl.first_fail == 101000 and not tl.expected  # the check of cyc 9 ("MISMATCH cyc=9")


def test_expected_signal_mode(rec) -> None:
    tl = _timeline(read_vcd(rec("acc8_exp_bug.vcd")), "tb_exp", "tb_exp.uut")
    assert tl.mode == "expected-signals" and set(tl.expected) == {"sum", "big"}
    assert tl.failures == 21 and len(tl.samples) == 32  # the testbench's own verdict: 21 in 32


def test_message_mode(rec) -> None:
    waves = read_vcd(rec("acc8_msg_bug.vcd"))
    tl = _timeline(waves, "tb_msg", "tb_msg.u0", log=rec("acc8_msg_bug.log").decode())
    assert tl.mode == "messages" and tl.first_fail == 30000 and tl.failures == 20


def test_no_convention_says_why() -> None:
    dut = {
        "sum": _wave(8, [(0, "0" * 8)]),
        "big": _wave(1, [(0, "0")]),
        "clk": _wave(1, [(0, "0"), (5, "1")]),
    }
    tl = build_timeline(dut=dut, tb={}, outputs=ACC_OUT, inputs=ACC_IN, clock=dut["clk"], steps=[0, 5])
    assert tl.mode == "none" and tl.first_fail is None and "conventions" in tl.note


def test_cycles_group_checks_between_edges() -> None:
    tl = Timeline("reference", [3, 7, 12, 18, 25], [False, False, True, False, False])
    cycles = to_cycles(tl, [5, 15, 25], end=30)
    assert [(c.index, c.at, c.failing, c.fail_at) for c in cycles] == [
        (0, 4, False, None), (1, 14, True, 12), (2, 24, False, None), (3, 30, False, None),
    ]  # fmt: skip
    flat = to_cycles(tl, None, end=30)
    assert [c.at for c in flat] == [3, 7, 12, 18, 25] and flat[2].fail_at == 12
