import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_l2norm_kernel(x_ptr, out_ptr, rows, cols, BR: tl.constexpr, BC: tl.constexpr):
    # BR rows per program: sums of squares BC columns at a time, then a second pass to scale
    r = tl.program_id(0) * BR + tl.arange(0, BR)
    base = r[:, None].to(tl.int64) * cols
    acc = tl.zeros([BR, BC], dtype=tl.float32)
    for start in range(0, cols, BC):
        c = start + tl.arange(0, BC)
        m = (r[:, None] < rows) & (c[None, :] < cols)
        x = tl.load(x_ptr + base + c[None, :], mask=m, other=0.0)
        acc += x * x
    norm = tl.maximum(tl.sqrt(tl.sum(acc, axis=1)), 1e-12)
    for start in range(0, cols, BC):
        c = start + tl.arange(0, BC)
        m = (r[:, None] < rows) & (c[None, :] < cols)
        x = tl.load(x_ptr + base + c[None, :], mask=m, other=0.0)
        tl.store(out_ptr + base + c[None, :], x / norm[:, None], mask=m)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        rows, cols = x.shape
        out = torch.empty_like(x)
        BR = 32
        row_l2norm_kernel[(triton.cdiv(rows, BR),)](x, out, rows, cols, BR=BR, BC=256)
        return out
