"""Every registered sandbox (plugins included) must pass these checks.

Each check runs real commands with limits in place. The docker backend needs a daemon and the built
image: skipped locally without them, failed in CI. The local backend runs twice: with its persistent
workers (the default) and starting bubblewrap for every run. The whole module runs in one xdist
worker so a fork bomb or a 1 GB output never overlaps another resource-heavy check.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chipsmith.registry import SANDBOXES
from chipsmith.sandbox import Limits, get_sandbox
from helpers import IN_CI, require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("sandbox-conformance")]

BACKEND_MARKS = {"docker": [pytest.mark.docker]}
# Modes of one backend that must each pass everything: name -> {variant id: constructor options}.
VARIANTS = {
    "local": {"warm": {"warm": True}, "cold": {"warm": False}},
    "docker": {"fresh": {}, "pool": {"pool_size": 1}},  # one container: every run reuses it
}
NEVER_FINISHES = b"module tb; reg clk = 0; always #5 clk = ~clk; endmodule\n"


def _skip_or_fail(msg: str) -> None:
    if IN_CI:
        pytest.fail(msg + " (CI requires it)")
    pytest.skip(msg)


def _backend_params() -> list:
    params = []
    for name in SANDBOXES.names():
        for variant, options in VARIANTS.get(name, {"": {}}).items():
            label = f"{name}-{variant}" if variant else name
            params.append(pytest.param((name, options), marks=BACKEND_MARKS.get(name, []), id=label))
    return params


@pytest.fixture(params=_backend_params())
def sandbox(request):
    name, options = request.param
    if name == "local":
        require_tool("bwrap")  # network isolation and a read-only host need it
    if name == "docker":
        from chipsmith.sandbox._docker_client import docker_status

        status = docker_status()
        if not status["image_present"]:
            _skip_or_fail(f"docker sandbox unavailable: {status['detail']}")
    box = get_sandbox(name, **options)
    yield box
    box.close()
    # A mode that quietly fell back to another one would pass these checks without being tested.
    assert getattr(box, "fallbacks", []) == []


def host_pids_with(marker: str) -> list[int]:
    """Host processes whose command line contains ``marker`` (containers share the host's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_gone(marker: str, seconds: float = 5.0) -> list[int]:
    end = time.monotonic() + seconds
    while (pids := host_pids_with(marker)) and time.monotonic() < end:
        time.sleep(0.05)
    return pids


def test_runs_command_on_files_and_returns_outputs(sandbox):
    res = sandbox.run(
        ["sh", "-c", "cat in/a.txt > out.txt; echo done"],
        {"in/a.txt": b"hello"},
        timeout_s=30,
        want=["out.txt"],
    )
    assert res.ok and res.stdout == "done\n"
    assert res.files == {"out.txt": b"hello"}


def test_failing_command_returns_exit_code_and_stderr(sandbox):
    res = sandbox.run(["sh", "-c", "echo broken >&2; exit 7"], {}, timeout_s=30)
    assert (res.exit_code, res.stderr, res.timed_out) == (7, "broken\n", False)


def test_timeout_kills_infinite_loop_and_its_children(sandbox):
    marker = "31337"
    start = time.monotonic()
    res = sandbox.run(["sh", "-c", f"sleep {marker} & while :; do :; done"], {}, timeout_s=1.5)
    assert res.timed_out and not res.ok
    assert time.monotonic() - start < 15
    assert wait_gone(f"sleep\x00{marker}") == []


def test_timeout_kills_simulation_that_never_finishes(sandbox):
    if sandbox.name == "local":
        require_tool("iverilog", "vvp")
    res = sandbox.run(
        ["sh", "-c", "iverilog -o sim.vvp tb.v && vvp sim.vvp"], {"tb.v": NEVER_FINISHES}, timeout_s=2
    )
    assert res.timed_out, res.stderr


def test_fork_bomb_is_contained(sandbox):
    if not getattr(sandbox, "containment", lambda: {"fork_bomb_contained": True})()["fork_bomb_contained"]:
        _skip_or_fail("this host cannot cap processes for a root user (no writable pids cgroup)")
    # Every process forks until 5 forks failed; the first one reports, the rest linger until killed.
    bomb = (
        "import os, time\nfirst = os.getpid()\nfails = 0\nwhile fails < 5:\n    try:\n        os.fork()\n"
        "    except OSError:\n        fails += 1\nif os.getpid() == first:\n    print('capped', flush=True)\n"
        "    os._exit(0)\ntime.sleep(60)\n"
    )
    res = sandbox.run(["python3", "-c", bomb, "forkbomb-4242"], {}, timeout_s=20, limits=Limits(procs=64))
    assert "capped" in res.stdout, res  # forks failed: the limit held, instead of the host running out
    assert wait_gone("forkbomb-4242") == []


def test_large_allocation_is_killed(sandbox):
    res = sandbox.run(
        ["python3", "-c", "x = b'1' * (4 * 1024**3); print('allocated')"],
        {},
        timeout_s=30,
        limits=Limits(memory_mb=1024),
    )
    assert res.exit_code != 0 and "allocated" not in res.stdout


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def test_huge_output_is_truncated_without_host_memory_growth(sandbox):
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS so we measure only this run
    before = _rss_kb("VmRSS")
    res = sandbox.run(["head", "-c", "1000000000", "/dev/zero"], {}, timeout_s=60)
    growth_mb = (_rss_kb("VmHWM") - before) / 1024
    assert res.truncated and "output truncated" in res.stdout
    assert len(res.stdout) < 1_100_000
    assert growth_mb < 64, f"host RSS grew {growth_mb:.0f} MB"


@pytest.fixture
def host_listener():
    srv = socket.socket()
    srv.bind(("0.0.0.0", 0))
    srv.listen(8)
    yield srv.getsockname()[1]
    srv.close()


def _host_addresses() -> list[str]:
    addrs = {"127.0.0.1", "172.17.0.1", "1.1.1.1"}
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("10.255.255.255", 1))  # no packet is sent; picks the outgoing interface
        addrs.add(probe.getsockname()[0])
        probe.close()
    except OSError:
        pass
    return sorted(addrs)


