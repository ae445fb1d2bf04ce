"""`chipsmith trace` through typer's CliRunner, with the real tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from helpers import require_tool

pytestmark = pytest.mark.integration

SRC = Path(__file__).resolve().parents[2] / "data" / "trace" / "src"
TB, BUG, REF = (str(SRC / n) for n in ("acc8_tb.sv", "acc8_bug.v", "acc8.v"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("iverilog", "vvp", "verilator")
    monkeypatch.chdir(tmp_path)  # no project chipsmith.toml leaks into the settings
    monkeypatch.delenv("CHIPSMITH_SANDBOX", raising=False)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["trace", *args, "--sandbox", "local"])


def test_text_output_with_reference() -> None:
    res = invoke(TB, BUG, "--ref", REF, "--cycles", "4")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "trace: first mismatch at cycle 10: sum"
    assert "  sum: got 8'h14, expected 8'h1c" in lines and any(
        ln.startswith("  1. next (wire") for ln in lines
    )
    assert ["cycle", "7", "8", "9", "10!"] in [ln.split() for ln in lines]  # the last column: the mismatch
    assert ["sum", "0b", "0f", "12", "14"] in [ln.split() for ln in lines]


def test_json_output_and_bound() -> None:
    res = invoke(TB, BUG, "--json", "--suspects", "2")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["mode"] == "counter" and len(data["suspects"]) == 2 and data["first_mismatch_time"] == 101000
    short = invoke(TB, BUG, "--max-chars", "300")
    assert short.exit_code == 0 and len(short.output.rstrip("\n")) <= 300


def test_exit_codes_for_nothing_to_trace_and_usage_errors(tmp_path: Path) -> None:
    passed = invoke(TB, REF)
    assert passed.exit_code == 1 and "the simulation passed" in passed.output
    missing = invoke(TB, str(tmp_path / "nope.v"))
    assert missing.exit_code == 2 and "nope.v: no such file" in missing.output
    junk = tmp_path / "junk.v"
    junk.write_bytes(b"\x00\x01\x02")
    bad = invoke(TB, str(junk))
    assert bad.exit_code == 2 and "NUL bytes" in bad.output and "Traceback" not in bad.output
