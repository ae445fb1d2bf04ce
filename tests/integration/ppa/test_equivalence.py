"""check_equivalence() with the real yosys, through the local sandbox."""

from __future__ import annotations

import pytest

from chipsmith.tools.equivalence import EquivError, check_equivalence
from helpers import require_tool

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("yosys")


def test_ripple_carry_adder_equals_a_plus_b(example, local_sandbox) -> None:
    r = check_equivalence(example("adder16.v"), example("ripple16.v"), sandbox=local_sandbox)
    assert r.equivalent is True and r.method == "sat-comb" and r.counterexample is None


def test_one_wrong_gate_gives_a_real_counterexample(example, local_sandbox) -> None:
    r = check_equivalence(example("adder16.v"), example("ripple16_bug.v"), sandbox=local_sandbox)
    assert r.equivalent is False and r.counterexample
    step = r.counterexample[0]
    a, b, cin = (int(step[k], 2) for k in ("a", "b", "cin"))
    assert int(step["gate.cout"] + step["gate.sum"], 2) != a + b + cin


def test_counter_written_two_ways_is_proven_equal(example, local_sandbox) -> None:
    r = check_equivalence(example("counter8.v"), example("counter8_toggle.v"), sandbox=local_sandbox)
    assert r.equivalent is True and r.method == "induction" and r.reset == "rst"


def test_broken_counter_gives_a_trace_from_reset(example, local_sandbox) -> None:
    r = check_equivalence(example("counter8.v"), example("counter8_bug.v"), sandbox=local_sandbox)
    assert r.equivalent is False and r.counterexample
    assert r.counterexample[0]["rst"] == "1"
    # The broken carry only shows once the low four bits have all been 1: at least 16 counts.
    assert len(r.counterexample) >= 17
    assert r.counterexample[-1]["gold.count"] != r.counterexample[-1]["gate.count"]


def test_too_shallow_a_search_is_unknown_not_equal(example, local_sandbox) -> None:
    r = check_equivalence(example("counter8.v"), example("counter8_bug.v"), depth=4, sandbox=local_sandbox)
    assert r.equivalent is None and r.method == "bmc" and r.depth == 4


def test_port_mismatch_is_a_one_line_error(example, local_sandbox) -> None:
    with pytest.raises(EquivError, match="same port names") as info:
        check_equivalence(example("adder16.v"), example("counter8.v"), sandbox=local_sandbox)
    assert "\n" not in str(info.value)


def test_syntax_error_in_gate_is_a_one_line_error(example, local_sandbox) -> None:
    with pytest.raises(EquivError, match="syntax error"):
        check_equivalence(example("adder16.v"), {"g.v": b"module g(;\n"}, sandbox=local_sandbox)
