"""read_file / write_file / list_files / apply_patch as a model calls them, through the toolkit."""

from __future__ import annotations

import os

import pytest

from chipsmith.agents.tooling.toolkit import Toolkit
from chipsmith.agents.workspace import Workspace, WorkspaceLimits
from helpers import require_tool

pytestmark = pytest.mark.unit

TOP = "module top(input a, output y);\n  assign y = a;\nendmodule\n"
FILES = ["read_file", "write_file", "list_files", "apply_patch"]


@pytest.fixture
def kit(tmp_path):
    ws = Workspace(tmp_path / "ws", limits=WorkspaceLimits(max_write_bytes=300_000))
    ws.write("rtl/top.v", TOP)
    ws.write("secret/ref.v", "module ref; endmodule\n")
    ws.hide("secret")
    return Toolkit(ws, names=FILES, error_knowledge=None)


def test_read_file_numbers_lines_and_pages(kit):
    kit.workspace.write("long.v", "".join(f"// line {i}\n" for i in range(1, 1001)))
    out = kit.call("read_file", {"path": "rtl/top.v"})
    assert (
        out.text
        == "rtl/top.v: lines 1-3 of 3\n1| module top(input a, output y);\n2|   assign y = a;\n3| endmodule"
    )
    page = kit.call("read_file", {"path": "long.v", "start_line": 10}).text.splitlines()
    assert page[0] == "long.v: lines 10-409 of 1000"
    assert page[1] == " 10| // line 10" and page[-1] == "[... more: read_file(path='long.v', start_line=410)]"
    tail = kit.call("read_file", {"path": "long.v", "start_line": 998, "end_line": 5000}).text
    assert tail.splitlines()[0] == "long.v: lines 998-1000 of 1000"


def test_read_file_refuses_binary_and_bounds_long_lines(kit):
    kit.workspace.write("blob.bin", b"\x00\x01" * 10)
    assert "binary file" in kit.call("read_file", {"path": "blob.bin"}).text
    kit.workspace.write("wide.v", "x" * 50_000 + "\n")
    text = kit.call("read_file", {"path": "wide.v"}).text
    assert "[line cut]" in text and len(text) < 2_200


def test_write_then_list(kit):
    out = kit.call("write_file", {"path": "tb/tb.v", "content": "module tb;\nendmodule\n"})
    assert (out.status, out.text) == ("ok", "created tb/tb.v: 2 lines, 21 bytes")
    assert kit.call("write_file", {"path": "tb/tb.v", "content": ""}).text.startswith(
        "overwrote tb/tb.v: 0 lines"
    )
    listing = kit.call("list_files", {}).text
    assert listing == f"2 files\nrtl/top.v  ({len(TOP)} bytes)\ntb/tb.v  (0 bytes)"


def test_huge_write_is_refused_and_nothing_is_written(kit):
    out = kit.call("write_file", {"path": "big.v", "content": "x" * 400_000})
    assert out.status == "error" and "over the 300000-byte limit" in out.text
    assert not (kit.workspace.root / "big.v").exists()
    ok = kit.call("write_file", {"path": "ok.v", "content": "y" * 200_000})  # a 200 KB argument within limits
    assert ok.status == "ok" and len(ok.text) < 100


@pytest.mark.parametrize("path", ["/tmp/x.v", "../x.v", "secret/new.v", "link/x.v"])
def test_writes_outside_or_hidden_are_refused(kit, tmp_path, path):
    os.symlink(tmp_path, kit.workspace.root / "link")
    out = kit.call("write_file", {"path": path, "content": "pwned"})
    assert out.status == "error"
    assert not (tmp_path / "x.v").exists()
    assert (kit.workspace.root / "secret").exists() and not (kit.workspace.root / "secret" / "new.v").exists()


GIT_PATCH = """diff --git a/rtl/top.v b/rtl/top.v
--- a/rtl/top.v
+++ b/rtl/top.v
@@ -1,3 +1,3 @@
 module top(input a, output y);
-  assign y = a;
+  assign y = ~a;
 endmodule
--- /dev/null
+++ b/rtl/inv.v
@@ -0,0 +1,2 @@
+module inv(input a, output y); assign y = ~a;
+endmodule
"""


def test_apply_patch_git_style_and_new_file(kit):
    require_tool("patch")
    out = kit.call("apply_patch", {"patch": GIT_PATCH})
    assert out.status == "ok", out.text
    assert out.text.startswith("patch applied to: rtl/top.v, rtl/inv.v")
    assert "assign y = ~a;" in (kit.workspace.root / "rtl/top.v").read_text()
    assert (kit.workspace.root / "rtl/inv.v").exists()


def test_apply_patch_plain_paths_with_offset(kit):
    require_tool("patch")
    kit.workspace.write("rtl/top.v", "// header\n" + TOP)
    patch = "--- rtl/top.v\n+++ rtl/top.v\n@@ -2,2 +2,2 @@\n module top(input a, output y);\n-  assign y = a;\n+  assign y = 1'b0;\n"
    out = kit.call("apply_patch", {"patch": patch})
    assert out.status == "ok", out.text
    assert "1'b0" in (kit.workspace.root / "rtl/top.v").read_text()


def test_a_failing_hunk_changes_nothing(kit):
    require_tool("patch")
    bad = GIT_PATCH.replace("-  assign y = a;", "-  assign y = b;")
    out = kit.call("apply_patch", {"patch": bad})
    assert out.status == "fail"
    assert out.text.startswith("patch NOT applied") and "FAILED" in out.text
    assert (kit.workspace.root / "rtl/top.v").read_text() == TOP
    assert not (kit.workspace.root / "rtl/inv.v").exists()


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("../../etc/passwd", "'..'"),
        ("/etc/passwd", "absolute"),
        ("secret/ref.v", "no such file"),
    ],
)
def test_patch_touching_outside_or_hidden_paths_is_refused(kit, target, why):
    patch = f"--- {target}\n+++ {target}\n@@ -1 +1 @@\n-root\n+pwned\n"
    out = kit.call("apply_patch", {"patch": patch})
    assert out.status == "error" and why in out.text
    assert (kit.workspace.root / "secret/ref.v").read_text() == "module ref; endmodule\n"


def test_patch_through_an_escaping_symlink_is_refused(kit, tmp_path):
    (tmp_path / "victim.v").write_text("root\n")
    os.symlink(tmp_path / "victim.v", kit.workspace.root / "victim.v")
    out = kit.call("apply_patch", {"patch": "--- victim.v\n+++ victim.v\n@@ -1 +1 @@\n-root\n+pwned\n"})
    assert out.status == "error" and "outside the workspace" in out.text
    assert (tmp_path / "victim.v").read_text() == "root\n"


def test_malformed_patch_is_a_clear_error(kit):
    out = kit.call("apply_patch", {"patch": "please change line 2 to assign y = ~a"})
    assert out.status == "error" and "not a unified diff" in out.text
    out = kit.call("apply_patch", {"patch": "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n garbage"})
    assert out.status == "error" and "not a valid unified diff" in out.text
