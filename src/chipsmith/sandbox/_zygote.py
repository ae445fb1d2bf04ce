"""The persistent local-sandbox worker. It runs inside bubblewrap and forks one confined child per run.

Started by ``chipsmith.sandbox._warm`` as ``python -I -S _zygote.py CONFIG``: standard library
and ``_ns`` (beside this file) only. It talks to its parent over a SOCK_SEQPACKET socket:

* it sends ``{"ready": true}`` when it is up, then, for each run, ``{"init": pid}`` with a
  socket to that run's pid 1 ``R`` (or ``{"error": why}``), always one run ahead;
* the parent sends the request ``{"cmd", "env", "work", "scratch", "rlimits", "shm_mb"}`` straight
  to ``R`` with three descriptors: the run's stdout, stderr and status pipes. ``R`` writes
  ``status <wait status>`` (or ``error <why>``) on the status pipe, whose EOF tells the parent that
  the run is over;
* ``{"op": "kill", "init": pid}`` to the worker kills that run; EOF on its socket ends the worker.

One fork per run, made before its request comes: the worker forks ``R`` as pid 1 of a new pid
namespace (``clone3``; the worker's own namespace stays as it is), and ``R`` takes new mount and
IPC namespaces and waits. On the request ``R`` binds the run's scratch dir on /tmp and its work dir
at its path (so no other run's files are reachable) and a fresh /dev/shm, mounts a fresh /proc,
drops every capability, sets no_new_privs and the run's limits, and starts the command as pid 2
with a vfork and exec (``subprocess``: nothing of this Python process is copied, nor torn down by
the command's ``execve``). Then it reaps orphans until the command ends, writes its status and
exits, so the kernel kills whatever the command left behind.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not imported at run time: every module here is memory each run's fork copies
    from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _ns  # noqa: E402  (a sibling file: chipsmith itself is not importable here)

MAX_MSG = 1 << 20
EXEC_FAILED = 127 << 8
"""The wait status of a command that could not be started (as a shell's ``exit 127``)."""


def _which(name: str, path_env: str) -> str:
    """``name`` resolved on the run's PATH (posix_spawnp would search ours)."""
    if "/" in name:
        return name
    for d in path_env.split(":"):
        candidate = os.path.join(d or ".", name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(2, "No such file or directory", name)


def _set_limits(rlimits: list[list[int]]) -> None:
    """The run's rlimits, on R itself: the command inherits them, and R only reaps from here on."""
    for which, value in rlimits:
        if which == resource.RLIMIT_NPROC:
            value += 1  # the parent counted R's processes before the command existed
        _, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))


def _spawn(req: dict[str, Any], out_fd: int, err_fd: int) -> int:
    """Start the command (pid 2) in its work dir with its output pipes and no other descriptor of
    ours; its wait status, or ``EXEC_FAILED`` with the reason on its stderr."""
    cmd, env = req["cmd"], req["env"]
    try:
        _ns.default_ignored_signals()  # nothing the worker's own parent ignored reaches the command
        _set_limits(req["rlimits"])
        os.chdir(req["work"])
        # vfork + exec: no copy of this process; every other descriptor of ours closed, handlers
        # reset by the exec, SIGPIPE and SIGXFSZ (which Python ignores) back to their default
        proc = subprocess.Popen(
            cmd,
            executable=_which(cmd[0], env.get("PATH", "")),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out_fd,
            stderr=err_fd,
            start_new_session=True,
        )
    except (OSError, ValueError, MemoryError) as exc:  # missing, not executable, a NUL in argv
        os.write(err_fd, f"cannot run {cmd[0]}: {exc}\n".encode())
        return EXEC_FAILED
    finally:  # the command's now: their EOF is the command's (and its children's) exit, not ours
        os.close(out_fd)
        os.close(err_fd)
    while True:  # pid 1: every orphan of the run is ours to reap
        done, status = os.waitpid(-1, 0)
        if done == proc.pid:
            proc.returncode = 0  # reaped here: the object must not try
            return status


