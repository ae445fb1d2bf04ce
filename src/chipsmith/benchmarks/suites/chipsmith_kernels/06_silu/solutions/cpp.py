import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cmath>
#include <cstdint>

#include <cstring>

// exp(x) without a libm call, so loops around it vectorise (glibc's expf does not without
// -ffast-math): x = n ln2 + r (Cody-Waite split), exp(r) by a degree-6 polynomial, 2^n from the
// exponent bits. Relative error ~2e-7; inputs are clamped to [-87, 88] (exp(-87) ~ 1.6e-38 ~ 0).
static inline float vexpf(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    // round to nearest by adding and removing 1.5 * 2^23 (floorf stalled the vector loop 10x)
    const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f;
    const float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f + r * 0.0013888889f)))));
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

extern "C" void silu_f32(const float* __restrict x, float* __restrict out, int64_t n) {
    // threads only pay off past a few tens of thousands of elements
    #pragma omp parallel for simd schedule(static) if (n > 32768)
    for (int64_t i = 0; i < n; ++i) {
        float v = x[i];
        float y = v / (1.0f + vexpf(-v));
        out[i] = y;
    }
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cpp(CPP_SOURCE)
        _lib.silu_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        _lib.silu_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        out = torch.empty_like(x)
        _kernels().silu_f32(_p(x), _p(out), ctypes.c_int64(x.numel()))
        return out
