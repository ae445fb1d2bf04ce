"""Where a session lives on disk, and the small file formats it keeps (no LangChain here).

``<home>/sessions/<id>/``::

    session.json        SessionInfo (written atomically)
    checkpoints.sqlite  LangGraph's SqliteSaver: the conversation (thread id = session id)
    ledger.jsonl        model and tool calls (chipsmith.llm.Ledger): the budget spent so far
    checks.jsonl        CheckRecord per check run
    turns.jsonl         Outcome per finished turn
    events.jsonl        SessionEvent per event (text chunks left out)
    versions.jsonl      FileVersion per recorded file content; contents under versions/<sha>
    agents/             sub-agent work dirs (their transcripts)
    workspace/          the default workspace (unless the session was given another directory)
    turn.lock           held (flock) while a turn runs
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from chipsmith.agents.session_models import SessionInfo

M = TypeVar("M", bound=BaseModel)
_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{4}")


class SessionError(RuntimeError):
    """A session that does not exist or cannot be used now; the message is one line."""


class SessionBusy(SessionError):
    """A turn is already running in this session (here or in another process)."""


def new_id(now: float | None = None) -> str:
    """A sortable id: ``YYYYMMDD-HHMMSS-xxxx``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now or time.time()))
    return f"{stamp}-{secrets.token_hex(2)}"


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step: a kill never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def append_jsonl(path: Path, model: BaseModel) -> None:
    """One line per record with O_APPEND: concurrent writers do not interleave lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(model.model_dump_json() + "\n")


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    """Every valid line of ``path`` (a torn last line from a kill is skipped)."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(model.model_validate_json(line))
        except (ValidationError, ValueError):
            continue
    return out


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionPaths:
    """The files of one session directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.info = root / "session.json"
        self.checkpoints = root / "checkpoints.sqlite"
        self.ledger = root / "ledger.jsonl"
        self.checks = root / "checks.jsonl"
        self.turns = root / "turns.jsonl"
        self.events = root / "events.jsonl"
        self.versions = root / "versions.jsonl"
        self.blobs = root / "versions"
        self.agents = root / "agents"
        self.lock = root / "turn.lock"
        self.default_workspace = root / "workspace"


class SessionStore:
    """All sessions under ``<home>/sessions``."""

    def __init__(self, home: Path) -> None:
        self.root = Path(home) / "sessions"

    def paths(self, session_id: str) -> SessionPaths:
        if not _ID.fullmatch(session_id):
            raise SessionError(f"not a session id: {session_id!r} (chipsmith sessions list shows them)")
        return SessionPaths(self.root / session_id)

    def load(self, session_id: str) -> SessionInfo:
        """The session's info; a dead turn owner is reported as ``interrupted``."""
        paths = self.paths(session_id)
        try:
            info = SessionInfo.model_validate_json(paths.info.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SessionError(f"no session {session_id} under {self.root}") from None
        except (ValidationError, ValueError, OSError) as exc:
            raise SessionError(f"{paths.info} is unreadable: {str(exc).splitlines()[0]}") from None
        if info.status == "running" and not pid_alive(info.pid):
            info = info.model_copy(update={"status": "interrupted"})
        return info

    def save(self, info: SessionInfo) -> None:
        write_atomic(self.paths(info.id).info, info.model_dump_json(indent=1))

    def list(self) -> list[SessionInfo]:
        """Every readable session, most recently updated first."""
        if not self.root.is_dir():
            return []
        out = []
        for d in self.root.iterdir():
            if d.is_dir() and _ID.fullmatch(d.name) and (d / "session.json").is_file():
                with contextlib.suppress(SessionError):
                    out.append(self.load(d.name))
        return sorted(out, key=lambda i: (i.updated, i.id), reverse=True)

    def resolve(self, ref: str) -> str:
        """A full id from an id, a unique prefix of one, or ``last``."""
        if ref == "last":
            sessions = self.list()
            if not sessions:
                raise SessionError(f"no sessions under {self.root}")
            return sessions[0].id
        if _ID.fullmatch(ref):
            return ref
        matches = [i.id for i in self.list() if i.id.startswith(ref)]
        if len(matches) != 1:
            why = "no session" if not matches else f"{len(matches)} sessions"
            raise SessionError(f"{why} matching {ref!r}; chipsmith sessions list shows the ids")
        return matches[0]


@contextlib.contextmanager
def turn_lock(path: Path) -> Iterator[None]:
    """Hold the session's turn lock, or raise SessionBusy at once (no waiting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SessionBusy("a turn is already running in this session (another process?)") from None
        yield
    finally:
        fh.close()


def dump_json(obj: object) -> str:
    return json.dumps(obj, indent=1, default=str)
