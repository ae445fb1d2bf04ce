import torch
import torch.nn as nn


class Model(nn.Module):
    """A problem whose input builder is broken: the adapter must mark it unusable."""

    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


size = 128


def get_inputs():
    raise RuntimeError("dataset file missing")


def get_init_inputs():
    return []
