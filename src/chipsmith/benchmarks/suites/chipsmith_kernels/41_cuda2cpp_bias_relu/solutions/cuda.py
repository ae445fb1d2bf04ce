import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

#define THREADS 256

// blockIdx.x picks the (n, c) plane, blockIdx.y and the threads stride over it; 16-byte loads
__global__ void bias_relu_vec4(const float4* __restrict__ x, const float* __restrict__ bias,
                               float4* __restrict__ out, int64_t hw4, int64_t channels) {
    const int64_t plane = blockIdx.x;
    const float b = bias[plane % channels];
    const float4* xp = x + plane * hw4;
    float4* op = out + plane * hw4;
    for (int64_t i = (int64_t)blockIdx.y * THREADS + threadIdx.x; i < hw4; i += (int64_t)gridDim.y * THREADS) {
        float4 v = xp[i];
        v.x = fmaxf(v.x + b, 0.0f);
        v.y = fmaxf(v.y + b, 0.0f);
        v.z = fmaxf(v.z + b, 0.0f);
        v.w = fmaxf(v.w + b, 0.0f);
        op[i] = v;
    }
}

__global__ void bias_relu_scalar(const float* __restrict__ x, const float* __restrict__ bias,
                                 float* __restrict__ out, int64_t hw, int64_t channels) {
    const int64_t plane = blockIdx.x;
    const float b = bias[plane % channels];
    for (int64_t i = (int64_t)blockIdx.y * THREADS + threadIdx.x; i < hw; i += (int64_t)gridDim.y * THREADS)
        out[plane * hw + i] = fmaxf(x[plane * hw + i] + b, 0.0f);
}

extern "C" void bias_relu_f32(const float* x, const float* bias, float* out, int64_t n, int64_t c, int64_t hw) {
    const int64_t planes = n * c;
    if (planes <= 0 || hw <= 0) return;
    const bool vec = hw % 4 == 0;
    const int64_t items = vec ? hw / 4 : hw;
    int64_t chunks = (items + THREADS - 1) / THREADS;
    if (chunks > 65535) chunks = 65535;
    dim3 grid((unsigned)planes, (unsigned)chunks);
    if (vec)
        bias_relu_vec4<<<grid, THREADS>>>((const float4*)x, bias, (float4*)out, items, c);
    else
        bias_relu_scalar<<<grid, THREADS>>>(x, bias, out, items, c);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
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
