"""Mutation testing with the real simulator on a few tasks, and the `bench mutate` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chipsmith.benchmarks.mutate import classify, mutate_tasks
from chipsmith.benchmarks.rtl_suites import load_chipsmith_rtl
from helpers import require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("rtl_suite")]

# small, quick tasks of three kinds: combinational, arithmetic, sequential
SCORED = ("dec3to8", "sat_sub8u", "edge_detect")


def _tasks(ids: tuple[str, ...]):
    return [t for t in load_chipsmith_rtl() if t.id in ids]


def test_classify() -> None:
    assert classify("pass") == "survived"
    assert classify("compile") == classify("elaborate") == "stillborn"
    assert {classify(c) for c in ("mismatch", "timeout", "runtime")} == {"killed"}


def test_mutation_score_of_three_tasks_is_at_least_70_percent() -> None:
    require_tool("iverilog", "vvp")
    # equivalence proofs off: every survivor counts against the testbench, the stricter reading
    report = mutate_tasks(_tasks(SCORED), suite="chipsmith-rtl", max_mutants=12, jobs=2, equivalence=False)
    assert [t.task_id for t in report.tasks] == sorted(SCORED)
    for t in report.tasks:
        assert t.reference_ok, t.message
        assert len(t.outcomes) == min(12, t.generated) and t.generated > 0
        assert t.score is not None and t.score >= 0.7, (t.task_id, t.summary())
    assert report.totals()["killed"] > 0


def test_broken_reference_gets_no_score() -> None:
    require_tool("iverilog", "vvp")
    task = _tasks(("dec3to8",))[0]
    ref = task.hidden.files["ref.v"].replace(b"8'd1 << sel", b"8'd2 << sel")
    broken = task.model_copy(
        update={"hidden": task.hidden.model_copy(update={"files": {**task.hidden.files, "ref.v": ref}})}
    )
    report = mutate_tasks([broken], max_mutants=3, jobs=1, equivalence=False)
    assert report.tasks[0].reference_ok is False
    assert report.tasks[0].outcomes == [] and report.tasks[0].score is None
    assert "reference fails" in report.tasks[0].message


def test_equivalent_survivor_is_proven_and_not_counted() -> None:
    require_tool("iverilog", "vvp", "yosys")
    from chipsmith.benchmarks._mutants import Mutant
    from chipsmith.benchmarks.mutate import run_mutant
    from chipsmith.sandbox.local import LocalSandbox

    task = _tasks(("abs_diff8",))[0]
    src = task.hidden.files["ref.v"].decode()
    # a >= b -> a > b changes nothing: when a == b both arms give 0
    same = Mutant(
        id="op-x", kind="op", line=2, description="'>=' -> '>'", source=src.replace("a >= b", "a > b")
    )
    out = run_mutant(task, same, LocalSandbox(), equivalence=True)
    assert out.status == "equivalent", out.detail


def _cli():
    import typer

    from chipsmith.commands.mutate import register_bench

    app = typer.Typer()
    app.command("noop")(lambda: None)  # keeps `mutate` a sub-command, as under `bench`
    register_bench(app)
    return app


def test_cli_json_and_fail_under() -> None:
    require_tool("iverilog", "vvp")
    from typer.testing import CliRunner

    args = ["mutate", "--tasks", "dec3to8", "--max-mutants", "4", "--no-equiv", "--jobs", "2"]
    res = CliRunner().invoke(_cli(), [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["totals"]["mutants"] == 4 and data["tasks"][0]["task_id"] == "dec3to8"
    res = CliRunner().invoke(_cli(), [*args, "--fail-under", "1.0"])
    assert res.exit_code in (0, 1) and "overall:" in res.output
    assert (res.exit_code == 1) == (data["totals"]["score"] < 1.0)


RTLLM_TREE = Path(__file__).parents[2] / "data" / "bench" / "differential" / "problems" / "rtllm"


def test_cli_skips_tasks_the_adapter_marked_unusable() -> None:
    # The recorded RTLLM tree holds one design without a verified file (marked unusable on load).
    require_tool("iverilog", "vvp")
    from typer.testing import CliRunner

    args = ["mutate", "--suite", f"rtllm:{RTLLM_TREE}", "--max-mutants", "2", "--no-equiv", "--jobs", "2"]
    res = CliRunner().invoke(_cli(), [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert sorted(t["task_id"] for t in data["tasks"]) == ["adder_4bit", "counter_mod5", "rom_lut"]
    assert list(data["skipped"]) == ["no_reference"] and "verified" in data["skipped"]["no_reference"]
    assert "skipped no_reference:" in res.stderr
    res = CliRunner().invoke(_cli(), [*args, "--tasks", "adder_4bit,no_reference"])
    assert res.exit_code == 0 and "skipped no_reference:" in res.output and "adder_4bit" in res.output
    res = CliRunner().invoke(_cli(), [*args, "--tasks", "no_reference"])
    assert res.exit_code == 2 and "no task to mutate" in res.output and "no_reference:" in res.output


def test_cli_bad_input_is_one_line() -> None:
    from typer.testing import CliRunner

    res = CliRunner().invoke(_cli(), ["mutate", "--tasks", "no_such_task*"])
    assert res.exit_code == 2 and "no RTL tasks" in res.output
    res = CliRunner().invoke(_cli(), ["mutate", "--suite", "nope"])
    assert res.exit_code == 2 and "unknown suite" in res.output and "Traceback" not in res.output
