import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

// one thread per output element; neighbouring threads read neighbouring columns (coalesced)
__global__ void mean_dim_kernel(const float* __restrict__ x, float* __restrict__ out, int64_t nb, int64_t nr, int64_t nc) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= nb * nc) return;
    int64_t b = i / nc, c = i % nc;
    const float* xb = x + b * nr * nc + c;
    float acc = 0.0f;
    for (int64_t r = 0; r < nr; ++r) acc += xb[r * nc];
    out[i] = acc / (float)nr;
}

extern "C" void mean_dim_f32(const float* x, float* out, int64_t nb, int64_t nr, int64_t nc) {
    int64_t n = nb * nc;
    if (n > 0) mean_dim_kernel<<<(unsigned)((n + 255) / 256), 256>>>(x, out, nb, nr, nc);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
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
