"""The ``cpp`` backend: ``CPP_SOURCE`` built by g++ (OpenMP) into a cached .so, called via ctypes."""

from __future__ import annotations

import ast
import os
import time

from chipsmith.registry import KERNEL_BACKENDS
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.base import CompileResult, KernelBackend, string_constant
from chipsmith.tools.kernels.cpp_runtime import MARCH_ENV, CompileError, build_cpp, library_key

DIAGNOSTIC_CHARS = 6000
"""The compiler's diagnostics kept in a failed build's report (for an agent's feedback)."""


@KERNEL_BACKENDS.register("cpp")
class CppBackend(KernelBackend):
    """C++ kernels on the CPU: correctness and speed are both measurable here."""

    name = "cpp"

    def worker_env(self) -> dict[str, str]:
        # The worker names the verified library by the same key as the host, flags included.
        march = os.environ.get(MARCH_ENV)
        return super().worker_env() | ({MARCH_ENV: march} if march else {})

    def libraries(self, src: str) -> list[tuple[str, bytes]]:
        cpp = string_constant(src, "CPP_SOURCE")
        return [] if cpp is None else [(library_key(cpp), build_cpp(cpp).read_bytes())]

    def structure(self, tree: ast.Module, src: str) -> list[Finding]:
        out = []
        if string_constant(src, "CPP_SOURCE") is None:
            out.append(Finding(check="no-kernel", message="no literal CPP_SOURCE string"))
        if "load_cpp" not in src:
            out.append(Finding(check="no-kernel", message="the C++ source is never loaded with load_cpp"))
        return out

    def compile(self, src: str) -> CompileResult:
        base = super().compile(src)
        if not base.ok:
            return base
        cpp = string_constant(src, "CPP_SOURCE")
        if cpp is None:
            return CompileResult(ok=False, message="cpp candidate has no literal CPP_SOURCE string")
        t0 = time.perf_counter()
        try:
            lib = build_cpp(cpp)
        except CompileError as exc:
            return CompileResult(
                ok=False, message=str(exc).splitlines()[0][:400], seconds=time.perf_counter() - t0,
                report={"diagnostics": str(exc)[:DIAGNOSTIC_CHARS]},
            )  # fmt: skip
        from chipsmith.tools.kernels.elfcheck import symbol_problems

        found = [
            Finding(check="symbols", message=f"the compiled library {p}", mechanism="symbols")
            for p in symbol_problems(lib.read_bytes())
        ]
        return CompileResult(
            ok=True, seconds=time.perf_counter() - t0, report={"library": str(lib)}, findings=found
        )
