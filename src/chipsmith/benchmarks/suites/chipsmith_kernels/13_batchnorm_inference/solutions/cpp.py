import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cmath>
#include <cstdint>

extern "C" void batchnorm_f32(const float* __restrict x, const float* __restrict mean, const float* __restrict var,
                              const float* __restrict w, const float* __restrict b, float* __restrict out,
                              int64_t n, int64_t c, int64_t hw, float eps) {
    #pragma omp parallel for schedule(static) if (n * c * hw > 32768)
    for (int64_t p = 0; p < n * c; ++p) {
        const int64_t ch = p % c;
        const float scale = w[ch] / sqrtf(var[ch] + eps);
        const float mu = mean[ch], beta = b[ch];
        const float* xp = x + p * hw;
        float* op = out + p * hw;
        #pragma omp simd
        for (int64_t i = 0; i < hw; ++i) op[i] = (xp[i] - mu) * scale + beta;
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
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
