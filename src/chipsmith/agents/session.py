"""Design sessions: create, resume, list; send a message and stream the turn's events; cancel.

The public API for ``chipsmith chat``, ``chipsmith serve``, ``chipsmith run`` and the benchmark
agent (docs/sessions.md). A ``Session`` holds the orchestrator's model handle (one ledger, one
budget tracker seeded with what earlier turns spent), the tool context and the LangGraph SQLite
checkpointer whose thread (the session id) is the conversation. ``run_turn`` runs one turn in the
calling thread; ``send`` runs it in a worker thread and returns a ``Turn`` to iterate events from.
The turn itself is in ``session_turn``.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chipsmith.agents.session_models import (
    CheckRecord,
    FileInfo,
    FileVersion,
    Outcome,
    PpaFigures,
    SessionEvent,
    SessionInfo,
    SimulationInfo,
    UsageInfo,
)
from chipsmith.agents.session_store import (
    SessionBusy,
    SessionError,
    SessionPaths,
    SessionStore,
    new_id,
    read_jsonl,
)

__all__ = ["Session", "SessionBusy", "SessionError", "SessionManager", "Turn"]


class SessionManager:
    """Sessions under ``<home>/sessions`` (or ``root``): create, open (resume), list."""

    def __init__(self, home: Path | None = None, *, settings: Any = None, root: Path | None = None) -> None:
        from chipsmith.config import load_settings

        self.settings = settings or load_settings(home=home)
        self.store = SessionStore(self.settings.home)
        if root is not None:
            self.store.root = Path(root)

    def create(
        self,
        *,
        model: str | None = None,
        workspace: Path | None = None,
        budget: Any = None,
        title: str = "",
        agent_models: dict[str, str] | None = None,
        options: Any = None,
    ) -> Session:
        """A new session (nothing runs yet). ``workspace`` None: the session's own directory."""
        from chipsmith.agents.session_turn import settings_budget
        from chipsmith.llm.spec import parse_spec

        sid = new_id()
        paths = self.store.paths(sid)
        spec = parse_spec(model or self.settings.model, default_base_url=self.settings.openai_base_url).text
        ws = Path(workspace).resolve() if workspace else paths.default_workspace.resolve()
        info = SessionInfo(
            id=sid, title=title[:200], model=spec, workspace=str(ws),
            budget=(budget or settings_budget(self.settings)).model_dump(), agent_models=dict(agent_models or {}),
        )  # fmt: skip
        paths.root.mkdir(parents=True, exist_ok=True)
        self.store.save(info)
        return Session(self, info, options=options)

    def open(self, ref: str, *, model: str | None = None, options: Any = None) -> Session:
        """Resume session ``ref`` (an id, a unique prefix, or ``last``); ``model`` overrides its model."""
        info = self.store.load(self.store.resolve(ref))
        if model:
            info = info.model_copy(update={"model": model})
        return Session(self, info, options=options)

    def discard(self, session: Session) -> None:
        """Delete a session in which no turn ran (its model could not open, say); its own
        directory only, never a workspace the user gave."""
        import shutil

        if session.info.turns:
            raise SessionError(f"session {session.id} has turns; it is not discarded")
        session.close()
        shutil.rmtree(session.paths.root, ignore_errors=True)

    def last(self) -> Session | None:
        sessions = self.list()
        return self.open(sessions[0].id) if sessions else None

    def list(self) -> list[SessionInfo]:
        return self.store.list()


class Turn:
    """A turn running in a worker thread: iterate its events; ``cancel()`` from any thread.

    The session's busy lock is already held (``Session.send`` took it); the thread releases it."""

    def __init__(self, session: Session, text: str) -> None:
        self.session = session
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None
        self._events: queue.Queue[SessionEvent | None] = queue.Queue()
        self._thread = threading.Thread(
            target=self._run, args=(text,), name=f"turn-{session.id}", daemon=True
        )
        self._thread.start()

    def _run(self, text: str) -> None:
        try:
            self.outcome = self.session._turn(text, self._events.put)
        except BaseException as exc:  # handed to the consumer's thread, never printed as a traceback here
            self.error = exc
        finally:
            self.session._busy.release()
            self._events.put(None)

    def __iter__(self) -> Iterator[SessionEvent]:
        """The turn's events; an error that stopped the turn is raised here, after the last event."""
        while True:
            event = self._events.get()
            if event is None:
                if self.error is not None:
                    raise self.error
                return
            yield event

    def cancel(self) -> None:
        self.session.cancel()

    def wait(self, timeout: float | None = None) -> Outcome | None:
        self._thread.join(timeout)
        return self.outcome


