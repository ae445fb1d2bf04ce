"""Where a worker's CPU time goes, sampled by the kernel on the supervisor's behalf (perf events).

The supervisor opens a software CPU-clock sampling event on the worker (every thread it has or
will start, one event per CPU, user-space instruction pointers only), enables it only while the
worker serves a call, and maps each sampled instruction pointer to the file it executes from
(``/proc/PID/maps``): the verified kernel library, numpy/OpenBLAS, torch's libraries, or the
interpreter and C runtime. The worker cannot see or switch this off: the events belong to the
supervisor's process. Needs ``perf_event_paranoid`` <= 2 and no seccomp filter on perf_event_open
(bubblewrap has none; Docker's default profile blocks it): without it ``Sampler.open`` says why.

Runs in the supervisor; no torch here.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import mmap
import os
import struct
from collections import Counter

from chipsmith.tools.kernels._procwatch import exec_ranges  # noqa: F401  (the supervisor imports it from here)

PAGE = mmap.PAGESIZE
DATA_PAGES = 64
PERIOD_NS = 20_000
"""Sampling period (sampled calls are never timed: each sample costs the worker time)."""
_NR_PERF_EVENT_OPEN = 298  # x86-64
_ENABLE, _DISABLE = 0x2400, 0x2401
_RECORD_SAMPLE = 9


class _Attr(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_uint32),
        ("size", ctypes.c_uint32),
        ("config", ctypes.c_uint64),
        ("sample_period", ctypes.c_uint64),
        ("sample_type", ctypes.c_uint64),
        ("read_format", ctypes.c_uint64),
        ("flags", ctypes.c_uint64),
        ("wakeup_events", ctypes.c_uint32),
        ("bp_type", ctypes.c_uint32),
        ("config1", ctypes.c_uint64),
        ("config2", ctypes.c_uint64),
        ("branch_sample_type", ctypes.c_uint64),
        ("sample_regs_user", ctypes.c_uint64),
        ("sample_stack_user", ctypes.c_uint32),
        ("clockid", ctypes.c_int32),
        ("sample_regs_intr", ctypes.c_uint64),
        ("aux_watermark", ctypes.c_uint32),
        ("sample_max_stack", ctypes.c_uint16),
        ("reserved", ctypes.c_uint16),
    ]


def _attr(period_ns: int) -> _Attr:
    a = _Attr()
    a.type, a.config = 1, 1  # PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK
    a.size = ctypes.sizeof(_Attr)
    a.sample_period = period_ns
    a.sample_type = 1 | 2  # PERF_SAMPLE_IP | PERF_SAMPLE_TID
    # disabled, inherit (threads and children started later), exclude_kernel, exclude_hv
    a.flags = (1 << 0) | (1 << 1) | (1 << 5) | (1 << 6)
    return a


class Sampler:
    """Instruction-pointer samples of one process tree, collected only between enable/disable."""

    def __init__(self, fds: list[int]) -> None:
        self.fds = fds
        self.bufs = [mmap.mmap(fd, (1 + DATA_PAGES) * PAGE) for fd in fds]

    @classmethod
    def open(cls, pid: int, period_ns: int = PERIOD_NS) -> Sampler | str:
        """A sampler on ``pid``, or why the kernel refused one."""
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        attr = _attr(period_ns)
        fds: list[int] = []
        for cpu in range(os.cpu_count() or 1):
            fd = libc.syscall(_NR_PERF_EVENT_OPEN, ctypes.byref(attr), pid, cpu, -1, 8)  # FD_CLOEXEC
            if fd < 0:
                for f in fds:
                    os.close(f)
                return f"perf_event_open refused: {os.strerror(ctypes.get_errno())}"
            fds.append(int(fd))
        try:
            return cls(fds)
        except OSError as exc:
            return f"perf buffer unavailable: {exc}"

    def _ioctl(self, request: int) -> None:
        import fcntl

        for fd in self.fds:
            with contextlib.suppress(OSError):
                fcntl.ioctl(fd, request, 0)

    def enable(self) -> None:
        self._ioctl(_ENABLE)

    def disable(self) -> None:
        self._ioctl(_DISABLE)

    def drain(self) -> list[int]:
        """The instruction pointers sampled since the last drain."""
        ips: list[int] = []
        for buf in self.bufs:
            head = struct.unpack_from("<Q", buf, 1024)[0]
            tail = struct.unpack_from("<Q", buf, 1032)[0]
            size = DATA_PAGES * PAGE
            while tail + 8 <= head:
                header = _read(buf, tail, 8, size)
                typ, _, rec = struct.unpack("<IHH", header)
                if rec < 8:
                    break
                if typ == _RECORD_SAMPLE and rec >= 24:
                    ips.append(struct.unpack("<Q", _read(buf, tail + 8, 8, size))[0])
                tail += rec
            struct.pack_into("<Q", buf, 1032, head)
        return ips

    def close(self) -> None:
        for buf in self.bufs:
            buf.close()
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _read(buf: mmap.mmap, pos: int, n: int, size: int) -> bytes:
    """``n`` bytes of the ring buffer's data area at ring position ``pos`` (wrapping around)."""
    start = PAGE + pos % size
    end = start + n
    if end <= PAGE + size:
        return bytes(buf[start:end])
    first = PAGE + size - start
    return bytes(buf[start:]) + bytes(buf[PAGE : PAGE + n - first])


def category(path: str, inode: int, kernel_inodes: set[int]) -> str:
    """Pure: which part of the process a mapping is (kernel, numpy, torch, runtime)."""
    if path.startswith("/memfd:") and inode in kernel_inodes or "libgomp" in path:
        return "kernel"
    if "/numpy" in path or "openblas" in path.lower():
        return "numpy"
    if "/torch/" in path:
        return "torch"
    return "runtime"


def attribute(
    ips: list[int], ranges: list[tuple[int, int, str, int]], kernel_inodes: set[int]
) -> Counter[str]:
    """Pure: sample counts per category ("unknown" for addresses outside every mapping)."""
    starts = [r[0] for r in ranges]
    counts: Counter[str] = Counter()
    for ip in ips:
        i = bisect.bisect_right(starts, ip) - 1
        if i >= 0 and ip < ranges[i][1]:
            counts[category(ranges[i][2], ranges[i][3], kernel_inodes)] += 1
        else:
            counts["unknown"] += 1
    return counts
