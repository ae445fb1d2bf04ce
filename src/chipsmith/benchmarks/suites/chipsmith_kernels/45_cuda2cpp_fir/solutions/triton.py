import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def fir_kernel(x_ptr, w_ptr, out_ptr, n, TAPS: tl.constexpr, BLOCK: tl.constexpr):
    base = tl.program_id(0).to(tl.int64) * n
    i = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for k in tl.static_range(TAPS):
        j = i + k - TAPS // 2
        x = tl.load(x_ptr + base + j, mask=(j >= 0) & (j < n), other=0.0)
        acc += tl.load(w_ptr + k) * x
    tl.store(out_ptr + base + i, acc, mask=i < n)


class ModelNew(nn.Module):
    def __init__(self, taps: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(taps) / taps**0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        b, n = x.shape
        w = self.weight.detach().contiguous()
        out = torch.empty_like(x)
        BLOCK = 1024 if x.is_cuda else 65536  # big blocks: the CPU interpreter pays per program
        fir_kernel[(b, triton.cdiv(n, BLOCK))](x, w, out, n, TAPS=w.numel(), BLOCK=BLOCK)
        return out
