import torch
import torch.nn as nn

N = 65536
ALPHA = 1.5
BETA = -0.75


class Model(nn.Module):
    """AXPBY: out = alpha * x + beta * y."""

    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.alpha * x + self.beta * y


def get_init_inputs() -> list:
    return [ALPHA, BETA]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(N), torch.randn(N)]
