import torch
import torch.nn as nn

N = 1048576


class Model(nn.Module):
    """AXPY (BLAS saxpy without the in-place update): out = a * x + y, a a 0-d tensor."""

    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return a * x + y


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(()), torch.randn(N), torch.randn(N)]
