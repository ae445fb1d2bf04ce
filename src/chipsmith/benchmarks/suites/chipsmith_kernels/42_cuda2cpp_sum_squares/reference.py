import torch
import torch.nn as nn

N = 1048576


class Model(nn.Module):
    """Sum of squares (squared L2 norm) of a vector, as a 0-d tensor."""

    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sum(x * x)


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N)]
