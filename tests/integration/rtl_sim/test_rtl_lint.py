"""lint() with the real Verilator and Icarus in the local sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.lint import lint
from helpers import require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "tests" / "data" / "rtl_sim" / "src"
EXAMPLE = ROOT / "examples" / "counter"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "verilator")


def read(*paths: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths}


def test_example_is_clean(local_sandbox) -> None:
    r = lint(read(EXAMPLE / "counter.v", EXAMPLE / "counter_tb.sv"), sandbox=local_sandbox)
    assert r.ok and r.diagnostics == [] and r.tools == ["verilator", "iverilog"]


def test_warnings_do_not_fail(local_sandbox) -> None:
    r = lint(read(SRC / "warn.v"), sandbox=local_sandbox)
    assert r.ok
    assert {(d.code, d.line) for d in r.diagnostics} == {("WIDTH", 3), ("UNUSEDSIGNAL", 1)}


def test_errors_from_both_tools(local_sandbox) -> None:
    r = lint(read(SRC / "elab_port.v"), sandbox=local_sandbox)
    assert not r.ok
    assert {(d.tool, d.line) for d in r.diagnostics if d.severity == "error"} == {
        ("verilator", 5),
        ("iverilog", 5),
    }


def test_top_module_is_passed(local_sandbox) -> None:
    r = lint(read(SRC / "warn.v"), top="nope", sandbox=local_sandbox)
    assert not r.ok and any("nope" in d.message for d in r.diagnostics if d.tool == "iverilog")


def test_malformed_and_garbage(local_sandbox) -> None:
    r = lint(read(SRC / "syntax.v"), sandbox=local_sandbox)
    assert not r.ok and all(d.file == "syntax.v" and d.line == 2 for d in r.diagnostics)
    junk = lint({"junk.v": b"\xff\xfe\x80 not verilog at all {{{"}, sandbox=local_sandbox)
    assert not junk.ok and {d.tool for d in junk.diagnostics} == {"verilator", "iverilog"}
