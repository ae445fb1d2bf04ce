"""`chipsmith bench list|run|score|report` through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from helpers import require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).parents[2] / "data" / "bench"
RTL = f"chipsmith-rtl:{DATA / 'rtl_suite'}"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHIPSMITH_HOME", str(tmp_path / "home"))
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["bench", *args])

    return invoke


def test_list_suites_and_tasks(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("list", "--json")
    assert res.exit_code == 0
    assert {"chipsmith-rtl", "verilog-eval", "rtllm"} <= {row["suite"] for row in json.loads(res.stdout)}
    res = cli("list", "--suite", RTL, "--json")
    rows = json.loads(res.stdout)
    assert {"task": "seqdet101", "kind": "rtl", "category": "fsm", "difficulty": "medium"} in rows


def test_bad_input_is_one_line_not_a_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (["list", "--suite", "nope"], ["run", "--suite", "rtllm:/does/not/exist", "--agent", "null"],
                 ["run", "--suite", RTL, "--agent", "no-such-agent"], ["report", "missing-run"],
                 ["run", "--suite", RTL, "--agent", "null", "--run-id", "../x"]):  # fmt: skip
        res = cli(*args)
        assert res.exit_code == 2, (args, res.output)
        assert res.output.startswith("error: ") and res.output.count("\n") == 1, res.output
        assert "Traceback" not in res.output


def test_run_score_and_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_tool("iverilog", "vvp")
    res = cli(
        "run", "--suite", RTL, "--agent", "null", "--tasks", "adder8", "--run-id", "n", "--no-ppa", "--json"
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["pass_at_k"] == {"pass@1": 0.0}
    samples = tmp_path / "samples"
    (samples / "adder8").mkdir(parents=True)
    ref = (DATA / "rtl_suite" / "adder8" / "ref.v").read_text()
    (samples / "adder8" / "sample_0.v").write_text(ref)
    (samples / "adder8" / "sample_1.v").write_text(ref.replace("+ cin", ""))
    res = cli("score", "--suite", RTL, "--samples", str(samples), "--run-id", "s", "--no-ppa", "--json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["records"] == 2 and summary["pass_at_k"] == {"pass@1": 0.5}
    out = tmp_path / "report"
    res = cli("report", "n", "s", "--out", str(out))
    assert res.exit_code == 0, res.output
    md = (out / "report.md").read_text()
    assert "| n | null |" in md and "| s | samples-dir |" in md
    assert (out / "report.html").read_text().count("<svg") == 2
