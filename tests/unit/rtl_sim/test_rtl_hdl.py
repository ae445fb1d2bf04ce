"""Pure source helpers: module discovery, top guessing, input checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.hdl import (
    MAX_SOURCE_BYTES,
    check_files,
    find_modules,
    guess_top,
    instantiated,
    read_paths,
    strip_comments_and_strings,
    top_candidates,
)

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "counter"


def test_find_modules_ignores_comments_and_strings() -> None:
    src = """
    // module commented_out (input a);
    /* module also_commented;
       endmodule */
    module real_one #(parameter W = 2) (input [W-1:0] a);
      initial $display("module in_a_string;");
    endmodule : real_one
    macromodule second; endmodule
    module automatic third(); endmodule
    """
    assert find_modules(src) == ["real_one", "second", "third"]


def test_strip_keeps_line_numbers() -> None:
    src = 'a /* x\ny */ b // c\n"d\\"e" f'
    out = strip_comments_and_strings(src)
    assert out.count("\n") == src.count("\n")
    assert "x" not in out and "c" not in out and "d" not in out and out.split() == ["a", "b", "f"]


def test_guess_top_on_bundled_example() -> None:
    sources = {p.name: p.read_text() for p in EXAMPLE.glob("*.*v")}
    assert guess_top(sources) == "counter_tb"


def test_guess_top_verilog_eval_layout() -> None:
    sources = {
        "test.sv": "module stimulus_gen(input clk); endmodule\n"
        "module tb(); stimulus_gen stim1 (.clk); RefModule good1 (.*); TopModule top_module1 (.*); endmodule",
        "ref.sv": "module RefModule(input a); endmodule",
        "cand.sv": "module TopModule(input a); endmodule",
    }
    assert guess_top(sources) == "tb"


def test_instantiation_forms() -> None:
    body = "module t; leaf #(.W(2)) u0 (.a(a)); arr u1 [3:0] (.x(x)); plain u2(); endmodule"
    assert instantiated([body], ["leaf", "arr", "plain", "t", "unused"]) == {"leaf", "arr", "plain"}


def test_guess_top_ambiguous_or_none() -> None:
    assert guess_top({"a.v": "module a; endmodule\nmodule b; endmodule"}) is None
    assert guess_top({"empty.v": ""}) is None
    assert top_candidates({"a.v": "module a; endmodule\nmodule b; endmodule"}) == ["a", "b"]


def test_instantiation_in_comment_does_not_count() -> None:
    sources = {"a.v": "module top; // leaf u0 ();\nendmodule\nmodule leaf; endmodule"}
    assert top_candidates(sources) == ["top", "leaf"]


def test_check_files_refuses_bad_input() -> None:
    assert check_files({}) == "no source files given"
    assert "NUL bytes" in (check_files({"g.v": bytes(range(256))}) or "")
    big = check_files({"big.v": b"a" * (MAX_SOURCE_BYTES + 1)}) or ""
    assert big.startswith("big.v is 4.0 MB, over the 4.0 MB limit")
    assert check_files({"ok.v": b"module m; endmodule"}) is None
    assert check_files({"data.bin": b"\x00\x01"}, text=False) is None


def test_read_paths_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        read_paths([tmp_path / "missing.v"])
    huge = tmp_path / "huge.v"
    with huge.open("wb") as fh:  # a sparse 50 MB file: refused from its size, never read
        fh.truncate(50 * 2**20)
    with pytest.raises(ValueError, match=r"huge.v is 50.0 MB, over the 4.0 MB limit"):
        read_paths([huge])
    (tmp_path / "d").mkdir()
    (tmp_path / "a.v").write_text("x")
    (tmp_path / "d" / "a.v").write_text("y")
    with pytest.raises(ValueError, match="two files are named 'a.v'"):
        read_paths([tmp_path / "a.v", tmp_path / "d" / "a.v"])
    assert read_paths([tmp_path / "a.v"]) == {"a.v": b"x"}
