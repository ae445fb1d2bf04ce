"""LocalSandbox with real processes: tools run inside, cleanup of hostile leftovers, cgroups removed."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from chipsmith.sandbox._cgroup import own_cgroup, pids_hierarchy
from chipsmith.sandbox.base import Limits
from chipsmith.sandbox.local import LocalSandbox
from helpers import IN_CI, require_tool

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


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_project_python_runs_inside_bwrap(warm):
    require_tool("bwrap")
    res = LocalSandbox(warm=warm).run(
        [sys.executable, "-c", "import pydantic, sys; print(sys.prefix)"], {}, timeout_s=30
    )
    assert res.ok, res.stderr
    assert res.stdout.strip() == sys.prefix


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_read_only_leftovers_are_removed(monkeypatch, tmp_path, warm):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    script = "mkdir -p d/e && echo x > d/e/f && chmod 0444 d/e/f && chmod 0555 d/e d && chmod 0500 ."
    box = LocalSandbox(warm=warm)
    res = box.run(["sh", "-c", script], {"in/a": b"1"}, timeout_s=30, want=["d/e/f"])
    assert res.ok and res.files == {"d/e/f": b"x\n"}, res.stderr  # written as the sandbox uid, still ours
    box.close_workers()
    assert list(tmp_path.iterdir()) == []


def _require_cgroup(box: LocalSandbox) -> tuple[Path, int]:
    """The pids hierarchy (mount point, version); its absence fails in CI, skips elsewhere."""
    found = pids_hierarchy(Path("/proc/mounts").read_text())
    if not box.containment()["pids_cgroup"] or found is None:
        msg = "no writable pids cgroup here (not root, or no pids controller)"
        pytest.fail(msg + " (CI requires it)") if IN_CI else pytest.skip(msg)
    return Path(found[0]), found[1]


def test_cgroup_is_removed_after_each_run():
    box = LocalSandbox(use_bwrap=False)  # bwrap's cgroup namespace would hide the path
    mount, version = _require_cgroup(box)
    res = box.run(["sh", "-c", "sleep 5 & cat /proc/self/cgroup"], {}, timeout_s=10, limits=Limits(procs=16))
    rel = own_cgroup(res.stdout, version)  # v1: the pids line; v2: the unified one
    assert rel is not None and rel.startswith("/chipsmith/"), res.stdout
    assert (mount / "chipsmith").is_dir()
    assert not (mount / rel.lstrip("/")).exists()


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
