"""Parsers of the equivalence flow, on yosys logs recorded on this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools._equiv_parse import (
    parse_counterexample,
    parse_miter,
    parse_sat_comb,
    parse_sat_induction,
)

pytestmark = pytest.mark.unit

DATA = Path(__file__).parents[2] / "data" / "ppa"


def parts(name: str) -> tuple[str, str]:
    miter, sat = (DATA / name).read_text().split("--- sat ---", 1)
    return miter, sat


def test_miter_of_adder_is_combinational_with_its_inputs() -> None:
    info = parse_miter(parts("equiv_comb_equal.log")[0])
    assert info.inputs == ["a", "b", "cin"]
    assert info.flip_flops == 0


def test_miter_of_counters_has_flip_flops() -> None:
    info = parse_miter(parts("equiv_seq_equal.log")[0])
    assert info.inputs == ["clk", "en", "rst"]
    assert info.flip_flops >= 2


def test_comb_equal_is_proven() -> None:
    v = parse_sat_comb(parts("equiv_comb_equal.log")[1])
    assert v.equivalent is True and v.counterexample is None


def test_comb_counterexample_really_distinguishes_the_designs() -> None:
    v = parse_sat_comb(parts("equiv_comb_differ.log")[1])
    assert v.equivalent is False and v.counterexample is not None and len(v.counterexample) == 1
    step = v.counterexample[0]
    a, b, cin = (int(step[k], 2) for k in ("a", "b", "cin"))
    gold = int(step["gold.cout"] + step["gold.sum"], 2)
    gate = int(step["gate.cout"] + step["gate.sum"], 2)
    assert gold == a + b + cin  # the reference output is the true sum...
    assert gate != gold  # ...and the broken adder's output differs from it
    assert step["trigger"] == "1"


def test_seq_equal_is_proven_by_induction() -> None:
    v = parse_sat_induction(parts("equiv_seq_equal.log")[1], 20)
    assert v.equivalent is True and v.depth == 1


def test_seq_counterexample_is_a_trace_ending_in_a_mismatch() -> None:
    v = parse_sat_induction(parts("equiv_seq_differ.log")[1], 20)
    assert v.equivalent is False
    cex = v.counterexample
    assert cex is not None and len(cex) > 2
    assert cex[0]["rst"] == "1"  # the recorded run asserted reset in cycle 1
    assert all(s["trigger"] == "0" for s in cex[:-1])
    last = cex[-1]
    assert last["trigger"] == "1" and last["gold.count"] != last["gate.count"]


def test_seq_bounded_only_is_unknown_with_depth() -> None:
    v = parse_sat_induction(parts("equiv_seq_bounded.log")[1], 5)
    assert v.equivalent is None
    assert v.depth == 5
    assert "unknown" in v.message


def test_no_verdict_in_a_truncated_log_is_unknown() -> None:
    assert parse_sat_comb("Solving problem with 10 variables").equivalent is None


def test_counterexample_table_skips_init_rows_and_groups_by_step() -> None:
    table = """
  Time Signal Name              Dec       Hex           Bin
  ---- ---------------- ----------- --------- -------------
  init \\gold.q                   --        --      xxxxxxxx
     1 \\gold_y                    3         3      00000011
     1 \\in_a                      1         1             1
     2 \\gold_y                   --        --      0000x011
"""
    assert parse_counterexample(table) == [{"gold.y": "00000011", "a": "1"}, {"gold.y": "0000x011"}]
