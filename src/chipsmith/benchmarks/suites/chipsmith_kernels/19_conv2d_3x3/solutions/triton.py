import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def conv2d_kernel(
    x_ptr,
    w_ptr,
    out_ptr,
    CIN,
    COUT,
    H,
    W,
    BLOCK_CO: tl.constexpr,
    BLOCK_CI: tl.constexpr,
    BLOCK: tl.constexpr,
):
    # implicit GEMM over (output channels) x (pixels); taps whose neighbour lies in the zero padding are masked
    n = tl.program_id(0).to(tl.int64)
    co = tl.program_id(1) * BLOCK_CO + tl.arange(0, BLOCK_CO)
    pix = tl.program_id(2) * BLOCK + tl.arange(0, BLOCK)
    oh = pix // W
    ow = pix % W
    acc = tl.zeros([BLOCK_CO, BLOCK], dtype=tl.float32)
    for ci0 in range(0, CIN, BLOCK_CI):
        ci = ci0 + tl.arange(0, BLOCK_CI)
        for kh in tl.static_range(3):
            for kw in tl.static_range(3):
                ih = oh + kh - 1
                iw = ow + kw - 1
                ok = (pix < H * W) & (ih >= 0) & (ih < H) & (iw >= 0) & (iw < W)
                w = tl.load(
                    w_ptr + ((co[:, None] * CIN + ci[None, :]) * 3 + kh) * 3 + kw,
                    mask=(co[:, None] < COUT) & (ci[None, :] < CIN),
                    other=0.0,
                )
                x = tl.load(
                    x_ptr + (n * CIN + ci[:, None]) * H * W + (ih * W + iw)[None, :],
                    mask=(ci[:, None] < CIN) & ok[None, :],
                    other=0.0,
                )
                acc += tl.dot(w, x, input_precision="ieee")
    tl.store(
        out_ptr + (n * COUT + co[:, None]) * H * W + pix[None, :],
        acc,
        mask=(co[:, None] < COUT) & (pix[None, :] < H * W),
    )


class ModelNew(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, 3, 3) / (in_channels * 9) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.contiguous()
        w = self.weight.contiguous()
        n, cin, h, wd = x.shape
        cout = w.shape[0]
        out = torch.empty(n, cout, h, wd, dtype=x.dtype, device=x.device)
        BLOCK_CO, BLOCK = 32, 128
        grid = (n, triton.cdiv(cout, BLOCK_CO), triton.cdiv(h * wd, BLOCK))
        conv2d_kernel[grid](x, w, out, cin, cout, h, wd, BLOCK_CO=BLOCK_CO, BLOCK_CI=16, BLOCK=BLOCK)
        return out