def test_network_and_host_sockets_are_unreachable(sandbox, host_listener):
    targets = [(a, host_listener) for a in _host_addresses()]
    code = (
        "import socket, sys\nok = []\n"
        f"for host, port in {targets!r}:\n"
        "    try:\n        socket.create_connection((host, port), timeout=2).close(); ok.append(host)\n"
        "    except OSError:\n        pass\n"
        "for path in ('/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock'):\n"
        "    try:\n        s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(path); ok.append(path)\n"
        "    except OSError:\n        pass\nprint('connected:', ok)\n"
    )
    res = sandbox.run(["python3", "-c", code], {}, timeout_s=30)
    assert res.stdout.strip() == "connected: []", res.stdout + res.stderr


def test_writes_outside_the_work_dir_fail(sandbox, tmp_path):
    host_target = tmp_path / "escaped.txt"
    # Writing a sysctl's current value back is harmless if it got through, and must not get through.
    knob = "/proc/sys/kernel/printk_ratelimit"
    script = (
        f"echo x > {host_target}; touch /etc/chipsmith-escape || echo etc-refused; "
        f"(echo $(cat {knob}) > {knob}) 2>/dev/null || echo sysctl-refused; echo ok > inside.txt"
    )
    res = sandbox.run(["sh", "-c", script], {}, timeout_s=30, want=["inside.txt"])
    assert not host_target.exists() and not Path("/etc/chipsmith-escape").exists()
    assert "etc-refused" in res.stdout and "sysctl-refused" in res.stdout
    assert res.files == {"inside.txt": b"ok\n"}


def test_host_secrets_are_not_visible(sandbox, monkeypatch):
    secrets = {"OPENAI_API_KEY": "sk-conformance-7f3a", "GITHUB_TOKEN": "ghp_conformance_9b1c"}
    for key, value in secrets.items():
        monkeypatch.setenv(key, value)
    # pid 1 may refuse to show its environment (the local worker's run init does): that is fine
    res = sandbox.run(["sh", "-c", "env; cat /proc/1/environ 2>/dev/null; exit 0"], {}, timeout_s=30)
    assert res.ok and "PATH=" in res.stdout
    for key, value in secrets.items():
        assert key not in res.stdout and value not in res.stdout


@pytest.fixture
def home_secret_file():
    path = Path.home() / f".chipsmith-conformance-secret-{os.getpid()}"
    path.write_text("secret-file-5d2e\n")
    yield path
    path.unlink()


def test_host_credential_files_are_not_readable(sandbox, home_secret_file):
    res = sandbox.run(["sh", "-c", f"cat {home_secret_file} ~/.netrc 2>&1; echo end"], {}, timeout_s=30)
    assert "end" in res.stdout and "secret-file-5d2e" not in res.stdout


def test_command_does_not_run_as_root(sandbox):
    res = sandbox.run(["sh", "-c", "id -u; id -g"], {}, timeout_s=30)
    assert res.ok and res.stdout.split() != ["0", "0"] and res.stdout.split()[0] != "0", res.stdout


