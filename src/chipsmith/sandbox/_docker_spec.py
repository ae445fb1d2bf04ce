"""Pure builders for the Docker side: container create arguments and the pool reset script."""

from __future__ import annotations

import os
from typing import Any

from chipsmith.sandbox._docker_client import LABEL
from chipsmith.sandbox.base import Limits

USER = "65534:65534"
WORK = "/work"
TMP_MB = 256
KEEPALIVE = ["sleep", "infinity"]

# Kill every process but pid 1 (docker-init), the keepalive (pid "$1", recorded when the container
# started: a run's orphans are children of pid 1 too) and this shell; then empty what a run could
# leave for the next one: the work dir, /tmp, /dev/shm and SysV IPC objects (shared memory,
# semaphores, message queues). Runs as the sandbox user, which owns everything a run can create.
SHARED_DIRS = (WORK, "/tmp", "/dev/shm")
RESET_SCRIPT = (
    "for p in /proc/[0-9]*; do p=${p#/proc/}; "
    'case " 1 $1 $$ " in *" $p "*) ;; *) kill -9 "$p" 2>/dev/null;; esac; done; '
    + "".join(f"rm -rf {d}/* {d}/.[!.]* 2>/dev/null; " for d in SHARED_DIRS)
    + "ipcrm --all 2>/dev/null; "
    + '[ -z "'
    + "".join(f"$(ls -A {d})" for d in SHARED_DIRS)
    + "$(ipcs -m -q -s | grep '^0x')\" ]"
)
KEEPALIVE_PID = ["cat", "/proc/1/task/1/children"]
"""Run right after start, before any command: docker-init's only child is then the keepalive."""


def container_kwargs(image: str, limits: Limits) -> dict[str, Any]:
    """Pure: keyword arguments of ``client.containers.create`` for one sandbox container."""
    from docker.types import Mount, Ulimit

    ulimits = [Ulimit(name="core", soft=0, hard=0)]
    if limits.cpu_s is not None:
        ulimits.append(Ulimit(name="cpu", soft=limits.cpu_s, hard=limits.cpu_s))
    if limits.file_mb is not None:
        size = limits.file_mb << 20
        ulimits.append(Ulimit(name="fsize", soft=size, hard=size))
    kw: dict[str, Any] = {
        "image": image,
        "command": KEEPALIVE,
        "init": True,  # docker-init as pid 1 reaps orphans, so a reset leaves no zombies behind
        "labels": {LABEL: "1", f"{LABEL}.owner_pid": str(os.getpid())},
        "network_mode": "bridge" if limits.network else "none",
        "read_only": True,
        # Docker cannot put archives into a tmpfs (nor a read-only root): the work dir is an anonymous
        # volume, removed with the container; /tmp is a tmpfs (exec: compiled kernels are dlopen'ed).
        "mounts": [Mount(target=WORK, source=None, type="volume")],
        "tmpfs": {"/tmp": f"rw,exec,nosuid,size={TMP_MB}m,mode=1777"},
        "user": USER,
        "working_dir": WORK,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "ulimits": ulimits,
        "nano_cpus": 10**9,
        "detach": True,
    }
    if limits.memory_mb is not None:
        kw["mem_limit"] = kw["memswap_limit"] = f"{limits.memory_mb}m"
    if limits.procs is not None:
        kw["pids_limit"] = limits.procs + 2  # + docker-init and the keepalive
    return kw


def pool_compatible(pool_limits: Limits, limits: Limits) -> bool:
    """Pure: can a warm container created for ``pool_limits`` serve a run with ``limits``?"""
    fixed = ("cpu_s", "memory_mb", "file_mb", "procs", "network")
    return all(getattr(pool_limits, f) == getattr(limits, f) for f in fixed)
