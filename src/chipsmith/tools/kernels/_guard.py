"""The candidate's forward runs under this TorchDispatchMode, which sees every torch op it makes.

It does two jobs. It records torch compute ops (a kernel file must compute with its backend's
kernel, not with torch), allowing only allocation, views and copies. And it serves every
allocation (``torch.empty``, ``empty_like``, ``zeros``...) from a larger buffer whose body is
poisoned (NaN, or 0xA5 bytes for integers) and whose two guard regions hold canary bytes: a kernel
that returns memory it never wrote reads poison, and one that writes out of bounds breaks a canary.

Runs inside the worker subprocess only.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

GUARD_BYTES = 4096
CANARY = 0xA5

# Ops a kernel file may make in forward: allocation, views, copies, metadata. Anything else is
# torch doing the computation.
ALLOWED_OPS = frozenset(
    [
        "empty",
        "empty_like",
        "empty_strided",
        "new_empty",
        "new_empty_strided",
        "zeros",
        "zeros_like",
        "new_zeros",
        "fill_",
        "zero_",
        "copy_",
        "clone",
        "_to_copy",
        "to",
        "contiguous",
        "view",
        "_unsafe_view",
        "reshape",
        "_reshape_alias",
        "as_strided",
        "alias",
        "detach",
        "t",
        "transpose",
        "permute",
        "expand",
        "slice",
        "select",
        "unsqueeze",
        "squeeze",
        "flatten",
        "narrow",
        "split",
        "unbind",
        "set_",
        "lift_fresh",
        "resize_",
        "_local_scalar_dense",
        "sym_size",
        "sym_stride",
        "sym_numel",
        "sym_storage_offset",
        "size",
        "stride",
        "numel",
        "dim",
        "is_contiguous",
        "is_same_size",
        "record_stream",
    ]
)
_ALLOC_OPS = frozenset(["empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided"])
_ZERO_OPS = frozenset(["zeros", "zeros_like", "new_zeros"])


def op_name(func: Any) -> str:
    """``aten.relu.default`` -> ``relu``."""
    return str(getattr(func, "_opname", None) or str(func).split(".")[1])


class GuardMode(TorchDispatchMode):
    """Records disallowed ops and serves guarded, poisoned allocations."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Otherwise torch wraps __torch_dispatch__ in dynamo.disable, whose first call imports
        # torch._dynamo: seconds per worker, for a compiler this worker never uses.
        return False

    def __init__(self, flag_compute: bool = True, guard_alloc: bool = True) -> None:
        super().__init__()
        self.flag_compute = flag_compute
        self.guard_alloc = guard_alloc
        self.bad_ops: dict[str, int] = {}
        self.regions: list[tuple[torch.Tensor, int, int]] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        name = op_name(func)
        if self.flag_compute and name not in ALLOWED_OPS:
            self.bad_ops[name] = self.bad_ops.get(name, 0) + 1
        out = func(*args, **kwargs)
        if self.guard_alloc and (name in _ALLOC_OPS or name in _ZERO_OPS) and isinstance(out, torch.Tensor):
            return self._guarded_like(out, zero=name in _ZERO_OPS)
        return out

    def _guarded_like(self, t: torch.Tensor, zero: bool) -> torch.Tensor:
        if t.numel() == 0 or t.layout != torch.strided:
            return t
        span = 1 + sum((s - 1) * st for s, st in zip(t.shape, t.stride(), strict=True) if s > 0)
        g = -(-GUARD_BYTES // t.element_size())
        buf = torch.empty(span + 2 * g, dtype=t.dtype, device=t.device)
        raw = buf.view(torch.uint8) if t.element_size() == 1 else buf.view(-1).view(torch.uint8)
        raw.fill_(CANARY)
        body = buf[g : g + span]
        if zero:
            body.zero_()
        elif t.is_floating_point():
            body.fill_(float("nan"))
        self.regions.append((buf, g, span))
        return buf.as_strided(t.shape, t.stride(), g)

    def broken_guards(self) -> int:
        """How many allocations had a canary byte overwritten (an out-of-bounds write)."""
        broken = 0
        for buf, g, span in self.regions:
            raw = buf.view(torch.uint8)
            es = buf.element_size()
            head, tail = raw[: g * es], raw[(g + span) * es :]
            if bool((head != CANARY).any()) or bool((tail != CANARY).any()):
                broken += 1
        return broken

    def release(self) -> None:
        self.regions.clear()
