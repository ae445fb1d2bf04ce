import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dequant_kernel(q_ptr, scale_ptr, zp_ptr, out_ptr, n, BLOCK: tl.constexpr):
    c = tl.program_id(0)
    offs = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    base = c.to(tl.int64) * n
    q = tl.load(q_ptr + base + offs, mask=mask, other=0).to(tl.float32)
    zp = tl.load(zp_ptr + c).to(tl.float32)
    tl.store(out_ptr + base + offs, (q - zp) * tl.load(scale_ptr + c), mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, scale: torch.Tensor, zero_point: torch.Tensor) -> torch.Tensor:
        q, scale, zero_point = q.contiguous(), scale.contiguous(), zero_point.contiguous()
        c, n = q.shape
        out = torch.empty(c, n, dtype=scale.dtype, device=q.device)
        BLOCK = 1024
        dequant_kernel[(c, triton.cdiv(n, BLOCK))](q, scale, zero_point, out, n, BLOCK=BLOCK)
        return out
