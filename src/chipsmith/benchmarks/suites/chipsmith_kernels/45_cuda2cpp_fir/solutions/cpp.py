import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>

// constant memory becomes a local copy of the taps; the shared-memory halo becomes bounds-checked
// edges, and the interior (where every tap is inside the signal) runs branch-free and vectorised
extern "C" void fir_f32(const float* __restrict x, const float* __restrict w, float* __restrict out,
                        int64_t batch, int64_t len, int64_t taps) {
    const int64_t radius = taps / 2;
    #pragma omp parallel for schedule(static) if (batch * len * taps > 262144)
    for (int64_t b = 0; b < batch; ++b) {
        const float* xs = x + b * len;
        float* o = out + b * len;
        const int64_t lo = radius < len ? radius : len;
        const int64_t hi = len - radius > lo ? len - radius : lo;
        for (int64_t i = 0; i < len; ++i) {
            if (i == lo) i = hi;  // skip the interior here; it is done below
            if (i >= len) break;
            float acc = 0.0f;
            for (int64_t k = 0; k < taps; ++k) {
                const int64_t j = i + k - radius;
                if (j >= 0 && j < len) acc += w[k] * xs[j];
            }
            o[i] = acc;
        }
        #pragma omp simd
        for (int64_t i = lo; i < hi; ++i) {
            float acc = 0.0f;
            for (int64_t k = 0; k < taps; ++k) acc += w[k] * xs[i + k - radius];
            o[i] = acc;
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
        _lib.fir_f32.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 3
        _lib.fir_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, taps: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(taps) / taps**0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        b, n = x.shape
        w = self.weight.detach().contiguous()
        out = torch.empty_like(x)
        _kernels().fir_f32(
            _p(x), _p(w), _p(out), ctypes.c_int64(b), ctypes.c_int64(n), ctypes.c_int64(w.numel())
        )
        return out
