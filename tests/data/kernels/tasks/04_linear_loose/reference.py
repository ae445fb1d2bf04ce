import torch
import torch.nn as nn

BATCH = 64
IN_F = 128
OUT_F = 96


class Model(nn.Module):
    """An affine layer: y = x W^T + b."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def get_inputs():
    return [torch.randn(BATCH, IN_F)]


def get_init_inputs():
    return [IN_F, OUT_F]
