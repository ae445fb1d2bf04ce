import torch
import torch.nn as nn

N = 8
C = 64
H = 32
W = 32


class Model(nn.Module):
    """Per-channel bias and ReLU on NCHW."""

    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.randn(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.bias.view(1, -1, 1, 1))


def get_init_inputs() -> list:
    return [C]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N, C, H, W)]
