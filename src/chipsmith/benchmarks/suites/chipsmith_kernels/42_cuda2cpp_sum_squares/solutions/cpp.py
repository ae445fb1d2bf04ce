import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

#define BLOCK 256

// the CUDA blocks become chunks of BLOCK elements, each summed in float (vectorised, like a
// block's tree), the chunk totals accumulated in double by an OpenMP reduction instead of atomics:
// a float running sum over 1M squares would lose ~1e-4 relative
extern "C" void sum_squares_f32(const float* __restrict x, float* __restrict out, int64_t n) {
    double total = 0.0;
    #pragma omp parallel for reduction(+ : total) schedule(static) if (n > 65536)
    for (int64_t c = 0; c < n; c += BLOCK) {
        const int64_t hi = c + BLOCK < n ? c + BLOCK : n;
        float s = 0.0f;
        #pragma omp simd reduction(+ : s)
        for (int64_t i = c; i < hi; ++i) s += x[i] * x[i];
        total += s;
    }
    *out = (float)total;
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.sum_squares_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        _lib.sum_squares_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        out = torch.empty((), dtype=x.dtype, device=x.device)
        _kernels().sum_squares_f32(_p(x), _p(out), ctypes.c_int64(x.numel()))
        return out
