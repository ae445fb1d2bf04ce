import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cmath>
#include <cstdint>
#include <vector>

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

extern "C" void causal_attention_f32(const float* __restrict q, const float* __restrict k, const float* __restrict v,
                                     float* __restrict out, int64_t B, int64_t T, int64_t D, float scale) {
    // one query row per iteration: scores for keys 0..i, a stable softmax, then a weighted sum of value rows
    #pragma omp parallel
    {
        std::vector<float> s(T);
        #pragma omp for schedule(dynamic, 8)
        for (int64_t r = 0; r < B * T; ++r) {
            const int64_t b = r / T, i = r % T;
            const float* qr = q + r * D;
            const float* kb = k + b * T * D;
            const float* vb = v + b * T * D;
            float m = -INFINITY;
            for (int64_t j = 0; j <= i; ++j) {
                const float* kr = kb + j * D;
                float dot = 0.0f;
                #pragma omp simd reduction(+ : dot)
                for (int64_t d = 0; d < D; ++d) dot += qr[d] * kr[d];
                s[j] = dot * scale;
                m = s[j] > m ? s[j] : m;
            }
            float sum = 0.0f;
            float* sp = s.data();
            #pragma omp simd reduction(+ : sum)
            for (int64_t j = 0; j <= i; ++j) { sp[j] = vexpf(sp[j] - m); sum += sp[j]; }
            float* o = out + r * D;
            for (int64_t d = 0; d < D; ++d) o[d] = 0.0f;
            for (int64_t j = 0; j <= i; ++j) {
                const float pj = s[j];
                const float* vr = vb + j * D;
                #pragma omp simd
                for (int64_t d = 0; d < D; ++d) o[d] += pj * vr[d];
            }
            const float inv = 1.0f / sum;
            for (int64_t d = 0; d < D; ++d) o[d] *= inv;
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
        _lib.causal_attention_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_float,
        ]
        _lib.causal_attention_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
        b, t, d = q.shape
        out = torch.empty_like(q)
        _kernels().causal_attention_f32(
            _p(q),
            _p(k),
            _p(v),
            _p(out),
            ctypes.c_int64(b),
            ctypes.c_int64(t),
            ctypes.c_int64(d),
            ctypes.c_float(d**-0.5),
        )
        return out
