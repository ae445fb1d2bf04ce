import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

__global__ void axpby_kernel(const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ out,
                             int64_t n, float alpha, float beta) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = alpha * x[i] + beta * y[i];
}

extern "C" void axpby_f32(const float* x, const float* y, float* out, int64_t n, float alpha, float beta) {
    const int threads = 256;
    int64_t blocks = (n + threads - 1) / threads;
    if (blocks > 0) axpby_kernel<<<(unsigned)blocks, threads>>>(x, y, out, n, alpha, beta);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.axpby_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_float,
            ctypes.c_float,
        ]
        _lib.axpby_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        x, y = x.contiguous(), y.contiguous()
        out = torch.empty_like(x)
        _kernels().axpby_f32(
            _p(x),
            _p(y),
            _p(out),
            ctypes.c_int64(x.numel()),
            ctypes.c_float(self.alpha),
            ctypes.c_float(self.beta),
        )
        return out
