"""The built-in kernel backends (imported by ``KERNEL_BACKENDS`` on first lookup).

Each backend is one class in its own module, registered with ``@KERNEL_BACKENDS.register``;
importing this module registers them all. ``get_backend(name)`` builds one.
"""

from __future__ import annotations

from chipsmith.tools.kernels import cpp_backend, cuda_backend, torch_backend, triton_backend
from chipsmith.tools.kernels.base import CompileResult, KernelBackend

__all__ = [
    "CompileResult",
    "KernelBackend",
    "get_backend",
    "cpp_backend",
    "cuda_backend",
    "torch_backend",
    "triton_backend",
]


def get_backend(name: str) -> KernelBackend:
    """An instance of the backend called ``name`` (a clear UnknownNameError otherwise)."""
    from chipsmith.registry import KERNEL_BACKENDS

    return KERNEL_BACKENDS.get(name)()  # type: ignore[no-any-return]
