"""What one agent run leaves behind: its events (for live views) and a transcript that can be saved.

``AgentEvent`` is what an observer (chat UI, progress line) receives while a run goes on: model
replies, tool calls (the toolkit's ``ToolEvent``), checker iterations and the stop. ``Transcript``
is the saved record of a run: every message in order, every event, the stop reason and the usage,
as one JSON file per solve. Pure data: no LangChain import at module level.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

EventKind = Literal["model", "tool", "iteration", "notice", "stop"]
PREVIEW_CHARS = 400


class AgentEvent(BaseModel):
    """One thing that happened in a run, in order (``seq``)."""

    kind: EventKind
    agent: str
    seq: int = 0
    at: float = Field(default_factory=time.time)
    """Wall-clock time (seconds since the epoch) when it happened."""
    data: dict[str, Any] = Field(default_factory=dict)
    """model: text preview, tool-call names, tokens; tool: a ToolEvent's fields; iteration: the
    checker's one-line summary; stop: reason and message."""


class MessageRecord(BaseModel):
    """One chat message, as saved (LangChain message types reduced to plain fields)."""

    role: str
    """system, human, ai, tool."""
    content: str
    name: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    invalid_tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    tool_call_id: str | None = None
    status: str | None = None
    usage: dict[str, Any] | None = None


class Transcript(BaseModel):
    """A whole run: what was said, what ran, how it ended, what it cost."""

    agent: str
    model: str
    """The model label (with the scripted/local notice where there is one)."""
    notice: str | None = None
    messages: list[MessageRecord] = Field(default_factory=list)
    events: list[AgentEvent] = Field(default_factory=list)
    stop_reason: str = ""
    stop_message: str = ""
    iterations: int = 0
    usage: dict[str, Any] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)
    """Agent-specific results (the RTL agent: the best candidate and the per-iteration summary)."""

    def save(self, path: Path) -> Path:
        """Write the transcript as JSON (atomically: a kill never leaves half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: Path) -> Transcript:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

    def model_inputs(self) -> str:
        """Every message text a model was shown (tests assert on what the model saw)."""
        return "\n".join(m.content for m in self.messages if m.role != "ai")


def record_message(message: Any) -> MessageRecord:
    """A LangChain message as a ``MessageRecord`` (duck-typed: works on any BaseMessage)."""
    content = message.content if isinstance(message.content, str) else json.dumps(message.content)
    return MessageRecord(
        role=str(getattr(message, "type", "unknown")),
        content=content,
        name=getattr(message, "name", None),
        tool_calls=[dict(c) for c in getattr(message, "tool_calls", None) or []],
        invalid_tool_calls=[dict(c) for c in getattr(message, "invalid_tool_calls", None) or []],
        tool_call_id=getattr(message, "tool_call_id", None),
        status=getattr(message, "status", None) if getattr(message, "type", "") == "tool" else None,
        usage=dict(message.usage_metadata) if getattr(message, "usage_metadata", None) else None,
    )


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """Pure: a reply shortened for an event (head and size)."""
    one = text.strip()
    return one if len(one) <= limit else f"{one[: limit - 30]}... [{len(one)} characters]"
