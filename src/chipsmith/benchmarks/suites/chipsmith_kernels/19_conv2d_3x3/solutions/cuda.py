import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cuda_runtime import load_cuda

CUDA_SOURCE = r"""
#include <cstdint>

// one thread per output pixel; the 3x3 window loops are unrolled
__global__ void conv2d_kernel(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ out,
                              int64_t total, int64_t CIN, int64_t COUT, int64_t H, int64_t W) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total) return;
    const int64_t ow = i % W, oh = (i / W) % H, co = (i / (H * W)) % COUT, n = i / (H * W * COUT);
    float acc = 0.0f;
    for (int64_t ci = 0; ci < CIN; ++ci) {
        const float* xp = x + (n * CIN + ci) * H * W;
        const float* wp = w + (co * CIN + ci) * 9;
        #pragma unroll
        for (int kh = 0; kh < 3; ++kh) {
            const int64_t ih = oh + kh - 1;
            if (ih < 0 || ih >= H) continue;
            #pragma unroll
            for (int kw = 0; kw < 3; ++kw) {
                const int64_t iw = ow + kw - 1;
                if (iw >= 0 && iw < W) acc += wp[kh * 3 + kw] * xp[ih * W + iw];
            }
        }
    }
    out[i] = acc;
}

extern "C" void conv2d_3x3_f32(const float* x, const float* w, float* out, int64_t N, int64_t CIN, int64_t COUT, int64_t H, int64_t W) {
    int64_t total = N * COUT * H * W;
    if (total > 0) conv2d_kernel<<<(unsigned)((total + 255) / 256), 256>>>(x, w, out, total, CIN, COUT, H, W);
}
"""

_lib = None


def _kernels():
    """Build (cached by source hash) and bind the library on first use."""
    global _lib
    if _lib is None:
        _lib = load_cuda(CUDA_SOURCE)
        _lib.conv2d_3x3_f32.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_int64,
        ]
        _lib.conv2d_3x3_f32.restype = None
    return _lib


def _p(t: torch.Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


class ModelNew(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, 3, 3) / (in_channels * 9) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        w = self.weight.contiguous()
        n, cin, h, wd = x.shape
        cout = w.shape[0]
        out = torch.empty(n, cout, h, wd, dtype=x.dtype, device=x.device)
        _kernels().conv2d_3x3_f32(
            _p(x),
            _p(w),
            _p(out),
            ctypes.c_int64(n),
            ctypes.c_int64(cin),
            ctypes.c_int64(cout),
            ctypes.c_int64(h),
            ctypes.c_int64(wd),
        )
        return out
