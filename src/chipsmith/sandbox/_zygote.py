"""The persistent local-sandbox worker. It runs inside bubblewrap and forks one confined child per run.

Started by ``chipsmith.sandbox._warm`` as ``python -I -S _zygote.py CONFIG``: standard library
only, nothing of chipsmith is imported. It talks to its parent over a SOCK_SEQPACKET socket:

* it sends ``{"ready": true}`` when it is up;
* a request ``{"cmd", "env", "work", "scratch", "rlimits", "shm_mb"}`` comes with two descriptors
  (the run's stdout and stderr); ``{"op": "kill"}`` kills the run in progress;
* the reply is ``{"status": <wait status> | null, "error": str | null, "killed": bool}``, sent
  once every process of the run is gone. EOF on the socket (the parent died) ends the worker.

Per run: a child ``C`` takes new mount, IPC and pid namespaces, binds the run's scratch dir on
/tmp and its work dir at its path (so no other run's files are reachable), mounts a fresh
/dev/shm; its child ``I`` is pid 1 of the run's pid namespace: it mounts a fresh /proc, drops
every capability, sets no_new_privs and forks the command ``E``. When ``E`` exits, ``I`` reports
its status and exits, and the kernel kills whatever the command left behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
from typing import Any

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs")

libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _bind(src: str, target: str, read_only: bool = False) -> None:
    _mount(src, target, None, MS_BIND | MS_REC)
    if read_only:
        # A remount must repeat the flags the kernel locked on the mount (nodev, nosuid, atime...).
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | _mount_flags(target))


def _mount_flags(path: str) -> int:
    """The MS_* flags of the mount at ``path`` that a bind remount must keep (statvfs ST_* -> MS_*)."""
    flag = os.statvfs(path).f_flag
    pairs = [
        (os.ST_NOSUID, MS_NOSUID),
        (os.ST_NODEV, MS_NODEV),
        (os.ST_NOEXEC, MS_NOEXEC),
        (os.ST_NOATIME, MS_NOATIME),
        (os.ST_NODIRATIME, MS_NODIRATIME),
        (os.ST_RELATIME, MS_RELATIME),
    ]
    return sum(ms for st, ms in pairs if flag & st)


def _drop_capabilities() -> None:
    with open("/proc/sys/kernel/cap_last_cap") as fh:
        last = int(fh.read())
    for cap in range(last + 1):
        _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    _check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    _check(libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _confine(req: dict[str, Any], tmp_keep: list[str], cover: list[str]) -> None:
    """In C: new namespaces; only this run's directories, fresh /tmp and /dev/shm."""
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # Descriptors opened in *this* mount namespace (a bind from another one is refused), before
    # /tmp is covered: the run's dirs and what is bound back from under /tmp.
    fds = {path: os.open(path, os.O_PATH) for path in (req["work"], req["scratch"], *tmp_keep)}
    _bind(f"/proc/self/fd/{fds[req['scratch']]}", "/tmp")
    for path in cover:  # the worker's slot dir, where it is not below /tmp
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for path in tmp_keep:  # a virtualenv or checkout under /tmp
        os.makedirs(path, exist_ok=True)
        _bind(f"/proc/self/fd/{fds[path]}", path, read_only=True)
    os.makedirs(req["work"], exist_ok=True)
    _bind(f"/proc/self/fd/{fds[req['work']]}", req["work"])
    for path in cover:
        _mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={int(req['shm_mb'])}m")
    for fd in fds.values():
        os.close(fd)


def _exec(req: dict[str, Any], out_fd: int, err_fd: int) -> None:
    """In E: the command, with its limits, in its work dir."""
    os.setsid()
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores them; a command expects the default
        signal.signal(sig, signal.SIG_DFL)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.closerange(3, 65536)
    for which, value in req["rlimits"]:
        _, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))
    cmd = req["cmd"]
    try:
        os.chdir(req["work"])
        os.execvpe(cmd[0], cmd, req["env"])
    except OSError as exc:
        os.write(2, f"cannot run {cmd[0]}: {exc}\n".encode())
    os._exit(127)


def _init(req: dict[str, Any], fds: list[int], status_w: int) -> None:
    """In I (pid 1 of the run): fresh /proc, no capabilities, fork E, reap, report E's status."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in PROC_READ_ONLY:
        if os.path.exists(path):
            _bind(path, path, read_only=True)
    _drop_capabilities()
    pid = os.fork()
    if pid == 0:
        _exec(req, fds[0], fds[1])
    for fd in fds:
        os.close(fd)
    while True:  # pid 1 reaps every orphan until the command itself ends
        done, status = os.waitpid(-1, 0)
        if done == pid:
            break
    os.write(status_w, f"status {status}\n".encode())
    os._exit(0)


def _child(
    req: dict[str, Any], fds: list[int], tmp_keep: list[str], cover: list[str], status_w: int
) -> None:
    """C: confine, fork I (reporting its pid), wait for it. Never returns."""
    try:
        _confine(req, tmp_keep, cover)
        pid = os.fork()
        if pid == 0:
            try:
                _init(req, fds, status_w)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, who decides
                os.write(status_w, f"error {exc}\n".encode())
                os._exit(1)
        os.write(status_w, f"init {pid}\n".encode())
        for fd in fds:
            os.close(fd)
        os.waitpid(pid, 0)
        os._exit(0)
    except BaseException as exc:  # noqa: BLE001
        os.write(status_w, f"error {exc}\n".encode())
        os._exit(1)


def _serve(sock: socket.socket, req: dict[str, Any], fds: list[int], cfg: dict[str, Any]) -> dict[str, Any]:
    """Run one request; answer once C and I (hence every process of the run) are gone."""
    status_r, status_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        sock.close()
        os.close(status_r)
        _child(req, fds, cfg["tmp_keep"], cfg["cover"], status_w)
    os.close(status_w)
    for fd in fds:
        os.close(fd)
    lines: dict[str, str] = {}
    killed = False
    buf = b""
    while True:
        ready, _, _ = select.select([sock.fileno(), status_r], [], [])
        if sock.fileno() in ready:
            msg = sock.recv(65536)
            if not msg:  # the parent is gone: end the run and ourselves
                os.kill(int(lines.get("init", pid)), signal.SIGKILL)
                os.kill(pid, signal.SIGKILL)
                os._exit(0)
            if json.loads(msg).get("op") == "kill" and not killed:
                killed = True
                os.kill(int(lines["init"]) if "init" in lines else pid, signal.SIGKILL)
        if status_r in ready:
            chunk = os.read(status_r, 4096)
            if not chunk:
                break
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for line in complete:
                key, _, value = line.decode(errors="replace").partition(" ")
                lines[key] = value
    os.close(status_r)
    os.waitpid(pid, 0)
    status = int(lines["status"]) if "status" in lines else None
    return {"status": status, "error": lines.get("error"), "killed": killed}


def main() -> None:
    cfg = json.loads(sys.argv[1])
    sock = socket.socket(fileno=cfg["fd"])
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # runs share our uid: no ptrace, no /proc/<us>/fd
    sock.send(json.dumps({"ready": True}).encode())
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
        except OSError:
            return
        if not msg:
            return
        req = json.loads(msg)
        if req.get("op") == "kill":  # arrived after its run ended: nothing to do
            for fd in fds:
                os.close(fd)
            continue
        try:
            reply = _serve(sock, req, list(fds), cfg)
        except OSError as exc:
            reply = {"status": None, "error": str(exc), "killed": False}
        sock.send(json.dumps(reply).encode())


if __name__ == "__main__":
    main()
