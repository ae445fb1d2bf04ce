import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def partial_kernel(x_ptr, part_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(part_ptr + tl.program_id(0), tl.sum(x * x, axis=0))


@triton.jit
def total_kernel(part_ptr, out_ptr, nparts, CH: tl.constexpr):
    # a fixed-order second pass (no atomics): the result is deterministic
    acc = tl.zeros([CH], dtype=tl.float32)
    for start in range(0, nparts, CH):
        k = start + tl.arange(0, CH)
        acc += tl.load(part_ptr + k, mask=k < nparts, other=0.0)
    tl.store(out_ptr, tl.sum(acc, axis=0))


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        n = x.numel()
        out = torch.empty((), dtype=x.dtype, device=x.device)
        BLOCK = 8192
        nparts = triton.cdiv(n, BLOCK)
        part = torch.empty(nparts, dtype=torch.float32, device=x.device)
        partial_kernel[(nparts,)](x, part, n, BLOCK=BLOCK)
        total_kernel[(1,)](part, out, nparts, CH=1024)
        return out
