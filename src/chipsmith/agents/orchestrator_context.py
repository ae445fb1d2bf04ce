"""What the orchestrator's tools share during one session: workspace, model, sandbox, checks, events.

``ToolContext`` is built once per session by ``agents.session`` (or by the benchmark agent) and
handed to every tool in ``orchestrator_tools``. It owns the session's record of checks
(``checks.jsonl``): every check a tool or the final verification runs is recorded here with the
SHA-256 of the content it judged, and announced as a ``check`` event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chipsmith.agents.session_files import FileHistory, sha256
from chipsmith.agents.session_models import CheckRecord
from chipsmith.agents.session_store import SessionPaths, append_jsonl, read_jsonl
from chipsmith.agents.workspace import Workspace

log = logging.getLogger(__name__)

Emit = Callable[..., None]
"""``emit(kind, data, agent="orchestrator", depth=0)``: a SessionEvent for the live view."""


class ToolContext:
    """Session state the orchestrator's tools read and write."""

    def __init__(
        self,
        *,
        session_id: str,
        paths: SessionPaths,
        workspace: Workspace,
        handle: Any,
        settings: Any,
        emit: Emit | None = None,
        agent_models: dict[str, str] | None = None,
    ) -> None:
        self.session_id = session_id
        self.paths = paths
        self.workspace = workspace
        self.handle = handle
        self.settings = settings
        self.emit: Emit = emit or (lambda *a, **k: None)
        self.agent_models = dict(agent_models or {})
        self.history = FileHistory(paths, workspace)
        self.turn = 0
        self.turn_start: dict[str, str] = {}
        """Path -> SHA of every workspace file when the turn began (baselines, refactor references)."""
        self._sandbox: Any = None
        self._handles: dict[str, Any] = {}
        self._runs = 0

    # ------------------------------------------------------------------ resources
    @property
    def sandbox(self) -> Any:
        if self._sandbox is None:
            from chipsmith.sandbox import get_sandbox

            self._sandbox = get_sandbox(getattr(self.settings, "sandbox", None))
        return self._sandbox

    def sub_handle(self, agent: str) -> Any:
        """The model handle of a sub-agent: the session's (shared ledger, budget, cancel), or the
        model ``agent_models`` names for it (still on the session's ledger and budget)."""
        spec = self.agent_models.get(agent)
        if not spec:
            return self.handle.for_agent(agent)
        if agent not in self._handles:
            from chipsmith.llm import open_model

            self._handles[agent] = open_model(
                spec,
                settings=self.settings,
                agent=agent,
                ledger=self.handle.ledger,
                budget=self.handle.budget,
            )
        return self._handles[agent]

    def workdir(self, agent: str) -> Path:
        """A fresh work dir for one sub-agent run (its own workspace and transcript)."""
        self._runs += 1
        path = self.paths.agents / f"t{self.turn}-{self._runs:02d}-{agent}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    # ------------------------------------------------------------------ files
    def read_text(self, path: str) -> str:
        return self.workspace.read_bytes(path).decode("utf-8", errors="replace")

    def sha_of(self, path: str) -> str:
        return sha256(self.workspace.read_bytes(path))

    def write_text(self, path: str, text: str) -> None:
        self.workspace.write(path, text)

    def write_large(self, path: str, data: bytes, limit: int = 32 * 2**20) -> bool:
        """Write a generated artefact (a waveform) that may exceed the model's 1 MiB write limit."""
        if len(data) > limit:
            return False
        real = self.workspace.resolve(path)
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_bytes(data)
        return True

    # ------------------------------------------------------------------ checks
    def checks(self, turn: int | None = None) -> list[CheckRecord]:
        rows = read_jsonl(self.paths.checks, CheckRecord)
        return [c for c in rows if turn is None or c.turn == turn]

    def record(self, check: CheckRecord) -> CheckRecord:
        """Append a check to the session's record and announce it."""
        append_jsonl(self.paths.checks, check)
        self.emit("check", check.model_dump(mode="json"))
        return check

    def next_check_id(self) -> str:
        return f"c{self.turn}-{len(self.checks(self.turn)) + 1}"

    def trusted(self, path: str, sha: str) -> bool:
        """A version equivalence may be proven against: the user's own, or one that passed a testbench."""
        if self.history.origin_of(path, sha) == "user":
            return True
        return any(
            c.subject_sha == sha and c.kind == "testbench" and c.passed and c.counts for c in self.checks()
        )
