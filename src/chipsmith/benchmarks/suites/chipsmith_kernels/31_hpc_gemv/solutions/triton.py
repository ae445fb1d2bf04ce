import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def gemv_t_kernel(a_ptr, x_ptr, y_ptr, out_ptr, M, N, alpha, beta, BM: tl.constexpr, BN: tl.constexpr):
    # one program per block of BN columns, walking down the rows BM at a time
    cols = tl.program_id(0) * BN + tl.arange(0, BN)
    cmask = cols < N
    acc = tl.zeros([BN], dtype=tl.float32)
    for m0 in range(0, M, BM):
        rows = m0 + tl.arange(0, BM)
        rmask = rows < M
        a = tl.load(
            a_ptr + rows[:, None].to(tl.int64) * N + cols[None, :],
            mask=rmask[:, None] & cmask[None, :],
            other=0.0,
        )
        xv = tl.load(x_ptr + rows, mask=rmask, other=0.0)
        acc += tl.sum(a * xv[:, None], axis=0)
    y = tl.load(y_ptr + cols, mask=cmask, other=0.0)
    tl.store(out_ptr + cols, alpha * acc + beta * y, mask=cmask)


class ModelNew(nn.Module):
    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        a, x, y = a.contiguous(), x.contiguous(), y.contiguous()
        m, n = a.shape
        out = torch.empty(n, dtype=a.dtype, device=a.device)
        # big blocks on the CPU interpreter (it pays per program), GPU-sized ones on a GPU
        BM, BN = (32, 128) if a.is_cuda else (256, 512)
        gemv_t_kernel[(triton.cdiv(n, BN),)](a, x, y, out, m, n, self.alpha, self.beta, BM=BM, BN=BN)
        return out
