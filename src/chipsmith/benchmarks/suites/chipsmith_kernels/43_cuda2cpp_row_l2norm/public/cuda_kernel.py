import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

#define WARPS_PER_BLOCK 8

// one warp per row: lanes stride over the columns, a butterfly shuffle gives every lane the total
__global__ void row_l2norm_kernel(const float* __restrict__ x, float* __restrict__ out, int64_t rows, int64_t cols) {
    const int lane = threadIdx.x & 31;
    const int64_t row = (int64_t)blockIdx.x * WARPS_PER_BLOCK + (threadIdx.x >> 5);
    if (row >= rows) return;
    const float* xr = x + row * cols;
    float s = 0.0f;
    for (int64_t c = lane; c < cols; c += 32) s += xr[c] * xr[c];
    for (int mask = 16; mask > 0; mask >>= 1) s += __shfl_xor_sync(0xffffffffu, s, mask);
    const float norm = fmaxf(sqrtf(s), 1e-12f);
    float* o = out + row * cols;
    for (int64_t c = lane; c < cols; c += 32) o[c] = xr[c] / norm;
}

extern "C" void row_l2norm_f32(const float* x, float* out, int64_t rows, int64_t cols) {
    if (rows <= 0) return;
    const int64_t blocks = (rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK;
    row_l2norm_kernel<<<(unsigned)blocks, WARPS_PER_BLOCK * 32>>>(x, out, rows, cols);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.row_l2norm_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
        _lib.row_l2norm_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        rows, cols = x.shape
        out = torch.empty_like(x)
        _kernels().row_l2norm_f32(_p(x), _p(out), ctypes.c_int64(rows), ctypes.c_int64(cols))
        return out
