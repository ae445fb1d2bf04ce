"""Spec levels: loading both levels, choosing one for a run, the run identity and the record field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chipsmith.benchmarks import runner
from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.jobs import EvalOutcome, SolveOutcome, WorkItem
from chipsmith.benchmarks.metrics import summarize
from chipsmith.benchmarks.report import level_table, render
from chipsmith.benchmarks.results import RunRecord, parse_records
from chipsmith.benchmarks.rtl_suites import BUNDLED
from chipsmith.benchmarks.spec_levels import at_level
from chipsmith.benchmarks.suites_api import load_suite
from chipsmith.benchmarks.task import Candidate, EvalResult
from chipsmith.registry import EXECUTORS

pytestmark = pytest.mark.unit

FIXTURE_SUITE = Path(__file__).parents[2] / "data" / "bench" / "rtl_suite"  # has no spec_high.md


def test_bundled_tasks_load_both_levels_and_default_to_detailed() -> None:
    tasks = load_suite("chipsmith-rtl")
    assert len(tasks) == 42
    for t in tasks:
        assert set(t.specs) == {"detailed", "high"}, t.id
        assert t.public.spec == t.specs["detailed"] == (BUNDLED / t.id / "spec.md").read_text()
        assert t.specs["high"] == (BUNDLED / t.id / "spec_high.md").read_text()


def test_at_level_high_swaps_only_the_public_spec() -> None:
    tasks = load_suite("chipsmith-rtl")
    high = at_level(tasks, "high", "chipsmith-rtl")
    for before, after in zip(tasks, high, strict=True):
        assert after.public.spec == before.specs["high"] != before.public.spec
        assert after.hidden == before.hidden
        assert after.public.model_dump(exclude={"spec"}) == before.public.model_dump(exclude={"spec"})
    assert tasks[0].public.spec == tasks[0].specs["detailed"]  # the input list is not modified
    assert [t.public.spec for t in at_level(tasks, "detailed", "chipsmith-rtl")] == [
        t.public.spec for t in tasks
    ]


def test_a_suite_without_high_specs_is_refused_in_one_line() -> None:
    tasks = load_suite(f"chipsmith-rtl:{FIXTURE_SUITE}")
    assert all("high" not in t.specs for t in tasks)
    assert at_level(tasks, "detailed", "x") == tasks
    with pytest.raises(SuiteError) as err:
        at_level(tasks, "high", "chipsmith-rtl:DIR")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(
        "chipsmith-rtl:DIR: 4 of 4 tasks have no high-level spec (adder8, counter4, popcnt8, ...)"
    )
    assert "--spec-level detailed" in msg


def test_a_blank_high_spec_counts_as_missing_and_unknown_levels_are_refused(tmp_path: Path) -> None:
    task = load_suite(f"chipsmith-rtl:{FIXTURE_SUITE}")[0]
    blank = task.model_copy(update={"specs": {**task.specs, "high": "  \n"}})
    with pytest.raises(SuiteError, match="1 of 1 tasks have no high-level spec"):
        at_level([blank], "high", "s")
    with pytest.raises(SuiteError, match="unknown spec level 'coarse'"):
        at_level([task], "coarse", "s")


def test_an_optional_spec_high_md_is_read_from_a_suite_directory(tmp_path: Path) -> None:
    src = FIXTURE_SUITE / "adder8"
    dst = tmp_path / "adder8"
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    (dst / "spec_high.md").write_text("# adder8\nAdds two numbers.\n")
    (task,) = at_level(load_suite(f"chipsmith-rtl:{tmp_path}"), "high", "s")
    assert task.public.spec == "# adder8\nAdds two numbers.\n"


def _write_manifest(directory: Path, **fields: Any) -> None:
    directory.mkdir(parents=True)
    base = {"suite": "chipsmith-rtl", "agent": "null", "model": None, "tasks": None, "backend": None}
    (directory / "run.json").write_text(json.dumps({**base, "agent_options": {}, **fields}))


def test_the_level_is_part_of_the_run_identity(tmp_path: Path) -> None:
    cfg = runner.RunConfig(suite="chipsmith-rtl", agent="null", spec_level="high")
    _write_manifest(tmp_path / "r1", spec_level="detailed")
    with pytest.raises(runner.RunnerError, match="other spec_level"):
        runner._manifest(cfg, "r1", tmp_path / "r1")
    _write_manifest(tmp_path / "r2", spec_level="high")
    assert runner._manifest(cfg, "r2", tmp_path / "r2")["spec_level"] == "high"


def test_a_run_recorded_before_levels_existed_resumes_only_at_the_detailed_level(tmp_path: Path) -> None:
    _write_manifest(tmp_path / "old")  # no spec_level key at all
    detailed = runner.RunConfig(suite="chipsmith-rtl", agent="null")
    assert runner._manifest(detailed, "old", tmp_path / "old")["suite"] == "chipsmith-rtl"
    with pytest.raises(runner.RunnerError, match="other spec_level"):
        runner._manifest(detailed.model_copy(update={"spec_level": "high"}), "old", tmp_path / "old")


def test_records_carry_the_level_and_old_lines_read_as_detailed() -> None:
    old_line = json.dumps(
        {
            "run_id": "r",
            "task": "t",
            "suite": "s",
            "agent": "a",
            "sample": 0,
            "verdict": "pass",
            "failure_class": "pass",
        }
    )
    (old,) = parse_records(old_line + "\n")
    assert old.spec_level == "detailed"
    new = old.model_copy(update={"spec_level": "high"})
    (back,) = parse_records(new.model_dump_json() + "\n")
    assert back.spec_level == "high"


class _CaptureExecutor:
    """Records what each solve job would show the agent; every candidate 'passes' (no simulator)."""

    seen: list[str] = []

    def __init__(self, jobs: int = 1, address: str | None = None) -> None:
        pass

    def execute(self, items: list[WorkItem], on_done: Any) -> None:
        for item in items:
            _CaptureExecutor.seen.append(item.solve.public.spec)
            so = SolveOutcome(candidate=Candidate(task_id=item.task_id))
            on_done(item, so, EvalOutcome(result=EvalResult(verdict="pass", failure_class="pass")))


def test_run_benchmark_shows_the_agent_the_chosen_level_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(EXECUTORS._entries, "capture-spec", _CaptureExecutor)
    monkeypatch.setattr(runner, "tool_versions", lambda *_: {})
    monkeypatch.setattr(_CaptureExecutor, "seen", [])
    base = runner.RunConfig(
        suite="chipsmith-rtl", agent="null", tasks="uart_tx,cmp8", executor="capture-spec", home=tmp_path
    )
    high = runner.run_benchmark(base.model_copy(update={"spec_level": "high", "run_id": "h"}))
    runner.run_benchmark(base.model_copy(update={"run_id": "d"}))
    expected_high = [(BUNDLED / t / "spec_high.md").read_text() for t in ("cmp8", "uart_tx")]
    expected_detailed = [(BUNDLED / t / "spec.md").read_text() for t in ("cmp8", "uart_tx")]
    assert _CaptureExecutor.seen == expected_high + expected_detailed
    assert high.spec_level == "high"
    _, recs = runner.load_run(tmp_path, "h")
    assert {r.spec_level for r in recs} == {"high"} and len(recs) == 2
    _, recs = runner.load_run(tmp_path, "d")
    assert {r.spec_level for r in recs} == {"detailed"}


def _recs(run_id: str, level: str, passes: list[bool]) -> list[RunRecord]:
    return [
        RunRecord(
            run_id=run_id,
            task=f"t{i}",
            suite="chipsmith-rtl",
            agent="a",
            spec_level=level,
            sample=0,
            verdict="pass" if ok else "fail",
            failure_class="pass" if ok else "mismatch",
        )
        for i, ok in enumerate(passes)
    ]


def test_a_report_over_two_levels_shows_each_level() -> None:
    runs = [
        ("det", _recs("det", "detailed", [True, True, True, False])),
        ("hi", _recs("hi", "high", [True, False])),
    ]
    assert summarize(runs[0][1]).spec_level == "detailed"
    assert summarize(runs[0][1] + runs[1][1]).spec_level == "detailed+high"
    levels, rows = level_table(runs)
    assert levels == ["detailed", "high"]
    assert rows == [
        {"agent": "a", "model": "-", "suite": "chipsmith-rtl", "pass@1": {"detailed": 0.75, "high": 0.5}}
    ]
    md, html = render(runs)
    assert "## pass@1 by spec level" in md
    assert "| a | - | chipsmith-rtl | 0.750 | 0.500 |" in md
    assert (
        "| det | a | - | chipsmith-rtl | detailed |" in md and "| hi | a | - | chipsmith-rtl | high |" in md
    )
    assert "<h2>pass@1 by spec level</h2>" in html and "<td>0.500</td>" in html


def test_a_report_at_one_level_has_no_level_table() -> None:
    runs = [("x", _recs("x", "high", [True])), ("y", _recs("y", "high", [False]))]
    assert level_table(runs) == (["high"], [])
    md, _ = render(runs)
    assert "by spec level" not in md and "| x | a | - | chipsmith-rtl | high |" in md
