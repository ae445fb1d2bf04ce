"""The local executor records each sample soon after its solve, whatever --jobs, with the same results."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks import executors
from chipsmith.benchmarks.results import ResultStore, comparable
from chipsmith.benchmarks.runner import RunConfig, run_benchmark
from helpers import require_tool
from stage_probe import MARK, solve_and_mark

pytestmark = pytest.mark.integration

RTL = f"chipsmith-rtl:{Path(__file__).parents[2] / 'data' / 'bench' / 'rtl_suite'}"


def _run(home: Path, jobs: int) -> tuple[list[tuple[str, int]], list[dict]]:  # type: ignore[type-arg]
    """Run the reference control; for each record, how many solves had started when it arrived."""
    run_id = f"j{jobs}"
    agents = home / "runs" / run_id / "agents"
    seen: list[tuple[str, int]] = []

    def progress(rec, finished, total) -> None:  # type: ignore[no-untyped-def]
        seen.append((rec.task, len(list(agents.rglob(MARK)))))

    cfg = RunConfig(suite=RTL, agent="reference", samples=1, jobs=jobs, run_id=run_id, home=home, ppa=False)
    summary = run_benchmark(cfg, progress=progress)
    assert summary.records == 4 and summary.pass_at_k == {"pass@1": 1.0}
    recs = ResultStore(home / "runs" / run_id / "results.jsonl").read()
    rows = sorted(
        ({k: v for k, v in comparable(r).items() if k != "run_id"} for r in recs), key=lambda d: d["task"]
    )
    return seen, rows


def test_records_arrive_as_samples_finish_and_match_across_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_tool("iverilog", "vvp")
    # Workers run the probe (pickled by name), which marks each solve's start in its work dir.
    monkeypatch.setattr(executors, "solve_stage", solve_and_mark)
    one, rows_one = _run(tmp_path, jobs=1)
    # --jobs 1: solve, evaluate, record, then the next solve (all solves first showed 4, 4, 4, 4).
    assert [n for _, n in one] == [1, 2, 3, 4], one
    two, rows_two = _run(tmp_path, jobs=2)
    assert two[0][1] < 4, two  # the first record came before the last solve started
    assert rows_one == rows_two  # the same records, whatever the order they were made in
