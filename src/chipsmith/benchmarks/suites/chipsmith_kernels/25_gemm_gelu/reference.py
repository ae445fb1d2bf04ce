import torch
import torch.nn as nn

M = 256
K = 512
N = 256


class Model(nn.Module):
    """Linear layer followed by GELU (tanh approximation)."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / in_features**0.5)
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.nn.functional.linear(x, self.weight, self.bias)
        return torch.nn.functional.gelu(h, approximate="tanh")


def get_init_inputs() -> list:
    return [K, N]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(M, K)]
