import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

#define BT 32   // output tile (BT x BT) per block
#define KT 16   // K step
#define RT 2    // each of the 16 x 16 threads computes RT x RT outputs

// both operands are K-contiguous; they are staged K-major in shared memory (padded by one to avoid
// bank conflicts) so the inner loop reads a column of A and a column of B^T
__global__ void bmm_nt_kernel(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ out,
                              int64_t m, int64_t n, int64_t k, float scale) {
    __shared__ float sa[KT][BT + 1];
    __shared__ float sb[KT][BT + 1];
    const int64_t batch = blockIdx.z;
    const float* ab = a + batch * m * k;
    const float* bb = b + batch * n * k;
    const int64_t row0 = (int64_t)blockIdx.y * BT, col0 = (int64_t)blockIdx.x * BT;
    const int tid = threadIdx.y * 16 + threadIdx.x;
    float acc[RT][RT] = {{0.0f, 0.0f}, {0.0f, 0.0f}};
    for (int64_t k0 = 0; k0 < k; k0 += KT) {
        for (int e = tid; e < BT * KT; e += 256) {  // 512 elements of each tile, 2 per thread
            const int r = e / KT, kk = e % KT;
            const int64_t gk = k0 + kk;
            sa[kk][r] = (row0 + r < m && gk < k) ? ab[(row0 + r) * k + gk] : 0.0f;
            sb[kk][r] = (col0 + r < n && gk < k) ? bb[(col0 + r) * k + gk] : 0.0f;
        }
        __syncthreads();
        #pragma unroll
        for (int kk = 0; kk < KT; ++kk) {
            float av[RT], bv[RT];
            for (int t = 0; t < RT; ++t) {
                av[t] = sa[kk][threadIdx.y * RT + t];
                bv[t] = sb[kk][threadIdx.x * RT + t];
            }
            for (int u = 0; u < RT; ++u)
                for (int v = 0; v < RT; ++v) acc[u][v] += av[u] * bv[v];
        }
        __syncthreads();
    }
    for (int u = 0; u < RT; ++u)
        for (int v = 0; v < RT; ++v) {
            const int64_t i = row0 + threadIdx.y * RT + u, j = col0 + threadIdx.x * RT + v;
            if (i < m && j < n) out[batch * m * n + i * n + j] = scale * acc[u][v];
        }
}

extern "C" void bmm_nt_f32(const float* a, const float* b, float* out, int64_t batch, int64_t m, int64_t n,
                           int64_t k, float scale) {
    if (batch <= 0 || m <= 0 || n <= 0) return;
    dim3 block(16, 16);
    dim3 grid((unsigned)((n + BT - 1) / BT), (unsigned)((m + BT - 1) / BT), (unsigned)batch);
    bmm_nt_kernel<<<grid, block>>>(a, b, out, m, n, k, scale);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
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
