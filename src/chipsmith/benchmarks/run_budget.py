"""A budget for a whole bench run (``--run-budget-*``), on top of each solve's own budget.

Each solve already stops at its own budget (``llm.Budget``). A researcher running a batch also
wants a cap on what the whole run may spend. The run's spending is the sum over its recorded
samples (resumed runs included), so the cap holds across processes, executors and resumes. When it
is reached no new solve starts; solves in flight finish (each bounded by its own budget) and are
recorded, so the run may overshoot by at most what those solves spend. Not part of the run's
identity: rerunning with a higher cap continues the same run.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from chipsmith.benchmarks.results import RunRecord


class RunBudget(BaseModel):
    """Limits on what one bench run spends in all; None means no limit."""

    max_usd: float | None = None
    max_tokens: int | None = None
    max_model_calls: int | None = None

    @property
    def unlimited(self) -> bool:
        return all(v is None for v in self.model_dump().values())


class RunSpend(BaseModel):
    """What the recorded samples of a run spent (cache hits cost nothing and are not counted)."""

    tokens: int = 0
    usd: float = 0.0
    unpriced_samples: int = 0
    """Samples that used tokens of a model whose price is unknown (their cost is not in ``usd``)."""
    model_calls: int = 0

    def add(self, record: RunRecord) -> None:
        self.tokens += record.tokens
        self.model_calls += record.model_calls or 0
        if record.cost_usd is None:
            self.unpriced_samples += record.tokens > 0
        else:
            self.usd += record.cost_usd

    @classmethod
    def of(cls, records: Iterable[RunRecord]) -> RunSpend:
        spend = cls()
        for record in records:
            spend.add(record)
        return spend


def reached(budget: RunBudget, spend: RunSpend) -> str | None:
    """Pure: why no further solve may start (one line), or None while the budget allows more."""
    if budget.max_usd is not None:
        if spend.unpriced_samples:
            return (
                "run budget: a USD limit is set but the model's price is unknown, so the run's cost "
                "cannot be kept; add the model to llm_prices"
            )
        if spend.usd >= budget.max_usd:
            return f"run budget reached: ${spend.usd:.4f} spent of ${budget.max_usd:g}"
    if budget.max_tokens is not None and spend.tokens >= budget.max_tokens:
        return f"run budget reached: {spend.tokens} tokens used of {budget.max_tokens}"
    if budget.max_model_calls is not None and spend.model_calls >= budget.max_model_calls:
        return f"run budget reached: {spend.model_calls} model calls made of {budget.max_model_calls}"
    return None