def test_system_secret_files_are_not_readable(sandbox):
    # Every shadow file starts with root's entry; neither a refusal nor an empty mask contains it.
    host = Path("/etc/shadow")
    if os.geteuid() == 0:
        assert host.read_text().startswith("root:")  # the premise: there is something to leak
    script = "cat /etc/shadow /etc/gshadow /etc/ssh/ssh_host_*_key /etc/ssl/private/* 2>&1; echo end"
    res = sandbox.run(["sh", "-c", script], {}, timeout_s=30)
    assert res.stdout.rstrip().endswith("end"), res
    assert "root:" not in res.stdout and "PRIVATE KEY" not in res.stdout, res.stdout


@pytest.fixture
def root_only_file():
    if os.geteuid() != 0:
        _skip_or_fail("a root-only host file needs the tests to run as root")
    # A host directory every backend that shows the host at all shows: the tests' own.
    path = Path(__file__).parent / f".root-only-{os.getpid()}"
    path.write_text("root-only-8c1f\n")
    path.chmod(0o600)
    yield path
    path.unlink()


def test_root_owned_private_file_is_not_readable(sandbox, root_only_file):
    res = sandbox.run(["sh", "-c", f"cat {root_only_file} 2>&1; echo end"], {}, timeout_s=30)
    assert "end" in res.stdout and "root-only-8c1f" not in res.stdout, res.stdout


def test_nothing_carries_over_to_the_next_run(sandbox):
    plant = (
        "echo left > /tmp/carry; echo left > /dev/shm/carry 2>/dev/null; echo left > $HOME/carry; "
        "ipcmk -M 4096; (sleep 31340 &) ; echo planted"
    )
    first = sandbox.run(["sh", "-c", plant], {}, timeout_s=30)
    assert first.ok and "planted" in first.stdout and "Shared memory id" in first.stdout, first
    look = "cat /tmp/carry /dev/shm/carry $HOME/carry 2>/dev/null; ls -A; ipcs -m | grep -c '^0x'; echo end"
    second = sandbox.run(["sh", "-c", look], {}, timeout_s=30)
    assert second.stdout.split() == ["0", "end"], second.stdout  # no file, no SysV segment
    assert wait_gone("sleep\x0031340") == []


def test_symlink_escaping_the_work_dir_is_refused(sandbox):
    script = "ln -s /etc/passwd abs; ln -s ../../../../etc/passwd rel; mkdir d; echo in > d/f; ln -s d/f good"
    res = sandbox.run(["sh", "-c", script], {}, timeout_s=30, want=["abs", "rel", "good", "absent"])
    assert res.files == {"good": b"in\n"}
    assert set(res.refused) == {"abs", "rel", "absent"}
    assert "outside" in res.refused["abs"] and "outside" in res.refused["rel"]


def test_concurrent_runs_never_see_each_other(sandbox):
    def one(i: int) -> tuple[int, str]:
        script = f"echo {i} > mine-{i}; sleep 0.5; ls -A"
        res = sandbox.run(["sh", "-c", script], {f"input-{i}": b"x"}, timeout_s=60)
        return i, res.stdout

    with ThreadPoolExecutor(8) as pool:
        for i, listing in pool.map(one, range(8)):
            assert listing.split() == [f"input-{i}", f"mine-{i}"]


def test_nothing_is_left_behind(sandbox, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    containers = _our_containers if sandbox.name == "docker" else None
    before = containers() if containers else None
    sandbox.run(["sh", "-c", "sleep 31338 & setsid sleep 31339 & echo started"], {"f": b"x"}, timeout_s=30)
    sandbox.run(["sh", "-c", "sleep 100"], {}, timeout_s=0.5)
    assert wait_gone("31338") == [] and wait_gone("31339") == []
    _close(sandbox)  # a warm pool's containers and a worker's directory live until then
    assert list(tmp_path.iterdir()) == []
    if containers:
        assert containers() == before


def _our_containers() -> int:
    """Containers this test process created (label filter). A daemon that cannot be asked is an
    error here, never a count: comparing two failed counts would pass for any leak."""
    import docker

    client = docker.from_env(timeout=10)
    try:
        return len(client.containers.list(all=True, filters={"label": f"chipsmith.owner_pid={os.getpid()}"}))
    finally:
        client.close()


def _close(sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.close()
    if hasattr(sandbox, "close_workers"):
        sandbox.close_workers()


# Threads spawned by runs must not outlive them either (readers, stream pumps, pool resets).
def test_no_threads_leak(sandbox):
    before = threading.active_count()
    for _ in range(2):
        sandbox.run(["sh", "-c", "echo x"], {}, timeout_s=30)
    _close(sandbox)
    time.sleep(0.2)
    assert threading.active_count() <= before
