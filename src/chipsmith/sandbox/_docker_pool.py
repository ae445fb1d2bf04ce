"""A small pool of started sandbox containers, reset between runs off the caller's critical path.

A container goes back to the pool only after a reset (every process but the keepalive killed, work
dir and /tmp emptied) succeeded; a timed-out, failed or unresettable container is removed and
replaced. Every container the pool made is tracked, so ``close`` removes them all.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chipsmith.sandbox._docker_spec import KEEPALIVE_PID, RESET_SCRIPT, USER, container_kwargs
from chipsmith.sandbox.base import Limits, SandboxError


def start_container(client: Any, image: str, limits: Limits) -> Any:
    """Create and start one sandbox container; remove it again if starting fails."""
    container = client.containers.create(**container_kwargs(image, limits))
    try:
        container.start()
    except BaseException:
        remove_container(container)
        raise
    return container


def remove_container(container: Any) -> None:
    """Force-remove a container and its anonymous work volume; already gone is fine."""
    with contextlib.suppress(Exception):
        container.remove(force=True, v=True)


class WarmPool:
    """``size`` started containers made for one Limits; ``acquire`` / ``release`` around each run."""

    def __init__(self, client: Any, image: str, limits: Limits, size: int) -> None:
        self.client, self.image, self.limits, self.size = client, image, limits, size
        self._ready: queue.Queue[Any] = queue.Queue()
        self._all: dict[str, Any] = {}
        self._keepalive: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chipsmith-pool")
        for _ in range(size):
            self._worker.submit(self._add_new)

    def _add_new(self) -> None:
        if self._closed:
            return
        container = start_container(self.client, self.image, self.limits)
        with self._lock:
            if self._closed:
                remove_container(container)
                return
            self._all[container.id] = container
        found = container.exec_run(KEEPALIVE_PID, user=USER).output.decode().split()
        if len(found) != 1:
            self._discard(container)
            raise SandboxError(
                f"warm container has {len(found)} children of its init, expected the keepalive"
            )
        self._keepalive[container.id] = found[0]
        self._ready.put(container)

    def acquire(self, timeout_s: float = 120.0) -> Any:
        try:
            return self._ready.get(timeout=timeout_s)
        except queue.Empty:
            raise SandboxError("no warm container became ready; is the Docker daemon overloaded?") from None

    def release(self, container: Any, alive: bool) -> None:
        """Hand a used container back: reset and re-queue it in the background, or replace it."""
        if self._closed:
            self._discard(container)
            return
        self._worker.submit(self._recycle, container, alive)

    def _recycle(self, container: Any, alive: bool) -> None:
        if alive and self._reset(container):
            self._ready.put(container)
            return
        self._discard(container)
        self._add_new()

    def _reset(self, container: Any) -> bool:
        try:
            keep = self._keepalive[container.id]
            res = container.exec_run(["sh", "-c", RESET_SCRIPT, "reset", keep], user=USER)
        except Exception:
            return False
        return res.exit_code == 0

    def _discard(self, container: Any) -> None:
        with self._lock:
            self._all.pop(container.id, None)
            self._keepalive.pop(container.id, None)
        remove_container(container)

    def close(self) -> None:
        """Remove every container this pool made (queued, in use or being reset)."""
        self._closed = True
        self._worker.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            containers, self._all = list(self._all.values()), {}
        for container in containers:
            remove_container(container)
