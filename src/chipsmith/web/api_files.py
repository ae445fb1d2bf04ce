"""The files API: a session workspace's tree, raw files, highlighted source, versions and diffs.

Every path goes through the session's ``Workspace`` (``..``, absolute paths and symlinks leading out
are refused there). A raw file is always ``text/plain`` with ``nosniff`` and a sandboxing CSP: what
an agent wrote can be read in the browser, never run in the app's origin.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import PlainTextResponse, Response

from chipsmith.web.security import FILE_CSP
from chipsmith.web.state import WebState, get_state

router = APIRouter(prefix="/api/s/{ref}")


def read_bytes(session: Any, path: str) -> bytes:
    """The file's content, or 400/404 with the workspace's one-line reason."""
    from chipsmith.agents.workspace import WorkspaceError

    try:
        return bytes(session.workspace.read_bytes(path))
    except WorkspaceError as exc:
        raise HTTPException(404 if "no such file" in str(exc) else 400, str(exc)) from None


@router.get("/files")
def files(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    from chipsmith.web.files import tree

    s = state.session(ref)
    rows = [(f.path, f.size, f.versions) for f in s.files()]
    return {"workspace": s.info.workspace, "count": len(rows), "tree": tree(rows)}


@router.get("/raw")
def raw(ref: str, path: str, state: WebState = Depends(get_state)) -> Response:
    data = read_bytes(state.session(ref), path)
    return PlainTextResponse(
        data.decode("utf-8", errors="replace"),
        headers={"Content-Security-Policy": FILE_CSP, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/source")
def source(
    ref: str, path: str, version: str | None = None, state: WebState = Depends(get_state)
) -> dict[str, Any]:
    """A file (or one recorded version of it) highlighted, with its versions."""
    from chipsmith.agents.session_store import SessionError
    from chipsmith.web.files import highlight, is_binary

    s = state.session(ref)
    if version:
        try:
            data = s.read_version(path, version).encode()
        except (SessionError, ValueError) as exc:
            raise HTTPException(404, str(exc)) from None
    else:
        data = read_bytes(s, path)
    versions = [v.model_dump(mode="json") for v in s.file_versions(path)]
    if is_binary(data):
        return {"path": path, "binary": True, "size": len(data), "versions": versions, "html": ""}
    html, lines, cut = highlight(data.decode("utf-8", errors="replace"), path)
    return {"path": path, "binary": False, "size": len(data), "lines": lines, "cut": cut,
            "versions": versions, "html": html}  # fmt: skip


@router.get("/diff")
def diff(ref: str, path: str, a: str | None = None, b: str | None = None,
         state: WebState = Depends(get_state)) -> dict[str, Any]:  # fmt: skip
    """``path`` at version ``a`` against version ``b`` (None: the file as it is now). Without
    ``a``: the version the terminal's ``/diff`` compares with (``chat.files_view.diff_base``)."""
    from chipsmith.agents.session_files import sha256
    from chipsmith.agents.session_store import SessionError
    from chipsmith.chat.files_view import diff_base, unified, version_label
    from chipsmith.web.files import diff_html, diff_stats

    s = state.session(ref)
    versions = s.file_versions(path)
    try:
        now = read_bytes(s, path).decode("utf-8", errors="replace") if b is None else s.read_version(path, b)
        if a is None:
            base = diff_base(versions, sha256(now.encode()) if b is None else b)
            if base is None:
                return {"path": path, "headline": f"{path} has one version: nothing to compare", "html": ""}
            a = base.sha
        old = s.read_version(path, a)
    except (SessionError, ValueError) as exc:
        raise HTTPException(404, str(exc).splitlines()[0]) from None
    label = {v.sha: version_label(path, v) for v in versions}
    text = unified(old, now, label.get(a, a[:12]), label.get(b or "", f"{path} (now)"))
    added, removed = diff_stats(text)
    headline = f"{path}: +{added} -{removed}" if text else f"{path}: no difference"
    return {"path": path, "a": a, "b": b, "headline": headline, "html": diff_html(text) if text else ""}
