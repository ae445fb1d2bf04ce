"""Persistent local-sandbox workers: one bubblewrap per job slot that forks a confined child per run.

Starting bubblewrap (namespaces, a dozen mounts), a pids cgroup and a fork of this large Python
process cost 20-60 ms per run here, as much as a small simulation. A worker pays that once: it is
``_zygote.py`` running under the same confinement as a fresh run (read-only host, hidden paths,
unprivileged uid, no network, pids cgroup) and it gives each run new mount, pid and IPC
namespaces with only that run's directories, a fresh /tmp, /dev/shm and /proc, and no
capabilities. One run at a time per worker; ``POOL`` keeps idle workers per process (a process
pool's worker process is a job slot) and starts another when all are busy.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chipsmith.sandbox._bwrap import Mounts, bwrap_command
from chipsmith.sandbox._cgroup import PidsCgroup
from chipsmith.sandbox._local_limits import make_preexec, nproc_base, rlimit_values
from chipsmith.sandbox._output import Capture
from chipsmith.sandbox._stage import staged_sources
from chipsmith.sandbox._view import View, is_under, temp_root
from chipsmith.sandbox.base import ExecResult, Limits
from chipsmith.sandbox.files import force_rmtree

ZYGOTE = Path(__file__).with_name("_zygote.py")
START_TIMEOUT_S = 30.0
KILL_GRACE_S = 5.0
"""After a timeout's kill, how long the worker may take to confirm every process of the run is gone."""
BASE_TASKS_SLACK = 2
"""The run's own supervisor processes (C and I in ``_zygote``), on top of the worker's tasks."""
MAX_IDLE = 8


class WorkerError(RuntimeError):
    """A worker could not start or serve a run (not the command's fault); the caller runs it cold."""


@dataclass(frozen=True)
class WorkerKey:
    """Workers are interchangeable when these match."""

    view: View
    network: bool
    devices: tuple[str, ...]
    ids: tuple[int, int] | None
    cgroup: bool


