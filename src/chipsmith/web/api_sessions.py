"""The session API of the web app: list, create, read a transcript, send, cancel, follow live.

The live stream (server-sent events) sends the events of the turn in progress, one SSE message per
``SessionEvent`` (``id`` is its position in the turn, so a reconnecting browser resumes where it
was), and ends with an ``end`` event once the turn has its outcome.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field

from chipsmith.web.state import WebState, get_state

router = APIRouter(prefix="/api/sessions")


class NewSession(BaseModel):
    title: str = Field(default="", max_length=200)
    model: str | None = Field(default=None, max_length=500)
    """A model spec; None: the server's (``chipsmith serve --model``), else the configured one."""


class Message(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    model: str | None = Field(default=None, max_length=500)
    """Another model for this turn (as ``chipsmith chat --resume ID --model M``); None: the session's."""


def running(state: WebState, info: Any) -> bool:
    return info.status == "running" or state.live.running_here(info.id)


@router.get("")
def list_sessions(state: WebState = Depends(get_state)) -> list[dict[str, Any]]:
    return [{**i.model_dump(mode="json"), "running": running(state, i)} for i in state.manager.list()]


@router.post("", status_code=201)
def create(body: NewSession, state: WebState = Depends(get_state)) -> dict[str, Any]:
    from chipsmith.llm.errors import LLMError

    try:
        s = state.manager.create(model=body.model or state.config.model, workspace=state.config.workspace,
                                 title=body.title)  # fmt: skip
    except (LLMError, ValueError) as exc:
        raise HTTPException(400, str(exc).splitlines()[0]) from None
    return s.info.model_dump(mode="json")


@router.get("/{ref}")
def show(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    s = state.session(ref)
    return {"info": s.info.model_dump(mode="json"), "running": running(state, s.info),
            "usage": s.usage().model_dump(mode="json")}  # fmt: skip


def group_turns(events: list[Any], outcomes: list[Any], skip: int | None) -> list[dict[str, Any]]:
    """Pure: per turn (``skip``: the one in progress, left to the live stream) its request, events
    and outcome (None for a turn that was killed)."""
    by_turn: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.turn == skip:
            continue
        row = by_turn.setdefault(e.turn, {"turn": e.turn, "request": "", "events": [], "outcome": None})
        if e.kind == "turn_start":
            row["request"] = str(e.data.get("request", ""))
        row["events"].append(e.model_dump(mode="json"))
    for o in outcomes:
        if o.turn in by_turn:
            by_turn[o.turn]["outcome"] = o.model_dump(mode="json")
    return [by_turn[t] for t in sorted(by_turn)]


@router.get("/{ref}/transcript")
def transcript(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    """Every finished turn, as recorded (the turn in progress comes through the live stream)."""
    s = state.session(ref)
    live = running(state, s.info)
    turns = group_turns(s.events(), s.outcomes(), s.info.turns if live else None)
    return {"info": s.info.model_dump(mode="json"), "running": live, "turns": turns,
            "usage": s.usage().model_dump(mode="json")}  # fmt: skip


@router.post("/{ref}/messages", status_code=202)
def send(ref: str, body: Message, state: WebState = Depends(get_state)) -> dict[str, Any]:
    from chipsmith.agents.session_store import SessionBusy

    s = state.session(ref)
    try:
        state.live.send(s.id, body.text, model=body.model or None)
    except SessionBusy as exc:
        raise HTTPException(409, str(exc)) from None
    return {"session": s.id, "started": True}


@router.post("/{ref}/cancel")
def cancel(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    s = state.session(ref)
    if state.live.cancel(s.id):
        return {"cancelled": True}
    if s.info.status == "running":
        raise HTTPException(409, "the turn runs in another process: stop it there (Ctrl-C)")
    return {"cancelled": False}


@router.get("/{ref}/live", response_class=EventSourceResponse)
async def live(
    ref: str, request: Request, state: WebState = Depends(get_state)
) -> AsyncIterator[ServerSentEvent]:
    """The turn in progress, event by event; ``end`` when it has finished (or none runs)."""
    from chipsmith.web.live import follow_file

    s = state.session(ref)
    index = _resume_at(request)
    while not await request.is_disconnected():
        buf = state.live.buffer(s.id)
        if buf is not None and (not buf.done or index < len(buf.events)):
            events, finished = await run_in_threadpool(buf.after, index)
        elif s.manager.store.load(s.id).status == "running":
            events, finished = await run_in_threadpool(follow_file, state.manager.store, s.id, index)
        else:
            events, finished = [], True
        for event in events:
            yield ServerSentEvent(data=event, id=str(index), event="session")
            index += 1
        if finished:
            yield ServerSentEvent(data={"index": index}, event="end")
            return


def _resume_at(request: Request) -> int:
    raw = request.headers.get("last-event-id") or request.query_params.get("from") or ""
    try:
        return max(0, int(raw) + (1 if request.headers.get("last-event-id") else 0))
    except ValueError:
        return 0
