"""The meter: checks the budget before a real model call, and records every reply in the ledger.

``Meter`` belongs to one (model, agent) pair and shares its ledger and budget tracker with the
session's other agents. ``MeterCallback`` is the LangChain callback that feeds it: LangChain calls
``on_llm_end`` for fresh replies and for cache hits alike, and the wrapper stamps fresh replies
with the run id (``FRESH_KEY``), so a reply without this run's stamp came from a cache.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from chipsmith.llm.budget import BudgetTracker
from chipsmith.llm.errors import BudgetExceeded
from chipsmith.llm.ledger import Ledger, ModelCallRecord
from chipsmith.llm.prices import ModelPrice, call_cost

FRESH_KEY = "chipsmith_call"
"""response_metadata key of a fresh reply: ``{"run": run id, "wall_s": model time}``."""

CHARS_PER_TOKEN = 4


def estimate_tokens(messages: list[BaseMessage], tools: list[dict[str, Any]] | None = None) -> int:
    """A rough prompt size for budget checks (4 characters per token), before the model counts."""
    chars = sum(len(str(m.content)) + len(str(getattr(m, "tool_calls", ""))) for m in messages)
    chars += len(str(tools)) if tools else 0
    return chars // CHARS_PER_TOKEN + 1


class Meter:
    """Budget checks and ledger records for one model used by one agent."""

    def __init__(
        self,
        model: str,
        *,
        ledger: Ledger,
        tracker: BudgetTracker,
        price: ModelPrice | None,
        agent: str = "default",
        real: bool = True,
    ) -> None:
        self.model, self.ledger, self.tracker = model, ledger, tracker
        self.price, self.agent, self.real = price, agent, real

    def before_call(self, messages: list[BaseMessage], tools: list[dict[str, Any]] | None) -> None:
        """Raise BudgetExceeded if this call would go over a limit (nothing is counted)."""
        est = estimate_tokens(messages, tools)
        self.tracker.check_model_call(self.model, est, call_cost(self.price, est, 0))

    def record(
        self, message: AIMessage | None, *, cached: bool, wall_s: float, error: str | None = None
    ) -> ModelCallRecord:
        usage: dict[str, Any] = dict(message.usage_metadata or {}) if message is not None else {}
        n_in, n_out = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
        n_cache = int((usage.get("input_token_details") or {}).get("cache_read", 0) or 0)
        cost = 0.0 if cached else call_cost(self.price, n_in, n_out, n_cache)
        rec = ModelCallRecord(
            model=self.model,
            agent=self.agent,
            real=self.real,
            input_tokens=n_in,
            output_tokens=n_out,
            cache_read_tokens=n_cache,
            cached=cached,
            cost_usd=cost,
            wall_s=wall_s,
            error=error,
        )
        self.ledger.add(rec)
        self.tracker.charge_model_call(rec)
        return rec


class MeterCallback(BaseCallbackHandler):
    """Feeds a Meter from LangChain's callbacks; attached to the wrapper model only (not inherited)."""

    raise_error = True  # a ledger that cannot be written must not fail silently

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self._started: dict[UUID, float] = {}
        self._lock = threading.Lock()

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID, **kwargs: Any
    ) -> None:
        with self._lock:
            self._started[run_id] = time.monotonic()

    def _elapsed(self, run_id: UUID) -> float:
        with self._lock:
            start = self._started.pop(run_id, None)
        return 0.0 if start is None else time.monotonic() - start

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        elapsed = self._elapsed(run_id)
        for gen in response.generations[0] if response.generations else []:
            if not isinstance(gen, ChatGeneration) or not isinstance(gen.message, AIMessage):
                continue
            stamp = gen.message.response_metadata.get(FRESH_KEY) or {}
            fresh = stamp.get("run") == str(run_id)
            self.meter.record(
                gen.message, cached=not fresh, wall_s=stamp.get("wall_s", elapsed) if fresh else elapsed
            )

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        elapsed = self._elapsed(run_id)
        if isinstance(error, BudgetExceeded):
            return  # refused before any call was made
        self.meter.record(None, cached=False, wall_s=elapsed, error=" ".join(str(error).split())[:300])
