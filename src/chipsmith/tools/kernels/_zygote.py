"""A process that holds torch and no secret, and forks candidate workers on request.

The supervisor imports torch (and Triton when asked) first, then forks the zygote
(``start``), and only then reads the job: the zygote's memory holds nothing of the key, the seed
or the reference, and neither does a worker forked from it, which is a warm interpreter in
milliseconds instead of a second or more of imports; one ``import torch`` serves the whole check.
No OpenMP pool exists yet at either fork. Each request carries the child's channel descriptors
(over SCM_RIGHTS); the zygote forks, closes its copies and answers with the child's pid. It is not
dumpable, so a worker cannot reach the descriptors of another worker through it.

Runs in the sandbox, forked by the supervisor; imports torch.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import socket
from typing import Any

MAX_FDS = 16


def serve(sock: socket.socket) -> None:
    """Answer fork and status requests until the supervisor closes the socket."""
    while True:
        msg, fds, _, _ = socket.recv_fds(sock, 65536, MAX_FDS)
        if not msg:
            return
        req: dict[str, Any] = json.loads(msg)
        if req.get("op") == "status":
            sock.sendall(json.dumps({"status": status(int(req["pid"]))}).encode())
            continue
        pid = os.fork()
        if pid == 0:
            sock.close()
            child(req, fds)  # never returns
        for fd in fds:
            os.close(fd)
        sock.sendall(json.dumps({"pid": pid}).encode())


def status(pid: int) -> int | None:
    """The child's raw wait status once it has exited (None while it runs)."""
    try:
        done, st = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return st if done else None


def child(req: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: keep only its own descriptors, become inspectable again, serve."""
    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE 1: the supervisor reads our /proc
    keep = set(fds) | {0, 1, 2}
    for name in os.listdir("/proc/self/fd"):
        if int(name) not in keep:
            with contextlib.suppress(OSError):
                os.close(int(name))
    os.environ.update(req.get("env", {}))
    from chipsmith.tools.kernels._worker import run_forked

    code = 1
    try:
        code = run_forked(req, fds)
    finally:
        os._exit(code)


def start() -> tuple[int, socket.socket, int]:
    """Import torch, fork the zygote: (its pid, the socket to it, the read end of its stderr).
    Call before reading anything secret: the child is a copy of this process's memory."""
    import torch  # noqa: F401 - the point: every worker forked from here has it loaded

    if os.environ.get("CHIPSMITH_KERNEL_LAUNCHES") == "1":
        import triton  # noqa: F401
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            ours.close()
            os.close(err_r)
            os.dup2(err_w, 2)
            os.close(err_w)
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
            serve(theirs)
            code = 0
        finally:
            os._exit(code)
    theirs.close()
    os.close(err_w)
    return pid, ours, err_r
