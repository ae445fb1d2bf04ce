"""Pure comparison of a candidate's outputs with the trusted reference's (numpy only, no torch).

Two tests per output. Closeness: ``|c - r| <= atol + rtol * |r| + 2 |r - g| + 2 s`` against the
reference ``r`` in the task's dtype, with non-finite values required in the same places. ``g`` is
the fp64 ground truth, so ``|r - g|`` is the reference's own error; ``s`` is the rounding error an
honest implementation may accumulate on these inputs whatever its summation order or instruction
set: ``u sqrt(K) L`` with the unit roundoff ``u``, the reduction length ``K`` and the condition
``L = sum |x df/dx|`` of an output element, both measured by the trusted side on the fp64 model
(``_reference.error_scales``). A float32 sum's error grows with its length; this bound grows with
it, so one rule holds for a 16-term and a 16384-term reduction on any x86-64 CPU.

Precision: the candidate's error against the fp64 truth must not be much worse than the
reference's own error, nor above the honest bound ``2 s`` and a floor (a kernel that computes in
fp16/bf16 inside an fp32 task's loose tolerance is caught here).

``scripts/check_kernel_solutions.py`` uses this same rule.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

DEFAULT_TOL = {"float32": 1e-4, "float64": 1e-7, "float16": 1e-2, "bfloat16": 1e-2}
# Error floor, relative to the output's largest magnitude, below which precision is not judged:
# fp32 2^-13 (fp16 arithmetic rounds at 2^-11, bf16 at 2^-8; naive fp32 sums stay near 2^-15).
PRECISION_FLOOR = {"float32": 2.0**-13, "float64": 2.0**-40, "float16": 2.0**-5, "bfloat16": 2.0**-3}
PRECISION_RATIO = 32.0


class OutputCheck(BaseModel):
    """The verdict on one output array."""

    ok: bool
    kind: str = "pass"
    """pass, shape, dtype, nonfinite, mismatch, precision."""
    message: str = ""
    max_abs_err: float | None = None


def tolerances(dtype: str, atol: float | None = None, rtol: float | None = None) -> tuple[float, float]:
    """(atol, rtol): the task's override, else the dtype default (fp32 1e-4; fp16/bf16 1e-2)."""
    base = DEFAULT_TOL.get(dtype.replace("torch.", ""), 1e-4)
    return (base if atol is None else atol, base if rtol is None else rtol)


def check_output(
    cand: np.ndarray,
    ref: np.ndarray,
    gt: np.ndarray | None,
    atol: float,
    rtol: float,
    dtype: str,
    scale: float | None = None,
) -> OutputCheck:
    """Closeness to ``ref`` and precision against ``gt`` (fp64), for one output; ``scale`` is the
    honest rounding error on these inputs (``s`` above; None: not known). NaN-safe: the candidate's
    garbage must not print numpy warnings."""
    with np.errstate(invalid="ignore", over="ignore"):
        return _check_output(cand, ref, gt, atol, rtol, dtype, float(scale or 0.0))


