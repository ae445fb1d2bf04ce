"""A session's budget across turns and processes, cancellation of a turn, and token streaming.

- ``SessionTracker``: the ``BudgetTracker`` every agent of the session shares, seeded with what
  earlier turns spent (from the session's ledger and its recorded wall time), so a resumed
  session continues with the same budget left. It is also where a cancel lands: every model call,
  tool call and wall-time check of every agent passes through the tracker, so ``cancel()`` makes
  the next one raise ``StepCancelled``.
- ``StepCancelled`` is a ``BudgetExceeded`` on purpose: every layer (the runtime, the RTL agent's
  testbench fallback, sub-agent tools) already treats a spent budget as "stop now and keep what
  you have", which is exactly what cancelling a step must do.
- ``TokenStream``: a LangChain callback that forwards streamed tokens of the orchestrator's own
  model replies, and stops a reply mid-stream when the turn is cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

from chipsmith.llm.budget import Budget, BudgetTracker
from chipsmith.llm.errors import BudgetExceeded
from chipsmith.llm.ledger import UsageSummary


class StepCancelled(BudgetExceeded):
    """The user cancelled the turn in progress (Ctrl-C, a web button)."""

    def __init__(self) -> None:
        super().__init__("cancelled", "cancelled by the user")


class SessionTracker(BudgetTracker):
    """A budget tracker seeded with a session's earlier spending, that a cancel can stop."""

    def __init__(self, budget: Budget | None = None) -> None:
        super().__init__(budget)
        self.cancelled = threading.Event()
        self.prior_wall_s = 0.0
        self.running = False

    def seed(self, spent: UsageSummary, wall_s: float) -> None:
        """Count what earlier turns spent (real calls only, as the tracker counts)."""
        self.tokens = spent.input_tokens + spent.output_tokens
        self.usd = spent.priced_cost_usd
        self.model_calls = spent.model_calls
        self.tool_calls = spent.tool_calls
        self.prior_wall_s = wall_s

    def restart_clock(self) -> None:
        """Wall time counts only while turns run: each turn starts the clock from the total so far."""
        self._start = self._clock() - self.prior_wall_s
        self.running = True

    def stop_clock(self) -> float:
        """End of a turn: remember the wall time spent so far; returns it."""
        self.prior_wall_s = self.elapsed_s
        self.running = False
        return self.prior_wall_s

    @property
    def wall_s(self) -> float:
        """Wall time spent in turns so far (the clock stands still between turns)."""
        return self.elapsed_s if self.running else self.prior_wall_s

    def check_time(self) -> None:
        if self.cancelled.is_set():
            raise StepCancelled()
        super().check_time()


class TokenStream(BaseCallbackHandler):
    """Forwards each streamed token of a model reply to ``on_token``; raises when cancelled."""

    raise_error = True  # so that StepCancelled stops the reply instead of being logged

    def __init__(self, on_token: Callable[[str], None], tracker: SessionTracker) -> None:
        self.on_token = on_token
        self.tracker = tracker
        self.streamed = False

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.streamed = False

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        if self.tracker.cancelled.is_set():
            raise StepCancelled()
        if isinstance(token, str) and token:
            self.streamed = True
            self.on_token(token)

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        """A reply that did not stream (a scripted model, a cache hit) is passed on whole."""
        if self.streamed:
            return
        for gens in response.generations[:1]:
            text = getattr(getattr(gens[0], "message", None), "content", None) if gens else None
            if isinstance(text, str) and text:
                self.on_token(text)
