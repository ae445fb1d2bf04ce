"""DockerSandbox against a real daemon: tools with relative names, warm pool reset, cleanup on every path."""

from __future__ import annotations

import os
import time

import pytest

from chipsmith.sandbox.base import Limits, SandboxError
from helpers import IN_CI

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.xdist_group("sandbox-docker")]

TB = b'module tb; initial begin $display("sim ok"); $finish; end endmodule\n'


@pytest.fixture(scope="module")
def image():
    from chipsmith.sandbox._docker_client import docker_status

    status = docker_status()
    if not status["image_present"]:
        msg = f"docker sandbox unavailable: {status['detail']}"
        pytest.fail(msg) if IN_CI else pytest.skip(msg)
    return status["image"]


def ours() -> int:
    import docker

    client = docker.from_env()
    n = len(client.containers.list(all=True, filters={"label": f"chipsmith.owner_pid={os.getpid()}"}))
    client.close()
    return n


def test_iverilog_with_relative_names_in_work_dir(image):
    from chipsmith.sandbox.docker import DockerSandbox

    res = DockerSandbox().run(
        ["sh", "-c", "iverilog -o sim.vvp tb.v && vvp -n sim.vvp"],
        {"tb.v": TB},
        timeout_s=60,
        want=["sim.vvp"],
    )
    assert res.ok and "sim ok" in res.stdout and res.files["sim.vvp"].startswith(b"#!")


def test_warm_pool_resets_files_and_processes_between_runs(image):
    from chipsmith.sandbox.docker import DockerSandbox

    box = DockerSandbox(pool_size=1)
    try:
        first = box.run(
            ["sh", "-c", "echo s > /tmp/secret; sleep 4242 >/dev/null 2>&1 & pwd"], {"a": b"1"}, timeout_s=30
        )
        second = box.run(["sh", "-c", "ls -A /tmp ..; ps -eo args"], {}, timeout_s=30)
        assert first.ok and second.ok
        listing = second.stdout.split()
        assert "secret" not in listing and "4242" not in listing and "infinity" in listing
        assert listing.count(first.stdout.strip().rsplit("/", 1)[1]) == 0  # the old run dir is gone
        assert ours() == 1
    finally:
        box.close()
    assert ours() == 0


def test_timeout_in_pool_replaces_the_container(image):
    from chipsmith.sandbox.docker import DockerSandbox

    box = DockerSandbox(pool_size=1)
    try:
        assert box.run(["sleep", "60"], {}, timeout_s=1).timed_out
        assert box.run(["echo", "fresh"], {}, timeout_s=60).stdout == "fresh\n"
    finally:
        box.close()
    assert ours() == 0


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_container_removed_when_the_run_is_interrupted(image, monkeypatch, exc):
    from chipsmith.sandbox import docker as docker_mod

    def boom(*_a, **_k):
        assert ours() == 1  # the container exists while the run is in progress
        raise exc("interrupted")

    monkeypatch.setattr(docker_mod, "run_in_container", boom)
    with pytest.raises(KeyboardInterrupt if exc is KeyboardInterrupt else SandboxError):
        docker_mod.DockerSandbox().run(["true"], {}, timeout_s=10)
    assert ours() == 0


def test_missing_image_is_one_line_with_the_build_hint(image):
    from chipsmith.sandbox.docker import DockerSandbox

    with pytest.raises(SandboxError, match=r"not built; run `chipsmith sandbox build --offline`"):
        DockerSandbox(image="chipsmith-sandbox:does-not-exist").run(["true"], {}, timeout_s=10)


def test_build_is_a_no_op_when_the_image_exists(image):
    from chipsmith.sandbox.image.builder import build_image

    start = time.monotonic()
    result = build_image(offline=True)
    assert (result.built, result.method, result.image) == (False, "exists", image)
    assert time.monotonic() - start < 10


def test_limits_other_than_the_pools_get_a_fresh_container(image):
    from chipsmith.sandbox.docker import DockerSandbox

    box = DockerSandbox(pool_size=1)
    try:
        res = box.run(
            ["sh", "-c", "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max"],
            {},
            timeout_s=60,
            limits=Limits(procs=10),
        )
        assert res.stdout.strip() == "12"
    finally:
        box.close()
