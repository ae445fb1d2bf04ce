"""Helpers shared by the adapters: reading files and a clear error for a bad suite path."""

from __future__ import annotations

from pathlib import Path


class SuiteError(ValueError):
    """A suite path or task directory that cannot be loaded; the message is one line for the user."""


def suite_dir(arg: str | None, suite: str) -> Path:
    """The directory a loader reads: the ``--suite NAME:PATH`` argument, which must exist."""
    if not arg:
        raise SuiteError(f"suite {suite} needs a path: --suite {suite}:/path/to/problems")
    path = Path(arg).expanduser()
    if not path.is_dir():
        raise SuiteError(f"suite {suite}: {path} is not a directory")
    return path


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")
