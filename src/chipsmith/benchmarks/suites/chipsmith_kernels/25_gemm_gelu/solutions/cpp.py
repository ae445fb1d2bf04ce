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

extern "C" void gemm_gelu_f32(const float* __restrict a, const float* __restrict b, const float* __restrict bias, float* __restrict c,
                     int64_t M, int64_t N, int64_t K) {
    // W is (N, K): each output is a unit-stride dot product of an x row and a W row
    #pragma omp parallel for schedule(static) if (M * N * K > 65536)
    for (int64_t m = 0; m < M; ++m) {
        const float* xr = a + m * K;
        for (int64_t n = 0; n < N; ++n) {
            const float* wr = b + n * K;
            float v = 0.0f;
            #pragma omp simd reduction(+ : v)
            for (int64_t k = 0; k < K; ++k) v += xr[k] * wr[k];
            v += bias[n]; v = 0.5f * v * (1.0f + (1.0f - 2.0f / (vexpf(1.5957691216057308f * (v + 0.044715f * v * v * v)) + 1.0f))); c[m * N + n] = v;
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
        _lib.gemm_gelu_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
        ]
        _lib.gemm_gelu_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / in_features**0.5)
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = x.contiguous()
        w = self.weight.contiguous()
        m, k = a.shape
        n = w.shape[0]
        out = torch.empty(m, n, dtype=a.dtype, device=a.device)
        _kernels().gemm_gelu_f32(
            _p(a), _p(w), _p(self.bias), _p(out), ctypes.c_int64(m), ctypes.c_int64(n), ctypes.c_int64(k)
        )
        return out
