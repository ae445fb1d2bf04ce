"""Turns started from the browser, and the live events of any turn, for the event stream.

A turn started here runs ``Session.run_turn`` (the same API as ``chipsmith chat``) in a worker
thread on a freshly opened session, closed when the turn ends: between turns the session lives only
on disk, so the terminal can take the next turn. Its events (streamed text included) go into a
``TurnBuffer`` that any number of page connections read from, each at its own position.

A turn running in another process (``chipsmith chat``, ``chipsmith run``) is followed through the
session's ``events.jsonl``: every event but the text chunks (the ``model`` events carry a preview
of each reply, the outcome the whole answer).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from chipsmith.agents.session_models import SessionEvent
from chipsmith.agents.session_store import SessionBusy, read_jsonl

log = logging.getLogger(__name__)
WAIT_S = 10.0
"""Longest a stream waits for the next event before sending a keep-alive and checking again."""


class TurnBuffer:
    """The events of one turn run by this process, in order; readers wait on ``after``."""

    def __init__(self, session: str, request: str, model: str | None = None) -> None:
        self.session = session
        self.request = request
        self.model = model
        self.events: list[dict[str, Any]] = []
        self.done = False
        self.live: Any = None
        """The open ``Session`` while the turn runs (for cancel)."""
        self._cond = threading.Condition()

    def add(self, event: dict[str, Any]) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def finish(self) -> None:
        with self._cond:
            self.done = True
            self._cond.notify_all()

    def after(self, index: int, timeout: float = WAIT_S) -> tuple[list[dict[str, Any]], bool]:
        """Events from position ``index`` on, waiting up to ``timeout`` for one; (events, finished)."""
        with self._cond:
            if len(self.events) <= index and not self.done:
                self._cond.wait(timeout)
            return self.events[index:], self.done and len(self.events) >= index


class LiveSessions:
    """Turns this process runs, one buffer per session (the latest turn's)."""

    def __init__(self, manager: Any, model: str | None = None) -> None:
        self.manager = manager
        self.model = model
        self._buffers: dict[str, TurnBuffer] = {}
        self._lock = threading.Lock()

    def buffer(self, session_id: str) -> TurnBuffer | None:
        with self._lock:
            return self._buffers.get(session_id)

    def running_here(self, session_id: str) -> bool:
        buf = self.buffer(session_id)
        return buf is not None and not buf.done

    def send(self, session_id: str, text: str, model: str | None = None) -> TurnBuffer:
        """Start a turn of ``session_id`` in a worker thread; SessionBusy when one runs anywhere."""
        with self._lock:
            current = self._buffers.get(session_id)
            if current is not None and not current.done:
                raise SessionBusy("a turn is already running in this session")
            if self.manager.store.load(session_id).status == "running":
                raise SessionBusy("a turn is running in this session in another process (chipsmith chat?)")
            buf = TurnBuffer(session_id, text, model)
            self._buffers[session_id] = buf
        threading.Thread(target=self._run, args=(buf,), name=f"web-turn-{session_id}", daemon=True).start()
        return buf

    def cancel(self, session_id: str) -> bool:
        """Ask the turn running here to stop at its next step; False when none runs here."""
        buf = self.buffer(session_id)
        if buf is None or buf.done or buf.live is None:
            return False
        buf.live.cancel()
        return True

    def _run(self, buf: TurnBuffer) -> None:
        session = None
        try:
            session = self.manager.open(buf.session, model=buf.model)
            buf.live = session
            session.run_turn(buf.request, on_event=lambda e: buf.add(e.model_dump(mode="json")))
        except Exception as exc:  # a model that cannot be opened, a busy lock: one line to the page
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            buf.add({"kind": "error", "session": buf.session, "turn": 0, "data": {"message": message}})
        finally:
            if session is not None:
                session.close()
            buf.finish()


def file_events(events_path: Path, turn: int) -> list[dict[str, Any]]:
    """The recorded events of ``turn`` (a turn running in another process), as JSON data."""
    return [e.model_dump(mode="json") for e in read_jsonl(events_path, SessionEvent) if e.turn == turn]


def follow_file(
    store: Any, session_id: str, index: int, timeout: float = WAIT_S
) -> tuple[list[dict[str, Any]], bool]:
    """Events of the turn another process runs, from position ``index``; (events, finished).

    Polls the file (twice a second) until something new is there or ``timeout`` passes.
    """
    deadline = time.monotonic() + timeout
    while True:
        info = store.load(session_id)
        turn = info.turns
        events = file_events(store.paths(session_id).events, turn)
        finished = info.status != "running" or any(e["kind"] == "outcome" for e in events)
        if len(events) > index or finished or time.monotonic() >= deadline:
            return events[index:], finished
        time.sleep(0.5)
