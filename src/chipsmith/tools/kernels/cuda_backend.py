"""The ``cuda`` backend: nvcc compile check and ptxas resource report anywhere; runs on a GPU."""

from __future__ import annotations

import ast
import shutil
import time
from dataclasses import asdict

from chipsmith.registry import KERNEL_BACKENDS
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.base import CompileResult, KernelBackend, gpu_present, string_constant
from chipsmith.tools.kernels.cpp_backend import DIAGNOSTIC_CHARS
from chipsmith.tools.kernels.cpp_runtime import CompileError


@KERNEL_BACKENDS.register("cuda")
class CudaBackend(KernelBackend):
    """CUDA C++ kernels behind ``extern "C"`` launchers, loaded with ctypes."""

    name = "cuda"

    def device(self) -> str:
        return "cuda"

    def can_run(self) -> str | None:
        return None if gpu_present() else "no NVIDIA GPU here: the CUDA kernel was compile-checked only"

    def libraries(self, src: str) -> list[tuple[str, bytes]]:
        from chipsmith.tools.kernels.cuda_runtime import build_cuda, library_key

        cu = string_constant(src, "CUDA_SOURCE")
        if cu is None or not gpu_present():
            return []
        return [(library_key(cu), build_cuda(cu).read_bytes())]

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
        found: list[Finding] = []
        try:
            kernels = ptxas_report(cu)
            if gpu_present():
                found = cuda_symbol_findings(build_cuda(cu).read_bytes())
        except CompileError as exc:
            return CompileResult(
                ok=False, message=str(exc)[:400], seconds=time.perf_counter() - t0,
                report={"diagnostics": str(exc)[:DIAGNOSTIC_CHARS]},
            )  # fmt: skip
        report = {"ptxas": [asdict(k) for k in kernels]}
        return CompileResult(ok=True, seconds=time.perf_counter() - t0, report=report, findings=found)


def cuda_symbol_findings(lib: bytes) -> list[Finding]:
    """The symbol allowlist for CUDA libraries: the C/C++ runtime plus CUDA's own runtime (whose
    static part loads the driver, so the loader calls are allowed here), nothing else."""
    from chipsmith.tools.kernels.elfcheck import CUDA_LIBS, symbol_problems

    return [
        Finding(check="symbols", message=f"the compiled library {p}", mechanism="symbols")
        for p in symbol_problems(lib, CUDA_LIBS, allow_loader=True)
    ]