class Session:
    """One live design session (see the module docstring and docs/sessions.md)."""

    def __init__(self, manager: SessionManager, info: SessionInfo, options: Any = None) -> None:
        from chipsmith.agents.orchestrator import OrchestratorOptions
        from chipsmith.agents.workspace import Workspace

        self.manager = manager
        self.settings = manager.settings
        self.store = manager.store
        self.info = info
        self.paths: SessionPaths = self.store.paths(info.id)
        self.options = options or OrchestratorOptions(agent_models=info.agent_models)
        self.workspace = Workspace(Path(info.workspace))
        self._engine: Any = None
        self._busy = threading.Lock()

    @property
    def id(self) -> str:
        return self.info.id

    # ------------------------------------------------------------------ turns
    def run_turn(self, text: str, on_event: Callable[[SessionEvent], None] | None = None) -> Outcome:
        """Run one turn in this thread; returns its outcome (also the last event)."""
        if not self._busy.acquire(blocking=False):
            raise SessionBusy("a turn is already running in this session")
        try:
            return self._turn(text, on_event)
        finally:
            self._busy.release()

    def send(self, text: str) -> Turn:
        """Start a turn in a worker thread; iterate the returned ``Turn`` for its events. The model
        is opened here, so a bad model spec or a missing key raises in the caller (``LLMError``)."""
        if not self._busy.acquire(blocking=False):
            raise SessionBusy("a turn is already running in this session")
        try:
            self.engine()
        except BaseException:
            self._busy.release()
            raise
        return Turn(self, text)

    def _turn(self, text: str, on_event: Callable[[SessionEvent], None] | None) -> Outcome:
        from chipsmith.agents.session_turn import run_turn

        return run_turn(self, text, on_event)

    def cancel(self) -> None:
        """Stop the turn in progress at its next model call, tool call or streamed token."""
        if self._engine is not None:
            self._engine.tracker.cancelled.set()

    def engine(self) -> Any:
        """The model handle, tools and checkpointer (opened on first use: the model may start a server)."""
        from chipsmith.agents.session_turn import Engine

        if self._engine is None:
            self._engine = Engine(self)
        return self._engine

    def save_info(self, **changes: Any) -> None:
        self.info = self.info.model_copy(update={**changes, "updated": time.time()})
        self.store.save(self.info)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    # ------------------------------------------------------------------ reading
    def history(self) -> list[Any]:
        """The conversation from the checkpoint: ``MessageRecord``s (system prompt left out)."""
        from chipsmith.agents.session_turn import checkpoint_messages
        from chipsmith.agents.transcript import record_message

        return [record_message(m) for m in checkpoint_messages(self.paths, self.id) if m.type != "system"]

    def outcomes(self) -> list[Outcome]:
        return read_jsonl(self.paths.turns, Outcome)

    def events(self, turn: int | None = None) -> list[SessionEvent]:
        return [e for e in read_jsonl(self.paths.events, SessionEvent) if turn is None or e.turn == turn]

    def checks(self, turn: int | None = None) -> list[CheckRecord]:
        return [c for c in read_jsonl(self.paths.checks, CheckRecord) if turn is None or c.turn == turn]

    def files(self) -> list[FileInfo]:
        from chipsmith.agents.session_files import FileHistory

        return FileHistory(self.paths, self.workspace).files()

    def read_file(self, path: str) -> str:
        return self.workspace.read_bytes(path).decode("utf-8", errors="replace")

    def file_versions(self, path: str) -> list[FileVersion]:
        from chipsmith.agents.session_files import FileHistory

        return FileHistory(self.paths, self.workspace).versions(path)

    def read_version(self, path: str, sha: str) -> str:
        from chipsmith.agents.session_files import FileHistory

        if not any(v.sha == sha for v in self.file_versions(path)):
            raise SessionError(f"no version {sha[:12]} of {path} in this session")
        return FileHistory(self.paths, self.workspace).read(sha).decode("utf-8", errors="replace")

    def last_simulation(self) -> SimulationInfo | None:
        from chipsmith.agents.session_views import last_simulation

        return last_simulation(self.checks())

    def ppa(self) -> list[PpaFigures]:
        from chipsmith.agents.session_views import ppa_figures

        return ppa_figures(self.checks())

    def usage(self) -> UsageInfo:
        from chipsmith.agents.session_views import usage_info

        return usage_info(self.ledger_summary(), self.info, self._engine)

    def ledger_summary(self) -> Any:
        from chipsmith.llm.ledger import Ledger

        if self._engine is not None:
            return self._engine.handle.ledger.summary()
        return Ledger.load(self.paths.ledger).summary()

    def handle_is_real(self) -> bool:
        from chipsmith.llm.spec import parse_spec

        return parse_spec(self.info.model).is_real

    def export_markdown(self) -> str:
        from chipsmith.agents.session_export import export_markdown

        return export_markdown(self)


def owner_pid() -> int:
    return os.getpid()
