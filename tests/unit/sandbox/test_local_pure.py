"""Pure parts of the local sandbox: bwrap arguments, staging, rlimits, env scrubbing, output capping, cgroups."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from chipsmith.sandbox._bwrap import Mounts, bwrap_command
from chipsmith.sandbox._cgroup import own_cgroup, pids_hierarchy
from chipsmith.sandbox._local_limits import rlimit_values
from chipsmith.sandbox._output import OutputCap
from chipsmith.sandbox._stage import stage_plan, staged_sources
from chipsmith.sandbox._view import View
from chipsmith.sandbox.base import Limits
from chipsmith.sandbox.local import scrubbed_env

pytestmark = pytest.mark.unit
DATA = Path(__file__).parents[2] / "data" / "sandbox"


VIEW = View(
    hide=("/opt", "/root"), mask=("/etc/shadow",), keep=("/root/.pyenv/versions/3.11", "/tmp/co/.venv")
)


def _pairs(args: list[str], flag: str) -> list[list[str]]:
    return [args[i + 1 : i + 3] for i, a in enumerate(args) if a == flag]


def test_bwrap_command_drops_caps_and_network_and_binds_only_run_dirs():
    mounts = Mounts(VIEW, tmp="/r/tmp", binds=("/r/work",), chdir="/r/work")
    args = bwrap_command(mounts, network=False)
    assert args[:4] == ["bwrap", "--ro-bind", "/", "/"] and args[-1] == "--"
    assert {
        "--unshare-user",
        "--unshare-pid",
        "--unshare-net",
        "--disable-userns",
        "--die-with-parent",
    } <= set(args)
    assert args[args.index("--cap-drop") + 1] == "ALL" and "--cap-add" not in args
    assert _pairs(args, "--bind") == [["/r/tmp", "/tmp"], ["/r/work", "/r/work"]]
    read_only = [args[i + 1] for i, a in enumerate(args) if a == "--ro-bind-try"]
    assert "/proc/sys" in read_only and "/proc/sysrq-trigger" in read_only
    assert args.index("--proc") < args.index("--ro-bind-try")  # the new /proc is mounted first
    assert "--unshare-net" not in bwrap_command(mounts, network=True)


def test_bwrap_command_hides_masks_then_binds_back_after_tmp():
    args = bwrap_command(Mounts(VIEW, tmp="/r/tmp", binds=("/r/work",)), network=False)
    tmpfs = [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]
    assert tmpfs == ["/run", "/opt", "/root"]
    assert ["/dev/null", "/etc/shadow"] in _pairs(args, "--ro-bind")
    keeps = _pairs(args, "--ro-bind")[-2:]
    assert keeps == [["/root/.pyenv/versions/3.11"] * 2, ["/tmp/co/.venv"] * 2]
    tmp_bind = args.index("/tmp") - 2
    # the root is bound first; hidden dirs after it; a checkout under /tmp after /tmp is replaced
    assert args.index("/root") < args.index("/root/.pyenv/versions/3.11")
    assert tmp_bind < args.index("/tmp/co/.venv")
    remounted = [args[i + 1] for i, a in enumerate(args) if a == "--remount-ro"]
    assert remounted == ["/run", "/opt", "/root"]  # empty tmpfs stay empty
    assert max(i for i, a in enumerate(args) if a == "--remount-ro") > args.index("/r/work")


def test_bwrap_command_binds_staged_sources():
    mounts = Mounts(
        VIEW, sources={"/root/.pyenv/versions/3.11": "/r/.stage/0", "/r/tmp": "/r/.stage/1"}, tmp="/r/tmp"
    )
    args = bwrap_command(mounts, network=False)
    assert ["/r/.stage/0", "/root/.pyenv/versions/3.11"] in _pairs(args, "--ro-bind")
    assert ["/r/.stage/1", "/tmp"] in _pairs(args, "--bind")


def test_persistent_worker_keeps_only_namespace_caps_and_read_only_dev():
    args = bwrap_command(Mounts(VIEW, binds=("/slot",)), network=False, persistent=True)
    caps = [args[i + 1] for i, a in enumerate(args) if a == "--cap-add"]
    assert caps == ["CAP_SYS_ADMIN", "CAP_SETPCAP"] and "--cap-drop" not in args
    assert "--die-with-parent" not in args and "--ro-bind-try" not in args  # it remounts /proc per run
    remounted = [args[i + 1] for i, a in enumerate(args) if a == "--remount-ro"]
    assert {"/tmp", "/dev", "/run"} <= set(remounted)


def test_stage_plan_names_one_entry_per_path():
    plan = stage_plan(["/root/.pyenv/v", "/tmp/x/run"], "/run")
    assert plan == {"/root/.pyenv/v": "/run/0", "/tmp/x/run": "/run/1"}
    assert staged_sources(["/a"], needed=False) == ({}, None)


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
    # a pids cgroup caps the run: no per-user RLIMIT_NPROC, which would count every run of the uid
    assert resource.RLIMIT_NPROC not in rlimit_values(Limits(procs=10), None)


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


def test_own_cgroup_path_on_v1_and_v2():
    v1 = "12:pids:/chipsmith/abc\n11:memory:/\n1:name=systemd:/init.scope\n0::/\n"
    assert own_cgroup(v1, 1) == "/chipsmith/abc"
    assert own_cgroup("0::/chipsmith/def\n", 2) == "/chipsmith/def"
    assert own_cgroup("5:cpu,cpuacct:/x\n", 1) is None


def test_gpu_device_nodes_are_bound_into_bwrap():
    args = bwrap_command(Mounts(VIEW, devices=("/dev/nvidia0", "/dev/nvidiactl")), network=False)
    assert _pairs(args, "--dev-bind") == [["/dev/nvidia0"] * 2, ["/dev/nvidiactl"] * 2]
    # after --dev /dev (which would hide them), before the command
    assert args.index("--dev-bind") > args.index("--dev") and args[-1] == "--"
