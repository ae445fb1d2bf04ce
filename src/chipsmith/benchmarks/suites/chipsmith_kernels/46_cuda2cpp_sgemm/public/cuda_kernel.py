import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

#define TILE 16

// classic shared-memory tiling: the block loads a TILE x TILE tile of A and of B per K step
// (zeros past the edges), every thread accumulates one output
__global__ void sgemm_kernel(const float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ c,
                             float* __restrict__ out, int64_t m, int64_t n, int64_t k, float alpha, float beta) {
    __shared__ float ta[TILE][TILE];
    __shared__ float tb[TILE][TILE];
    const int64_t row = (int64_t)blockIdx.y * TILE + threadIdx.y;
    const int64_t col = (int64_t)blockIdx.x * TILE + threadIdx.x;
    float acc = 0.0f;
    for (int64_t k0 = 0; k0 < k; k0 += TILE) {
        const int64_t ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
        ta[threadIdx.y][threadIdx.x] = (row < m && ka < k) ? a[row * k + ka] : 0.0f;
        tb[threadIdx.y][threadIdx.x] = (kb < k && col < n) ? b[kb * n + col] : 0.0f;
        __syncthreads();
        #pragma unroll
        for (int t = 0; t < TILE; ++t) acc += ta[threadIdx.y][t] * tb[t][threadIdx.x];
        __syncthreads();
    }
    if (row < m && col < n) out[row * n + col] = alpha * acc + beta * c[row * n + col];
}

extern "C" void sgemm_f32(const float* a, const float* b, const float* c, float* out, int64_t m, int64_t n,
                          int64_t k, float alpha, float beta) {
    if (m <= 0 || n <= 0) return;
    dim3 block(TILE, TILE);
    dim3 grid((unsigned)((n + TILE - 1) / TILE), (unsigned)((m + TILE - 1) / TILE));
    sgemm_kernel<<<grid, block>>>(a, b, c, out, m, n, k, alpha, beta);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.sgemm_f32.argtypes = [ctypes.c_void_p] * 4 + [ctypes.c_int64] * 3 + [ctypes.c_float] * 2
        _lib.sgemm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        a, b, c = a.contiguous(), b.contiguous(), c.contiguous()
        m, k = a.shape
        n = b.shape[1]
        out = torch.empty(m, n, dtype=a.dtype, device=a.device)
        _kernels().sgemm_f32(
            _p(a),
            _p(b),
            _p(c),
            _p(out),
            ctypes.c_int64(m),
            ctypes.c_int64(n),
            ctypes.c_int64(k),
            ctypes.c_float(self.alpha),
            ctypes.c_float(self.beta),
        )
        return out
