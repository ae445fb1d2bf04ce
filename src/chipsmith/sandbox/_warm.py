"""Persistent local-sandbox workers: one bubblewrap per job slot that forks a confined child per run.

Starting bubblewrap (namespaces, a dozen mounts), a pids cgroup and a fork of this large Python
process cost 20-60 ms per run here, as much as a small simulation. A worker pays that once: it is
``_zygote.py`` running under the same confinement as a fresh run (read-only host, hidden paths,
unprivileged uid, no network, pids cgroup) and it gives each run new mount, pid and IPC
namespaces with only that run's directories, a fresh /tmp, /dev/shm and /proc, and no
capabilities. One run at a time per worker; ``_pool.POOL`` keeps idle workers per process (a process
pool's worker process is a job slot) and starts another when all are busy.
"""

from __future__ import annotations

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
from dataclasses import dataclass
from pathlib import Path

from chipsmith.sandbox._bwrap import Mounts, bwrap_command
from chipsmith.sandbox._cgroup import PidsCgroup
from chipsmith.sandbox._local_limits import make_preexec, nproc_base, rlimit_values
from chipsmith.sandbox._output import Capture
from chipsmith.sandbox._stage import staged_sources
from chipsmith.sandbox._view import View, is_under, temp_root
from chipsmith.sandbox.base import ExecResult, Limits
from chipsmith.sandbox.files import force_rmtree

ZYGOTE = Path(__file__).with_name("_zygote.py")
SLOT_PREFIX = "chipsmith-worker-"
START_TIMEOUT_S = 30.0
KILL_GRACE_S = 5.0
"""After a timeout's kill, how long the worker may take to confirm every process of the run is gone."""
BASE_TASKS_SLACK = 2
"""Margin over the worker's own tasks (bubblewrap, the worker, prepared supervisors) for a run's limit."""


def slot_root() -> str:
    """Where workers keep their runs' directories: ``/dev/shm`` (memory) when it is a writable
    tmpfs, else the temp dir. A run's files take memory until it ends; on this kind of machine an
    ext4 ``rmdir`` costs ~4 ms (``discard``), which alone was a tenth of a small simulation."""
    env = os.environ.get("CHIPSMITH_SANDBOX_RUN_DIR")
    if env:
        return env
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK) and _fs_type(shm) == "tmpfs":
        return shm
    return temp_root()


def remove_stale_slots(root: str | None = None) -> int:
    """Delete worker directories whose chipsmith process is gone (killed before it could clean up)."""
    removed = 0
    for path in Path(root or slot_root()).glob(f"{SLOT_PREFIX}*"):
        pid = path.name[len(SLOT_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            force_rmtree(path)
            removed += 1
    return removed


def _fs_type(path: str) -> str | None:
    """The file system type mounted at ``path`` (from /proc/mounts), or None."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and parts[1] == path:
                return parts[2]
    return None


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
        prefix = f"{SLOT_PREFIX}{os.getpid()}-"  # `chipsmith sandbox clean` finds a dead owner's
        self.slot = Path(tempfile.mkdtemp(prefix=prefix, dir=slot_root())).resolve()
        self.cgroup = PidsCgroup.create(None) if key.cgroup else None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, kept until close()
        try:
            self._start()
        except OSError as exc:  # bubblewrap or the interpreter missing, a socket refused...
            self.close()
            raise WorkerError(f"sandbox worker did not start: {exc}") from exc
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
            "cover": [] if is_under(slot, "/tmp") or is_under(slot, "/dev/shm") else [slot],
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
        run_sock, init_pid = self._next_run()
        pipes = [os.pipe() for _ in range(3)]  # stdout, stderr, status
        try:
            socket.send_fds(run_sock, [json.dumps(req).encode()], [w for _, w in pipes])
        except OSError as exc:
            for r, _ in pipes:
                os.close(r)
            self.broken = True
            raise WorkerError(f"sandbox worker gone: {exc}") from exc
        finally:
            run_sock.close()
            for _, w in pipes:
                os.close(w)
        stopped = threading.Event()

        def stop() -> None:  # past the output cap: killed, but not timed out
            stopped.set()
            self._kill(init_pid)

        cap = Capture(
            pipes[0][0], pipes[1][0], limits.output_bytes, stop if limits.kill_past_output else None
        )
        return self._wait(cap, pipes[2][0], timeout_s, init_pid, stopped)

    def _kill(self, init_pid: int) -> None:
        """Ask the worker to kill a run (its pid namespace's init, so every process of it)."""
        with contextlib.suppress(OSError):
            self.sock.send(json.dumps({"op": "kill", "init": init_pid}).encode())

    def _next_run(self) -> tuple[socket.socket, int]:
        """The socket to the next run's supervisor, which the worker prepared after the last run."""
        try:
            ready, _, _ = select.select([self.sock], [], [], START_TIMEOUT_S)
            msg, fds, _, _ = socket.recv_fds(self.sock, 65536, 1) if ready else (b"", [], 0, None)
        except OSError as exc:
            msg, fds = str(exc).encode(), []
        if not fds:
            self.close()
            why = json.loads(msg).get("error") if msg.startswith(b"{") else msg.decode(errors="replace")
            raise WorkerError(f"sandbox worker cannot prepare a run: {why or 'it is gone'}")
        return socket.socket(fileno=fds[0]), int(json.loads(msg)["init"])

    def _wait(
        self, cap: Capture, status_fd: int, timeout_s: float, init_pid: int, stopped: threading.Event
    ) -> ExecResult:
        """Read output until the status pipe's EOF (every process of the run gone) or the deadline."""
        start = time.monotonic()
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            self._kill(init_pid)

        try:
            cap.pump_until(status_fd, start + timeout_s, kill, KILL_GRACE_S)
            status = _read_to_eof(status_fd, start + timeout_s + KILL_GRACE_S)
        except BaseException:  # KeyboardInterrupt mid-run: the run goes, with its worker
            self.close()
            cap.drain(0)
            raise
        finally:
            os.close(status_fd)
        if status is None:  # hung even after a kill: everything it ran goes with the worker
            self.close()
        cap.drain(KILL_GRACE_S)
        key, _, value = (status or "").partition(" ")
        if key == "error":
            self.close()
            raise WorkerError(f"sandbox worker could not start the run: {value.strip()}")
        if key != "status" and not (fired.is_set() or stopped.is_set()):
            self.close()
            raise WorkerError("sandbox worker died during the run")
        return ExecResult(
            exit_code=os.waitstatus_to_exitcode(int(value)) if key == "status" else -signal.SIGKILL,
            stdout=cap.stdout.text(),
            stderr=cap.stderr.text(),
            timed_out=fired.is_set(),
            truncated=cap.truncated,
            wall_s=time.monotonic() - start,
        )

    def close(self) -> None:
        """End the worker (EOF on its socket), then whatever is left of it, and its directory."""
        if self._closed:
            return
        self._closed = self.broken = True
        sock = getattr(self, "sock", None)  # absent when the start failed early
        if sock is not None:
            sock.close()
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


def _read_to_eof(fd: int, deadline: float) -> str | None:
    """What the run's supervisor wrote on the status pipe, once it is closed; None past ``deadline``."""
    data = b""
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            return data.decode(errors="replace").strip()
        data += chunk
    return None
