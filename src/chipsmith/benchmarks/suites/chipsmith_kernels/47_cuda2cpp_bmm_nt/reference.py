import torch
import torch.nn as nn

BATCH = 8
M = 128
N = 128
K = 64
SCALE = 0.125


class Model(nn.Module):
    """Batched scale * a @ b^T (b stored as (BATCH, N, K))."""

    def __init__(self, scale: float):
        super().__init__()
        self.scale = float(scale)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.scale * torch.bmm(a, b.transpose(1, 2))


def get_init_inputs() -> list:
    return [SCALE]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(BATCH, M, K), torch.randn(BATCH, N, K)]