def _init(sock: socket.socket, ready_fd: int, cfg: dict[str, Any]) -> None:
    """R: pid 1 of the run. Confines itself, starts the command, reaps every orphan until it ends,
    then writes its status on the status pipe. Never returns."""
    gc.disable()  # a collection would touch (and so copy) pages shared with the worker
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the worker ignores it; we wait for the run's
    _ns.set_pdeathsig(signal.SIGKILL)  # the worker gone: the run goes
    try:
        _ns.new_mount_ipc_namespaces()
    except OSError as exc:
        os.write(ready_fd, f"error {exc}".encode())
        os._exit(1)
    os.write(ready_fd, b"ok")
    os.close(ready_fd)
    msg, fds, _, _ = socket.recv_fds(sock, MAX_MSG, 3)
    sock.close()
    if not msg or len(fds) != 3:  # killed before its request, or the worker closed
        os._exit(0)
    req, (out_fd, err_fd, status_fd) = json.loads(msg), fds
    try:
        _ns.confine(req, cfg["tmp_keep"], cfg["cover"])  # while /proc/self still resolves for us
        _ns.fresh_proc()
        _ns.drop_capabilities()
    except BaseException as exc:  # noqa: BLE001 - reported through the status pipe
        os.write(status_fd, f"error {exc}\n".encode())
        os._exit(1)
    status = _spawn(req, out_fd, err_fd)
    os.write(status_fd, f"status {status}\n".encode())
    os._exit(0)


class Prepared:
    """A run's pid 1, waiting for the parent's request on ``sock``; or why there is none."""

    __slots__ = ("sock", "init_pid", "init_fd", "error")

    def __init__(
        self,
        sock: socket.socket | None = None,
        init_pid: int = 0,
        init_fd: int | None = None,
        error: str | None = None,
    ) -> None:
        self.sock, self.init_pid, self.error = sock, init_pid, error
        self.init_fd = init_fd
        """A pidfd of R: readable once R and, with it, every process of the run are gone."""

    def kill(self) -> None:
        if self.init_fd is not None:
            with contextlib.suppress(OSError):  # already gone
                signal.pidfd_send_signal(self.init_fd, signal.SIGKILL)

    def close(self) -> None:
        if self.init_fd is not None:
            os.close(self.init_fd)


def _prepare(host: socket.socket, cfg: dict[str, Any]) -> Prepared:
    """Fork R; the parent talks to it directly over ``Prepared.sock``."""
    parent_end, run_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ready_r, ready_w = os.pipe()
    try:
        pid = _ns.fork_into_new_pid_namespace()
    except OSError as exc:
        for fd in (ready_r, ready_w):
            os.close(fd)
        parent_end.close()
        run_end.close()
        return Prepared(error=str(exc))
    if pid == 0:
        for sock in (host, parent_end):
            sock.close()
        os.close(ready_r)
        try:
            _init(run_end, ready_w, cfg)
        finally:
            os._exit(1)
    run_end.close()
    os.close(ready_w)
    init_fd = os.pidfd_open(pid)
    key, _, value = os.read(ready_r, 4096).decode(errors="replace").partition(" ")
    os.close(ready_r)
    if key != "ok":
        parent_end.close()
        os.close(init_fd)
        return Prepared(error=value or "the run's pid 1 died")
    return Prepared(parent_end, pid, init_fd)


AHEAD = 2
"""Runs prepared at any time: the one the parent may be running, and the next."""


def _offer(host: socket.socket, cfg: dict[str, Any], runs: dict[int, Prepared]) -> bool:
    """Prepare a run and hand its socket to the parent; False when that failed (parent told)."""
    run = _prepare(host, cfg)
    if run.sock is None:
        host.send(json.dumps({"error": run.error}).encode())
        return False
    socket.send_fds(host, [json.dumps({"init": run.init_pid}).encode()], [run.sock.fileno()])
    run.sock.close()
    runs[run.init_pid] = run
    return True


def main() -> None:
    cfg = json.loads(sys.argv[1])
    host = socket.socket(fileno=cfg["fd"])
    _ns.not_dumpable()  # runs share our uid: no ptrace, no /proc/<us>/fd
    _ns.warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # runs' pid 1s are reaped by the kernel
    gc.freeze()  # what is here now stays out of collections: the runs' forks share it unwritten
    host.send(json.dumps({"ready": True}).encode())
    runs: dict[int, Prepared] = {}
    # The next run is made while the parent runs the current one, so a request never waits for it.
    while len(runs) < AHEAD and _offer(host, cfg, runs):
        pass
    while True:
        by_fd = {run.init_fd: pid for pid, run in runs.items() if run.init_fd is not None}
        ready, _, _ = select.select([host.fileno(), *by_fd], [], [])
        if host.fileno() in ready:
            msg = host.recv(MAX_MSG)
            if not msg:  # the parent is gone, and its runs with it
                for run in runs.values():
                    run.kill()
                return
            req = json.loads(msg)
            if req.get("op") == "kill" and req.get("init") in runs:
                runs[req["init"]].kill()
        for fd in ready:
            if fd in by_fd:  # a run is over: offer another
                runs.pop(by_fd[fd]).close()
                _offer(host, cfg, runs)


if __name__ == "__main__":
    main()
