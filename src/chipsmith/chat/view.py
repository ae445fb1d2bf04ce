"""Session events, outcomes and past turns as terminal output (rich).

``Printer.event`` is called for each ``SessionEvent`` as it happens: the orchestrator's reply is
written token by token, tool calls one line each as they start and end (name, arguments in brief,
verdict, duration; a sub-agent's calls indented under the orchestrator's), checks with their
verdict, and the turn's outcome in a panel holding the evidence the code wrote. The same printer
replays a resumed session's recorded turns (``replay``); recorded events hold no text chunks, so
the model's words come from the ``model`` events' previews and the outcome's answer.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from chipsmith.commands.run import event_line

STATUS_STYLE = {"met": "green", "not_met": "red", "error": "red", "cancelled": "yellow", "answered": "blue"}
FULL_REPLAY_TURNS = 3


def line_style(event: Any) -> str:
    """Pure: the style of an event's progress line."""
    d = event.data
    if event.kind == "tool_end":
        return {"ok": "green", "fail": "red", "error": "red"}.get(str(d.get("status")), "")
    if event.kind == "check":
        return "green" if d.get("passed") else "bold red"
    if event.kind == "error":
        return "bold red"
    if event.kind == "notice":
        return "yellow"
    return "cyan" if event.kind == "tool_start" else "dim"


def sub_model_line(event: Any) -> str | None:
    """Pure: one line for a sub-agent's model reply (its text is code: only its size is shown)."""
    d = event.data
    if event.kind != "model" or event.depth == 0:
        return None
    text = str(d.get("text") or "")
    calls = ", ".join(d.get("tool_calls") or [])
    size = f"{text.count(chr(10)) + 1} line(s)" if text.strip() else "no text"
    return (
        "  " * (event.depth + 1)
        + f"[{event.agent}] model replied: {size}"
        + (f", calls {calls}" if calls else "")
    )


class Printer:
    """Writes a turn's events to the console; tracks whether a reply line is still open."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.open_line = False

    def end_line(self) -> None:
        if self.open_line:
            self.console.print()
            self.open_line = False

    def say(self, text: str, style: str = "") -> None:
        self.end_line()
        self.console.print(Text(text, style=style), soft_wrap=True)

    def event(self, event: Any, live: bool = True) -> None:
        kind, d = event.kind, event.data
        if kind == "text" and event.depth == 0:
            self.console.print(Text(str(d.get("delta", ""))), end="", soft_wrap=True)
            self.open_line = True
        elif kind == "turn_start":
            self._turn_start(event.turn, d, live)
        elif kind == "model" and event.depth == 0:
            if not live and str(d.get("text") or "").strip():
                self.say(str(d["text"]).strip())
            self.end_line()
        elif kind == "outcome":
            self.outcome(d)
        elif (line := sub_model_line(event) or event_line(event)) is not None:
            self.say(line, line_style(event))

    def _turn_start(self, turn: int, d: dict[str, Any], live: bool) -> None:
        """Live, the banner named the model and the outcome panel repeats its notice; a replayed
        turn says which model made it (a session may have switched models)."""
        if not live:
            self.say(f"you (turn {turn}): {d.get('request', '')}", "bold")
            if d.get("notice"):
                self.say(f"model: {d.get('model')}", "yellow")

    def outcome(self, d: dict[str, Any]) -> None:
        """The turn's verdict, with the evidence the code wrote (never the model's claim)."""
        self.end_line()
        status = str(d.get("status", "error"))
        body = str(d.get("report") or "").strip() or "\n".join(d.get("reasons") or []) or status
        if status == "cancelled":
            body = "the step was stopped; the session goes on (what was done is kept)\n" + body
        if d.get("notice"):
            body += f"\nmodel: {d.get('model')}"
        title = f"turn {d.get('turn')}: {status.replace('_', ' ').upper()}"
        self.console.print(Panel(Text(body), title=title, title_align="left",
                                 border_style=STATUS_STYLE.get(status, "red")))  # fmt: skip

    def replay(self, session: Any) -> None:
        """A resumed session's turns: one line each for old ones, the last few in full."""
        info, outcomes = session.info, {o.turn: o for o in session.outcomes()}
        events = session.events()
        by_turn: dict[int, list[Any]] = {}
        for e in events:
            by_turn.setdefault(e.turn, []).append(e)
        turns = sorted(set(by_turn) | set(outcomes))
        for n in turns[:-FULL_REPLAY_TURNS]:
            o = outcomes.get(n)
            request = o.request if o else _request(by_turn.get(n, []))
            status = o.status.upper() if o else "INTERRUPTED"
            self.say(
                f"turn {n} [{status}] {request.strip().splitlines()[0][:100] if request.strip() else ''}",
                "dim",
            )
        for n in turns[-FULL_REPLAY_TURNS:]:
            self._replay_turn(by_turn.get(n, []), outcomes.get(n))
        if info.turns > len(outcomes) and (not turns or turns[-1] not in outcomes):
            self.say(
                f"turn {turns[-1] if turns else info.turns} did not finish (interrupted: its process "
                "stopped); the next request continues the same history", "yellow",
            )  # fmt: skip

    def _replay_turn(self, events: list[Any], outcome: Any) -> None:
        models = [i for i, e in enumerate(events) if e.kind == "model" and e.depth == 0]
        for i, e in enumerate(events):
            if e.kind == "outcome":
                continue
            if outcome is not None and models and i == models[-1] and outcome.answer.strip():
                self.say(outcome.answer.strip())  # the whole answer, not the event's preview
                continue
            self.event(e, live=False)
        if outcome is not None:
            self.outcome(outcome.model_dump(mode="json"))


def _request(events: list[Any]) -> str:
    return next((str(e.data.get("request", "")) for e in events if e.kind == "turn_start"), "")
