"""Hard budgets: tokens, USD, wall time, model calls, tool calls.

A ``BudgetTracker`` is checked BEFORE each model call and each tool call and raises
``BudgetExceeded`` (one line) when the call would go over a limit, so the caller can save its
work and stop. A call is refused when the budget is already spent, or when its prompt alone
(estimated at 4 characters per token) would overshoot what is left; a reply's own length is only
known afterwards, so the last allowed call may end slightly over a token or USD limit.

The model wrapper checks and charges model calls itself; the tool layer calls
``charge_tool_call(name)`` before running a tool (or uses ``BudgetMiddleware`` with
``create_agent``). Cache hits are free and never refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pydantic import BaseModel

from chipsmith.llm.errors import BudgetExceeded
from chipsmith.llm.ledger import ModelCallRecord


class Budget(BaseModel):
    """Limits for one session or one bench job; None means unlimited."""

    max_tokens: int | None = None
    """Input + output tokens of real (not cached) model calls."""
    max_usd: float | None = None
    max_wall_s: float | None = None
    max_model_calls: int | None = None
    max_tool_calls: int | None = None

    @property
    def unlimited(self) -> bool:
        return all(v is None for v in self.model_dump().values())


class BudgetTracker:
    """Counts what was spent against a ``Budget``; thread-safe; shared by every agent of a session."""

    def __init__(self, budget: Budget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget or Budget()
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()
        self.tokens = 0
        self.usd = 0.0
        self.model_calls = 0
        self.tool_calls = 0

    @property
    def elapsed_s(self) -> float:
        return self._clock() - self._start

    def check_time(self) -> None:
        limit = self.budget.max_wall_s
        if limit is not None and self.elapsed_s >= limit:
            raise BudgetExceeded(
                "wall_s", f"wall-time budget reached: {self.elapsed_s:.1f} s of {limit:g} s used"
            )

    def check_model_call(self, model: str, est_input_tokens: int, est_cost_usd: float | None) -> None:
        """Raise if a model call with this prompt would exceed a limit; count nothing."""
        b = self.budget
        with self._lock:
            self.check_time()
            if b.max_model_calls is not None and self.model_calls + 1 > b.max_model_calls:
                raise BudgetExceeded(
                    "model_calls",
                    f"model-call budget reached: {self.model_calls} of {b.max_model_calls} made",
                )
            if b.max_tokens is not None and self.tokens + est_input_tokens > b.max_tokens:
                raise BudgetExceeded(
                    "tokens",
                    f"token budget reached: {self.tokens} used + ~{est_input_tokens} for the next prompt "
                    f"> {b.max_tokens}",
                )
            self._check_usd(model, est_cost_usd)

    def _check_usd(self, model: str, est_cost_usd: float | None) -> None:
        limit = self.budget.max_usd
        if limit is None:
            return
        if est_cost_usd is None:
            raise BudgetExceeded(
                "usd",
                f"a USD budget is set but the price of {model} is unknown; add it to llm_prices "
                "or drop the USD budget",
            )
        if self.usd + est_cost_usd > limit:
            raise BudgetExceeded(
                "usd", f"USD budget reached: ${self.usd:.4f} spent + ~${est_cost_usd:.4f} > ${limit:g}"
            )

    def charge_model_call(self, record: ModelCallRecord) -> None:
        """Count a finished real call (failed ones count as calls); cache hits are not charged."""
        if record.cached:
            return
        with self._lock:
            self.model_calls += 1
            self.tokens += record.input_tokens + record.output_tokens
            self.usd += record.cost_usd or 0.0

    def charge_tool_call(self, tool: str) -> None:
        """Call BEFORE running a tool: raises if it would exceed the tool-call or time budget."""
        with self._lock:
            self.check_time()
            limit = self.budget.max_tool_calls
            if limit is not None and self.tool_calls + 1 > limit:
                raise BudgetExceeded(
                    "tool_calls",
                    f"tool-call budget reached: {self.tool_calls} of {limit} made (next: {tool})",
                )
            self.tool_calls += 1
