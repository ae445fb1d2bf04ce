import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

// both operands are K-contiguous, so each output is a dot product of two contiguous rows: the
// shared-memory staging disappears; a 2 x 2 register tile (as in the CUDA threads) reuses each
// loaded row twice, and the K loop vectorises
extern "C" void bmm_nt_f32(const float* __restrict a, const float* __restrict b, float* __restrict out,
                           int64_t batch, int64_t m, int64_t n, int64_t k, float scale) {
    #pragma omp parallel for collapse(2) schedule(static) if (batch * m * n * k > 1000000)
    for (int64_t z = 0; z < batch; ++z) {
        for (int64_t i0 = 0; i0 < m; i0 += 2) {
            const float* ab = a + z * m * k;
            const float* bb = b + z * n * k;
            float* o = out + z * m * n;
            const int64_t i1 = i0 + 1 < m ? i0 + 1 : i0;  // last odd row: compute it twice
            for (int64_t j0 = 0; j0 < n; j0 += 2) {
                const int64_t j1 = j0 + 1 < n ? j0 + 1 : j0;
                const float *a0 = ab + i0 * k, *a1 = ab + i1 * k, *b0 = bb + j0 * k, *b1 = bb + j1 * k;
                float s00 = 0.0f, s01 = 0.0f, s10 = 0.0f, s11 = 0.0f;
                #pragma omp simd reduction(+ : s00, s01, s10, s11)
                for (int64_t t = 0; t < k; ++t) {
                    s00 += a0[t] * b0[t];
                    s01 += a0[t] * b1[t];
                    s10 += a1[t] * b0[t];
                    s11 += a1[t] * b1[t];
                }
                o[i0 * n + j0] = scale * s00;
                o[i0 * n + j1] = scale * s01;
                o[i1 * n + j0] = scale * s10;
                o[i1 * n + j1] = scale * s11;
            }
        }
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.bmm_nt_f32.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 4 + [ctypes.c_float]
        _lib.bmm_nt_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = float(scale)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        a, b = a.contiguous(), b.contiguous()
        batch, m, k = a.shape
        n = b.shape[1]
        out = torch.empty(batch, m, n, dtype=a.dtype, device=a.device)
        _kernels().bmm_nt_f32(
            _p(a),
            _p(b),
            _p(out),
            ctypes.c_int64(batch),
            ctypes.c_int64(m),
            ctypes.c_int64(n),
            ctypes.c_int64(k),
            ctypes.c_float(self.scale),
        )
        return out
