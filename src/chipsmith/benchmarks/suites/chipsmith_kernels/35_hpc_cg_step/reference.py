import torch
import torch.nn as nn

H = 1024
W = 1024
SHIFT = 0.5


class Model(nn.Module):
    """One CG iteration with the matrix-free shifted 2-D Laplacian (SPD)."""

    def __init__(self, shift: float):
        super().__init__()
        self.shift = float(shift)

    def apply_a(self, p: torch.Tensor) -> torch.Tensor:
        pp = torch.nn.functional.pad(p, (1, 1, 1, 1))
        return (4.0 + self.shift) * p - pp[:-2, 1:-1] - pp[2:, 1:-1] - pp[1:-1, :-2] - pp[1:-1, 2:]

    def forward(self, x: torch.Tensor, r: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        q = self.apply_a(p)
        rr = torch.sum(r * r)
        alpha = rr / torch.sum(p * q)
        x1 = x + alpha * p
        r1 = r - alpha * q
        beta = torch.sum(r1 * r1) / rr
        p1 = r1 + beta * p
        return torch.stack([x1, r1, p1])


def get_init_inputs() -> list:
    return [SHIFT]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(H, W), torch.randn(H, W), torch.randn(H, W)]
