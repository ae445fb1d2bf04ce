"""The evaluator runs an uncached reference check beside the candidate's simulation, with the
verdicts of running them in turn."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from chipsmith.benchmarks import rtl_eval
from chipsmith.benchmarks.suites_api import load_suite
from chipsmith.benchmarks.task import Candidate, Task

pytestmark = pytest.mark.unit
TREE = Path(__file__).parents[2] / "data" / "bench" / "differential" / "problems" / "rtllm"
PASS = SimpleNamespace(passed=True, failure_class="pass", message="pass", mismatches=0, samples=3, wall_s=0.1)
FAIL = SimpleNamespace(passed=False, failure_class="mismatch", message="2 mismatches", mismatches=2, samples=3, wall_s=0.1)  # fmt: skip


@pytest.fixture
def task() -> Task:
    return next(t for t in load_suite(f"rtllm:{TREE}") if t.id == "adder_4bit")


def fake_sims(monkeypatch: pytest.MonkeyPatch, task: Task, reference: Any, candidate: Any) -> list[str]:
    """``_simulate`` answering per design; each call waits for the other, so run in turn they fail."""
    ref_name = task.hidden.reference
    both = threading.Barrier(2, timeout=10)
    calls: list[str] = []

    def sim(_task: Task, design: dict[str, bytes], _sandbox: Any) -> Any:
        which = "reference" if ref_name in design else "candidate"
        calls.append(which)
        both.wait()  # BrokenBarrierError when the other simulation is not in flight meanwhile
        answer = reference if which == "reference" else candidate
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(rtl_eval, "_simulate", sim)
    return calls


def candidate() -> Candidate:
    return Candidate(task_id="adder_4bit", files={"adder_4bit.v": "module adder_4bit(); endmodule\n"})


def test_uncached_check_overlaps_the_candidate_and_is_remembered(task, tmp_path, monkeypatch) -> None:
    calls = fake_sims(monkeypatch, task, PASS, FAIL)
    res = rtl_eval.evaluate(task, candidate(), sandbox=object(), cache_dir=tmp_path, ppa=False)
    assert (res.verdict, res.failure_class, res.metrics["mismatches"]) == ("fail", "mismatch", 2)
    assert sorted(calls) == ["candidate", "reference"]
    # cached now: only the candidate runs
    monkeypatch.setattr(rtl_eval, "_simulate", lambda *_: calls.append("again") or PASS)  # type: ignore[func-returns-value]
    assert (
        rtl_eval.evaluate(task, candidate(), sandbox=object(), cache_dir=tmp_path, ppa=False).verdict
        == "pass"
    )
    assert calls[2:] == ["again"]


def test_an_unusable_reference_wins_even_over_a_raising_candidate(task, tmp_path, monkeypatch) -> None:
    broken = SimpleNamespace(passed=False, failure_class="compile", message="syntax error", wall_s=0.1)
    fake_sims(monkeypatch, task, broken, RuntimeError("sandbox gone"))
    res = rtl_eval.evaluate(task, candidate(), sandbox=object(), cache_dir=tmp_path, ppa=False)
    assert (res.verdict, res.message) == ("unusable", "reference fails: syntax error")


def test_a_raising_candidate_raises_once_the_reference_is_usable(task, tmp_path, monkeypatch) -> None:
    fake_sims(monkeypatch, task, PASS, RuntimeError("sandbox gone"))
    with pytest.raises(RuntimeError, match="sandbox gone"):
        rtl_eval.evaluate(task, candidate(), sandbox=object(), cache_dir=tmp_path, ppa=False)


def test_a_candidate_judged_without_simulation_runs_only_the_check(task, tmp_path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(rtl_eval, "_simulate", lambda *_: calls.append("sim") or PASS)  # type: ignore[func-returns-value]
    empty = rtl_eval.evaluate(
        task, Candidate(task_id="adder_4bit", files={"a.v": " "}), sandbox=object(), cache_dir=tmp_path
    )
    assert (empty.failure_class, calls) == ("empty", ["sim"])
