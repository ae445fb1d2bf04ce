import torch
import torch.nn as nn

ROWS = 256
COLS = 1024


class Model(nn.Module):
    """RMSNorm: x / sqrt(mean(x^2) + eps) * weight."""

    def __init__(self, cols: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(cols))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps) * self.weight


def get_init_inputs() -> list:
    return [COLS]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(ROWS, COLS)]
