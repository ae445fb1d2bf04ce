import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

__global__ void batchnorm_kernel(const float* __restrict__ x, const float* __restrict__ mean, const float* __restrict__ var,
                                 const float* __restrict__ w, const float* __restrict__ b, float* __restrict__ out,
                                 int64_t total, int64_t c, int64_t hw, float eps) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    const int64_t ch = (i / hw) % c;
    out[i] = (x[i] - mean[ch]) * (w[ch] * rsqrtf(var[ch] + eps)) + b[ch];
}

extern "C" void batchnorm_f32(const float* x, const float* mean, const float* var, const float* w, const float* b,
                              float* out, int64_t n, int64_t c, int64_t hw, float eps) {
    int64_t total = n * c * hw;
    if (total > 0) batchnorm_kernel<<<(unsigned)((total + 255) / 256), 256>>>(x, mean, var, w, b, out, total, c, hw, eps);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.batchnorm_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_float,
        ]
        _lib.batchnorm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(channels))
        self.bias = nn.Parameter(torch.randn(channels))
        self.register_buffer("running_mean", torch.randn(channels) * 0.5)
        self.register_buffer("running_var", torch.rand(channels) + 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n, c, h, w = x.shape
        out = torch.empty_like(x)
        _kernels().batchnorm_f32(
            _p(x),
            _p(self.running_mean),
            _p(self.running_var),
            _p(self.weight),
            _p(self.bias),
            _p(out),
            ctypes.c_int64(n),
            ctypes.c_int64(c),
            ctypes.c_int64(h * w),
            ctypes.c_float(self.eps),
        )
        return out
