"""`chipsmith synth` and `chipsmith equiv`: JSON fields, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from helpers import require_tool

EXAMPLES = Path(__file__).parents[3] / "examples" / "ppa"

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("yosys", "sta")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def test_synth_json_reports_area_delay_power() -> None:
    res = run("synth", EXAMPLES / "adder16.v", "--json", "--clock-period", "900")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["area_um2"] > 0 and data["delay_ps"] > 0 and data["power_w"] > 0
    assert data["clock_period_ps"] == 900


def test_equiv_exit_codes_and_json() -> None:
    ok = run("equiv", EXAMPLES / "adder16.v", EXAMPLES / "ripple16.v", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["equivalent"] is True
    bad = run("equiv", EXAMPLES / "adder16.v", EXAMPLES / "ripple16_bug.v", "--json")
    data = json.loads(bad.stdout)
    assert bad.exit_code == 1 and data["equivalent"] is False and data["counterexample"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("synth", "missing.v"), "no such file"),
        (("synth", EXAMPLES / "adder16.v", "--liberty", "missing.lib"), "liberty file not found"),
        (("synth", EXAMPLES / "adder16.v", "--top", "nope"), "not found"),
        (("equiv", EXAMPLES / "adder16.v", EXAMPLES / "counter8.v"), "same port names"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message) -> None:
    res = run(*args)
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output
    assert res.output.strip().count("\n") == 0
