import torch
import torch.nn as nn

BATCH = 8
M = 128
K = 64
N = 128


class Model(nn.Module):
    """Batched matrix multiply: out[i] = a[i] @ b[i]."""

    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        h = torch.bmm(a, b)
        return h


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(BATCH, M, K), torch.randn(BATCH, K, N)]
