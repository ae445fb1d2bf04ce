import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cmath>
#include <cstdint>

extern "C" void add_layernorm_f32(const float* __restrict x, const float* __restrict res, const float* __restrict w, const float* __restrict b, float* __restrict out, int64_t rows, int64_t cols, float eps) {
    #pragma omp parallel for schedule(static) if (rows * cols > 16384)
    for (int64_t r = 0; r < rows; ++r) {
        float* o = out + r * cols;
        // the sum lands in the output row first, so x + residual is formed once
        const float* xa = x + r * cols;
        const float* ra = res + r * cols;
        #pragma omp simd
        for (int64_t c = 0; c < cols; ++c) o[c] = xa[c] + ra[c];
        const float* xr = o;
        float mean = 0.0f, var = 0.0f;
        #pragma omp simd reduction(+ : mean)
        for (int64_t c = 0; c < cols; ++c) mean += xr[c];
        mean /= (float)cols;
        #pragma omp simd reduction(+ : var)
        for (int64_t c = 0; c < cols; ++c) { float d = xr[c] - mean; var += d * d; }
        const float rstd = 1.0f / sqrtf(var / (float)cols + eps);
        #pragma omp simd
        for (int64_t c = 0; c < cols; ++c) o[c] = (xr[c] - mean) * rstd * w[c] + b[c];
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.add_layernorm_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_float,
        ]
        _lib.add_layernorm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, cols: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(cols))
        self.bias = nn.Parameter(torch.randn(cols))

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        rows, cols = x.shape
        out = torch.empty_like(x)
        _kernels().add_layernorm_f32(
            _p(x.contiguous()),
            _p(residual.contiguous()),
            _p(self.weight.contiguous()),
            _p(self.bias.contiguous()),
            _p(out),
            ctypes.c_int64(rows),
            ctypes.c_int64(cols),
            ctypes.c_float(self.eps),
        )
        return out
