"""Container arguments, pool compatibility and the daemon-down status line (no daemon needed)."""

from __future__ import annotations

import pytest

from chipsmith.sandbox._docker_spec import container_kwargs, pool_compatible
from chipsmith.sandbox.base import Limits
from helpers import require_module

pytestmark = pytest.mark.unit


def test_container_is_locked_down():
    require_module("docker")
    kw = container_kwargs("img:1", Limits(memory_mb=512, procs=32, cpu_s=9, file_mb=3))
    assert kw["network_mode"] == "none" and kw["read_only"] is True
    assert kw["user"] == "65534:65534" and kw["cap_drop"] == ["ALL"]
    assert kw["security_opt"] == ["no-new-privileges"]
    assert kw["mem_limit"] == kw["memswap_limit"] == "512m" and kw["pids_limit"] == 34
    assert kw["labels"]["chipsmith"] == "1" and "/tmp" in kw["tmpfs"]
    ulimits = {u["Name"]: u["Hard"] for u in kw["ulimits"]}
    assert ulimits == {"core": 0, "cpu": 9, "fsize": 3 << 20}
    assert container_kwargs("img:1", Limits(network=True))["network_mode"] == "bridge"


def test_pool_serves_only_runs_with_its_limits():
    assert pool_compatible(Limits(), Limits(output_bytes=10))
    assert not pool_compatible(Limits(), Limits(memory_mb=1))
    assert not pool_compatible(Limits(), Limits(network=True))


def test_status_and_sandbox_say_what_to_do_when_daemon_is_down(monkeypatch):
    require_module("docker")
    from chipsmith.sandbox._docker_client import docker_status
    from chipsmith.sandbox.base import SandboxError
    from chipsmith.sandbox.docker import DockerSandbox

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    status = docker_status()
    assert status["daemon"] is False and "start dockerd" in status["detail"]
    assert "\n" not in status["detail"]
    with pytest.raises(SandboxError, match="Docker daemon not reachable"):
        DockerSandbox(image="x:y").run(["true"], {}, timeout_s=5)
