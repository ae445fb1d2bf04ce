import torch
import torch.nn as nn

M = 256
K = 256
N = 256
ALPHA = 0.5
BETA = -1.5


class Model(nn.Module):
    """SGEMM: alpha * a @ b + beta * c."""

    def __init__(self, alpha: float, beta: float):
        super().__init__()
        self.alpha = float(alpha)
        self.beta = float(beta)

    def forward(self, a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.alpha * (a @ b) + self.beta * c


def get_init_inputs() -> list:
    return [ALPHA, BETA]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(M, K), torch.randn(K, N), torch.randn(M, N)]
