import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

// block-wide reduction through shared memory; blockDim.x is a power of two <= 1024
template <typename Op>
__device__ float block_reduce(float v, float* smem, Op op) {
    smem[threadIdx.x] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) smem[threadIdx.x] = op(smem[threadIdx.x], smem[threadIdx.x + s]);
        __syncthreads();
    }
    float r = smem[0];
    __syncthreads();
    return r;
}
struct AddOp { __device__ float operator()(float a, float b) const { return a + b; } };
struct MaxOp { __device__ float operator()(float a, float b) const { return fmaxf(a, b); } };

__global__ void rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ out, int64_t cols, float eps) {
    __shared__ float smem[256];
    const int64_t r = blockIdx.x;
    float* o = out + r * cols;
    const float* xr = x + r * cols;
    float s = 0.0f;
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c] * xr[c];
    const float rstd = rsqrtf(block_reduce(s, smem, AddOp()) / (float)cols + eps);
    for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) o[c] = xr[c] * rstd * w[c];
}

extern "C" void rmsnorm_f32(const float* x, const float* w, float* out, int64_t rows, int64_t cols, float eps) {
    if (rows > 0) rmsnorm_kernel<<<(unsigned)rows, 256>>>(x, w, out, cols, eps);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.rmsnorm_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_float,
        ]
        _lib.rmsnorm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, cols: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(cols))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows, cols = x.shape
        out = torch.empty_like(x)
        _kernels().rmsnorm_f32(
            _p(x.contiguous()),
            _p(self.weight.contiguous()),
            _p(out),
            ctypes.c_int64(rows),
            ctypes.c_int64(cols),
            ctypes.c_float(self.eps),
        )
        return out
