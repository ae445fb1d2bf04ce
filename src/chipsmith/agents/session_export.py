"""A session as Markdown (``chipsmith sessions export ID``): turns with their tool calls, checks and
verdicts, the workspace files, and the full transcript of the conversation."""

from __future__ import annotations

import time
from typing import Any

from chipsmith.agents.session_models import Outcome, SessionEvent

MAX_MESSAGE_CHARS = 4000


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def _fence(text: str, lang: str = "") -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def tool_lines(events: list[SessionEvent]) -> list[str]:
    """Pure: one line per tool call in the order they started (sub-agents' calls indented under theirs)."""
    ends = {(e.data.get("call"), e.agent): e for e in events if e.kind == "tool_end"}
    out = []
    for e in events:
        if e.kind != "tool_start":
            continue
        end = ends.get((e.data.get("call"), e.agent))
        args = ", ".join(f"{k}={v}" for k, v in (e.data.get("args") or {}).items() if v not in ("", "[]"))
        pad = "  " * (e.depth + 1)
        who = "" if e.agent == "orchestrator" else f"[{e.agent}] "
        verdict = (end.data.get("verdict") or end.data.get("status") or "") if end else "(did not finish)"
        took = f" ({end.data.get('duration_s') or 0:.1f} s)" if end else ""
        out.append(f"{pad}- {who}`{e.data.get('tool')}({args[:200]})` -> {verdict}{took}")
    return out


def turn_section(o: Outcome, events: list[SessionEvent]) -> list[str]:
    lines = [
        f"## Turn {o.turn} ({o.status.upper()}, {_when(o.started)})",
        "",
        "**Request**",
        "",
        o.request.strip(),
        "",
    ]
    calls = tool_lines(events)
    if calls:
        lines += ["**Tool calls**", "", *calls, ""]
    if o.answer.strip():
        lines += ["**Answer** (the model's words)", "", o.answer.strip(), ""]
    lines += ["**Evidence** (written by chipsmith from the recorded checks)", "", _fence(o.report), ""]
    return lines


def transcript_lines(messages: list[Any]) -> list[str]:
    out = []
    for m in messages:
        text = (
            m.content
            if len(m.content) <= MAX_MESSAGE_CHARS
            else m.content[:MAX_MESSAGE_CHARS] + "\n[... cut]"
        )
        calls = "".join(f"\n  -> {c.get('name')}({', '.join(c.get('args') or {})})" for c in m.tool_calls)
        head = f"**{m.role}**" + (f" ({m.name})" if m.name else "")
        out += [
            head,
            "",
            _fence(text) if text.strip() else "(no text)",
            calls.strip() and f"tool calls:{calls}",
            "",
        ]
    return [line for line in out if line is not None]


def export_markdown(session: Any) -> str:
    info = session.info
    usage = session.usage()
    cost = "unknown" if usage.cost_usd is None else f"${usage.cost_usd:.4f}"
    lines = [
        f"# chipsmith session {info.id}" + (f": {info.title}" if info.title else ""), "",
        f"- model: {info.model}", f"- workspace: `{info.workspace}`",
        f"- created {_when(info.created)}, updated {_when(info.updated)}, {info.turns} turn(s)",
        f"- usage: {usage.input_tokens} input + {usage.output_tokens} output tokens, {usage.model_calls} model "
        f"calls ({usage.cached_calls} cached), {usage.tool_calls} tool calls, cost {cost}, {usage.wall_s:.1f} s", "",
    ]  # fmt: skip
    events = session.events()
    for o in session.outcomes():
        lines += turn_section(o, [e for e in events if e.turn == o.turn])
    lines += ["## Files", "", "| file | bytes | versions |", "|---|---|---|"]
    lines += [f"| `{f.path}` | {f.size} | {f.versions} |" for f in session.files()]
    lines += ["", "## Transcript", "", *transcript_lines(session.history())]
    return "\n".join(lines).rstrip() + "\n"
