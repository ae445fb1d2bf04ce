"""Pure output comparison: closeness, NaN patterns, shapes, and the fp64 precision check."""

from __future__ import annotations

import numpy as np
import pytest

from chipsmith.tools.kernels.compare import check_output, precision_check, tolerances

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
