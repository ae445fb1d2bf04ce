"""The Files API: the tree, confinement to the workspace, raw files that cannot run, versions and diffs."""

from __future__ import annotations

import os

import pytest

from chipsmith.web.files import diff_stats, tree

pytestmark = pytest.mark.unit


def test_tree_nests_folders_first_then_files():
    rows = tree([("rtl/a.v", 10, 1), ("README", 3, 1), ("rtl/sub/b.v", 5, 2)])
    root = rows[0]
    assert [f["name"] for f in root["files"]] == ["README"]
    rtl = root["dirs"][0]
    assert rtl["path"] == "rtl" and rtl["files"][0]["path"] == "rtl/a.v"
    assert rtl["dirs"][0]["files"][0] == {"name": "b.v", "path": "rtl/sub/b.v", "size": 5, "versions": 2}


def test_the_tree_lists_the_workspace(api, session):
    data = api.get(f"/api/s/{session.id}/files").json()
    assert data["count"] == 2 and data["workspace"] == str(session.workspace.root)


@pytest.mark.parametrize(
    "path", ["../session.json", "/etc/passwd", "rtl/../../session.json", "~/x", "link/session.json", "escape"]
)
def test_paths_outside_the_workspace_are_refused(api, session, path):
    ws = session.workspace.root
    os.symlink(ws.parent, ws / "link")
    os.symlink(ws.parent / "session.json", ws / "escape")
    for route in ("raw", "source"):
        r = api.get(f"/api/s/{session.id}/{route}", params={"path": path})
        assert r.status_code in (400, 404), (route, path)
        assert set(r.json()) == {"detail"} and '"workspace"' not in r.text  # not the session's own file


def test_raw_files_are_plain_text_that_cannot_run(api, session):
    (session.workspace.root / "page.html").write_text("<html><script>alert(document.cookie)</script></html>")
    r = api.get(f"/api/s/{session.id}/raw", params={"path": "page.html"})
    assert r.status_code == 200 and r.text.startswith("<html>")
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_source_is_highlighted_with_its_markup_escaped(api, session):
    data = api.get(f"/api/s/{session.id}/source", params={"path": "rtl/inv.v"}).json()
    assert data["lines"] == 3 and not data["binary"]
    assert "<script>" not in data["html"] and "&lt;script&gt;" in data["html"]
    assert 'class="k"' in data["html"] or 'class="kd"' in data["html"]  # a keyword was recognised as Verilog


def test_a_binary_file_is_not_highlighted(api, session):
    (session.workspace.root / "blob.bin").write_bytes(b"\x00\x01\x02")
    data = api.get(f"/api/s/{session.id}/source", params={"path": "blob.bin"}).json()
    assert data["binary"] and data["html"] == "" and data["size"] == 3


def test_versions_and_a_diff_between_them(api, session):
    from chipsmith.agents.session_files import FileHistory, snapshot

    history = FileHistory(session.paths, session.workspace)
    history.record(snapshot(session.workspace), 1, "user")
    design = session.workspace.root / "rtl" / "inv.v"
    design.write_text(design.read_text().replace("~a", "!a") + "// second\n")
    history.record(snapshot(session.workspace), 2, "session")
    first, second = session.file_versions("rtl/inv.v")
    src = api.get(f"/api/s/{session.id}/source", params={"path": "rtl/inv.v", "version": first.sha}).json()
    assert "~" in src["html"] and len(src["versions"]) == 2
    d = api.get(f"/api/s/{session.id}/diff", params={"path": "rtl/inv.v"}).json()
    assert d["a"] == first.sha and d["headline"] == "rtl/inv.v: +2 -1"
    assert "&lt;script&gt;" in d["html"] and "<script>" not in d["html"]
    both = api.get(
        f"/api/s/{session.id}/diff", params={"path": "rtl/inv.v", "a": first.sha, "b": second.sha}
    ).json()
    assert both["headline"] == "rtl/inv.v: +2 -1"
    bad = api.get(f"/api/s/{session.id}/diff", params={"path": "rtl/inv.v", "a": "0" * 64})
    assert bad.status_code == 404 and "no version" in bad.json()["detail"]


def test_diff_stats_counts_changed_lines_only():
    text = "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n+z\n"
    assert diff_stats(text) == (2, 1)
