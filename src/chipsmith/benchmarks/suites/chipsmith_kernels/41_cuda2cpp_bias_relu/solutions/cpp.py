import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

// the plane grid becomes the parallel loop; the float4 path is the compiler's job (omp simd)
extern "C" void bias_relu_f32(const float* __restrict x, const float* __restrict bias, float* __restrict out,
                              int64_t n, int64_t c, int64_t hw) {
    const int64_t planes = n * c;
    #pragma omp parallel for schedule(static) if (planes * hw > 65536)
    for (int64_t p = 0; p < planes; ++p) {
        const float b = bias[p % c];
        const float* xp = x + p * hw;
        float* op = out + p * hw;
        #pragma omp simd
        for (int64_t i = 0; i < hw; ++i) {
            const float v = xp[i] + b;
            op[i] = v > 0.0f ? v : 0.0f;
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
        _lib.bias_relu_f32.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 3
        _lib.bias_relu_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.randn(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n, c, h, w = x.shape
        out = torch.empty_like(x)
        bias = self.bias.detach().contiguous()
        _kernels().bias_relu_f32(
            _p(x), _p(bias), _p(out), ctypes.c_int64(n), ctypes.c_int64(c), ctypes.c_int64(h * w)
        )
        return out
