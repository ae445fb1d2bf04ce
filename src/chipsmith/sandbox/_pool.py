"""The persistent workers of this process, by kind: idle ones are reused, busy ones leave a run waiting
for a new one. Closed at exit; a forked child starts its own (``forget``)."""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import weakref

from chipsmith.sandbox._warm import Worker, WorkerError, WorkerKey

MAX_IDLE = 8
RETRY_START_S = 60.0
"""After a worker failed to start, runs of that kind go cold this long before another try."""


class WorkerPool:
    """Idle workers of this process, by key. Forked children start their own (``forget``)."""

    def __init__(self) -> None:
        self._idle: dict[WorkerKey, list[Worker]] = {}
        self._all: weakref.WeakSet[Worker] = weakref.WeakSet()
        self._failed: dict[WorkerKey, tuple[float, str]] = {}
        self._registered_in = 0
        self._lock = threading.Lock()

    def acquire(self, key: WorkerKey) -> Worker:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                worker = idle.pop()
                if worker.alive():
                    return worker
                self._all.discard(worker)
                worker.close()
            failed = self._failed.get(key)
        if failed is not None and time.monotonic() - failed[0] < RETRY_START_S:
            raise WorkerError(failed[1])  # no new start (and its cost) for every run
        self._close_at_exit()
        try:
            worker = Worker(key)
        except WorkerError as exc:
            with self._lock:
                self._failed[key] = (time.monotonic(), str(exc))
            raise
        with self._lock:
            self._all.add(worker)
        return worker

    def _close_at_exit(self) -> None:
        """Also when this process is a multiprocessing worker, which exits without running atexit
        handlers (a process pool's job slot): its own finalizers run instead."""
        if self._registered_in != os.getpid():
            from multiprocessing import util

            util.Finalize(self, WorkerPool.close_all, args=(self,), exitpriority=10)
            self._registered_in = os.getpid()

    def release(self, worker: Worker) -> None:
        if worker.alive():
            with self._lock:
                idle = self._idle.setdefault(worker.key, [])
                if len(idle) < MAX_IDLE:
                    idle.append(worker)
                    return
        with self._lock:
            self._all.discard(worker)
        worker.close()

    def close_all(self) -> None:
        """Every worker of this process, idle or busy (at exit, or `LocalSandbox.close_workers`)."""
        with self._lock:
            workers = list(self._all)
            self._idle.clear()
            self._all = weakref.WeakSet()
        for worker in workers:
            worker.close()

    def forget(self) -> None:
        """In a forked child: the parent's workers are the parent's; drop our copies of their sockets."""
        for worker in list(self._all):
            with contextlib.suppress(OSError):
                worker.sock.close()
        self._idle = {}
        self._all = weakref.WeakSet()
        self._failed = {}
        self._lock = threading.Lock()


POOL = WorkerPool()
atexit.register(POOL.close_all)
os.register_at_fork(after_in_child=POOL.forget)
