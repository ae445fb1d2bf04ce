"""Build CUDA sources with nvcc: a cached shared library to load with ctypes, and the ptxas report.

Kernel files call ``load_cuda(CUDA_SOURCE)`` and launch through ``extern "C"`` host functions that
take device pointers. Without a GPU only the compile check and the resource report are possible.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from chipsmith.tools.kernels.cpp_runtime import CompileError, _writable_dir, cache_dir, provided_library

NVCC_FLAGS = ["-O3", "-shared", "-Xcompiler", "-fPIC"]
DEFAULT_ARCH = os.environ.get("CHIPSMITH_CUDA_ARCH", "sm_90")


@dataclass
class PtxasKernel:
    """ptxas's resource usage for one entry function (a dataclass: no pydantic needed on GPU hosts)."""

    name: str
    registers: int | None = None
    smem_bytes: int = 0
    stack_bytes: int = 0
    spill_stores: int = 0
    spill_loads: int = 0


def build_command(src: Path, out: Path, arch: str = DEFAULT_ARCH) -> list[str]:
    """Pure: nvcc into a shared library."""
    return ["nvcc", *NVCC_FLAGS, f"-arch={arch}", str(src), "-o", str(out)]


def ptxas_command(src: Path, out: Path, arch: str = DEFAULT_ARCH) -> list[str]:
    """Pure: nvcc compile-only with ptxas's verbose resource report."""
    return ["nvcc", "-c", "-Xptxas", "-v", f"-arch={arch}", str(src), "-o", str(out)]


_ENTRY = re.compile(r"Compiling entry function '([^']+)'")
_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_USED = re.compile(r"Used (\d+) registers")
_SMEM = re.compile(r"(\d+) bytes smem")


def parse_ptxas(log: str) -> list[PtxasKernel]:
    """Pure: per-kernel registers, shared memory, stack and spills from ``-Xptxas -v`` output."""
    kernels: list[PtxasKernel] = []
    for line in log.splitlines():
        if m := _ENTRY.search(line):
            kernels.append(PtxasKernel(name=m.group(1)))
        elif kernels and (m := _FRAME.search(line)):
            k = kernels[-1]
            k.stack_bytes, k.spill_stores, k.spill_loads = (int(g) for g in m.groups())
        elif kernels and (m := _USED.search(line)):
            kernels[-1].registers = int(m.group(1))
            if s := _SMEM.search(line):
                kernels[-1].smem_bytes = int(s.group(1))
    return kernels


def _digest(source: str, flags: list[str]) -> str:
    return hashlib.sha256((source + " ".join(flags)).encode()).hexdigest()[:20]


def ptxas_report(source: str, arch: str = DEFAULT_ARCH, timeout_s: float = 120.0) -> list[PtxasKernel]:
    """Compile only, returning ptxas's report; ``CompileError`` with nvcc's first error otherwise."""
    with tempfile.TemporaryDirectory(prefix="chipsmith-cu-") as tmp:
        src = Path(tmp) / "k.cu"
        src.write_text(source)
        try:
            proc = subprocess.run(
                ptxas_command(src, Path(tmp) / "k.o", arch), capture_output=True, text=True, timeout=timeout_s
            )
        except FileNotFoundError as exc:
            raise CompileError("nvcc not found: install the CUDA toolkit") from exc
    if proc.returncode != 0:
        errs = (
            [ln for ln in proc.stderr.splitlines() if "error" in ln]
            or proc.stderr.splitlines()[-1:]
            or ["nvcc failed"]
        )
        raise CompileError(errs[0].strip())
    return parse_ptxas(proc.stdout + proc.stderr)


def library_key(source: str, arch: str = DEFAULT_ARCH) -> str:
    return _digest(source, [*NVCC_FLAGS, arch])


def build_cuda(source: str, arch: str = DEFAULT_ARCH) -> Path:
    """Build ``source`` into a cached shared library (by hash) and return its path."""
    lib = cache_dir() / f"cu_{library_key(source, arch)}.so"
    if lib.exists():
        return lib
    lib = _writable_dir() / lib.name
    if lib.exists():
        return lib
    src = lib.with_suffix(".cu")
    src.write_text(source)
    tmp = lib.with_suffix(f".{os.getpid()}.tmp.so")
    proc = subprocess.run(build_command(src, tmp, arch), capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise CompileError(proc.stderr.strip() or "nvcc failed")
    os.replace(tmp, lib)
    return lib


def load_cuda(source: str) -> ctypes.CDLL:
    """Build (or reuse) and load a CUDA source with ``extern "C"`` host launchers (inside a harness
    worker: the verified library the supervisor handed over)."""
    return ctypes.CDLL(provided_library(library_key(source)) or str(build_cuda(source)))
