"""`chipsmith lint` and `chipsmith sim` through typer's CliRunner, with the real tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from helpers import require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "counter"
SRC = ROOT / "tests" / "data" / "rtl_sim" / "src"
TB, DUT = str(EXAMPLE / "counter_tb.sv"), str(EXAMPLE / "counter.v")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("iverilog", "vvp", "verilator")
    monkeypatch.chdir(tmp_path)  # no project chipsmith.toml leaks into the settings
    monkeypatch.delenv("CHIPSMITH_SANDBOX", raising=False)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_sim_pass_writes_vcd(tmp_path: Path) -> None:
    res = invoke("sim", TB, DUT, "--vcd", str(tmp_path / "w.vcd"), "--sandbox", "local")
    assert res.exit_code == 0, res.output
    assert "PASS (iverilog" in res.output and "0 mismatches in 200 samples" in res.output
    assert (tmp_path / "w.vcd").read_text().startswith("$date")


def test_sim_json_on_a_wrong_design() -> None:
    res = invoke("sim", TB, str(SRC / "counter_wrap9.v"), "--json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["passed"] is False and data["failure_class"] == "mismatch" and data["samples"] == 200
    assert "vcd" not in data


def test_sim_timeout_flag() -> None:
    res = invoke("sim", str(SRC / "hang_tb.v"), "--timeout", "1", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout)["failure_class"] == "timeout"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sim", "missing_tb.sv", DUT], "missing_tb.sv: no such file"),
        (["sim", TB, DUT, "--simulator", "vcs"], "unknown simulator 'vcs'"),
        (
            ["sim", TB, DUT, "--simulator", "verilator", "--vcd", "x.vcd"],
            "--vcd works with --simulator iverilog only",
        ),
        (["sim", TB, DUT, "--sandbox", "nosuch"], "unknown sandbox 'nosuch'"),
        (["lint", "missing.v"], "missing.v: no such file"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], needle: str) -> None:
    res = invoke(*args)
    assert res.exit_code == 2
    assert needle in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_huge_file_is_refused_before_running(tmp_path: Path) -> None:
    huge = tmp_path / "huge.v"
    with huge.open("wb") as fh:
        fh.truncate(50 * 2**20)
    res = invoke("sim", TB, str(huge))
    assert res.exit_code == 2 and "huge.v is 50.0 MB, over the 4.0 MB limit per file" in res.output


def test_lint_clean_and_failing() -> None:
    clean = invoke("lint", DUT, TB)
    assert clean.exit_code == 0 and "clean: 0 errors, 0 warnings" in clean.output
    bad = invoke("lint", str(SRC / "elab_port.v"), "--json")
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["ok"] is False and {d["tool"] for d in data["diagnostics"]} == {"verilator", "iverilog"}
