import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_layernorm_kernel(x_ptr, res_ptr, w_ptr, b_ptr, out_ptr, cols, eps, BLOCK: tl.constexpr):
    # one program holds a whole row (cols <= BLOCK) so statistics need a single read
    row = tl.program_id(0).to(tl.int64)
    offs = tl.arange(0, BLOCK)
    mask = offs < cols
    x = tl.load(x_ptr + row * cols + offs, mask=mask, other=0.0) + tl.load(
        res_ptr + row * cols + offs, mask=mask, other=0.0
    )
    mean = tl.sum(x, axis=0) / cols
    d = tl.where(mask, x - mean, 0.0)
    var = tl.sum(d * d, axis=0) / cols
    w = tl.load(w_ptr + offs, mask=mask, other=0.0)
    b = tl.load(b_ptr + offs, mask=mask, other=0.0)
    y = d / tl.sqrt(var + eps) * w + b
    tl.store(out_ptr + row * cols + offs, y, mask=mask)


class ModelNew(nn.Module):
    def __init__(self, cols: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(cols))
        self.bias = nn.Parameter(torch.randn(cols))

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        rows, cols = x.shape
        out = torch.empty_like(x)
        add_layernorm_kernel[(rows,)](
            x.contiguous(),
            residual.contiguous(),
            self.weight.contiguous(),
            self.bias.contiguous(),
            out,
            cols,
            self.eps,
            BLOCK=triton.next_power_of_2(cols),
        )
        return out
