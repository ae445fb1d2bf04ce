"""`chipsmith bench list|run|score|report` through the real CLI app."""

from __future__ import annotations

import json
import shutil
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
    require_tool("iverilog", "vvp")
    rows = json.loads(cli("list", "--suite", RTL, "--json").stdout)
    seqdet = {
        "task": "seqdet101",
        "kind": "rtl",
        "category": "fsm",
        "subcategory": None,
        "difficulty": "medium",
    }
    assert {**seqdet, "usable": True, "why": ""} in rows  # the reference was run (--check is the default)
    rows = json.loads(cli("list", "--suite", RTL, "--no-check", "--json").stdout)
    assert {**seqdet, "usable": None, "why": ""} in rows


def rtllm_tree(tmp_path: Path) -> Path:
    """An RTLLM v2-style tree (categories, a design without a reference) plus a broken reference."""
    root = tmp_path / "rtllm"
    shutil.copytree(DATA / "differential" / "problems" / "rtllm", root)
    shutil.copytree(DATA / "rtllm" / "broken_inv", root / "Misc" / "broken_inv")
    return root


def test_list_and_run_say_why_each_unusable_task_is(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    require_tool("iverilog", "vvp")
    monkeypatch.setenv("COLUMNS", "400")  # one summary line per unusable task, unwrapped
    root = rtllm_tree(tmp_path)
    rows = {r["task"]: r for r in json.loads(cli("list", "--suite", f"rtllm:{root}", "--json").stdout)}
    assert (rows["adder_4bit"]["category"], rows["adder_4bit"]["subcategory"]) == ("Arithmetic", "Adder")
    assert [t for t, r in rows.items() if r["usable"]] == ["adder_4bit", "counter_mod5", "rom_lut"]
    assert rows["no_reference"]["why"] == "no verified_*.v reference in the directory"
    broken = rows["broken_inv"]["why"]
    assert broken.startswith("reference fails: testbench reported failure") and "\n" not in broken
    res = cli("run", "--suite", f"rtllm:{root}", "--agent", "reference", "--no-ppa", "--run-id", "ref")
    assert res.exit_code == 0, res.output
    assert "3 usable tasks; pass@1 1.000" in res.output
    assert f"unusable broken_inv: {broken}" in res.output
    assert "unusable no_reference: no verified_*.v reference in the directory" in res.output


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
