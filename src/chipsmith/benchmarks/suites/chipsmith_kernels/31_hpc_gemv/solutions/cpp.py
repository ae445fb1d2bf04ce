import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

#define CHUNK 512

// each thread owns a block of CHUNK columns and streams every row of A over it: A is read once,
// row-contiguously, and the accumulators stay in L1
extern "C" void gemv_t_f32(const float* __restrict a, const float* __restrict x, const float* __restrict y,
                           float* __restrict out, int64_t m, int64_t n, float alpha, float beta) {
    #pragma omp parallel for schedule(static) if (m * n > 262144)
    for (int64_t c0 = 0; c0 < n; c0 += CHUNK) {
        const int64_t len = n - c0 < CHUNK ? n - c0 : CHUNK;
        float acc[CHUNK];
        for (int64_t j = 0; j < len; ++j) acc[j] = 0.0f;
        int64_t i = 0;
        for (; i + 4 <= m; i += 4) {  // four rows per pass: a quarter of the accumulator traffic
            const float x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
            const float* r0 = a + i * n + c0;
            const float *r1 = r0 + n, *r2 = r0 + 2 * n, *r3 = r0 + 3 * n;
            #pragma omp simd
            for (int64_t j = 0; j < len; ++j) acc[j] += (r0[j] * x0 + r1[j] * x1) + (r2[j] * x2 + r3[j] * x3);
        }
        for (; i < m; ++i) {
            const float xi = x[i];
            const float* ar = a + i * n + c0;
            #pragma omp simd
            for (int64_t j = 0; j < len; ++j) acc[j] += ar[j] * xi;
        }
        for (int64_t j = 0; j < len; ++j) out[c0 + j] = alpha * acc[j] + beta * y[c0 + j];
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.gemv_t_f32.argtypes = [ctypes.c_void_p] * 4 + [ctypes.c_int64] * 2 + [ctypes.c_float] * 2
        _lib.gemv_t_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        a, x, y = a.contiguous(), x.contiguous(), y.contiguous()
        m, n = a.shape
        out = torch.empty(n, dtype=a.dtype, device=a.device)
        _kernels().gemv_t_f32(
            _p(a),
            _p(x),
            _p(y),
            _p(out),
            ctypes.c_int64(m),
            ctypes.c_int64(n),
            ctypes.c_float(self.alpha),
            ctypes.c_float(self.beta),
        )
        return out
