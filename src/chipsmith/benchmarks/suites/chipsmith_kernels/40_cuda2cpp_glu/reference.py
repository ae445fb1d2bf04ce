import torch
import torch.nn as nn

ROWS = 512
HALF = 1024


class Model(nn.Module):
    """GLU over the last dimension: x[:, :HALF] * sigmoid(x[:, HALF:])."""

    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.glu(x, dim=-1)


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(ROWS, 2 * HALF) * 2.0]
