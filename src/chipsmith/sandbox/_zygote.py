"""The persistent local-sandbox worker. It runs inside bubblewrap and forks one confined child per run.

Started by ``chipsmith.sandbox._warm`` as ``python -I -S _zygote.py CONFIG``: standard library
and ``_ns`` (beside this file) only. It talks to its parent over a SOCK_SEQPACKET socket:

* it sends ``{"ready": true}`` when it is up, then, for each run, ``{"init": pid}`` with a
  socket to that run's supervisor ``I`` (or ``{"error": why}``), always one run ahead;
* the parent sends the request ``{"cmd", "env", "work", "scratch", "rlimits", "shm_mb"}`` straight
  to ``I`` with three descriptors: the run's stdout, stderr and status pipes. ``I`` writes
  ``status <wait status>`` (or ``error <why>``) on the status pipe, whose EOF tells the parent that
  every process of the run is gone;
* ``{"op": "kill", "init": pid}`` to the worker kills that run; EOF on its socket ends the worker.

Each run's processes are made before its request comes, so a request costs no fork and no hop
through the worker: ``C`` takes new mount, IPC and pid namespaces and waits; ``R``, pid 1 of the
new pid namespace, drops every capability and forks ``W``, then reaps orphans; ``W`` (pid 2)
receives the request straight from chipsmith, binds the run's scratch dir on /tmp and its work dir
at its path (so no other run's files are reachable) and a fresh /dev/shm, mounts a fresh /proc,
drops every capability, sets no_new_privs and its limits, and becomes the command. When it exits,
``R`` writes its status on the status pipe and exits, so the kernel kills whatever the command left
behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _ns  # noqa: E402  (a sibling file: chipsmith itself is not importable here)

MAX_MSG = 1 << 20


def _which(name: str, path_env: str) -> str:
    """``name`` resolved on the run's PATH (posix_spawnp would search ours)."""
    if "/" in name:
        return name
    for d in path_env.split(":"):
        candidate = os.path.join(d or ".", name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(2, "No such file or directory", name)


def _exec(req: dict[str, Any], out_fd: int, err_fd: int) -> None:
    """W becomes the command: its limits, its work dir, its output pipes. Never returns."""
    for which, value in req["rlimits"]:
        _, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))
    os.setsid()
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores them; a command expects the default
        signal.signal(sig, signal.SIG_DFL)
    os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.closerange(3, 65536)
    cmd, env = req["cmd"], req["env"]
    try:
        os.chdir(req["work"])
        os.execve(_which(cmd[0], env.get("PATH", "")), cmd, env)
    except OSError as exc:
        os.write(2, f"cannot run {cmd[0]}: {exc}\n".encode())
    os._exit(127)


def _runner(sock: socket.socket, to_init: socket.socket, cfg: dict[str, Any]) -> None:
    """W (pid 2): waits for the request, confines the run, and becomes the command."""
    _ns.set_pdeathsig(signal.SIGKILL)  # the init gone: so are we
    msg, fds, _, _ = socket.recv_fds(sock, MAX_MSG, 3)
    if not msg or len(fds) != 3:
        os._exit(0)
    req, (out_fd, err_fd, status_fd) = json.loads(msg), fds
    socket.send_fds(to_init, [b"status"], [status_fd])  # the init reports our exit status there
    try:
        _ns.confine(req, cfg["tmp_keep"], cfg["cover"])  # while /proc/self still resolves for us
        _ns.fresh_proc()
        _ns.drop_capabilities()
    except BaseException as exc:  # noqa: BLE001 - reported through the status pipe
        os.write(status_fd, f"error {exc}\n".encode())
        os._exit(1)
    _exec(req, out_fd, err_fd)


def _init(sock: socket.socket, cfg: dict[str, Any]) -> None:
    """R: pid 1 of the run. Forks W ahead of the request, reaps every orphan until W (the command)
    ends, then writes its status where W said. Never returns."""
    _ns.set_pdeathsig(signal.SIGKILL)  # C gone (the worker gone): the run goes
    mine, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        mine.close()
        _runner(sock, its, cfg)
    sock.close()
    its.close()
    _ns.drop_capabilities()
    while True:
        done, status = os.waitpid(-1, 0)
        if done == pid:
            break
    try:
        _, fds, _, _ = socket.recv_fds(mine, 64, 1)
    except OSError:
        fds = []
    for fd in fds:  # none: W never got a request (the run was killed or the worker closed)
        os.write(fd, f"status {status}\n".encode())
    os._exit(0)


def _supervise(run_sock: socket.socket, report: socket.socket, cfg: dict[str, Any]) -> None:
    """C: new namespaces, fork R, report R's pid, wait for R. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the worker ignores it; we wait for R
    _ns.set_pdeathsig(signal.SIGKILL)
    _ns.new_namespaces()
    pid = os.fork()
    if pid == 0:
        report.close()
        _init(run_sock, cfg)
    run_sock.close()
    report.send(f"init {pid}".encode())
    os.waitpid(pid, 0)
    os._exit(0)


@dataclass
class Prepared:
    """A run's supervisors, waiting for the parent's request on ``sock``; or why there are none."""

    sock: socket.socket | None = None
    init_pid: int = 0
    init_fd: int | None = None
    sup_fd: int | None = None
    error: str | None = None

    def kill(self) -> None:
        if self.init_fd is not None:
            with contextlib.suppress(OSError):  # already gone
                signal.pidfd_send_signal(self.init_fd, signal.SIGKILL)

    def close(self) -> None:
        for fd in (self.init_fd, self.sup_fd):
            if fd is not None:
                os.close(fd)


def _prepare(host: socket.socket, cfg: dict[str, Any]) -> Prepared:
    """Fork C (and through it I); the parent talks to I directly over ``Prepared.sock``."""
    parent_end, run_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    mine, report = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        for sock in (host, parent_end, mine):
            sock.close()
        try:
            _supervise(run_end, report, cfg)
        except BaseException as exc:  # noqa: BLE001 - reported to the worker
            report.send(f"error {exc}".encode())
        os._exit(1)
    run_end.close()
    report.close()
    sup_fd = os.pidfd_open(pid)
    key, _, value = mine.recv(4096).decode(errors="replace").partition(" ")
    mine.close()
    if key != "init":
        parent_end.close()
        os.close(sup_fd)
        return Prepared(error=value or "the run's supervisor died")
    return Prepared(parent_end, int(value), os.pidfd_open(int(value)), sup_fd)


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
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
    host.send(json.dumps({"ready": True}).encode())
    runs: dict[int, Prepared] = {}
    # The next run is made while the parent runs the current one, so a request never waits for it.
    while len(runs) < AHEAD and _offer(host, cfg, runs):
        pass
    while True:
        by_fd = {run.sup_fd: pid for pid, run in runs.items() if run.sup_fd is not None}
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
