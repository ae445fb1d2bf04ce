"""DockerSandbox: each run in a locked-down container of the chipsmith sandbox image.

Default: one fresh container per run (created, used, removed on every path). ``pool_size=N`` keeps N
started containers and resets one between runs, for lower per-run overhead. Containers have no
network, a read-only root, a non-root user, no capabilities, no-new-privileges, and memory, CPU and
pids limits; files travel as tar archives. Every container carries the label ``chipsmith=1``.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from chipsmith.registry import SANDBOXES
from chipsmith.sandbox._docker_client import connect, docker_status, require_image
from chipsmith.sandbox._docker_exec import run_in_container
from chipsmith.sandbox._docker_pool import WarmPool, remove_container, start_container
from chipsmith.sandbox._docker_spec import pool_compatible
from chipsmith.sandbox.base import ExecResult, Limits, SandboxError

__all__ = ["DockerSandbox", "docker_status"]


def _configured_image() -> str:
    """The image from settings (``docker_image``), else the one built from the bundled recipe."""
    from chipsmith.config import load_settings
    from chipsmith.sandbox.image.recipe import default_image

    return load_settings().docker_image or default_image()


@SANDBOXES.register("docker")
class DockerSandbox:
    """Runs commands in Docker containers; see the module docstring for the isolation it applies."""

    name = "docker"

    def __init__(
        self, image: str | None = None, pool_size: int = 0, pool_limits: Limits | None = None
    ) -> None:
        self.image = image or _configured_image()
        self.pool_size = pool_size
        self.pool_limits = pool_limits or Limits()
        self._client: Any = None
        self._pool: WarmPool | None = None
        self._lock = threading.Lock()
        # A pool must not outlive the program, even when the caller forgets close() (finalize runs at exit).
        self._finalizer = weakref.finalize(self, DockerSandbox._close_parts, self.__dict__)

    def _ready_client(self) -> Any:
        with self._lock:
            if self._client is None:
                client = connect()
                try:
                    require_image(client, self.image)
                except SandboxError:
                    client.close()
                    raise
                self._client = client
                if self.pool_size > 0:
                    self._pool = WarmPool(client, self.image, self.pool_limits, self.pool_size)
            return self._client

    def run(
        self,
        cmd: list[str],
        files: dict[str, bytes],
        *,
        timeout_s: float,
        limits: Limits | None = None,
        want: list[str] | tuple[str, ...] = (),
    ) -> ExecResult:
        limits = limits or Limits()
        client = self._ready_client()
        if self._pool is not None and pool_compatible(self.pool_limits, limits):
            return self._run_pooled(self._pool, cmd, files, timeout_s, limits, want)
        container = None
        try:
            container = start_container(client, self.image, limits)
            result, _alive = run_in_container(container, cmd, files, timeout_s, limits, want)
            return result
        except SandboxError:
            raise
        except Exception as exc:
            raise SandboxError(f"docker run failed: {str(exc).splitlines()[0][:200]}") from None
        finally:
            if container is not None:
                remove_container(container)

    def _run_pooled(
        self,
        pool: WarmPool,
        cmd: list[str],
        files: dict[str, bytes],
        timeout_s: float,
        limits: Limits,
        want: list[str] | tuple[str, ...],
    ) -> ExecResult:
        container = pool.acquire()
        alive = False
        try:
            result, alive = run_in_container(container, cmd, files, timeout_s, limits, want)
            return result
        except Exception as exc:
            raise SandboxError(f"docker run failed: {str(exc).splitlines()[0][:200]}") from None
        finally:
            pool.release(container, alive)

    @staticmethod
    def _close_parts(state: dict[str, Any]) -> None:
        pool, client = state.get("_pool"), state.get("_client")
        state["_pool"] = state["_client"] = None
        if pool is not None:
            pool.close()
        if client is not None:
            client.close()

    def close(self) -> None:
        """Remove the warm pool's containers and drop the connection (fresh runs leave nothing)."""
        self._finalizer()
