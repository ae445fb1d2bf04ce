import torch
import torch.nn as nn

D = 128
H = 128
W = 128
NU = 0.1


class Model(nn.Module):
    """3-D 7-point stencil (explicit diffusion step) with a zero halo."""

    def __init__(self, nu: float):
        super().__init__()
        self.nu = float(nu)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        p = torch.nn.functional.pad(u, (1, 1, 1, 1, 1, 1))
        c = p[1:-1, 1:-1, 1:-1]
        lap = (
            p[:-2, 1:-1, 1:-1]
            + p[2:, 1:-1, 1:-1]
            + p[1:-1, :-2, 1:-1]
            + p[1:-1, 2:, 1:-1]
            + p[1:-1, 1:-1, :-2]
            + p[1:-1, 1:-1, 2:]
            - 6.0 * c
        )
        return u + self.nu * lap


def get_init_inputs() -> list:
    return [NU]


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(D, H, W)]
