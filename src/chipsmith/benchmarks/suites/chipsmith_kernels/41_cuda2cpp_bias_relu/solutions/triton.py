import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def bias_relu_kernel(x_ptr, bias_ptr, out_ptr, hw, channels, BLOCK: tl.constexpr):
    plane = tl.program_id(0)
    i = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    m = i < hw
    at = plane.to(tl.int64) * hw + i
    b = tl.load(bias_ptr + plane % channels)
    x = tl.load(x_ptr + at, mask=m, other=0.0)
    tl.store(out_ptr + at, tl.maximum(x + b, 0.0), mask=m)


class ModelNew(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.randn(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n, c, h, w = x.shape
        out = torch.empty_like(x)
        bias = self.bias.detach().contiguous()
        BLOCK = 1024
        bias_relu_kernel[(n * c, triton.cdiv(h * w, BLOCK))](x, bias, out, h * w, c, BLOCK=BLOCK)
        return out
