import torch
import torch.nn as nn


class Model(nn.Module):
    """Multiplies each row by a learned scale and reduces over dim 1."""

    def __init__(self, features: int):
        super().__init__()
        self.scale = nn.Parameter(torch.randn(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x * self.scale).sum(dim=1)


batch_size = 64
features = 300


def get_inputs():
    return [torch.rand(batch_size, features)]


def get_init_inputs():
    return [features]
