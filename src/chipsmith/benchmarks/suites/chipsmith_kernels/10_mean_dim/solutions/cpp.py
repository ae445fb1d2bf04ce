import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

extern "C" void mean_dim_f32(const float* __restrict x, float* __restrict out, int64_t nb, int64_t nr, int64_t nc) {
    // rows of x are added into the output row in place: unit-stride, vectorisable
    #pragma omp parallel for schedule(static) if (nb * nr * nc > 32768)
    for (int64_t b = 0; b < nb; ++b) {
        float* o = out + b * nc;
        for (int64_t c = 0; c < nc; ++c) o[c] = 0.0f;
        for (int64_t r = 0; r < nr; ++r) {
            const float* xr = x + (b * nr + r) * nc;
            #pragma omp simd
            for (int64_t c = 0; c < nc; ++c) o[c] += xr[c];
        }
        const float denom = (float)nr;
        for (int64_t c = 0; c < nc; ++c) o[c] /= denom;
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.mean_dim_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
        ]
        _lib.mean_dim_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        b, r, c = x.shape
        out = torch.empty(b, c, dtype=x.dtype, device=x.device)
        _kernels().mean_dim_f32(_p(x), _p(out), ctypes.c_int64(b), ctypes.c_int64(r), ctypes.c_int64(c))
        return out
