"""The ``cuda`` backend: nvcc compile check and ptxas resource report anywhere; runs on a GPU."""

from __future__ import annotations

import ast
import shutil
import time
from dataclasses import asdict

from chipsmith.registry import KERNEL_BACKENDS
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.base import CompileResult, KernelBackend, gpu_present, string_constant
from chipsmith.tools.kernels.cpp_runtime import CompileError, cache_dir


@KERNEL_BACKENDS.register("cuda")
class CudaBackend(KernelBackend):
    """CUDA C++ kernels behind ``extern "C"`` launchers, loaded with ctypes."""

    name = "cuda"

    def device(self) -> str:
        return "cuda"

    def can_run(self) -> str | None:
        return None if gpu_present() else "no NVIDIA GPU here: the CUDA kernel was compile-checked only"

    def worker_env(self) -> dict[str, str]:
        return {**super().worker_env(), "CHIPSMITH_KERNEL_CACHE": str(cache_dir())}

    def structure(self, tree: ast.Module, src: str) -> list[Finding]:
        cu = string_constant(src, "CUDA_SOURCE")
        if cu is None:
            return [Finding(check="no-kernel", message="no literal CUDA_SOURCE string")]
        out = []
        if "__global__" not in cu:
            out.append(Finding(check="no-kernel", message="CUDA_SOURCE defines no __global__ kernel"))
        if "load_cuda" not in src:
            out.append(Finding(check="no-kernel", message="the CUDA source is never loaded with load_cuda"))
        return out

    def compile(self, src: str) -> CompileResult:
        from chipsmith.tools.kernels.cuda_runtime import build_cuda, ptxas_report

        base = super().compile(src)
        if not base.ok:
            return base
        cu = string_constant(src, "CUDA_SOURCE")
        if cu is None:
            return CompileResult(ok=False, message="cuda candidate has no literal CUDA_SOURCE string")
        if shutil.which("nvcc") is None:
            return CompileResult(
                ok=False, message="nvcc not found: install the CUDA toolkit to check CUDA kernels"
            )
        t0 = time.perf_counter()
        try:
            kernels = ptxas_report(cu)
            if gpu_present():
                build_cuda(cu)
        except CompileError as exc:
            return CompileResult(ok=False, message=str(exc)[:400], seconds=time.perf_counter() - t0)
        report = {"ptxas": [asdict(k) for k in kernels]}
        return CompileResult(ok=True, seconds=time.perf_counter() - t0, report=report)
