"""The JSONL store: atomic appends, torn last lines, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks.results import ResultStore, RunRecord, comparable, parse_records

pytestmark = pytest.mark.unit


def rec(task: str, sample: int = 0, verdict: str = "pass") -> RunRecord:
    return RunRecord(
        run_id="r", task=task, suite="s", agent="a", sample=sample, verdict=verdict, failure_class=verdict
    )


def test_append_then_read_round_trips(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "run" / "results.jsonl")
    store.open_for_append()
    store.append(rec("a"))
    store.append(rec("a", 1, "fail"))
    assert [(r.task, r.sample, r.verdict) for r in store.read()] == [("a", 0, "pass"), ("a", 1, "fail")]
    assert store.done_keys() == {("a", 0), ("a", 1)}


def test_torn_last_line_is_ignored_then_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    full = rec("a").model_dump_json() + "\n"
    path.write_text(full + rec("b").model_dump_json()[:40])  # a write cut short by a kill
    store = ResultStore(path)
    assert [r.task for r in store.read()] == ["a"]
    store.open_for_append()
    store.append(rec("c"))
    assert path.read_text().count("\n") == 2
    assert [r.task for r in store.read()] == ["a", "c"]


def test_parse_keeps_the_first_record_per_key_and_skips_garbage() -> None:
    text = "\n".join(
        [
            rec("a", 0, "pass").model_dump_json(),
            "not json",
            '{"task": 1}',
            rec("a", 0, "fail").model_dump_json(),
        ]
    )
    records = parse_records(text)
    assert len(records) == 1 and records[0].verdict == "pass"


def test_comparable_drops_timings_and_run_id() -> None:
    one = rec("a").model_copy(
        update={"solve_s": 1.0, "eval_s": 2.0, "run_id": "x", "metrics": {"sim_wall_s": 0.3, "m": 1}}
    )
    two = rec("a").model_copy(
        update={"solve_s": 5.0, "eval_s": 0.1, "run_id": "y", "metrics": {"sim_wall_s": 0.9, "m": 1}}
    )
    assert comparable(one) == comparable(two)
    assert comparable(one) != comparable(rec("a", verdict="fail"))
