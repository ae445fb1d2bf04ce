"""The trusted side's view of a task: the reference model in its dtype and in fp64, task sanity, and
how much rounding error an honest implementation may have on given inputs.

Runs only in trusted processes (the supervisor and the validation worker), never beside candidate
code. Imports torch.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import torch

from chipsmith.tools.kernels import inputs as inp
from chipsmith.tools.kernels._worker_common import as_list, load_module

UNIT_ROUNDOFF = {
    torch.float32: 2.0**-24,
    torch.float64: 2.0**-53,
    torch.float16: 2.0**-11,
    torch.bfloat16: 2.0**-8,
}
SCALE_SAMPLES = 6
"""Output elements per output whose fan-in and condition are measured (plus the largest one)."""


def build(ref_file: str, shape: dict[str, Any], seed: int, device: str) -> tuple[Any, Any, Any]:
    """(module, model in the task dtype, fp64 copy or None when the model cannot run in fp64)."""
    mod = load_module(ref_file, "_ref", shape)
    model = mod.Model(*inp.init_inputs(mod, seed)).to(device).eval()
    try:
        m64 = copy.deepcopy(model).double()
    except Exception:  # a model that cannot be deep-copied just skips the fp64 comparison
        m64 = None
    return mod, model, m64


def widen(args: list[Any]) -> list[Any]:
    return [a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]


def run(model: Any, args: list[Any]) -> list[torch.Tensor]:
    with torch.no_grad():
        return list(as_list(model(*[a.clone() if isinstance(a, torch.Tensor) else a for a in args])))


def error_scales(m64: Any, args: list[Any], dtypes: list[torch.dtype], seed: int) -> list[float | None]:
    """Per output: the rounding error an honest implementation in ``dtypes`` may show, from the fp64
    model: u * sqrt(K) * L, maximised over sampled output elements, where K is the element's fan-in
    (inputs and parameters with a non-zero derivative, i.e. its reduction length) and L the sum of
    |x * df/dx| over them (the condition of the sum). This holds for any summation order and any
    instruction set (with or without FMA): typical accumulated error grows as sqrt(K) u L.
    None for outputs that are not floating or not differentiable."""
    try:
        return _error_scales(m64, args, dtypes, seed)
    except Exception:  # ops without a derivative: the plain tolerance applies
        return [None] * len(dtypes)


def _error_scales(m64: Any, args: list[Any], dtypes: list[torch.dtype], seed: int) -> list[float | None]:
    leaves = [
        a.detach().clone().double().requires_grad_(True)
        if isinstance(a, torch.Tensor) and a.is_floating_point()
        else a
        for a in args
    ]
    wrt = [t for t in leaves if isinstance(t, torch.Tensor) and t.requires_grad]
    wrt += [p for p in m64.parameters() if p.is_floating_point()]
    with torch.enable_grad():
        outs = as_list(m64(*leaves))
    gen = torch.Generator().manual_seed(seed)
    scales: list[float | None] = []
    for o, dt in zip(outs, dtypes, strict=False):
        if not isinstance(o, torch.Tensor) or not o.is_floating_point() or not o.requires_grad:
            scales.append(None)
            continue
        flat = o.reshape(-1)
        picks = {int(flat.detach().abs().argmax())}
        picks |= {int(i) for i in torch.randint(0, flat.numel(), (SCALE_SAMPLES,), generator=gen)}
        worst = 0.0
        for i in picks:
            grads = torch.autograd.grad(flat[i], wrt, retain_graph=True, allow_unused=True)
            k = sum(int(torch.count_nonzero(g)) for g in grads if g is not None)
            cond = sum(
                float((g.abs() * x.detach().abs()).sum())
                for g, x in zip(grads, wrt, strict=True)
                if g is not None
            )
            worst = max(worst, math.sqrt(max(k, 1)) * cond)
        scales.append(UNIT_ROUNDOFF.get(dt, 2.0**-24) * worst)
    return scales


def degenerate_reasons(mod: Any, model: Any, seed: int, device: str, per_input: bool = True) -> list[str]:
    """Why a task cannot tell kernels apart: constant, ~0, or input-independent outputs
    (``per_input``: also re-draw each floating input alone, one forward each)."""
    a = inp.case_inputs(mod, seed, "normal", device)
    b = inp.case_inputs(mod, seed + 1, "normal", device)
    out_a, out_b = run(model, a), run(model, b)
    reasons = []
    for i, (oa, ob) in enumerate(zip(out_a, out_b, strict=True)):
        if not isinstance(oa, torch.Tensor) or not oa.is_floating_point():
            continue
        fin = oa[torch.isfinite(oa)]
        if fin.numel() == 0:
            reasons.append(f"output {i} is entirely non-finite")
        elif float(fin.abs().max()) < 1e-6:
            reasons.append(f"output {i} is ~0 for every element")
        elif fin.numel() > 1 and float(fin.max() - fin.min()) == 0.0:
            reasons.append(f"output {i} is constant ({float(fin[0]):g})")
        elif torch.equal(oa, ob):
            reasons.append(f"output {i} does not depend on the inputs")
    floats = [
        j for j, t in enumerate(a) if isinstance(t, torch.Tensor) and t.is_floating_point() and per_input
    ]
    for j in floats:
        mixed = list(a)
        mixed[j] = b[j]
        if all(torch.equal(x, y) for x, y in zip(run(model, mixed), out_a, strict=True)):
            reasons.append(f"output does not depend on input {j}")
    return reasons


def smallest_shape(shapes: list[dict[str, Any]]) -> int:
    return min(range(len(shapes)), key=lambda k: sum(int(v) for v in shapes[k].values()))


def validate_task(ref_file: str, shapes: list[dict[str, Any]], device: str) -> list[str]:
    """Why one task is unusable (empty: fine). Every shape for constant/~0 outputs; the per-input
    re-draws on the smallest shape only."""
    reasons: list[str] = []
    smallest = smallest_shape(shapes)
    try:
        for k, shape in enumerate(shapes):
            mod, model, _ = build(ref_file, shape, 1, device)
            for r in degenerate_reasons(mod, model, 11, device, per_input=k == smallest):
                reasons.append(f"{r} (shape {shape})")
    except Exception as exc:
        reasons.append(f"reference fails: {type(exc).__name__}: {exc}"[:300])
    return sorted(set(reasons))
