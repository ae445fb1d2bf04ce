import torch
import torch.nn as nn

M = 256
K = 256
N = 256


class Model(nn.Module):
    """int8 x int8 matrix multiply accumulated and returned in int32."""

    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        h = torch.matmul(a.to(torch.int32), b.to(torch.int32))
        return h


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [
        torch.randint(-128, 128, (M, K), dtype=torch.int8),
        torch.randint(-128, 128, (K, N), dtype=torch.int8),
    ]
