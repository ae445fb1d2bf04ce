"""Moving files into and out of a work dir safely (shared by every backend)."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """A file name that would land outside the work dir."""


def safe_relpath(name: str) -> PurePosixPath:
    """Pure: validate a relative path inside a work dir, refusing absolute paths and ``..``."""
    p = PurePosixPath(name)
    if not name or p.is_absolute() or ".." in p.parts:
        raise UnsafePathError(f"refusing file name {name!r}: must be relative and stay inside the work dir")
    return p


def write_files(work: Path, files: dict[str, bytes]) -> None:
    """Write each file under ``work``, creating parent dirs; names are validated by ``safe_relpath``."""
    for name, data in files.items():
        dest = work / safe_relpath(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def collect_files(work: Path, want: list[str] | tuple[str, ...]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Read the wanted files, refusing anything that resolves outside ``work`` (symlink escapes)."""
    got: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    root = work.resolve()
    for name in want:
        try:
            path = work / safe_relpath(name)
        except UnsafePathError as exc:
            refused[name] = str(exc)
            continue
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(root):
            refused[name] = "symlink pointing outside the work dir"
        elif not real.is_file():
            refused[name] = "missing"
        else:
            got[name] = real.read_bytes()
    return got, refused


def force_rmtree(path: Path) -> None:
    """Remove a run's directory even when the command left read-only files or directories."""

    def onerror(func, p, _exc):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)

    if path.exists():
        shutil.rmtree(path, onerror=onerror)
