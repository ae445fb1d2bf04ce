"""The ``triton`` backend: native on a GPU; on a CPU, correctness only, in the Triton interpreter."""

from __future__ import annotations

import ast

from chipsmith.registry import KERNEL_BACKENDS
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.base import KernelBackend, gpu_present
from chipsmith.tools.kernels.harness import WorkerSetup


def _is_jit(dec: ast.expr) -> bool:
    target = dec.func if isinstance(dec, ast.Call) else dec
    return (isinstance(target, ast.Attribute) and target.attr in ("jit", "autotune")) or (
        isinstance(target, ast.Name) and target.id in ("jit", "autotune")
    )


@KERNEL_BACKENDS.register("triton")
class TritonBackend(KernelBackend):
    """Triton kernels; ``TRITON_INTERPRET=1`` on CPU tensors when there is no GPU."""

    name = "triton"

    def device(self) -> str:
        return "cuda" if gpu_present() else "cpu"

    def timing_meaningful(self) -> bool:
        return self.device() == "cuda"

    def worker_env(self) -> dict[str, str]:
        env = super().worker_env()
        if self.device() == "cpu":
            env["TRITON_INTERPRET"] = "1"
        env["TRITON_CACHE_DIR"] = ".triton-cache"
        return env

    def worker_setup(self, src: str) -> WorkerSetup:
        """Launches are recorded (each output must be a launch argument) and skipped in the ablation
        run; on a GPU, Triton's own compiled launchers in its cache may run."""
        setup = super().worker_setup(src)
        cache = [".triton-cache"] if self.device() == "cuda" else []
        return setup.model_copy(update={"launches": True, "ablation": True, "exec_dirs": cache})

    def structure(self, tree: ast.Module, src: str) -> list[Finding]:
        kernels = {
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and any(_is_jit(d) for d in n.decorator_list)
        }
        if not kernels:
            return [Finding(check="no-kernel", message="no @triton.jit kernel")]
        launched = any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Subscript)
            and isinstance(n.func.value, ast.Name)
            and n.func.value.id in kernels
            for n in ast.walk(tree)
        )
        if not launched:
            return [
                Finding(
                    check="no-kernel", message=f"no kernel[grid](...) launch of {', '.join(sorted(kernels))}"
                )
            ]
        return []
