# expect: compile
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r'''
extern "C" void k() {}
'''
_lib = load_cpp(CPP_SOURCE)


class Model2(nn.Module):
    pass
