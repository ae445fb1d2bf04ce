"""LocalSandbox with real processes: tools run inside, cleanup of hostile leftovers, cgroups removed."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from chipsmith.sandbox.base import Limits
from chipsmith.sandbox.local import LocalSandbox
from helpers import require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("sandbox-local")]

TB = b'module tb; initial begin $display("sim ok"); $finish; end endmodule\n'


def test_iverilog_and_vvp_run_with_relative_names():
    require_tool("iverilog", "vvp", "bwrap")
    res = LocalSandbox().run(
        ["sh", "-c", "iverilog -o sim.vvp tb.v && vvp -n sim.vvp"],
        {"tb.v": TB},
        timeout_s=30,
        want=["sim.vvp"],
    )
    assert res.ok and "sim ok" in res.stdout and "sim.vvp" in res.files


def test_project_python_runs_inside_bwrap():
    require_tool("bwrap")
    res = LocalSandbox().run(
        [sys.executable, "-c", "import pydantic, sys; print(sys.prefix)"], {}, timeout_s=30
    )
    assert res.ok, res.stderr
    assert res.stdout.strip() == sys.prefix


def test_read_only_leftovers_are_removed(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    script = "mkdir -p d/e && echo x > d/e/f && chmod 0444 d/e/f && chmod 0555 d/e d && chmod 0500 ."
    res = LocalSandbox().run(["sh", "-c", script], {}, timeout_s=30)
    assert res.ok, res.stderr
    assert list(tmp_path.iterdir()) == []


def test_cgroup_is_removed_after_each_run():
    box = LocalSandbox(use_bwrap=False)  # bwrap's cgroup namespace would hide the path
    if not box.containment()["pids_cgroup"]:
        pytest.skip("no writable pids cgroup here (not root, or no pids controller)")
    res = box.run(
        ["sh", "-c", "sleep 5 & grep pids /proc/self/cgroup"], {}, timeout_s=10, limits=Limits(procs=16)
    )
    rel = res.stdout.strip().split(":", 2)[2]
    assert rel.startswith("/chipsmith/")
    assert not Path("/sys/fs/cgroup/pids" + rel).exists()


def test_file_size_limit_stops_big_writes():
    res = LocalSandbox().run(
        ["sh", "-c", "head -c 3000000 /dev/zero > big; echo rc=$?"],
        {},
        timeout_s=30,
        limits=Limits(file_mb=1),
        want=["big"],
    )
    assert "rc=0" not in res.stdout
    assert len(res.files.get("big", b"")) <= 1 << 20


def test_missing_program_is_a_result_not_an_exception():
    res = LocalSandbox(use_bwrap=False).run(["no-such-program-xyz"], {}, timeout_s=10)
    assert res.exit_code == 127 and "cannot run" in res.stderr