class Worker:
    """One bubblewrap + zygote, serving one run at a time."""

    def __init__(self, key: WorkerKey) -> None:
        self.key = key
        self.broken = self._closed = False
        self.init_pid: int | None = None
        self._runs = itertools.count()
        self.slot = Path(tempfile.mkdtemp(prefix="chipsmith-worker-", dir=temp_root())).resolve()
        self.cgroup = PidsCgroup.create(None) if key.cgroup else None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, kept until close()
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        key, slot = self.key, str(self.slot)
        if key.ids is not None:
            os.chown(slot, *key.ids)
        self.sock, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        info_r, info_w = os.pipe()
        try:
            self.proc = self._spawn(child.fileno(), info_w)
        finally:
            child.close()
            os.close(info_w)
        try:
            ready, _, _ = select.select([self.sock], [], [], START_TIMEOUT_S)
            if not ready or not self.sock.recv(4096):
                raise WorkerError(f"sandbox worker did not start: {self._log_tail()}")
            # bwrap reports its pid-namespace init before it starts the worker
            self.init_pid = int(json.loads(os.read(info_r, 4096).decode())["child-pid"])
        finally:
            os.close(info_r)

    def _spawn(self, sock_fd: int, info_fd: int) -> subprocess.Popen[bytes]:
        key, slot = self.key, str(self.slot)
        cfg = {
            "fd": sock_fd,
            "tmp_keep": [p for p in key.view.keep if is_under(p, "/tmp")],
            "cover": [] if is_under(slot, "/tmp") else [slot],
        }
        sources, stage = staged_sources([*key.view.keep, slot], key.ids is not None)
        mounts = Mounts(
            key.view, sources, binds=(slot,), devices=key.devices, extra=("--info-fd", str(info_fd))
        )
        cmd = bwrap_command(mounts, network=key.network, persistent=True)
        cmd += [sys.executable, "-I", "-S", str(ZYGOTE), json.dumps(cfg)]
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
            pass_fds=[sock_fd, info_fd],
            start_new_session=True,
            preexec_fn=make_preexec({}, self.cgroup.preexec if self.cgroup else None, key.ids, stage),
        )

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self.log.seek(0)
            lines = self.log.read().decode(errors="replace").strip().splitlines()
            return lines[-1] if lines else f"exit code {self.proc.poll()}"
        return "no log"

    def alive(self) -> bool:
        return not self.broken and self.proc.poll() is None

    def new_run_dir(self) -> Path:
        """A fresh directory for one run inside the worker's slot (the host side writes files there)."""
        path = self.slot / f"r{next(self._runs)}"
        path.mkdir()
        return path

    def run(
        self, cmd: list[str], work: Path, scratch: Path, env: dict[str, str], timeout_s: float, limits: Limits
    ) -> ExecResult:
        """Run ``cmd`` in ``work`` (with ``scratch`` as /tmp); raises WorkerError if the worker fails."""
        nproc = None if self.cgroup else nproc_base(self.key.ids[0] if self.key.ids else os.geteuid())
        if self.cgroup is not None:
            procs = limits.procs
            self.cgroup.set_limit(None if procs is None else self.cgroup.current() + BASE_TASKS_SLACK + procs)
        shm_mb = min(limits.memory_mb or 4096, 4096)
        req = {"cmd": cmd, "env": env, "work": str(work), "scratch": str(scratch), "shm_mb": shm_mb}
        req["rlimits"] = sorted(rlimit_values(limits, nproc).items())
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            socket.send_fds(self.sock, [json.dumps(req).encode()], [out_w, err_w])
        except OSError as exc:
            for fd in (out_r, err_r):
                os.close(fd)
            self.broken = True
            raise WorkerError(f"sandbox worker gone: {exc}") from exc
        finally:
            os.close(out_w)
            os.close(err_w)
        return self._wait(Capture(out_r, err_r, limits.output_bytes), timeout_s)

    def _wait(self, cap: Capture, timeout_s: float) -> ExecResult:
        start = time.monotonic()
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            with contextlib.suppress(OSError):
                self.sock.send(b'{"op": "kill"}')

        try:
            answered = cap.pump_until(self.sock.fileno(), start + timeout_s, kill, KILL_GRACE_S)
        except BaseException:  # KeyboardInterrupt mid-run: the run goes, with its worker
            self.close()
            cap.drain(0)
            raise
        reply = self._reply() if answered else None
        if reply is None:  # the worker died, or hung after a kill: everything it ran goes with it
            self.close()
        cap.drain(KILL_GRACE_S)
        if reply is None and not fired.is_set():
            raise WorkerError("sandbox worker died during the run")
        if reply is not None and reply.get("error"):
            self.broken = True
            raise WorkerError(f"sandbox worker could not start the run: {reply['error']}")
        status = reply.get("status") if reply else None
        return ExecResult(
            exit_code=os.waitstatus_to_exitcode(status) if status is not None else -signal.SIGKILL,
            stdout=cap.stdout.text(),
            stderr=cap.stderr.text(),
            timed_out=fired.is_set(),
            truncated=cap.truncated,
            wall_s=time.monotonic() - start,
        )

    def _reply(self) -> dict[str, Any] | None:
        try:
            msg = self.sock.recv(65536)
            return json.loads(msg) if msg else None
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        """End the worker (EOF on its socket), then whatever is left of it, and its directory."""
        if self._closed:
            return
        self._closed = self.broken = True
        with contextlib.suppress(OSError):
            self.sock.close()
        proc = getattr(self, "proc", None)
        if proc is not None:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:  # a stuck worker: its pid namespace dies with its init
                for pid in (self.init_pid, proc.pid):
                    if pid is not None:
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.kill(pid, signal.SIGKILL)
                proc.wait()
        if self.cgroup is not None:
            self.cgroup.remove()
        self.log.close()
        force_rmtree(self.slot)


class WorkerPool:
    """Idle workers of this process, by key. Forked children start their own (``forget``)."""

    def __init__(self) -> None:
        self._idle: dict[WorkerKey, list[Worker]] = {}
        self._all: weakref.WeakSet[Worker] = weakref.WeakSet()
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
        worker = Worker(key)
        with self._lock:
            self._all.add(worker)
        return worker

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
        self._lock = threading.Lock()


POOL = WorkerPool()
atexit.register(POOL.close_all)
os.register_at_fork(after_in_child=POOL.forget)