def _check_output(
    cand: np.ndarray,
    ref: np.ndarray,
    gt: np.ndarray | None,
    atol: float,
    rtol: float,
    dtype: str,
    scale: float,
) -> OutputCheck:
    if cand.shape != ref.shape:
        return OutputCheck(
            ok=False, kind="shape", message=f"shape {list(cand.shape)} != expected {list(ref.shape)}"
        )
    if cand.dtype != ref.dtype:
        return OutputCheck(ok=False, kind="dtype", message=f"dtype {cand.dtype} != expected {ref.dtype}")
    if not np.issubdtype(ref.dtype, np.floating):
        bad = int(np.count_nonzero(cand != ref))
        if bad:
            return OutputCheck(ok=False, kind="mismatch", message=f"{bad} of {ref.size} elements differ")
        return OutputCheck(ok=True)
    c, r = cand.astype(np.float64), ref.astype(np.float64)
    fin = np.isfinite(r)
    if not np.array_equal(np.isfinite(c), fin) or not np.array_equal(c[~fin], r[~fin], equal_nan=True):
        n = int(np.count_nonzero(np.isfinite(c) != fin))
        return OutputCheck(ok=False, kind="nonfinite", message=f"NaN/inf pattern differs at {n} elements")
    err = np.abs(c[fin] - r[fin])
    bound = atol + rtol * np.abs(r[fin]) + 2.0 * scale
    if gt is not None and gt.shape == ref.shape:
        # Where the problem is ill-conditioned (e.g. attention on large inputs) the reference itself
        # is off the fp64 truth; twice its own error is slack an equally accurate kernel needs.
        bound = bound + 2.0 * np.abs(r[fin] - gt.astype(np.float64)[fin])
    max_err = float(err.max()) if err.size else 0.0
    if err.size and bool((err > bound).any()):
        idx = int(np.argmax(err - bound))
        n_bad = int(np.count_nonzero(err > bound))
        where = tuple(int(i) for i in np.unravel_index(int(np.flatnonzero(fin)[idx]), ref.shape))
        msg = (
            f"{n_bad} of {ref.size} elements outside atol={atol:g} rtol={rtol:g}; worst: got "
            f"{c[fin][idx]:.6g}, expected {r[fin][idx]:.6g} at index {list(where)}"
        )
        return OutputCheck(ok=False, kind="mismatch", message=msg, max_abs_err=max_err)
    if gt is not None and gt.shape == ref.shape:
        verdict = precision_check(c[fin], r[fin], gt.astype(np.float64)[fin], dtype, scale)
        if verdict:
            return OutputCheck(ok=False, kind="precision", message=verdict, max_abs_err=max_err)
    return OutputCheck(ok=True, max_abs_err=max_err)


def precision_check(c: np.ndarray, r: np.ndarray, gt: np.ndarray, dtype: str, scale: float = 0.0) -> str:
    """A message when the candidate is far less accurate than the reference and than an honest
    implementation may be (else "")."""
    if not gt.size:
        return ""
    e_c = float(np.abs(c - gt).max())
    e_r = float(np.abs(r - gt).max())
    magnitude = float(np.abs(gt).max()) or 1.0
    floor = max(PRECISION_FLOOR.get(dtype.replace("torch.", ""), 2.0**-13) * magnitude, 2.0 * scale)
    if e_c > max(PRECISION_RATIO * e_r, floor):
        return (
            f"error vs fp64 ground truth {e_c:.3g} is {e_c / max(e_r, 1e-300):.3g}x the reference's "
            f"{e_r:.3g} (and above {floor:.3g}): computed in lower precision than the task's dtype"
        )
    return ""


def compare_case(
    calls: dict[str, tuple[list[np.ndarray], list[str]]],
    ref: list[np.ndarray],
    gt: list[np.ndarray] | None,
    scales: list[float | None],
    ref_dtypes: list[str],
    tol: tuple[float, float, str],
) -> tuple[str, str] | None:
    """(kind, message) for the first bad output of one case over its calls (name -> (outputs, the
    dtypes the worker named)), or None. ``tol`` = (atol, rtol, task dtype)."""
    atol, rtol, dtype = tol
    for call, (outs, dtypes) in calls.items():
        if len(outs) != len(ref):
            return "mismatch", f"{call}: {len(outs)} output(s), expected {len(ref)}"
        for i, (got, want) in enumerate(zip(dtypes, ref_dtypes, strict=False)):
            if got != want:
                return "dtype", f"{call}: output {i} has dtype {got}, expected {want}"
        for i, out in enumerate(outs):
            g = gt[i] if gt is not None and i < len(gt) else None
            s = scales[i] if i < len(scales) else None
            res = check_output(out, ref[i], g, atol, rtol, dtype, s)
            if not res.ok:
                return res.kind, f"{call}: output {i}: {res.message}"
    return None


def unchanged(real: list[np.ndarray], ablated: list[np.ndarray]) -> list[list[int]]:
    """Per output: [elements equal in both runs (NaN equal to NaN), size]; [-1, size] when the
    ablated output is missing or shaped differently (changed, for the ablation check)."""
    out = []
    for i, c in enumerate(real):
        a = ablated[i] if i < len(ablated) else None
        if a is None or a.shape != c.shape:
            out.append([-1, int(c.size)])
            continue
        with np.errstate(invalid="ignore"):
            same = a == c
            if a.dtype.kind == "f" and c.dtype.kind == "f":
                same |= np.isnan(a) & np.isnan(c)
        out.append([int(np.count_nonzero(same)), int(c.size)])
    return out
