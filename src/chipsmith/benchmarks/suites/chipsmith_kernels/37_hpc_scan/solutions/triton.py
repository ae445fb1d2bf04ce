import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def block_totals_kernel(x_ptr, totals_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0).to(tl.int64)
    tl.store(totals_ptr + tl.program_id(0), tl.sum(x, axis=0))


@triton.jit
def scan_totals_kernel(totals_ptr, nblocks, CH: tl.constexpr):
    # one program: exclusive scan of the block totals in place, CH at a time with a carry
    carry = tl.sum(tl.zeros([CH], dtype=tl.int64), axis=0)
    for start in range(0, nblocks, CH):
        k = start + tl.arange(0, CH)
        t = tl.load(totals_ptr + k, mask=k < nblocks, other=0)
        tl.store(totals_ptr + k, carry + tl.cumsum(t, axis=0) - t, mask=k < nblocks)
        carry += tl.sum(t, axis=0)


@triton.jit
def block_scan_kernel(x_ptr, totals_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0).to(tl.int64)
    base = tl.load(totals_ptr + pid)
    tl.store(out_ptr + offs + 1, base + tl.cumsum(x, axis=0), mask=m)
    tl.store(out_ptr + offs, tl.zeros([BLOCK], dtype=tl.int64), mask=offs == 0)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n = x.shape[0]
        out = torch.empty(n + 1, dtype=torch.int64, device=x.device)
        BLOCK = 2048 if x.is_cuda else 16384  # big blocks: the CPU interpreter pays per program
        nblocks = triton.cdiv(n, BLOCK)
        totals = torch.empty(nblocks, dtype=torch.int64, device=x.device)
        block_totals_kernel[(nblocks,)](x, totals, n, BLOCK=BLOCK)
        scan_totals_kernel[(1,)](totals, nblocks, CH=1024)
        block_scan_kernel[(nblocks,)](x, totals, out, n, BLOCK=BLOCK)
        return out
