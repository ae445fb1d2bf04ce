import torch
import torch.nn as nn

N = 65536
SLOPE = 0.05


class Model(nn.Module):
    """Leaky ReLU: out = x if x > 0 else slope * x."""

    def __init__(self, slope: float):
        super().__init__()
        self.slope = float(slope)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.leaky_relu(x, self.slope)


def get_init_inputs() -> list:
    return [SLOPE]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N)]
