import torch
import torch.nn as nn

B = 8
CIN = 16
COUT = 32
L = 512
KS = 5


class Model(nn.Module):
    """Conv1d (stride 1, no padding, with bias)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        fan_in = in_channels * kernel_size
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size) / fan_in**0.5)
        self.bias = nn.Parameter(torch.randn(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.conv1d(x, self.weight, self.bias)


def get_init_inputs() -> list:
    return [CIN, COUT, KS]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(B, CIN, L)]
