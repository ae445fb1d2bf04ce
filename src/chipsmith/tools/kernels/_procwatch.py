"""What the trusted supervisor learns about a candidate worker from the kernel, not from the worker.

CPU time through the worker's process CPU clock (every thread it ever ran, in ns), its threads,
peak memory and capabilities from ``/proc/PID/status``, its executable mappings from
``/proc/PID/maps``, and every process it spawned (the supervisor is a child subreaper, so orphans
come back to it). A worker cannot patch any of this: it is read by another process.

Linux only; no torch here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def cpu_clock(pid: int) -> int:
    """The process CPU-time clock id of ``pid`` (glibc's ``clock_getcpuclockid``: CPUCLOCK_SCHED)."""
    return ((~pid) << 3) | 2


def cpu_ns(pid: int) -> int | None:
    """CPU time ``pid`` has used, all threads, in ns (None once it is gone)."""
    try:
        return time.clock_gettime_ns(cpu_clock(pid))
    except OSError:
        return None


def status(pid: int) -> dict[str, str]:
    """``/proc/PID/status`` as key -> value (empty when unreadable)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def kb(value: str | None) -> int:
    """``"1234 kB"`` -> 1234 (0 when missing)."""
    try:
        return int((value or "0").split()[0])
    except (ValueError, IndexError):
        return 0


def parent_of(pid: int) -> int | None:
    """The parent of a live process (None once it is gone or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name sits in parentheses and may contain spaces or parentheses itself.
    fields = stat.rsplit(")", 1)[-1].split()
    if len(fields) < 2 or fields[0] in ("Z", "X"):
        return None
    return int(fields[1])


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/PID/stat`` after the command name: [state, ppid, ...] (None once reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()


def children_cpu_ns(pid: int) -> int:
    """CPU of ``pid``'s children that exited and were reaped (cutime + cstime): work done in a
    short-lived child process that is gone before anyone could see it alive."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 15:
        return 0
    return (int(fields[13]) + int(fields[14])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def zombies(parents: set[int]) -> set[int]:
    """Exited, unreaped children of ``parents``: an orphan the worker left to the supervisor (a
    child subreaper) shows here once it has exited, where ``descendants`` no longer sees it."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields and len(fields) > 1 and fields[0] == "Z" and int(fields[1]) in parents:
                found.add(int(entry))
    return found


def descendants(roots: set[int]) -> set[int]:
    """Every live process whose parent chain reaches one of ``roots`` (roots excluded)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ppid = parent_of(int(entry))
            if ppid is not None:
                parents[int(entry)] = ppid
    found: set[int] = set()
    frontier = set(roots)
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier and p not in found and p not in roots}
        found |= frontier
    return found


def kill_all(pids: set[int], roots: set[int]) -> None:
    """SIGKILL ``pids`` and every live process below ``roots``, until none is left."""
    for _ in range(50):
        alive = pids | descendants(roots)
        alive.discard(os.getpid())
        alive = {p for p in alive if parent_of(p) is not None}
        if not alive:
            return
        for p in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(p, signal.SIGKILL)
        reap()
        time.sleep(0.002)


def reap() -> None:
    """Collect exited children (ours and re-parented orphans) so they do not linger as zombies."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def exec_ranges(pid: int) -> list[tuple[int, int, str, int]] | None:
    """(start, end, path, inode) of ``pid``'s executable mappings, sorted; '' for anonymous memory.
    None when the maps cannot be read (the process hid itself or is gone)."""
    try:
        lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    except OSError:
        return None
    out = []
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) < 5 or "x" not in parts[1]:
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        out.append((lo, hi, parts[5].strip() if len(parts) > 5 else "", int(parts[4])))
    return sorted(out)


def exec_mappings(pid: int) -> list[tuple[str, int]] | None:
    """(path, inode) of every executable mapping of ``pid`` (``exec_ranges`` without the addresses)."""
    ranges = exec_ranges(pid)
    return None if ranges is None else [(path, inode) for _, _, path, inode in ranges]


def running_threads(pid: int) -> int:
    """Threads of ``pid`` on a CPU or runnable right now (state R)."""
    n = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in tids:
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        n += bool(fields) and fields[0] == "R"
    return n


def unverified_code(
    maps: list[tuple[str, int]], allowed_roots: list[str], verified_inodes: set[int], anonymous: bool = False
) -> list[str]:
    """Pure: executable mappings that are neither the installed runtime (``allowed_roots``: the
    interpreter, its packages, system libraries) nor a kernel library the supervisor sealed.
    ``anonymous``: accept anonymous executable memory (a GPU driver's own code)."""
    bad = []
    for path, inode in maps:
        if path in ("[vdso]", "[vsyscall]") or (anonymous and not path):
            continue
        if path.startswith("/memfd:") and inode in verified_inodes:
            continue
        if (
            path
            and not path.startswith("/memfd:")
            and any(path == r or path.startswith(r.rstrip("/") + "/") for r in allowed_roots)
        ):
            continue
        bad.append(path or "anonymous executable memory")
    return sorted(set(bad))
