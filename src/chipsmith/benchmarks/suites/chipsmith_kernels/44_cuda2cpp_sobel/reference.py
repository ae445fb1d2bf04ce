import torch
import torch.nn as nn

B = 4
H = 256
W = 256


class Model(nn.Module):
    """Sobel gradient magnitude with replicate padding."""

    def __init__(self):
        super().__init__()

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        p = torch.nn.functional.pad(img, (1, 1, 1, 1), mode="replicate")
        # the 3 x 3 Sobel cross-correlations as shifted slices of the padded images
        gx = (p[:, :-2, 2:] + 2.0 * p[:, 1:-1, 2:] + p[:, 2:, 2:]) - (
            p[:, :-2, :-2] + 2.0 * p[:, 1:-1, :-2] + p[:, 2:, :-2]
        )
        gy = (p[:, 2:, :-2] + 2.0 * p[:, 2:, 1:-1] + p[:, 2:, 2:]) - (
            p[:, :-2, :-2] + 2.0 * p[:, :-2, 1:-1] + p[:, :-2, 2:]
        )
        return torch.sqrt(gx * gx + gy * gy)


def get_init_inputs() -> list:
    return []


def get_inputs() -> list[torch.Tensor]:
    return [torch.randn(B, H, W)]
