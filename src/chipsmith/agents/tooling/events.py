"""Structured tool events for live views (chat, web app): one at the start and one at the end of a call."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel

CallStatus = Literal["ok", "fail", "error"]
BRIEF_CHARS = 80


class ToolEvent(BaseModel):
    """What a live view shows of one tool call. ``seq`` pairs a call's start and end events."""

    phase: Literal["start", "end"]
    seq: int
    tool: str
    call_id: str | None = None
    args: dict[str, str]
    """Each argument in brief: short values as they are, long text as its size, lists shortened."""
    status: CallStatus | None = None
    """End only. ok: ran, good verdict; fail: ran, negative verdict; error: could not run."""
    verdict: str | None = None
    error: str | None = None
    duration_s: float | None = None
    output_chars: int | None = None


def _brief(value: Any) -> str:
    if isinstance(value, str):
        if "\n" in value or len(value) > BRIEF_CHARS:
            return f"<{len(value)} chars, {len(value.splitlines())} lines>"
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value[:6]) + (f", ... ({len(value)} in all)" if len(value) > 6 else "")
        text = f"[{text}]"
    else:
        text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= BRIEF_CHARS else text[: BRIEF_CHARS - 3] + "..."


def brief_args(args: Any) -> dict[str, str]:
    """Pure: the arguments of a call as short strings (anything but a dict becomes ``{"(input)": ...}``)."""
    if not isinstance(args, dict):
        return {"(input)": _brief(args)}
    return {str(k)[:BRIEF_CHARS]: _brief(v) for k, v in list(args.items())[:20]}
