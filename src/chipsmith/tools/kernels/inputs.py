"""Input distributions for kernel checks, and the deterministic case inputs both workers rebuild.

Published problems mostly draw inputs from ``torch.rand`` ([0, 1)), under which an identity kernel
passes ReLU and zeros pass Softmax. The harness therefore re-draws every floating input (keeping
shape and dtype) from distributions with negatives, zeros, large and tiny magnitudes. Integer
inputs (indices, quantised data) are kept as the task generated them.

Imported only inside the worker subprocesses (it imports torch).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import torch

DISTRIBUTIONS = ("task", "normal", "edge")
"""``task``: the task's own ``get_inputs``; ``normal``: N(0, 1); ``edge``: N(0, 1) with zeros, large
and tiny magnitudes mixed in."""

# Large enough to expose overflow-naive kernels, small enough that exp() stays finite in the dtype.
_LARGE = {torch.float16: 6.0, torch.bfloat16: 12.0}


def seeded_inputs(mod: ModuleType, seed: int) -> list[Any]:
    """The task's own inputs under a seeded default generator (the contract asks tasks to use it)."""
    torch.manual_seed(seed)
    return list(mod.get_inputs())


def redraw(t: torch.Tensor, dist: str, gen: torch.Generator) -> torch.Tensor:
    """A new tensor like ``t`` drawn from ``dist``; non-floating tensors are returned unchanged."""
    if not t.is_floating_point() or dist == "task":
        return t
    if dist not in DISTRIBUTIONS:
        raise ValueError(f"unknown input distribution {dist!r}; known: {', '.join(DISTRIBUTIONS)}")
    x = torch.randn(t.shape, generator=gen, dtype=torch.float32)
    if dist == "edge":
        u = torch.rand(t.shape, generator=gen)
        large = _LARGE.get(t.dtype, 16.0)
        x = torch.where(u < 0.10, torch.zeros_like(x), x)
        x = torch.where((u >= 0.10) & (u < 0.15), x.sign() * large + x, x)
        x = torch.where((u >= 0.15) & (u < 0.20), x * 1e-4, x)
    return x.to(t.dtype).to(t.device)


def case_inputs(mod: ModuleType, seed: int, dist: str, device: str) -> list[Any]:
    """Inputs for one case: the task's inputs at ``seed``, floats re-drawn from ``dist``."""
    raw = seeded_inputs(mod, seed)
    gen = torch.Generator().manual_seed(seed * 7919 + DISTRIBUTIONS.index(dist))
    out: list[Any] = []
    for item in raw:
        if isinstance(item, torch.Tensor):
            out.append(redraw(item, dist, gen).to(device).contiguous())
        else:
            out.append(item)
    return out


def init_inputs(mod: ModuleType, seed: int) -> list[Any]:
    """``get_init_inputs()`` under a seeded generator (parameters are drawn from the same seed)."""
    torch.manual_seed(seed)
    return list(mod.get_init_inputs())
