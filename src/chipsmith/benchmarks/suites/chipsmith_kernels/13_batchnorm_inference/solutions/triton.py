import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def batchnorm_kernel(x_ptr, mean_ptr, var_ptr, w_ptr, b_ptr, out_ptr, C, HW, eps, BLOCK: tl.constexpr):
    # program (n * C + c, block of the H*W plane): the channel's four scalars load once
    plane = tl.program_id(0)
    c = plane % C
    offs = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < HW
    base = plane.to(tl.int64) * HW
    x = tl.load(x_ptr + base + offs, mask=mask, other=0.0)
    scale = tl.load(w_ptr + c) / tl.sqrt(tl.load(var_ptr + c) + eps)
    y = (x - tl.load(mean_ptr + c)) * scale + tl.load(b_ptr + c)
    tl.store(out_ptr + base + offs, y, mask=mask)


class ModelNew(nn.Module):
    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(channels))
        self.bias = nn.Parameter(torch.randn(channels))
        self.register_buffer("running_mean", torch.randn(channels) * 0.5)
        self.register_buffer("running_var", torch.rand(channels) + 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n, c, h, w = x.shape
        out = torch.empty_like(x)
        BLOCK = 256
        grid = (n * c, triton.cdiv(h * w, BLOCK))
        batchnorm_kernel[grid](
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            out,
            c,
            h * w,
            self.eps,
            BLOCK=BLOCK,
        )
        return out
