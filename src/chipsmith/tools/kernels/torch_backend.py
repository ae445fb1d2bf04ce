"""The ``torch`` backend: eager PyTorch, the baseline the reference control submits.

Torch compute is the point here, so the dispatch guard and the torch-compute / reference / fallback
static checks are off, and torch's own JIT code is accepted by the memory-map audit; patching,
threads, subclasses and raw-memory tricks are still refused.
"""

from __future__ import annotations

from chipsmith.registry import KERNEL_BACKENDS
from chipsmith.tools.kernels.anticheat import BASELINE_CHECKS
from chipsmith.tools.kernels.base import KernelBackend, gpu_present
from chipsmith.tools.kernels.harness import WorkerSetup


@KERNEL_BACKENDS.register("torch")
class TorchBackend(KernelBackend):
    """Eager PyTorch: speedup 1.0 by definition against itself."""

    name = "torch"
    static_checks = BASELINE_CHECKS
    guard = False

    def device(self) -> str:
        return "cuda" if gpu_present() else "cpu"

    def worker_setup(self, src: str) -> WorkerSetup:
        """Eager torch may generate code at run time (oneDNN's JIT for convolutions): accepted here."""
        return super().worker_setup(src).model_copy(update={"allow_jit": True})
