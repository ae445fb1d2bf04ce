"""Roofline figures: this machine's peaks (measured once, cached with its identity) and where a
timed kernel sits under them.

``machine_peaks(device)`` returns the sustained memory bandwidth (a STREAM-style triad built by
the cpp backend) and the peak float32 GEMM rate (torch) of this machine, measured in a subprocess
(``_roofline_measure``) the first time and cached under the user cache dir
(``~/.cache/chipsmith/roofline/<device>-<key>.json``; ``CHIPSMITH_ROOFLINE_DIR`` moves it), keyed by
the machine's identity: CPU model, core count and a hash of the hostname (a GPU's model instead of
the CPU's on a GPU). A file lock makes concurrent first callers wait for one measurement.

``achieved(flops, bytes, ms, peaks)`` (pure) turns a task's declared work and a measured time into
achieved GFLOP/s and GB/s, their fractions of the peaks, the arithmetic intensity, whether the
kernel is memory- or compute-bound at that intensity (the ridge point), and the roofline fraction:
achieved GFLOP/s over what the roofline allows at that intensity, min(peak, intensity x bandwidth).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Device = Literal["cpu", "cuda"]
VERSION = 2
"""Bump when the measurement changes: older cache files are then measured again."""
MEASURE_TIMEOUT_S = 600.0


class RooflineError(RuntimeError):
    """The peaks could not be measured; the message is one line."""


class MachineId(BaseModel):
    """What a cached measurement belongs to."""

    device: Device
    model: str
    cores: int
    host: str
    """sha256 of the hostname, first 12 hex digits (the name itself is not stored)."""

    def key(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


class Peaks(BaseModel):
    """One machine's measured peaks."""

    machine: MachineId
    bandwidth_gbs: float
    """Sustained memory bandwidth, GB/s (triad: the better of every core and one core)."""
    gflops: float
    """Peak float32 GEMM rate, GFLOP/s."""
    bandwidth_1t_gbs: float | None = None
    """The triad on one core (CPU only)."""
    threads: int | None = None
    measured_at: float = 0.0
    load_avg: float | None = None
    """The 1-minute load average when measured: a busy machine measures low."""
    details: dict[str, object] = Field(default_factory=dict)
    version: int = VERSION

    @property
    def ridge(self) -> float:
        """FLOP per byte where the roofline turns from memory- to compute-bound."""
        return self.gflops / self.bandwidth_gbs if self.bandwidth_gbs > 0 else float("inf")


class Roofline(BaseModel):
    """Where one timed kernel sits under this machine's roofline."""

    flops: int
    bytes: int
    ms: float
    intensity: float
    """FLOP per byte of compulsory traffic."""
    gflops: float
    gbs: float
    bandwidth_fraction: float
    flops_fraction: float
    attainable_gflops: float
    roofline_fraction: float
    """Achieved GFLOP/s over min(peak GFLOP/s, intensity x bandwidth)."""
    bound: Literal["memory", "compute"]
    machine: str
    """The peaks' machine key and device, e.g. ``cpu-3f2a...``."""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine() or "unknown"


def _gpu_model() -> str | None:
    """The first NVIDIA GPU's model from the driver's /proc files (no torch import)."""
    root = Path("/proc/driver/nvidia/gpus")
    try:
        for info in sorted(root.glob("*/information")):
            for line in info.read_text().splitlines():
                if line.startswith("Model:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def identity(device: Device = "cpu") -> MachineId:
    host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:12]
    model = (_gpu_model() or "unknown GPU") if device == "cuda" else _cpu_model()
    return MachineId(device=device, model=model, cores=os.cpu_count() or 1, host=host)


