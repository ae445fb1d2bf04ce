"""The session workspace: the one directory an agent's file and tool calls may touch.

Every path a model names is a relative POSIX path resolved inside the workspace root, at every
access (so a symlink created later cannot lead out): absolute paths, ``~``, ``..`` components and
symlinks that resolve outside the root are refused. Paths matching a hidden pattern are treated as
absent for reading and refused for writing, also when reached through a symlink. Reads and writes
are size-bounded. Every refusal is a ``WorkspaceError`` with one line a model can act on.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict


class WorkspaceError(ValueError):
    """A path or size the workspace refuses; the message is one line."""


class WorkspaceLimits(BaseModel):
    """Size bounds of one workspace."""

    model_config = ConfigDict(frozen=True)

    max_read_bytes: int = 4 * 2**20
    """Largest file read (for a model or to hand to a tool); the tools' own per-file limit."""
    max_write_bytes: int = 1 * 2**20
    """Largest single write (file content or patch text)."""
    max_total_bytes: int = 64 * 2**20
    """Largest total size of the workspace after a write."""
    max_files: int = 5000
    """Most files the workspace may hold after a write."""
    max_path_chars: int = 255


class Workspace:
    """A directory whose paths are checked on every access."""

    def __init__(
        self,
        root: Path,
        *,
        hidden: Iterable[str] = (),
        limits: WorkspaceLimits | None = None,
        create: bool = True,
    ) -> None:
        if create:
            root.mkdir(parents=True, exist_ok=True)
        if not root.is_dir():
            raise WorkspaceError(f"workspace {root} is not a directory")
        self.root = root.resolve()
        self.limits = limits or WorkspaceLimits()
        self._hidden: list[str] = []
        self.hide(*hidden)

    def hide(self, *patterns: str) -> None:
        """Mark paths agents may never see: glob patterns on relative paths (``secret/*``, ``*.key``).

        A pattern also covers everything below a matching directory.
        """
        self._hidden += [p.strip("/") for p in patterns if p.strip("/")]

    def is_hidden(self, rel: str) -> bool:
        """Whether ``rel`` (a relative POSIX path) or one of its parent directories is hidden."""
        parts = PurePosixPath(rel).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatch.fnmatchcase(p, pat) for p in prefixes for pat in self._hidden)

    def check_name(self, path: str) -> PurePosixPath:
        """Pure: ``path`` as a normalised relative path, or a WorkspaceError saying why not."""
        if not isinstance(path, str) or not path.strip():
            raise WorkspaceError("a path must be a non-empty string relative to the workspace")
        shown = path if len(path) <= 80 else path[:77] + "..."
        if len(path) > self.limits.max_path_chars:
            raise WorkspaceError(f"path {shown!r} is longer than {self.limits.max_path_chars} characters")
        if "\x00" in path or "\\" in path:
            raise WorkspaceError(f"path {shown!r} contains a NUL byte or a backslash; use '/' separators")
        pure = PurePosixPath(path)
        if pure.is_absolute() or path.startswith("~") or (len(path) > 1 and path[1] == ":"):
            raise WorkspaceError(f"path {shown!r} is absolute; use a path relative to the workspace")
        if ".." in pure.parts:
            raise WorkspaceError(f"path {shown!r} contains '..'; paths must stay inside the workspace")
        return pure

    def resolve(self, path: str) -> Path:
        """The real path of ``path`` inside the workspace (following symlinks), or a WorkspaceError."""
        pure = self.check_name(path)
        real = (self.root / pure).resolve()
        if real != self.root and not real.is_relative_to(self.root):
            raise WorkspaceError(f"path {path!r} leads outside the workspace (a symlink); refused")
        if self.is_hidden(pure.as_posix()) or self.is_hidden(self.rel(real)):
            raise WorkspaceError(f"no such file in the workspace: {path}")
        return real

    def rel(self, real: Path) -> str:
        """The workspace-relative POSIX name of a resolved path inside the root."""
        return real.relative_to(self.root).as_posix() if real != self.root else "."

    def read_bytes(self, path: str) -> bytes:
        """The content of file ``path``; refuses a missing, hidden, oversized or non-regular file."""
        real = self.resolve(path)
        if real.is_dir():
            raise WorkspaceError(f"{path} is a directory; list_files shows its files")
        if not real.is_file():
            raise WorkspaceError(f"no such file in the workspace: {path}")
        size = real.stat().st_size
        if size > self.limits.max_read_bytes:
            raise WorkspaceError(
                f"{path} is {size} bytes, over the {self.limits.max_read_bytes}-byte read limit"
            )
        return real.read_bytes()

    def read_files(self, paths: Iterable[str]) -> dict[str, bytes]:
        """A tool's file map: workspace-relative name -> content, in the given order."""
        files: dict[str, bytes] = {}
        for path in paths:
            name = self.check_name(path).as_posix()
            if name not in files:
                files[name] = self.read_bytes(path)
        return files

    def write(self, path: str, data: bytes | str) -> bool:
        """Write ``data`` to ``path`` (parents created); True when the file is new. Size-bounded."""
        blob = data.encode() if isinstance(data, str) else data
        if len(blob) > self.limits.max_write_bytes:
            raise WorkspaceError(
                f"refusing to write {len(blob)} bytes to {path}: over the {self.limits.max_write_bytes}-byte limit"
            )
        real = self.resolve(path)
        if real.is_dir() or real == self.root:
            raise WorkspaceError(f"{path} is a directory")
        created = not real.exists()
        self._check_totals(len(blob) - (0 if created else real.stat().st_size), created)
        real.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a symlink swapped in after the check is refused instead of followed.
        fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        return created

    def _check_totals(self, growth: int, new_file: bool) -> None:
        count, total = 0, 0
        for _dirpath, _dirs, names in os.walk(self.root):
            for name in names:
                count += 1
                try:
                    total += os.lstat(os.path.join(_dirpath, name)).st_size
                except OSError:
                    continue
        if new_file and count + 1 > self.limits.max_files:
            raise WorkspaceError(f"the workspace already holds {count} files (limit {self.limits.max_files})")
        if total + growth > self.limits.max_total_bytes:
            raise WorkspaceError(
                f"the write would make the workspace {total + growth} bytes, over its "
                f"{self.limits.max_total_bytes}-byte limit"
            )

    def list(self, path: str = ".") -> list[tuple[str, int]]:
        """Files under ``path`` as (relative name, size), sorted; hidden files and escaping links left out."""
        base = self.root if path in (".", "", "./") else self.resolve(path)
        if base.is_file():
            return [(self.rel(base), base.stat().st_size)]
        if not base.is_dir():
            raise WorkspaceError(f"no such directory in the workspace: {path}")
        out: list[tuple[str, int]] = []
        for dirpath, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not self.is_hidden(self.rel(Path(dirpath) / d)))
            for name in sorted(names):
                rel = self.rel(Path(dirpath) / name)
                try:
                    real = self.resolve(rel)
                except WorkspaceError:
                    continue
                if real.is_file():
                    out.append((rel, real.stat().st_size))
        return sorted(out)
