"""Pure output comparison: closeness, NaN patterns, shapes, and the fp64 precision check."""

from __future__ import annotations

import numpy as np
import pytest

from chipsmith.tools.kernels.compare import check_output, precision_check, tolerances
from helpers import require_module

pytestmark = pytest.mark.unit

rng = np.random.default_rng(0)


def test_default_and_override_tolerances() -> None:
    assert tolerances("float32") == (1e-4, 1e-4)
    assert tolerances("torch.float16") == (1e-2, 1e-2)
    assert tolerances("float32", atol=1e-2) == (1e-2, 1e-4)


def test_close_outputs_pass_and_wrong_ones_fail() -> None:
    ref = rng.standard_normal(1000).astype(np.float32)
    assert check_output(ref + 1e-6, ref, ref.astype(np.float64), 1e-4, 1e-4, "float32").ok
    bad = ref.copy()
    bad[17] += 1.0
    res = check_output(bad, ref, None, 1e-4, 1e-4, "float32")
    assert not res.ok and res.kind == "mismatch" and "1 of 1000" in res.message


def test_nan_where_reference_is_finite_fails() -> None:
    ref = np.ones(8, np.float32)
    cand = ref.copy()
    cand[3] = np.nan
    assert check_output(cand, ref, None, 1e-4, 1e-4, "float32").kind == "nonfinite"
    # Matching infinities are fine.
    ref[2] = cand[2] = np.inf
    cand[3] = 1.0
    assert check_output(cand, ref, None, 1e-4, 1e-4, "float32").ok


def test_shape_and_dtype_must_match() -> None:
    ref = np.zeros((4, 4), np.float32)
    assert check_output(np.zeros(16, np.float32), ref, None, 1e-4, 1e-4, "float32").kind == "shape"
    assert check_output(np.zeros((4, 4), np.float16), ref, None, 1e-4, 1e-4, "float32").kind == "dtype"


def test_integer_outputs_compare_exactly() -> None:
    ref = np.arange(10, dtype=np.int8)
    assert check_output(ref.copy(), ref, None, 0, 0, "float32").ok
    assert not check_output(ref + 1, ref, None, 0, 0, "float32").ok


def test_precision_downgrade_detected_within_loose_tolerance() -> None:
    gt = rng.standard_normal(4096)
    ref32 = gt.astype(np.float32)
    fp16 = gt.astype(np.float16).astype(np.float32)
    # Inside a 1e-2 tolerance, fp16 rounding passes closeness but not the precision check.
    res = check_output(fp16, ref32, gt, 1e-2, 1e-2, "float32")
    assert not res.ok and res.kind == "precision"
    # An honest fp32 result with a different summation order is not flagged.
    honest = (gt * (1 + 2e-7 * rng.standard_normal(4096))).astype(np.float32)
    assert precision_check(honest.astype(np.float64), ref32.astype(np.float64), gt, "float32") == ""


def test_reference_error_widens_the_bound_where_the_problem_is_ill_conditioned() -> None:
    gt = np.array([1.0, 2.0, 3.0])
    ref = np.array([1.0, 2.0005, 3.0], np.float32)  # the reference itself is 5e-4 off at element 1
    cand = np.array([1.0, 1.9996, 3.0], np.float32)  # as far off the truth, on the other side
    assert not check_output(cand, ref, None, 1e-4, 1e-4, "float32").ok
    assert check_output(cand, ref, gt, 1e-4, 1e-4, "float32").ok
    assert not check_output(cand + 0.01, ref, gt, 1e-4, 1e-4, "float32").ok


class _MatMul:
    """A stand-in fp64 model for error_scales (it only needs __call__ and parameters())."""

    def __call__(self, a, b):  # type: ignore[no-untyped-def]
        return a @ b

    def parameters(self):  # type: ignore[no-untyped-def]
        return iter(())


def _sequential_fp32(a: np.ndarray, b: np.ndarray, reverse: bool = False) -> np.ndarray:
    """A naive kernel: each output a float32 running sum over the reduction, in one order."""
    prods = (a[:, :, None] * b[None, :, :]).astype(np.float32)
    if reverse:
        prods = prods[:, ::-1, :]
    return np.cumsum(prods, axis=1, dtype=np.float32)[:, -1, :]


def _bf16(x: np.ndarray) -> np.ndarray:
    return (x.view(np.uint32) & 0xFFFF0000).view(np.float32)


@pytest.mark.parametrize("k", [16, 16384])
def test_bound_holds_for_a_short_and_a_long_reduction(k: int) -> None:
    """A float32 sum's error grows with its length: the bound derived from the fp64 model (reduction
    length and condition) accepts any summation order of an honest kernel and still refuses a
    kernel that computes in bfloat16."""
    require_module("torch")
    import torch

    from chipsmith.tools.kernels._reference import error_scales

    rng = np.random.default_rng(k)
    a = (rng.standard_normal((4, k)) * 4).astype(np.float32)
    b = (rng.standard_normal((k, 4)) * 4).astype(np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    ref = (ta @ tb).numpy()
    gt = a.astype(np.float64) @ b.astype(np.float64)
    (scale,) = error_scales(_MatMul(), [ta, tb], [torch.float32], seed=1)
    assert scale is not None and scale > 0
    for reverse in (False, True):
        res = check_output(_sequential_fp32(a, b, reverse), ref, gt, 1e-4, 1e-4, "float32", scale)
        assert res.ok, res.message
    low = _bf16(a).astype(np.float64) @ _bf16(b).astype(np.float64)
    res = check_output(low.astype(np.float32), ref, gt, 1e-4, 1e-4, "float32", scale)
    assert not res.ok and res.kind in ("mismatch", "precision"), res
