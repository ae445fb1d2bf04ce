import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cmath>
#include <cstdint>

// a warp per row becomes a row per loop iteration; the shuffle reduction becomes a SIMD reduction
extern "C" void row_l2norm_f32(const float* __restrict x, float* __restrict out, int64_t rows, int64_t cols) {
    #pragma omp parallel for schedule(static) if (rows * cols > 65536)
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = x + r * cols;
        float s = 0.0f;
        #pragma omp simd reduction(+ : s)
        for (int64_t c = 0; c < cols; ++c) s += xr[c] * xr[c];
        const float norm = std::fmax(std::sqrt(s), 1e-12f);
        float* o = out + r * cols;
        #pragma omp simd
        for (int64_t c = 0; c < cols; ++c) o[c] = xr[c] / norm;
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.row_l2norm_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
        _lib.row_l2norm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        rows, cols = x.shape
        out = torch.empty_like(x)
        _kernels().row_l2norm_f32(_p(x), _p(out), ctypes.c_int64(rows), ctypes.c_int64(cols))
        return out
