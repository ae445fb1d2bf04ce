"""The whole-run budget: what counts as spent, when no new solve may start, and the executor's stop."""

from __future__ import annotations

import pytest

from chipsmith.benchmarks.executors import interleave
from chipsmith.benchmarks.results import RunRecord
from chipsmith.benchmarks.run_budget import RunBudget, RunSpend, reached

pytestmark = pytest.mark.unit


def rec(tokens: int = 0, cost: float | None = 0.0, calls: int | None = None) -> RunRecord:
    return RunRecord(run_id="r", task="t", suite="s", agent="a", sample=0, verdict="pass", failure_class="pass",
                     tokens=tokens, cost_usd=cost, model_calls=calls)  # fmt: skip


def test_spending_sums_the_records() -> None:
    spend = RunSpend.of([rec(100, 0.5, 2), rec(50, 0.25, 1), rec(0, None)])
    assert (spend.tokens, spend.usd, spend.model_calls, spend.unpriced_samples) == (150, 0.75, 3, 0)
    assert reached(RunBudget(), spend) is None
    assert reached(RunBudget(max_usd=1.0, max_tokens=151, max_model_calls=4), spend) is None
    assert reached(RunBudget(max_usd=0.75), spend) == "run budget reached: $0.7500 spent of $0.75"
    assert reached(RunBudget(max_tokens=150), spend) == "run budget reached: 150 tokens used of 150"
    assert reached(RunBudget(max_model_calls=3), spend) == "run budget reached: 3 model calls made of 3"


def test_tokens_of_an_unknown_price_stop_a_usd_budget() -> None:
    spend = RunSpend.of([rec(10, None, 1)])
    assert spend.unpriced_samples == 1 and spend.usd == 0.0
    why = reached(RunBudget(max_usd=100.0), spend)
    assert why is not None and "price is unknown" in why
    assert reached(RunBudget(max_tokens=100), spend) is None


class _Item:
    def __init__(self, n: int) -> None:
        self.solve, self.n = n, n


def test_interleave_starts_no_solve_once_told_to_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    from chipsmith.benchmarks import executors

    monkeypatch.setattr(executors, "then_eval", lambda item, outcome: item)
    done: list[int] = []
    handles = iter(range(1000))
    jobs: dict[int, object] = {}

    def submit(stage: object, job: object) -> int:
        h = next(handles)
        jobs[h] = job
        return h

    items = [_Item(i) for i in range(5)]
    interleave(items, 2, submit, lambda hs: hs[:1], lambda h: jobs[h],  # type: ignore[arg-type]
               lambda item, so, eo: done.append(item.n), should_stop=lambda: len(done) >= 1)  # fmt: skip
    # two solves were in flight when the stop came after the first record: both finish, none starts
    assert done == [0, 1]
