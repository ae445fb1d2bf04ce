import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

// grid-stride loop: a fixed grid covers any n; the scalar is read once per thread from device memory
__global__ void axpy_kernel(const float* __restrict__ a, const float* __restrict__ x,
                            const float* __restrict__ y, float* __restrict__ out, int64_t n) {
    const float s = *a;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        out[i] = s * x[i] + y[i];
}

extern "C" void axpy_f32(const float* a, const float* x, const float* y, float* out, int64_t n) {
    if (n <= 0) return;
    const int threads = 256;
    int64_t blocks = (n + threads - 1) / threads;
    if (blocks > 65535 * 8) blocks = 65535 * 8;
    axpy_kernel<<<(unsigned)blocks, threads>>>(a, x, y, out, n);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
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
