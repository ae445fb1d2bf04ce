import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

// one thread per point; neighbours come from L1/L2 (each value is read by up to five threads)
__global__ void jacobi2d_kernel(const float* __restrict__ u, const float* __restrict__ f,
                                float* __restrict__ out, int64_t h, int64_t w) {
    const int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int64_t i = (int64_t)blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= h || j >= w) return;
    const int64_t at = i * w + j;
    if (i == 0 || i == h - 1 || j == 0 || j == w - 1) {
        out[at] = u[at];
        return;
    }
    out[at] = 0.25f * ((((u[at - w] + u[at + w]) + u[at - 1]) + u[at + 1]) + f[at]);
}

extern "C" void jacobi2d_f32(const float* u, const float* f, float* out, int64_t h, int64_t w) {
    if (h <= 0 || w <= 0) return;
    dim3 block(32, 8);
    dim3 grid((unsigned)((w + 31) / 32), (unsigned)((h + 7) / 8));
    jacobi2d_kernel<<<grid, block>>>(u, f, out, h, w);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.jacobi2d_f32.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 2
        _lib.jacobi2d_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, u: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        u, f = u.contiguous(), f.contiguous()
        h, w = u.shape
        out = torch.empty_like(u)
        _kernels().jacobi2d_f32(_p(u), _p(f), _p(out), ctypes.c_int64(h), ctypes.c_int64(w))
        return out
