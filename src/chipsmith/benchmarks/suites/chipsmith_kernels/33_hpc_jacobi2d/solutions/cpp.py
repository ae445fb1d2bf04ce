import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

extern "C" void jacobi2d_f32(const float* __restrict u, const float* __restrict f, float* __restrict out,
                             int64_t h, int64_t w) {
    #pragma omp parallel for schedule(static) if (h * w > 262144)
    for (int64_t i = 0; i < h; ++i) {
        const float* c = u + i * w;
        float* o = out + i * w;
        if (i == 0 || i == h - 1 || w < 3) {
            for (int64_t j = 0; j < w; ++j) o[j] = c[j];
            continue;
        }
        const float* n = c - w;
        const float* s = c + w;
        const float* fr = f + i * w;
        o[0] = c[0];
        #pragma omp simd
        for (int64_t j = 1; j < w - 1; ++j) o[j] = 0.25f * ((((n[j] + s[j]) + c[j - 1]) + c[j + 1]) + fr[j]);
        o[w - 1] = c[w - 1];
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
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
