import torch
import torch.nn as nn

N = 65536
LO = -0.5
HI = 0.75


class Model(nn.Module):
    """Clamp: out = min(max(x, lo), hi)."""

    def __init__(self, lo: float, hi: float):
        super().__init__()
        self.lo = float(lo)
        self.hi = float(hi)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.lo, self.hi)


def get_init_inputs() -> list:
    return [LO, HI]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N)]
