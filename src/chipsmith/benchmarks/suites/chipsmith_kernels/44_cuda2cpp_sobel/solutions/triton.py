import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def _at(base, i, j, h, w, m):
    # replicate padding: clamp the coordinates into the image
    i = tl.minimum(tl.maximum(i, 0), h - 1)
    j = tl.minimum(tl.maximum(j, 0), w - 1)
    return tl.load(base + i * w + j, mask=m, other=0.0)


@triton.jit
def sobel_kernel(img_ptr, out_ptr, h, w, BH: tl.constexpr, BW: tl.constexpr):
    base = img_ptr + tl.program_id(0).to(tl.int64) * h * w
    i = tl.program_id(1) * BH + tl.arange(0, BH)[:, None]
    j = tl.program_id(2) * BW + tl.arange(0, BW)[None, :]
    m = (i < h) & (j < w)
    nw, n_, ne = (
        _at(base, i - 1, j - 1, h, w, m),
        _at(base, i - 1, j, h, w, m),
        _at(base, i - 1, j + 1, h, w, m),
    )
    w_, e_ = _at(base, i, j - 1, h, w, m), _at(base, i, j + 1, h, w, m)
    sw, s_, se = (
        _at(base, i + 1, j - 1, h, w, m),
        _at(base, i + 1, j, h, w, m),
        _at(base, i + 1, j + 1, h, w, m),
    )
    gx = (ne + 2.0 * e_ + se) - (nw + 2.0 * w_ + sw)
    gy = (sw + 2.0 * s_ + se) - (nw + 2.0 * n_ + ne)
    out = out_ptr + tl.program_id(0).to(tl.int64) * h * w
    tl.store(out + i * w + j, tl.sqrt(gx * gx + gy * gy), mask=m)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        img = img.contiguous()
        b, h, w = img.shape
        out = torch.empty_like(img)
        BH, BW = (16, 64) if img.is_cuda else (64, 256)  # big tiles: the CPU interpreter pays per program
        sobel_kernel[(b, triton.cdiv(h, BH), triton.cdiv(w, BW))](img, out, h, w, BH=BH, BW=BW)
        return out
