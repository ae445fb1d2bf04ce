"""Speed metrics: fast_p, geomean speedup, review flags."""

from __future__ import annotations

import pytest

from chipsmith.tools.kernels.timing import fast_p, speed_flags, speedup, speedup_geomean

pytestmark = pytest.mark.unit

RESULTS = [
    {"verdict": "pass", "metrics": {"speedup": 2.5}},
    {"verdict": "pass", "metrics": {"speedup": 1.2}},
    {"verdict": "pass", "metrics": {"speedup": 0.5}},
    {"verdict": "pass", "metrics": {"speedup": None}},  # interpreter: correct, not timed
    {"verdict": "fail", "metrics": {"speedup": 9.0}},
]


def test_fast_p() -> None:
    assert fast_p(RESULTS, 0) == pytest.approx(4 / 5)
    assert fast_p(RESULTS, 1) == pytest.approx(2 / 5)
    assert fast_p(RESULTS, 1.5) == pytest.approx(1 / 5)
    assert fast_p(RESULTS, 2) == pytest.approx(1 / 5)
    assert fast_p([], 1) == 0.0


def test_geomean_over_correct_timed_results() -> None:
    assert speedup_geomean(RESULTS) == pytest.approx((2.5 * 1.2 * 0.5) ** (1 / 3))
    assert speedup_geomean([{"verdict": "fail", "metrics": {"speedup": 3}}]) is None


def test_speedup_and_flags() -> None:
    assert speedup(2.0, 1.0) == 2.0
    assert speedup(2.0, 0.0) is None
    assert any("review" in f for f in speed_flags(25.0, [0.5]))
    assert any("1 us" in f for f in speed_flags(2.0, [1e-5]))
    assert speed_flags(2.0, [0.5]) == []
    steady, noisy = [1.0, 1.1, 0.9, 1.0, 1.05], [1.0, 9.0, 0.5, 30.0, 2.0]
    assert speed_flags(1.0, steady, steady) == []
    assert any("unreliable" in f for f in speed_flags(1.0, steady, noisy))
