import torch
import torch.nn as nn

N = 8
C = 32
H = 16
W = 16


class Model(nn.Module):
    """BatchNorm (inference): (x - running_mean) / sqrt(running_var + eps) * weight + bias per channel."""

    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = float(eps)
        self.weight = nn.Parameter(torch.randn(channels))
        self.bias = nn.Parameter(torch.randn(channels))
        self.register_buffer("running_mean", torch.randn(channels) * 0.5)
        self.register_buffer("running_var", torch.rand(channels) + 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, training=False, eps=self.eps
        )


def get_init_inputs() -> list:
    return [C]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N, C, H, W) * 1.5 + 0.3]
