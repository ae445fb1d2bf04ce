"""Unit tests of the pure mutant generators (no simulator involved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks import _mutants as mu

pytestmark = pytest.mark.unit

SUITE = Path(__file__).resolve().parents[3] / "src/chipsmith/benchmarks/suites/chipsmith_rtl"

SEQ = """module m(input clk, input rst, input en, input [7:0] d, output reg [7:0] q, output z);
  // a + b in a comment is never mutated
  wire [3:0] k = d[3:0];
  assign z = (q <= d) ? en : ~rst;
  always @(posedge clk) begin
    if (rst) q <= 8'd9;
    else if (en) q <= q + d;
  end
endmodule
"""


def sources(kind: str, src: str = SEQ) -> list[str]:
    return [m.source for m in mu.generate_mutants(src) if m.kind == kind]


def test_tokenize_tells_nonblocking_assignment_from_comparison() -> None:
    toks = mu.tokenize(SEQ)
    le = [t for t in toks if t.text == "<="]
    assert [t.assign_op for t in le] == [False, True, True]  # (q <= d) compares; q <= ... assigns


def test_tokenize_skips_comments_and_marks_declaration_ranges() -> None:
    toks = mu.tokenize(SEQ)
    assert "comment" not in {t.text for t in toks}
    seven = [t for t in toks if t.text == "7"]
    assert seven and all(t.in_decl_range for t in seven)
    # d[3:0] in an initialiser is an expression, not a declaration range
    three = [t for t in toks if t.text == "3"]
    assert [t.in_decl_range for t in three] == [True, False]


def test_operator_swaps() -> None:
    ops = sources("op")
    assert any("q <= q - d;" in s for s in ops)
    assert any("(q < d) ?" in s for s in ops)
    assert not any("a - b in a comment" in s for s in ops)
    assert all("output reg [7:0] q" in s for s in ops)  # declarations untouched


def test_constants_off_by_one_keep_width() -> None:
    consts = sources("const")
    assert any("q <= 8'd10;" in s for s in consts)
    assert any("q <= 8'd8;" in s for s in consts)
    assert mu._off_by_one("4'hf") == ["4'd0", "4'd14"]
    assert mu._off_by_one("0") == ["1"]
    assert mu._off_by_one("x") == []


def test_conditions_inverted_and_stuck() -> None:
    conds = sources("cond")
    assert any("else if (!(en)) q" in s for s in conds)
    assert any("if (1'b1) q <= 8'd9;" in s for s in conds)  # rst stuck at 1 (stuck at 0 is a 'reset' mutant)


def test_reset_removed_and_enable_forced() -> None:
    assert any("if (1'b0) q <= 8'd9;" in s for s in sources("reset"))
    assert any("else if (1'b1) q" in s for s in sources("enable"))
    # the port declarations themselves are never replaced
    assert all("input rst, input en" in s for s in sources("reset") + sources("enable"))


def test_stuck_bits_use_declared_width() -> None:
    stuck = sources("stuck")
    assert any("q <= (q + d) | {1'b1, {7{1'b0}}};" in s for s in stuck)
    assert any("q <= (q + d) & ~{{7{1'b0}}, 1'b1};" in s for s in stuck)
    assert any("assign z = ((q <= d) ? en : ~rst) | 1'b1;" in s for s in stuck)


def test_ternary_arms_swapped_including_nested() -> None:
    assert sources("ternary") == [SEQ.replace("? en : ~rst", "? ~rst : en")]
    nested = "module t(input a, input b, input [1:0] x, output [1:0] y);\n  assign y = a ? (b ? x : 2'd1) : 2'd2;\nendmodule\n"
    got = sources("ternary", nested)
    assert "  assign y = a ? 2'd2 : (b ? x : 2'd1);" in got[0]
    assert "(b ? 2'd1 : x)" in got[1]


def test_negation_removed() -> None:
    assert any("? en : rst;" in s for s in sources("negation"))


def test_mutants_are_distinct_and_differ_from_source() -> None:
    ms = mu.generate_mutants(SEQ)
    assert len({m.source for m in ms}) == len(ms)
    assert all(m.source != SEQ for m in ms)
    assert len({m.id for m in ms}) == len(ms)


def test_sample_is_deterministic_bounded_and_covers_kinds() -> None:
    ms = mu.generate_mutants((SUITE / "div8" / "ref.v").read_text())
    a = mu.sample_mutants(ms, 12, key="div8")
    b = mu.sample_mutants(ms, 12, key="div8")
    assert [m.id for m in a] == [m.id for m in b]
    assert len(a) == 12
    assert {m.kind for m in a} == {m.kind for m in ms}
    assert mu.sample_mutants(ms, None) == ms
    assert [m.id for m in mu.sample_mutants(ms, 12, key="other")] != [m.id for m in a]


def test_every_reference_yields_mutants_of_several_kinds() -> None:
    refs = sorted(SUITE.glob("*/ref.v"))
    assert len(refs) >= 40
    for ref in refs:
        kinds = {m.kind for m in mu.generate_mutants(ref.read_text())}
        assert len(kinds) >= 2, ref.parent.name


def test_garbage_input_gives_no_crash() -> None:
    for junk in ("", "module", "assign = ;", "if (", "a ? b", "\x00\xff", "'''"):
        mu.generate_mutants(junk)
