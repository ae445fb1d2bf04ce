"""The supervisor's trusted half of a check: reference models, secret inputs, expected outputs.

Inputs come from a seed the candidate never sees (derived from the run's secret seed and the case
name), so a candidate cannot precompute or look up answers; the reference runs here, in the
supervisor, so nothing in the candidate's process can reach it.

Runs in the supervisor; imports torch.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import torch

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels import inputs as inp
from chipsmith.tools.kernels._reference import build, error_scales, run, widen
from chipsmith.tools.kernels._worker_common import to_numpy

JSON_SCALARS = (bool, int, float, str, type(None))


class ReferenceFailure(Exception):
    """The task's own code (reference model, input generators) failed: the task is unusable."""


def trusted(fn: Any) -> Any:
    """Decorator: any exception of the wrapped reference code becomes a ReferenceFailure."""
    import functools

    @functools.wraps(fn)
    def wrapper(*a: Any, **k: Any) -> Any:
        try:
            return fn(*a, **k)
        except ReferenceFailure:
            raise
        except Exception as exc:
            raise ReferenceFailure(f"{type(exc).__name__}: {exc}"[:2000]) from exc

    return wrapper


def derive_seed(seed: int, name: str) -> int:
    """Pure: a 31-bit seed for ``name`` from the run's secret seed."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{name}".encode()).digest()[:4], "little") >> 1


def tensor_bytes(t: torch.Tensor) -> bytes:
    c = t.detach().to("cpu").contiguous().reshape(-1)
    return c.view(torch.uint8).numpy().tobytes() if c.numel() else b""


def pack(args: list[Any], start: int = 0) -> tuple[list[dict[str, Any]], list[tuple[int, bytes]], int]:
    """Inputs as channel descriptors plus the (offset, bytes) writes that place them in shared
    memory, and the end of the block. Tensors at fixed offsets: the same shape, the same pointers."""
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    blocks = ch.layout([t.numel() * t.element_size() for t in tensors], start)
    descs: list[dict[str, Any]] = []
    writes: list[tuple[int, bytes]] = []
    it = iter(blocks)
    for a in args:
        if isinstance(a, torch.Tensor):
            off, n = next(it)
            dtype = str(a.dtype).replace("torch.", "")
            descs.append({"tensor": {"dtype": dtype, "shape": list(a.shape), "offset": off, "nbytes": n}})
            writes.append((off, tensor_bytes(a) + bytes([ch.CANARY]) * ch.GUARD))
        elif isinstance(a, JSON_SCALARS):
            descs.append({"value": a})
        else:
            raise TypeError(f"input of type {type(a).__name__} cannot be handed to a worker")
    return descs, writes, ch.end_of(blocks, start)


def from_bytes(data: bytes, dtype: str, shape: list[int]) -> np.ndarray:
    """A worker's output bytes as the numpy array the comparison reads (bf16 widened to fp32)."""
    dt = getattr(torch, dtype)
    t = torch.frombuffer(bytearray(data), dtype=dt) if data else torch.empty(0, dtype=dt)
    return to_numpy(t.reshape(shape))


class ReferenceSide:
    """Reference models per shape, built once, and the case data derived from the secret seed."""

    def __init__(self, ref_path: str, shapes: list[dict[str, Any]], device: str, seed: int) -> None:
        self.ref_path, self.shapes, self.device, self.seed = ref_path, shapes, device, seed
        self.init_seed = derive_seed(seed, "init")
        self.built: dict[int, tuple[Any, Any, Any]] = {}

    @trusted
    def model(self, s: int) -> tuple[Any, Any, Any]:
        if s not in self.built:
            self.built[s] = build(self.ref_path, self.shapes[s], self.init_seed, self.device)
        return self.built[s]

    @trusted
    def init_args(self, s: int) -> list[Any]:
        args = inp.init_inputs(self.model(s)[0], self.init_seed)
        bad = [type(a).__name__ for a in args if not isinstance(a, JSON_SCALARS)]
        if bad:
            raise TypeError(f"get_init_inputs() returns {', '.join(bad)}: only numbers are supported")
        return args

    @trusted
    def state(self, s: int) -> dict[str, torch.Tensor]:
        return {k: v.detach().to("cpu") for k, v in self.model(s)[1].state_dict().items()}

    @trusted
    def inputs(self, s: int, name: str, dist: str) -> list[Any]:
        return inp.case_inputs(self.model(s)[0], derive_seed(self.seed, name), dist, self.device)

    @trusted
    def expect(self, s: int, args: list[Any], name: str) -> dict[str, Any]:
        """Reference outputs in the task dtype (``r``), fp64 (``g``) and honest-error scales."""
        _, model, m64 = self.model(s)
        r = run(model, args)
        out: dict[str, Any] = {
            "r": [to_numpy(o) for o in r],
            "dtypes": [str(o.dtype).replace("torch.", "") for o in r],
        }
        out["g"], out["scale"] = None, [None] * len(r)
        if m64 is not None:
            try:
                out["g"] = [to_numpy(o.double()) for o in run(m64, widen(args))]
                out["scale"] = error_scales(
                    m64, args, [o.dtype for o in r], derive_seed(self.seed, name + "/s")
                )
            except Exception as exc:  # an op without an fp64 kernel: no precision check for it
                out["fp64_error"] = f"{type(exc).__name__}: {exc}"[:300]
        return out
