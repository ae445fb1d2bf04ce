import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def jacobi2d_kernel(u_ptr, f_ptr, out_ptr, H, W, BH: tl.constexpr, BW: tl.constexpr):
    i = tl.program_id(0) * BH + tl.arange(0, BH)[:, None]
    j = tl.program_id(1) * BW + tl.arange(0, BW)[None, :]
    inside = (i < H) & (j < W)
    interior = (i > 0) & (i < H - 1) & (j > 0) & (j < W - 1)
    at = i.to(tl.int64) * W + j
    c = tl.load(u_ptr + at, mask=inside, other=0.0)
    n = tl.load(u_ptr + at - W, mask=interior, other=0.0)
    s = tl.load(u_ptr + at + W, mask=interior, other=0.0)
    west = tl.load(u_ptr + at - 1, mask=interior, other=0.0)
    east = tl.load(u_ptr + at + 1, mask=interior, other=0.0)
    f = tl.load(f_ptr + at, mask=interior, other=0.0)
    new = 0.25 * ((((n + s) + west) + east) + f)
    tl.store(out_ptr + at, tl.where(interior, new, c), mask=inside)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, u: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        u, f = u.contiguous(), f.contiguous()
        h, w = u.shape
        out = torch.empty_like(u)
        BH, BW = (16, 64) if u.is_cuda else (64, 1024)  # big tiles: the CPU interpreter pays per program
        jacobi2d_kernel[(triton.cdiv(h, BH), triton.cdiv(w, BW))](u, f, out, h, w, BH=BH, BW=BW)
        return out
