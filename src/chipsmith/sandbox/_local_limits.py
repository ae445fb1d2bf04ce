"""Resource limits for a local child process: rlimit values (pure) and the pre-exec hook that sets them."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from pathlib import Path

from chipsmith.sandbox.base import Limits

MB = 1 << 20


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


def rlimit_values(limits: Limits, nproc_base: int) -> dict[int, int]:
    """Pure: rlimit -> value. ``nproc_base`` is the caller's existing process count (RLIMIT_NPROC is per user)."""
    values = {resource.RLIMIT_CORE: 0}
    if limits.cpu_s is not None:
        values[resource.RLIMIT_CPU] = limits.cpu_s
    if limits.memory_mb is not None:
        values[resource.RLIMIT_AS] = limits.memory_mb * MB
    if limits.file_mb is not None:
        values[resource.RLIMIT_FSIZE] = limits.file_mb * MB
    if limits.procs is not None:
        values[resource.RLIMIT_NPROC] = nproc_base + limits.procs
    return values


def make_preexec(values: dict[int, int], join_cgroup: Callable[[], None] | None) -> Callable[[], None]:
    """The function the forked child runs before exec: enter the cgroup, then lower its rlimits.

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

    return preexec


def nproc_base() -> int:
    """Processes RLIMIT_NPROC already counts for us; 0 for root, where the kernel ignores that limit."""
    uid = os.geteuid()
    return 0 if uid == 0 else user_process_count(uid)
