"""Resource limits and identity for a local child process: rlimit values (pure), the uid a root
parent drops to, and the pre-exec hook that applies both."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from pathlib import Path

from chipsmith.sandbox.base import Limits

MB = 1 << 20
SANDBOX_UID = SANDBOX_GID = 65534
"""``nobody``: what a command runs as when chipsmith runs as root (as Docker's backend does)."""


def sandbox_ids() -> tuple[int, int] | None:
    """(uid, gid) a root parent drops to before starting bubblewrap; None when not root.

    Why not ``bwrap --uid``: started by root, bubblewrap maps the sandbox uid onto host root, so
    root-owned files (``/etc/shadow``) stay readable to the command as their owner."""
    return (SANDBOX_UID, SANDBOX_GID) if os.geteuid() == 0 else None


def user_process_count(uid: int) -> int:
    """How many processes ``uid`` owns now (RLIMIT_NPROC counts them all, not just one run's)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


def rlimit_values(limits: Limits, nproc_base: int | None) -> dict[int, int]:
    """Pure: rlimit -> value. ``nproc_base`` is the processes the command's uid already has
    (RLIMIT_NPROC counts them all); None when a pids cgroup caps the run instead."""
    values = {resource.RLIMIT_CORE: 0}
    if limits.cpu_s is not None:
        values[resource.RLIMIT_CPU] = limits.cpu_s
    if limits.memory_mb is not None:
        values[resource.RLIMIT_AS] = limits.memory_mb * MB
    if limits.file_mb is not None:
        values[resource.RLIMIT_FSIZE] = limits.file_mb * MB
    if limits.procs is not None and nproc_base is not None:
        values[resource.RLIMIT_NPROC] = nproc_base + limits.procs
    return values


def make_preexec(
    values: dict[int, int],
    join_cgroup: Callable[[], None] | None,
    drop_to: tuple[int, int] | None = None,
    stage: Callable[[], None] | None = None,
) -> Callable[[], None]:
    """The function the forked child runs before exec: enter the cgroup (still as root), lower its
    rlimits, ``stage`` (see ``_stage``), then become ``drop_to`` (uid, gid) with no supplementary groups.

    Kept to system calls only (no imports, no locks), since it runs between fork and exec.
    """

    def preexec() -> None:
        if join_cgroup is not None:
            join_cgroup()
        for which, value in values.items():
            soft, hard = resource.getrlimit(which)
            # Never raise a limit above the hard limit we inherited (that would fail for non-root).
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (cap, cap))
        if stage is not None:
            stage()
        if drop_to is not None:
            uid, gid = drop_to
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)

    return preexec


def nproc_base(uid: int) -> int:
    """Processes RLIMIT_NPROC already counts for ``uid``; 0 for root, where the kernel ignores it."""
    return 0 if uid == 0 else user_process_count(uid)


def chown_tree(root: Path, uid: int, gid: int) -> None:
    """Give the run's directory and the files written into it to the uid the command runs as."""
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)
