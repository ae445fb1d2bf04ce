import torch
import torch.nn as nn

M = 2048
N = 2048
ALPHA = 1.25
BETA = -0.5


class Model(nn.Module):
    """Transposed GEMV: out = alpha * a^T @ x + beta * y."""

    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.alpha * torch.mv(a.t(), x) + self.beta * y


def get_init_inputs() -> list:
    return [ALPHA, BETA]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(M, N), torch.randn(M), torch.randn(N)]
