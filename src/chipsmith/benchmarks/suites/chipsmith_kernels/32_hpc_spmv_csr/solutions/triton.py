import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def spmv_csr_kernel(row_ptr, col_idx, values, x_ptr, out_ptr, rows, BR: tl.constexpr, BK: tl.constexpr):
    # BR rows per program, their entries walked BK at a time up to the block's longest row
    r = tl.program_id(0) * BR + tl.arange(0, BR)
    rmask = r < rows
    start = tl.load(row_ptr + r, mask=rmask, other=0)
    length = tl.load(row_ptr + r + 1, mask=rmask, other=0) - start
    longest = tl.max(length, axis=0)
    acc = tl.zeros([BR], dtype=tl.float32)
    for k0 in range(0, longest, BK):
        k = k0 + tl.arange(0, BK)
        m = k[None, :] < length[:, None]
        idx = start[:, None] + k[None, :]
        col = tl.load(col_idx + idx, mask=m, other=0)
        v = tl.load(values + idx, mask=m, other=0.0)
        xv = tl.load(x_ptr + col, mask=m, other=0.0)
        acc += tl.sum(v * xv, axis=1)
    tl.store(out_ptr + r, acc, mask=rmask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(
        self, row_ptr: torch.Tensor, col_idx: torch.Tensor, values: torch.Tensor, x: torch.Tensor
    ) -> torch.Tensor:
        row_ptr, col_idx = row_ptr.contiguous(), col_idx.contiguous()
        values, x = values.contiguous(), x.contiguous()
        rows = row_ptr.shape[0] - 1
        out = torch.empty(rows, dtype=x.dtype, device=x.device)
        BR = 64 if x.is_cuda else 2048  # big blocks: the CPU interpreter pays per program
        spmv_csr_kernel[(triton.cdiv(rows, BR),)](row_ptr, col_idx, values, x, out, rows, BR=BR, BK=32)
        return out
