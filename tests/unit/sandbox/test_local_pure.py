"""Pure parts of the local sandbox: bwrap arguments, rlimits, env scrubbing, output capping, cgroup discovery."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from chipsmith.sandbox._cgroup import pids_hierarchy
from chipsmith.sandbox._local_limits import rlimit_values
from chipsmith.sandbox._output import OutputCap
from chipsmith.sandbox.base import Limits
from chipsmith.sandbox.local import bwrap_prefix, hide_homes_args, scrubbed_env

pytestmark = pytest.mark.unit
DATA = Path(__file__).parents[2] / "data" / "sandbox"


def test_bwrap_prefix_drops_caps_and_network_and_binds_only_run_dirs():
    args = bwrap_prefix(Path("/r/work"), Path("/r/tmp"), network=False)
    assert args[:4] == ["bwrap", "--ro-bind", "/", "/"] and args[-1] == "--"
    assert {
        "--unshare-user",
        "--unshare-pid",
        "--unshare-net",
        "--disable-userns",
        "--die-with-parent",
    } <= set(args)
    assert args[args.index("--cap-drop") + 1] == "ALL"
    binds = [args[i + 1 : i + 3] for i, a in enumerate(args) if a == "--bind"]
    assert binds == [["/r/tmp", "/tmp"], ["/r/work", "/r/work"]]
    read_only = [args[i + 1] for i, a in enumerate(args) if a == "--ro-bind-try"]
    assert "/proc/sys" in read_only and "/proc/sysrq-trigger" in read_only
    assert args.index("--proc") < args.index("--ro-bind-try")  # the new /proc is mounted first
    assert "--unshare-net" not in bwrap_prefix(Path("/w"), Path("/t"), network=True)


def test_homes_are_hidden_but_the_interpreter_inside_one_stays():
    args = hide_homes_args(["/home", "/root"], ["/root/.pyenv/versions/3.11", "/usr", "/rootless"])
    assert args == [
        "--tmpfs",
        "/home",
        "--tmpfs",
        "/root",
        "--ro-bind",
        "/root/.pyenv/versions/3.11",
        "/root/.pyenv/versions/3.11",
    ]
    hidden = bwrap_prefix(Path("/w"), Path("/t"), network=False, hide=args)
    assert hidden.index("--tmpfs") > hidden.index("/")  # after the root bind, or it would be covered


def test_scrubbed_env_drops_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = scrubbed_env("/scratch", {"EXTRA": "1"})
    assert "OPENAI_API_KEY" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["HOME"] == env["TMPDIR"] == "/scratch" and env["LANG"] == "C.UTF-8" and env["EXTRA"] == "1"


def test_rlimit_values_follow_limits_and_count_existing_processes():
    vals = rlimit_values(Limits(cpu_s=5, memory_mb=100, file_mb=2, procs=10), nproc_base=7)
    assert vals[resource.RLIMIT_CPU] == 5 and vals[resource.RLIMIT_AS] == 100 << 20
    assert vals[resource.RLIMIT_FSIZE] == 2 << 20 and vals[resource.RLIMIT_NPROC] == 17
    assert vals[resource.RLIMIT_CORE] == 0
    none = rlimit_values(Limits(cpu_s=None, memory_mb=None, file_mb=None, procs=None), 0)
    assert set(none) == {resource.RLIMIT_CORE}


def test_output_cap_keeps_prefix_and_marks_truncation():
    cap = OutputCap(5)
    for chunk in (b"abc", b"defg", b"hij"):
        cap.feed(chunk)
    assert bytes(cap.buf) == b"abcde" and cap.dropped == 5
    assert cap.text().startswith("abcde") and "truncated at 5 bytes" in cap.text()
    small = OutputCap(10)
    small.feed(b"ok")
    assert small.text() == "ok" and small.dropped == 0


def test_pids_hierarchy_on_recorded_cgroup_v1_mounts():
    assert pids_hierarchy((DATA / "proc_mounts_cgroup_v1.txt").read_text()) == ("/sys/fs/cgroup/pids", 1)


def test_pids_hierarchy_cgroup_v2_and_none():
    assert pids_hierarchy("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n") == ("/sys/fs/cgroup", 2)
    assert pids_hierarchy("proc /proc proc rw 0 0\n") is None


def test_gpu_device_nodes_are_bound_into_bwrap():
    from chipsmith.sandbox.local import bwrap_prefix, gpu_device_args

    args = gpu_device_args(["/dev/nvidia0", "/dev/nvidiactl"])
    assert args == [
        "--dev-bind",
        "/dev/nvidia0",
        "/dev/nvidia0",
        "--dev-bind",
        "/dev/nvidiactl",
        "/dev/nvidiactl",
    ]
    full = bwrap_prefix(Path("/w"), Path("/s"), False, args)
    # after --dev /dev (which would hide them), before the command
    assert full.index("--dev-bind") > full.index("--dev") and full[-1] == "--"
