"""Workspace file tools for agents: read, write, list, and apply a unified diff.

Every path goes through ``chipsmith.workspace.Workspace`` (relative, no ``..``, no symlink
escapes, hidden paths absent, size limits). The workspace is injected by the agent toolkit and never
appears in the schema a model sees. Results are small pydantic models; the toolkit renders them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Annotated

from pydantic import BaseModel, Field

from chipsmith.registry import TOOLS
from chipsmith.tools._patch import PatchError, patch_cmd, plan_patch
from chipsmith.workspace import Workspace, WorkspaceError

MAX_LINES = 400
"""Most lines one read_file call returns."""
MAX_CHARS = 20_000
"""Most characters one read_file call returns."""
MAX_LINE_CHARS = 2_000
MAX_LIST = 500
PATCH_TIMEOUT_S = 20.0
# One bound for content arguments; the workspace's own write limit (1 MiB by default) applies too.
CONTENT_CHARS = 2 * 2**20


class FileSlice(BaseModel):
    """Lines ``start_line``..``end_line`` (1-based, inclusive) of a text file."""

    path: str
    start_line: int
    end_line: int
    total_lines: int
    lines: list[str]
    truncated: bool = False
    """More lines were asked for than one call returns."""


class WriteResult(BaseModel):
    path: str
    bytes: int
    lines: int
    created: bool


class FileEntry(BaseModel):
    path: str
    bytes: int


class FileList(BaseModel):
    entries: list[FileEntry]
    total: int
    """Number of files found (``entries`` holds at most 500)."""


class PatchResult(BaseModel):
    applied: bool
    files: list[str]
    output: str
    """What GNU patch printed (which hunk failed and where)."""


@TOOLS.register("read_file")
def read_file(
    path: str, start_line: int = 1, end_line: int | None = None, *, workspace: Workspace
) -> FileSlice:
    """Read a text file of the workspace, with line numbers; at most 400 lines per call.

    Args:
        path: File path relative to the workspace root, e.g. `rtl/top.v`.
        start_line: First line to show (1-based).
        end_line: Last line to show (inclusive); default: up to 400 lines from start_line.
    """
    data = workspace.read_bytes(path)
    if b"\x00" in data:
        raise WorkspaceError(f"{path} is a binary file ({len(data)} bytes); read_file shows text files only")
    all_lines = data.decode("utf-8", errors="replace").splitlines()
    start = max(1, start_line)
    last = len(all_lines) if end_line is None else min(end_line, len(all_lines))
    stop = min(last, start + MAX_LINES - 1)
    lines, size = [], 0
    for line in all_lines[start - 1 : stop]:
        cut = line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " [line cut]"
        if size + len(cut) > MAX_CHARS:
            break
        lines.append(cut)
        size += len(cut) + 1
    end = start + len(lines) - 1
    return FileSlice(
        path=path,
        start_line=start,
        end_line=max(end, start - 1),
        total_lines=len(all_lines),
        lines=lines,
        truncated=end < last,
    )


@TOOLS.register("write_file")
def write_file(
    path: str, content: Annotated[str, Field(max_length=CONTENT_CHARS)], *, workspace: Workspace
) -> WriteResult:
    """Create or overwrite a file of the workspace with the given text (parent folders are created).

    Args:
        path: File path relative to the workspace root, e.g. `rtl/top.v`.
        content: The complete new content of the file.
    """
    created = workspace.write(path, content)
    return WriteResult(
        path=path, bytes=len(content.encode()), lines=len(content.splitlines()), created=created
    )


@TOOLS.register("list_files")
def list_files(path: str = ".", *, workspace: Workspace) -> FileList:
    """List the files of the workspace (or of one folder of it), recursively, with their sizes.

    Args:
        path: Folder relative to the workspace root; default: the whole workspace.
    """
    found = workspace.list(path)
    entries = [FileEntry(path=p, bytes=n) for p, n in found[:MAX_LIST]]
    return FileList(entries=entries, total=len(found))


@TOOLS.register("apply_patch")
def apply_patch(
    patch: Annotated[str, Field(max_length=CONTENT_CHARS)], *, workspace: Workspace
) -> PatchResult:
    """Apply a unified diff (as `diff -u` or `git diff` print it) to files of the workspace.

    Nothing changes unless every hunk applies (a dry run checks first). Paths in the headers are relative to the workspace
    (`a/` and `b/` prefixes are understood). Use `/dev/null` as the old name to create a file.

    Args:
        patch: The unified diff text.
    """
    if len(patch.encode()) > workspace.limits.max_write_bytes:
        raise WorkspaceError(f"the patch is over the {workspace.limits.max_write_bytes}-byte write limit")
    try:
        plan = plan_patch(patch)
    except PatchError as exc:
        raise WorkspaceError(str(exc)) from None
    for rel in plan.paths:
        workspace.resolve(rel)  # refuses absolute, '..', hidden and escaping paths before patch runs
    if shutil.which("patch") is None:
        raise RuntimeError("apply_patch needs GNU patch; install it (apt-get install patch)")
    text = patch if patch.endswith("\n") else patch + "\n"
    dry = _run_patch(patch_cmd(plan.strip, dry_run=True), text, workspace)
    if dry.returncode != 0:
        return PatchResult(applied=False, files=plan.paths, output=_patch_output(dry))
    done = _run_patch(patch_cmd(plan.strip, dry_run=False), text, workspace)
    output = _patch_output(done)
    if done.returncode != 0:
        output = f"the dry run passed but applying failed; some files may have changed\n{output}"
    return PatchResult(applied=done.returncode == 0, files=plan.paths, output=output)


def _run_patch(cmd: list[str], text: str, workspace: Workspace) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    try:
        return subprocess.run(
            cmd,
            input=text,
            cwd=workspace.root,
            capture_output=True,
            text=True,
            timeout=PATCH_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"patch did not finish within {PATCH_TIMEOUT_S:g} s") from None


def _patch_output(res: subprocess.CompletedProcess[str]) -> str:
    return (res.stdout + res.stderr).strip()[:4000]