def cache_dir() -> Path:
    env = os.environ.get("CHIPSMITH_ROOFLINE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("chipsmith")) / "roofline"


def cache_path(mid: MachineId) -> Path:
    return cache_dir() / f"{mid.device}-{mid.key()}.json"


def cached_peaks(device: Device = "cpu") -> Peaks | None:
    """The cached peaks of this machine (None when not measured yet, or measured differently)."""
    mid = identity(device)
    try:
        peaks = Peaks.model_validate_json(cache_path(mid).read_text())
    except (OSError, ValueError):
        return None
    return peaks if peaks.version == VERSION and peaks.machine == mid else None


def measure_command(device: Device) -> list[str]:
    """Pure: the subprocess that measures (heavy imports and threads stay out of the caller)."""
    return [sys.executable, "-m", "chipsmith.tools.kernels._roofline_measure", device]


def parse_measurement(stdout: str, mid: MachineId, load_avg: float | None) -> Peaks:
    """Pure: the measuring process's JSON line -> ``Peaks`` (``RooflineError`` on an error)."""
    lines = [ln for ln in stdout.strip().splitlines() if ln.startswith("{")]
    try:
        data = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise RooflineError(
            f"the roofline measurement printed no result: {stdout.strip()[-200:]!r}"
        ) from None
    if "error" in data:
        raise RooflineError(f"the roofline measurement failed: {data['error']}")
    bw, gf = data.get("bandwidth_gbs"), data.get("gflops")
    if not isinstance(bw, int | float) or not isinstance(gf, int | float) or bw <= 0 or gf <= 0:
        raise RooflineError(f"the roofline measurement gave no usable peaks: {data!r}"[:300])
    return Peaks(
        machine=mid, bandwidth_gbs=float(bw), gflops=float(gf), bandwidth_1t_gbs=data.get("bandwidth_1t_gbs"),
        threads=data.get("threads"), measured_at=time.time(), load_avg=load_avg, details=data.get("details") or {},
    )  # fmt: skip


def _measure(mid: MachineId) -> Peaks:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    env.pop("OMP_NUM_THREADS", None)  # every core: the harness gives kernels cpu_count threads too
    try:
        proc = subprocess.run(
            measure_command(mid.device), capture_output=True, text=True, timeout=MEASURE_TIMEOUT_S, env=env
        )
    except subprocess.TimeoutExpired:
        raise RooflineError(f"the roofline measurement took over {MEASURE_TIMEOUT_S:g} s") from None
    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    if proc.returncode != 0 and "{" not in proc.stdout:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise RooflineError(f"the roofline measurement failed: {tail}")
    return parse_measurement(proc.stdout, mid, load)


def machine_peaks(device: Device = "cpu", *, refresh: bool = False) -> Peaks:
    """This machine's peaks: cached, else measured once (concurrent callers wait on a file lock)."""
    import fcntl

    if not refresh and (peaks := cached_peaks(device)) is not None:
        return peaks
    mid = identity(device)
    path = cache_path(mid)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not refresh and (peaks := cached_peaks(device)) is not None:
            return peaks  # measured by another process while this one waited
        peaks = _measure(mid)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(peaks.model_dump_json(indent=1))
        os.replace(tmp, path)
    return peaks


def achieved(flops: int, nbytes: int, ms: float, peaks: Peaks) -> Roofline:
    """Pure: a kernel's achieved rates and fractions for ``flops`` and ``nbytes`` done in ``ms``."""
    if ms <= 0:
        raise ValueError("a roofline needs a positive time")
    seconds = ms / 1e3
    gflops, gbs = flops / seconds / 1e9, nbytes / seconds / 1e9
    intensity = flops / nbytes if nbytes > 0 else float("inf")
    attainable = min(peaks.gflops, intensity * peaks.bandwidth_gbs)
    return Roofline(
        flops=flops, bytes=nbytes, ms=ms, intensity=intensity, gflops=gflops, gbs=gbs,
        bandwidth_fraction=gbs / peaks.bandwidth_gbs, flops_fraction=gflops / peaks.gflops,
        attainable_gflops=attainable, roofline_fraction=gflops / attainable if attainable > 0 else 0.0,
        bound="memory" if intensity < peaks.ridge else "compute",
        machine=f"{peaks.machine.device}-{peaks.machine.key()}",
    )  # fmt: skip


def describe(peaks: Peaks) -> list[str]:
    """Pure: lines for ``chipsmith kernel roofline``."""
    m = peaks.machine
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(peaks.measured_at)) if peaks.measured_at else "?"
    lines = [
        f"machine: {m.device} {m.model}, {m.cores} cores, host hash {m.host} (key {m.key()})",
        f"memory bandwidth: {peaks.bandwidth_gbs:.1f} GB/s (STREAM triad, the better of {peaks.threads or '?'} "
        "threads and 1)",
    ]
    if peaks.bandwidth_1t_gbs:
        lines.append(f"memory bandwidth, one core: {peaks.bandwidth_1t_gbs:.1f} GB/s")
    lines += [
        f"peak float32 GEMM: {peaks.gflops:.1f} GFLOP/s",
        f"ridge point: {peaks.ridge:.2f} FLOP/byte (below: memory-bound)",
        f"measured: {when}, load average {peaks.load_avg if peaks.load_avg is not None else '?'}",
    ]
    return lines
