"""Namespace and capability system calls for the persistent worker (``_zygote``), via ctypes.

Standard library only: the worker imports this file by path, without chipsmith on sys.path.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
from typing import Any

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
# Kernel knobs under /proc that file modes alone guard; Docker makes the same paths read-only.
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs")

libc = ctypes.CDLL(None, use_errno=True)
_pylibc = ctypes.PyDLL(None, use_errno=True)
_pylibc.syscall.restype = ctypes.c_long
SYS_CLONE3 = 435  # the same number on every architecture
SYS_CLONE = {"x86_64": 56, "aarch64": 220}


SYS_RT_SIGACTION = {"x86_64": 13, "aarch64": 134}
SIG_IGN_HANDLER = 1
# Ignored signals survive exec. Python restores SIGPIPE and SIGXFSZ in the command itself
# (subprocess's restore_signals); SIGKILL and SIGSTOP cannot be changed.
KEEP_IGNORED = (signal.SIGKILL, signal.SIGSTOP, signal.SIGPIPE, signal.SIGXFSZ)


class _KernelSigaction(ctypes.Structure):
    _fields_ = [
        ("handler", ctypes.c_void_p),
        ("flags", ctypes.c_ulong),
        ("restorer", ctypes.c_void_p),
        ("mask", ctypes.c_uint64),
    ]


def default_ignored_signals() -> list[int]:
    """Set every signal this process ignores back to its default, with the raw system call: glibc
    refuses 32 and 33 (its own), which a caller may still have left ignored, and an ignored signal
    is inherited by the command through exec. Returns the signals it reset."""
    nr = SYS_RT_SIGACTION.get(os.uname().machine)
    if nr is None:
        return []
    reset = []
    for sig in range(1, 65):
        if sig in KEEP_IGNORED:
            continue
        old = _KernelSigaction()
        if _pylibc.syscall(nr, sig, None, ctypes.byref(old), 8) != 0 or old.handler != SIG_IGN_HANDLER:
            continue
        default = _KernelSigaction()  # handler SIG_DFL (0), no flags, empty mask
        if _pylibc.syscall(nr, sig, ctypes.byref(default), None, 8) == 0:
            reset.append(sig)
    return reset


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    check(libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def bind(src: str, target: str, read_only: bool = False) -> None:
    mount(src, target, None, MS_BIND | MS_REC)
    if read_only:
        # A remount must repeat the flags the kernel locked on the mount (nodev, nosuid, atime...).
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags(target))


def mount_flags(path: str) -> int:
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


_last_cap: list[int] = []


def warm_up() -> None:
    """In the worker, once: what every run needs (the ctypes functions, the highest capability)
    is made before the runs' forks, which then share it instead of making it each."""
    for name in ("mount", "unshare", "prctl", "capset"):
        getattr(libc, name)  # CDLL caches each function it looks up
    with open("/proc/sys/kernel/cap_last_cap") as fh:
        _last_cap.append(int(fh.read()))


def drop_capabilities() -> None:
    if not _last_cap:
        warm_up()
    for cap in range(_last_cap[0] + 1):
        check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3
    check(libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def confine(req: dict[str, Any], tmp_keep: list[str], cover: list[str]) -> None:
    """In the run's own mount namespace: only this run's directories, a fresh /tmp and /dev/shm."""
    # Descriptors opened in *this* mount namespace (a bind from another one is refused), before
    # /tmp is covered: the run's dirs and what is bound back from under /tmp.
    fds = {path: os.open(path, os.O_PATH) for path in (req["work"], req["scratch"], *tmp_keep)}
    bind(f"/proc/self/fd/{fds[req['scratch']]}", "/tmp")
    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={int(req['shm_mb'])}m")
    for path in cover:  # the worker's slot dir, where neither of those covers it
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for path in tmp_keep:  # a virtualenv or checkout under /tmp
        os.makedirs(path, exist_ok=True)
        bind(f"/proc/self/fd/{fds[path]}", path, read_only=True)
    if not os.path.isdir(req["work"]):  # under /tmp, just covered
        os.makedirs(req["work"])
    bind(f"/proc/self/fd/{fds[req['work']]}", req["work"])
    for path in cover:
        mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for fd in fds.values():
        os.close(fd)


class _CloneArgs(ctypes.Structure):  # struct clone_args, CLONE_ARGS_SIZE_VER0
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in ("flags", "pidfd", "child_tid", "parent_tid", "exit_signal", "stack", "stack_size", "tls")
    ]


def fork_into_new_pid_namespace() -> int:
    """``os.fork`` whose child is pid 1 of a new pid namespace, leaving the caller's namespace for its
    other children as it is (``unshare`` would move them all, and only a ``setns`` we may not do
    would undo it). Returns 0 in the child. Single-threaded callers only: unlike ``os.fork``, this
    runs no at-fork hooks, which is harmless when no other thread holds a lock."""
    args = _CloneArgs(flags=CLONE_NEWPID, exit_signal=signal.SIGCHLD)
    # PyDLL: the GIL stays held across the call, so the child does not start by taking it back.
    pid = _pylibc.syscall(SYS_CLONE3, ctypes.byref(args), ctypes.c_size_t(ctypes.sizeof(args)))
    if pid < 0 and ctypes.get_errno() == errno.ENOSYS and os.uname().machine in SYS_CLONE:
        # clone3 refused (a seccomp filter, a kernel before 5.3): clone, whose other arguments
        # (stack, tids, tls) are all 0 here, so their order across architectures does not matter
        flags = CLONE_NEWPID | signal.SIGCHLD
        pid = _pylibc.syscall(SYS_CLONE[os.uname().machine], ctypes.c_ulong(flags), 0, 0, 0, 0)
    if pid < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"clone: {os.strerror(err)}")
    return int(pid)


def new_mount_ipc_namespaces() -> None:
    """New mount and IPC namespaces for the caller; nothing mounted in them reaches the worker."""
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def fresh_proc() -> None:
    """In pid 1 of a new pid namespace: its own /proc, with the kernel knobs read-only."""
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in PROC_READ_ONLY:
        if os.path.exists(path):
            bind(path, path, read_only=True)


def set_pdeathsig(sig: int) -> None:
    libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def not_dumpable() -> None:
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
