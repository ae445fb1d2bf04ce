"""A per-run pids cgroup: caps the process count and kills everything a run spawned.

Why: we often run as root, and RLIMIT_NPROC is not enforced for root (nor for a root-mapped user
namespace), so a fork bomb needs a kernel-enforced cap. A cgroup also finds processes that left the
process group (``setsid``, double fork), so nothing outlives its run. cgroup v1 (the ``pids``
hierarchy) and v2 (a delegated ``chipsmith`` subtree of the unified hierarchy) are supported; when
neither is writable (not root), ``PidsCgroup.create`` returns None and the caller falls back to rlimits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/pids")
V2_ROOT = Path("/sys/fs/cgroup")
PARENT = "chipsmith"


def pids_hierarchy(mounts: str) -> tuple[str, int] | None:
    """Pure: (mount point, version) of the cgroup hierarchy holding the pids controller, from /proc/mounts."""
    v2 = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        mnt, fstype, opts = parts[1], parts[2], parts[3].split(",")
        if fstype == "cgroup" and "pids" in opts:
            return mnt, 1
        if fstype == "cgroup2" and v2 is None:
            v2 = mnt
    return (v2, 2) if v2 else None


def _write(path: Path, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _parent_dir() -> Path | None:
    """The writable ``chipsmith`` parent cgroup with the pids controller, created on first use."""
    if os.geteuid() != 0:
        return None
    try:
        found = pids_hierarchy(Path("/proc/mounts").read_text())
    except OSError:
        return None
    if found is None:
        return None
    mnt, version = Path(found[0]), found[1]
    parent = mnt / PARENT
    try:
        if version == 2:
            if "pids" not in (mnt / "cgroup.controllers").read_text().split():
                return None
            _write(mnt / "cgroup.subtree_control", "+pids")
            parent.mkdir(exist_ok=True)
            _write(parent / "cgroup.subtree_control", "+pids")
        else:
            parent.mkdir(exist_ok=True)
    except OSError:
        return None
    return parent if (parent / "cgroup.procs").exists() else None


class PidsCgroup:
    """One run's cgroup. ``join_fd`` lets a forked child enter it before exec (see ``preexec``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._procs_fd = os.open(path / "cgroup.procs", os.O_WRONLY)

    @classmethod
    def create(cls, max_pids: int | None) -> PidsCgroup | None:
        parent = _parent_dir()
        if parent is None:
            return None
        path = parent / uuid.uuid4().hex[:16]
        try:
            path.mkdir()
            if max_pids is not None:
                _write(path / "pids.max", str(max_pids))
            return cls(path)
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            return None

    def set_limit(self, max_pids: int | None) -> None:
        """Change ``pids.max`` (a persistent worker's cgroup gets each run's limit)."""
        _write(self.path / "pids.max", "max" if max_pids is None else str(max_pids))

    def current(self) -> int:
        """Tasks (processes and threads) in the cgroup now."""
        try:
            return int((self.path / "pids.current").read_text())
        except (OSError, ValueError):
            return 0

    def preexec(self) -> None:
        """Called in the forked child: move itself into the cgroup (only a write on an open fd)."""
        os.write(self._procs_fd, b"0")

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def kill_all(self, deadline_s: float = 5.0) -> bool:
        """SIGKILL every member until none is left; True when the cgroup is empty."""
        end = time.monotonic() + deadline_s
        while pids := self.pids():
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > end:
                return False
            time.sleep(0.005)
        return True

    def remove(self) -> None:
        """Kill what is left and delete the cgroup (retrying while the kernel reaps)."""
        self.kill_all()
        with contextlib.suppress(OSError):
            os.close(self._procs_fd)
        for _ in range(200):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.01)


def own_cgroup(proc_self_cgroup: str, version: int) -> str | None:
    """Pure: this process's path in the pids hierarchy (v1: the ``pids`` line; v2: the ``0::`` line)."""
    for line in proc_self_cgroup.splitlines():
        num, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if (version == 1 and "pids" in controllers.split(",")) or (
            version == 2 and num == "0" and not controllers
        ):
            return path
    return None


def remove_stale(min_age_s: float = 60.0) -> int:
    """Delete empty per-run cgroups left by killed chipsmith processes; returns how many.

    A live run's cgroup is empty only for the moment between its creation and the child joining it,
    so only cgroups older than ``min_age_s`` count as stale.
    """
    parent = _parent_dir()
    removed = 0
    now = time.time()
    for child in parent.iterdir() if parent is not None else []:
        try:
            old = now - child.stat().st_mtime > min_age_s
            if old and child.is_dir() and not (child / "cgroup.procs").read_text().strip():
                child.rmdir()
                removed += 1
        except OSError:
            continue  # in use by a live run, or already gone
    return removed
