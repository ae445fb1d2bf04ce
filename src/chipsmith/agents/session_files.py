"""Workspace snapshots and file versions: what a turn changed, and every content a file had.

At the start of a turn every file whose content differs from its last recorded version is recorded
with origin ``user`` (the user put it there or edited it between turns); at the end, what the turn
changed is recorded with origin ``session``. Contents are stored once by SHA-256 under
``versions/``, so ``/diff`` and the web app can show any two versions of a file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from chipsmith.agents.session_models import FileChange, FileInfo, FileVersion
from chipsmith.agents.session_store import SessionPaths, append_jsonl, read_jsonl

MAX_VERSION_BYTES = 4 * 2**20
"""Larger files (waveforms, say) are tracked by hash only; their content is not kept."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(workspace: Any) -> dict[str, str]:
    """Pure over the workspace: path -> SHA-256 of every visible file."""
    out = {}
    for rel, _size in workspace.list("."):
        try:
            out[rel] = sha256(workspace.resolve(rel).read_bytes())
        except OSError:
            continue
    return out


def changes(before: dict[str, str], after: dict[str, str], sizes: dict[str, int]) -> list[FileChange]:
    """Pure: files added, modified and deleted between two snapshots, by path."""
    out: list[FileChange] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        if new is None:
            out.append(FileChange(path=path, status="deleted"))
        else:
            status: Literal["added", "modified"] = "added" if old is None else "modified"
            out.append(FileChange(path=path, status=status, size=sizes.get(path, 0), sha=new))
    return out


class FileHistory:
    """The recorded versions of a session's workspace files."""

    def __init__(self, paths: SessionPaths, workspace: Any) -> None:
        self.paths = paths
        self.workspace = workspace

    def versions(self, path: str | None = None) -> list[FileVersion]:
        rows = read_jsonl(self.paths.versions, FileVersion)
        return [v for v in rows if path is None or v.path == path]

    def latest(self) -> dict[str, str]:
        """Path -> SHA of each file's last recorded version (deleted files included)."""
        return {v.path: v.sha for v in self.versions()}

    def record(self, snap: dict[str, str], turn: int, origin: str) -> list[FileVersion]:
        """Record every file of ``snap`` whose content differs from its last recorded version."""
        known = self.latest()
        added = []
        for path, sha in sorted(snap.items()):
            if known.get(path) == sha:
                continue
            real = self.workspace.resolve(path)
            data = real.read_bytes() if real.stat().st_size <= MAX_VERSION_BYTES else None
            if data is not None:
                blob = self.paths.blobs / sha
                if not blob.exists():
                    blob.parent.mkdir(parents=True, exist_ok=True)
                    blob.write_bytes(data)
            version = FileVersion(path=path, sha=sha, size=real.stat().st_size, turn=turn, origin=origin)  # type: ignore[arg-type]
            append_jsonl(self.paths.versions, version)
            added.append(version)
        return added

    def read(self, sha: str) -> bytes:
        if not all(c in "0123456789abcdef" for c in sha) or len(sha) != 64:
            raise ValueError(f"not a version id: {sha[:80]!r}")
        blob = self.paths.blobs / sha
        if not blob.is_file():
            raise ValueError(f"version {sha[:12]} was not kept (too large, or never recorded)")
        return blob.read_bytes()

    def origin_of(self, path: str, sha: str) -> str | None:
        """``user`` or ``session`` for a recorded (path, content), else None."""
        for v in self.versions(path):
            if v.sha == sha:
                return v.origin
        return None

    def files(self) -> list[FileInfo]:
        counts: dict[str, int] = {}
        for v in self.versions():
            counts[v.path] = counts.get(v.path, 0) + 1
        out = []
        for rel, size in self.workspace.list("."):
            try:
                sha = sha256(self.workspace.resolve(rel).read_bytes())
            except OSError:
                continue
            out.append(FileInfo(path=rel, size=size, sha=sha, versions=max(1, counts.get(rel, 0))))
        return out


def sizes_of(workspace: Any) -> dict[str, int]:
    return dict(workspace.list("."))


def blob_path(paths: SessionPaths, sha: str) -> Path:
    return paths.blobs / sha
