import torch
import torch.nn as nn

M = 256
K = 256
N = 256


class Model(nn.Module):
    """Matrix multiply: out = a @ b."""

    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        h = a @ b
        return h


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(M, K), torch.randn(K, N)]
