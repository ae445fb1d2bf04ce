import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r'''
#include <cstdint>
#include <cuda_runtime.h>

__global__ void relu_kernel(const float* x, float* y, int64_t n) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

extern "C" int relu_f32(const float* x, float* y, int64_t n) {
    relu_kernel<<<(unsigned)((n + 255) / 256), 256>>>(x, y, n);
    return (int)cudaGetLastError();
}
'''

_lib = None


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        global _lib
        if _lib is None:
            _lib = load_cuda(CUDA_SOURCE)
            _lib.relu_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
            _lib.relu_f32.restype = ctypes.c_int
        x = x.contiguous()
        out = torch.empty_like(x)
        _lib.relu_f32(x.data_ptr(), out.data_ptr(), x.numel())
        return out
