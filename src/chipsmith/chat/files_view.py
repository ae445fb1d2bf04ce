"""``/files``, ``/show FILE``, ``/diff FILE``: the session's workspace files as terminal output.

The pure parts (which version ``/diff`` compares with, which lexer colours a file, the diff text)
are separate from the rich renderables so they are unit-tested without a terminal.
"""

from __future__ import annotations

import difflib
import posixpath
from typing import Any

from rich.syntax import Syntax
from rich.table import Table

MAX_SHOW_LINES = 2000
LEXERS = {
    ".v": "verilog", ".vh": "verilog", ".sv": "systemverilog", ".svh": "systemverilog",
    ".py": "python", ".cu": "cuda", ".cuh": "cuda", ".cpp": "cpp", ".cc": "cpp", ".c": "c", ".h": "cpp",
    ".hpp": "cpp", ".md": "markdown", ".json": "json", ".jsonl": "json", ".yaml": "yaml", ".yml": "yaml",
    ".toml": "toml", ".tcl": "tcl", ".sdc": "tcl", ".ys": "text", ".lib": "text", ".vcd": "text",
    ".log": "text", ".txt": "text", ".sh": "bash",
}  # fmt: skip
"""Pygments would take ``.v`` for Coq: HDL files are named here, the rest by extension too."""


class FileViewError(ValueError):
    """A file that cannot be shown or compared (one-line message)."""


def lexer_for(path: str) -> str:
    """Pure: the pygments lexer name for a workspace path (``text`` when unknown)."""
    return LEXERS.get(posixpath.splitext(path)[1].lower(), "text")


def diff_base(versions: list[Any], current_sha: str | None) -> Any | None:
    """Pure: the version ``/diff`` compares the file with: the last recorded one if the file has
    changed since (an edit not yet recorded), else the one before it; None when there is none."""
    distinct: list[Any] = []
    for v in versions:
        if not distinct or distinct[-1].sha != v.sha:
            distinct.append(v)
    if not distinct:
        return None
    if current_sha is not None and distinct[-1].sha != current_sha:
        return distinct[-1]
    return distinct[-2] if len(distinct) > 1 else None


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    """Pure: a unified diff (empty when the texts are equal)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_label, new_label, n=3
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def version_label(path: str, v: Any) -> str:
    who = "yours" if v.origin == "user" else "the session's"
    return f"{path} (turn {v.turn}, {who}, {v.sha[:8]})"


def files_table(files: list[Any], changed: set[str]) -> Table:
    table = Table(title="workspace files", title_justify="left", box=None, pad_edge=False)
    table.add_column("file")
    table.add_column("bytes", justify="right")
    table.add_column("versions", justify="right")
    for f in files:
        mark = " *" if f.path in changed else ""
        table.add_row(f.path + mark, str(f.size), str(f.versions))
    if changed:
        table.caption = "* changed in the last turn"
    return table


def show(session: Any, path: str) -> Syntax:
    """A workspace file, syntax-highlighted with line numbers (the first MAX_SHOW_LINES lines)."""
    data = session.workspace.read_bytes(path)
    if b"\x00" in data[:8192]:
        raise FileViewError(f"{path} is a binary file ({len(data)} bytes)")
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(lines) > MAX_SHOW_LINES:
        text = "\n".join(lines[:MAX_SHOW_LINES]) + f"\n... ({len(lines) - MAX_SHOW_LINES} more lines)"
    return Syntax(text, lexer_for(path), line_numbers=True, theme="ansi_dark", word_wrap=True)


def diff(session: Any, path: str) -> tuple[str, Syntax | None]:
    """(a headline, the diff) of ``path`` against its previous version in the session."""
    from chipsmith.agents.session_files import sha256

    session.workspace.check_name(path)
    versions = session.file_versions(path)
    try:
        raw: bytes | None = session.workspace.read_bytes(path)
    except ValueError:  # deleted since: compare its last version with nothing
        raw = None
    current = sha256(raw) if raw is not None else None
    now = raw.decode("utf-8", errors="replace") if raw is not None else None
    base = diff_base(versions, current)
    if base is None:
        if not versions and now is None:
            raise FileViewError(f"no such file in the workspace or its history: {path}")
        return f"{path} has one version in this session: nothing to compare", None
    old = session.read_version(path, base.sha)
    text = unified(
        old, now or "", version_label(path, base), f"{path} (now)" if now is not None else "(deleted)"
    )
    if not text:
        return f"{path} is the same as {version_label(path, base)}", None
    added = sum(1 for ln in text.splitlines() if ln.startswith("+") and not ln.startswith("+++"))
    removed = sum(1 for ln in text.splitlines() if ln.startswith("-") and not ln.startswith("---"))
    return f"{path}: +{added} -{removed} against {version_label(path, base)}", Syntax(
        text, "diff", theme="ansi_dark", word_wrap=True
    )
