# expect: timeout
import ctypes

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r'''
#include <cstdint>
extern "C" void k(const float* x, float* y, int64_t n) { volatile int64_t i = 0; while (true) { i = i + 1; } }
'''
_lib = load_cpp(CPP_SOURCE)
_lib.k.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        out = torch.empty_like(x)
        _lib.k(x.data_ptr(), out.data_ptr(), x.numel())
        return out
