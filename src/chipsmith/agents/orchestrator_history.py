"""Keeping a long session inside the model's context: the oldest whole turns are left out.

The checkpoint keeps the whole conversation (history, export, resume); only what is sent to the
model is cut. A cut falls at a user message, so a tool call is never separated from its result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware
from langchain_core.messages import BaseMessage, HumanMessage

NOTE = (
    "[Earlier turns of this session are left out here to fit the model's context; their files and "
    "checks are in the workspace and the session's records.]"
)
LOCAL_RESERVE_TOKENS = 1536
"""Of the embedded model's context: its reply (512 tokens) and the tool list the text protocol adds."""


def history_chars(kind: str, n_ctx: int, configured: int | None) -> int:
    """Pure: characters of conversation sent to the model (about 3 characters per token)."""
    if configured:
        return configured
    return max(4000, (n_ctx - LOCAL_RESERVE_TOKENS) * 3) if kind == "local" else 400_000


def _size(messages: list[BaseMessage]) -> int:
    return sum(len(str(m.content)) + len(str(getattr(m, "tool_calls", "") or "")) for m in messages)


def trim_turns(messages: list[BaseMessage], max_chars: int) -> list[BaseMessage]:
    """Pure: the system message, then the latest whole turns that fit in ``max_chars`` (the current
    turn always stays, even when it alone is too long)."""
    if _size(messages) <= max_chars:
        return messages
    head = messages[:1] if messages and messages[0].type == "system" else []
    body = messages[len(head) :]
    starts = [i for i, m in enumerate(body) if m.type == "human" and m.content != NOTE]
    note = [HumanMessage(content=NOTE)]
    for cut in starts[1:]:
        if _size(head + note + body[cut:]) <= max_chars:
            return head + note + body[cut:]
    return head + note + body[starts[-1] :] if len(starts) > 1 else messages


class HistoryTrim(AgentMiddleware):
    """Sends the model only the turns that fit (see the module docstring)."""

    def __init__(self, max_chars: int) -> None:
        super().__init__()
        self.max_chars = max_chars

    @property
    def name(self) -> str:
        return "chipsmith_history_trim"

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        trimmed = trim_turns(list(request.messages), self.max_chars)
        if len(trimmed) != len(request.messages):
            request = request.override(messages=trimmed)
        return handler(request)
