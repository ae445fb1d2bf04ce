"""The runner end to end: controls bound the score, resume skips, SIGKILL loses and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chipsmith.benchmarks.results import ResultStore, comparable
from chipsmith.benchmarks.runner import RunConfig, RunnerError, run_benchmark
from helpers import require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).parents[2] / "data" / "bench"
RTL = f"chipsmith-rtl:{DATA / 'rtl_suite'}"
VE = f"verilog-eval:{DATA / 'verilog_eval'}"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "vvp")


def records(home: Path, run_id: str) -> list[dict]:  # type: ignore[type-arg]
    return sorted(
        (comparable(r) for r in ResultStore(home / "runs" / run_id / "results.jsonl").read()),
        key=lambda d: (d["task"], d["sample"]),
    )


def test_reference_scores_all_usable_tasks_null_scores_none(tmp_path: Path) -> None:
    ref = run_benchmark(
        RunConfig(suite=VE, agent="reference", samples=1, jobs=2, run_id="ref", home=tmp_path, ppa=False)
    )
    assert ref.pass_at_k == {"pass@1": 1.0}
    assert ref.usable_tasks == 1 and set(ref.unusable) == {"Prob002_broken_ref", "Prob003_sva_dff"}
    null = run_benchmark(
        RunConfig(suite=RTL, agent="null", samples=1, jobs=2, run_id="null", home=tmp_path, ppa=False)
    )
    assert null.pass_at_k == {"pass@1": 0.0} and null.failure_classes == {"mismatch": 4}
    recs = ResultStore(tmp_path / "runs" / "null" / "results.jsonl").read()
    assert {r.tool_versions["iverilog"] for r in recs} == {recs[0].tool_versions["iverilog"]}
    assert recs[0].tool_versions["iverilog"].startswith("Icarus Verilog")


def test_rerun_resumes_and_refuses_other_work_under_the_same_id(tmp_path: Path) -> None:
    cfg = RunConfig(
        suite=RTL, agent="reference", samples=1, jobs=1, run_id="r", home=tmp_path, ppa=False, tasks="adder8"
    )
    run_benchmark(cfg)
    seen: list[str] = []
    summary = run_benchmark(
        cfg.model_copy(update={"samples": 2}), progress=lambda rec, i, n: seen.append(rec.task)
    )
    assert seen == ["adder8"]  # only the new sample ran
    assert summary.records == 2
    with pytest.raises(RunnerError, match="other agent"):
        run_benchmark(cfg.model_copy(update={"agent": "null"}))


SCRIPT = """
import sys
from pathlib import Path
from chipsmith.benchmarks.runner import RunConfig, run_benchmark
run_benchmark(RunConfig(suite=sys.argv[1], agent="reference", samples=2, jobs=1, run_id=sys.argv[2],
                        home=Path(sys.argv[3]), ppa=False))
"""


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    results = tmp_path / "runs" / "killed" / "results.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, RTL, "killed", str(tmp_path)], start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not results.exists() or results.read_text().count("\n") < 2):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its pool workers, mid-run
    proc.wait()
    partial = results.read_text().count("\n")
    assert 2 <= partial < 8, "the kill should land mid-run"
    run_benchmark(
        RunConfig(suite=RTL, agent="reference", samples=2, jobs=2, run_id="killed", home=tmp_path, ppa=False)
    )
    run_benchmark(
        RunConfig(suite=RTL, agent="reference", samples=2, jobs=2, run_id="whole", home=tmp_path, ppa=False)
    )
    lines = [ln for ln in results.read_text().splitlines() if ln]
    assert len(lines) == 8  # nothing lost, nothing duplicated
    assert records(tmp_path, "killed") == records(tmp_path, "whole")


@pytest.mark.slow
@pytest.mark.xdist_group("ray")
def test_ray_executor_writes_the_same_records_as_the_local_one(tmp_path: Path) -> None:
    from helpers import require_module

    require_module("ray")
    local = RunConfig(
        suite=RTL,
        agent="reference",
        samples=2,
        jobs=2,
        run_id="local",
        home=tmp_path,
        ppa=False,
        tasks="adder8,popcnt8",
    )
    run_benchmark(local)
    run_benchmark(local.model_copy(update={"run_id": "ray", "executor": "ray"}))
    assert records(tmp_path, "ray") == records(tmp_path, "local")
    assert len(records(tmp_path, "ray")) == 4
