import torch
import torch.nn as nn

M = 1024
K = 1024


class Model(nn.Module):
    """Matrix-vector product: out = a @ v."""

    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return torch.mv(a, v)


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(M, K), torch.randn(K)]
