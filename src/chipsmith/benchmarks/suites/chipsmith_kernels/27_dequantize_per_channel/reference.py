import torch
import torch.nn as nn

C = 64
N = 1024


class Model(nn.Module):
    """Per-channel (per-row) int8 dequantisation with zero points."""

    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, scale: torch.Tensor, zero_point: torch.Tensor) -> torch.Tensor:
        return (q.to(torch.float32) - zero_point.to(torch.float32)[:, None]) * scale[:, None]


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [
        torch.randint(-128, 128, (C, N), dtype=torch.int8),
        torch.randn(C) * 0.05,
        torch.randint(-8, 9, (C,), dtype=torch.int32),
    ]
