"""The synthesis agent's own long steps (recipe search, proofs, synthesis, testbench runs) shown to
live views as tool events, like the toolkit's calls, so a chat does not sit silent through them.

During the model loop the runtime forwards the toolkit's observer into the run's events and the
transcript; before and after the loop (the recipe searches) the events go to the solve's observer
directly as ``AgentEvent``s.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from chipsmith.agents.tooling.events import CallStatus, ToolEvent, brief_args
from chipsmith.agents.transcript import AgentEvent

log = logging.getLogger(__name__)
T = TypeVar("T")
SEQ_BASE = 100_000
"""Sequence numbers of these events start here: the toolkit numbers its own calls from 1, and a
live view pairs start and end events by number."""


class Phases:
    """Announces a step's start and end (status, verdict, duration)."""

    def __init__(self, toolkit: Any, observer: Callable[[AgentEvent], None] | None, agent: str = "synth"):
        self.toolkit, self.observer, self.agent = toolkit, observer, agent
        self._seq = itertools.count(SEQ_BASE + 1)

    def run(
        self,
        tool: str,
        args: dict[str, Any],
        fn: Callable[[], T],
        judge: Callable[[T], tuple[CallStatus, str]],
    ) -> T:
        """``fn()`` between a start and an end event; ``judge(result)`` gives (status, verdict)."""
        start = ToolEvent(phase="start", seq=next(self._seq), tool=tool, args=brief_args(args))
        self._emit(start)
        began = time.monotonic()
        result = fn()
        status, verdict = judge(result)
        self._emit(start.model_copy(update={"phase": "end", "status": status, "verdict": verdict[:200],
                                            "duration_s": round(time.monotonic() - began, 3)}))  # fmt: skip
        return result

    def _emit(self, event: ToolEvent) -> None:
        forward = self.toolkit.observer
        try:
            if forward is not None:  # inside the model loop: into the run's events and transcript
                forward(event)
            elif self.observer is not None:
                self.observer(AgentEvent(kind="tool", agent=self.agent, seq=event.seq,
                                         data=event.model_dump(exclude_none=True)))  # fmt: skip
        except Exception as exc:  # a broken live view must not break the agent
            log.warning("synth event observer failed: %s", exc)
