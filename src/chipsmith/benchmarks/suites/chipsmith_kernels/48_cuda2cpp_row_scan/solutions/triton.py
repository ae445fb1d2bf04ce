import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_scan_kernel(x_ptr, out_ptr, cols, BLOCK: tl.constexpr):
    # exclusive scan = inclusive scan of the row shifted right by one (x[c - 1], 0 at c = 0),
    # BLOCK at a time with a running carry
    row = tl.program_id(0).to(tl.int64)
    carry = tl.sum(tl.zeros([BLOCK], dtype=tl.float32), axis=0)
    for start in range(0, cols, BLOCK):
        c = start + tl.arange(0, BLOCK)
        prev = tl.load(x_ptr + row * cols + c - 1, mask=(c >= 1) & (c < cols), other=0.0)
        tl.store(out_ptr + row * cols + c, carry + tl.cumsum(prev, axis=0), mask=c < cols)
        carry += tl.sum(prev, axis=0)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        rows, cols = x.shape
        out = torch.empty_like(x)
        row_scan_kernel[(rows,)](x, out, cols, BLOCK=1024)
        return out
