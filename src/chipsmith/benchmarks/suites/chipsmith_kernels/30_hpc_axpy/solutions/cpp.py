import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

extern "C" void axpy_f32(const float* a, const float* __restrict x, const float* __restrict y,
                         float* __restrict out, int64_t n) {
    const float s = *a;
    #pragma omp parallel for simd schedule(static) if (n > 262144)
    for (int64_t i = 0; i < n; ++i) out[i] = s * x[i] + y[i];
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.axpy_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
        ]
        _lib.axpy_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        a, x, y = a.contiguous(), x.contiguous(), y.contiguous()
        out = torch.empty_like(x)
        _kernels().axpy_f32(_p(a), _p(x), _p(y), _p(out), ctypes.c_int64(x.numel()))
        return out
