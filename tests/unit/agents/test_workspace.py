"""Workspace confinement: every hostile path is refused with one line; hidden paths look absent."""

from __future__ import annotations

import os

import pytest

from chipsmith.agents.workspace import Workspace, WorkspaceError, WorkspaceLimits

pytestmark = pytest.mark.unit


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    w = Workspace(root)
    w.write("rtl/top.v", "module top; endmodule\n")
    return w


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/etc/passwd", "absolute"),
        ("~/.ssh/id_rsa", "absolute"),
        ("C:/x.v", "absolute"),
        ("../outside.v", "'..'"),
        ("rtl/../../outside.v", "'..'"),
        ("a\\b.v", "backslash"),
        ("a\x00b.v", "NUL"),
        ("", "non-empty"),
        ("x" * 300, "longer than 255"),
    ],
)
def test_hostile_names_are_refused(ws, path, why):
    with pytest.raises(WorkspaceError, match=why) as err:
        ws.read_bytes(path)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200
    with pytest.raises(WorkspaceError):
        ws.write(path, "x")


def test_relative_paths_work_and_dot_segments_are_normalised(ws):
    assert ws.read_bytes("./rtl/top.v") == b"module top; endmodule\n"
    assert ws.write("rtl/./sub/new.v", "x") is True
    assert ws.write("rtl/sub/new.v", "y") is False
    assert (ws.root / "rtl/sub/new.v").read_text() == "y"


def test_symlink_to_etc_is_refused_for_read_write_and_list(ws):
    os.symlink("/etc/passwd", ws.root / "passwd.v")
    os.symlink("/etc", ws.root / "etcdir")
    for path in ("passwd.v", "etcdir/hostname"):
        with pytest.raises(WorkspaceError, match="outside the workspace"):
            ws.read_bytes(path)
        with pytest.raises(WorkspaceError, match="outside the workspace"):
            ws.write(path, "pwned")
    assert [p for p, _ in ws.list()] == ["rtl/top.v"]
    with pytest.raises(WorkspaceError, match="outside"):
        ws.list("etcdir")


def test_symlink_created_after_the_workspace_is_checked_at_access(ws, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    ws.read_bytes("rtl/top.v")
    (ws.root / "rtl" / "top.v").unlink()
    os.symlink(secret, ws.root / "rtl" / "top.v")
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        ws.read_bytes("rtl/top.v")
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        ws.write("rtl/top.v", "overwrite")
    assert secret.read_text() == "s3cret"


def test_symlinked_parent_directory_escape_is_refused(ws, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, ws.root / "out")
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        ws.write("out/new.v", "x")
    assert list(outside.iterdir()) == []


def test_hidden_paths_look_absent_also_through_symlinks(ws):
    ws.write("bench/hidden_tb.v", "tb")
    ws.write("bench/public.v", "pub")
    ws.write("secret/ref.v", "ref")
    ws.hide("bench/hidden_*", "secret")
    os.symlink(ws.root / "secret" / "ref.v", ws.root / "alias.v")
    for path in ("bench/hidden_tb.v", "secret/ref.v", "alias.v", "secret"):
        with pytest.raises(WorkspaceError, match="no such file"):
            ws.read_bytes(path)
    with pytest.raises(WorkspaceError, match="no such file"):
        ws.write("secret/new.v", "x")
    assert [p for p, _ in ws.list()] == ["bench/public.v", "rtl/top.v"]


def test_size_limits(tmp_path):
    ws = Workspace(
        tmp_path / "w",
        limits=WorkspaceLimits(max_write_bytes=100, max_read_bytes=50, max_total_bytes=250, max_files=3),
    )
    with pytest.raises(WorkspaceError, match="over the 100-byte limit"):
        ws.write("big.v", "x" * 101)
    assert not (ws.root / "big.v").exists()
    ws.write("a.v", "x" * 100)
    ws.write("b.v", "x" * 100)
    with pytest.raises(WorkspaceError, match="250-byte limit"):
        ws.write("c.v", "x" * 60)
    ws.write("c.v", "x")
    with pytest.raises(WorkspaceError, match="limit 3"):
        ws.write("d.v", "x")
    with pytest.raises(WorkspaceError, match="50-byte read limit"):
        ws.read_bytes("a.v")
    (ws.root / "huge.bin").write_bytes(b"x" * 10)  # files placed by the host still count and read
    assert ws.read_bytes("huge.bin") == b"x" * 10


def test_directories_and_missing_files(ws):
    with pytest.raises(WorkspaceError, match="is a directory"):
        ws.read_bytes("rtl")
    with pytest.raises(WorkspaceError, match="no such file in the workspace: nope.v"):
        ws.read_bytes("nope.v")
    with pytest.raises(WorkspaceError, match="is a directory"):
        ws.write("rtl", "x")
    with pytest.raises(WorkspaceError, match="no such directory"):
        ws.list("nowhere")


def test_read_files_keys_are_workspace_relative(ws):
    ws.write("tb.v", "tb")
    assert ws.read_files(["tb.v", "./rtl/top.v", "tb.v"]) == {
        "tb.v": b"tb",
        "rtl/top.v": b"module top; endmodule\n",
    }
