import torch
import torch.nn as nn

N = 4
CIN = 16
COUT = 32
H = 32
W = 32


class Model(nn.Module):
    """Conv2d with a 3x3 kernel, stride 1, padding 1, no bias."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, 3, 3) / (in_channels * 9) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.conv2d(x, self.weight, padding=1)


def get_init_inputs() -> list:
    return [CIN, COUT]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N, CIN, H, W)]
