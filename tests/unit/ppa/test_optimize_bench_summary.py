"""`bench run --optimize`: the run summary and the report carry the PPA ratios after the search."""

from __future__ import annotations

import math

import pytest

from chipsmith.benchmarks.metrics import summarize
from chipsmith.benchmarks.report import render
from chipsmith.benchmarks.results import RunRecord
from chipsmith.benchmarks.rtl_optimize import optimized_metrics

pytestmark = pytest.mark.unit


def rec(task: str, verdict: str = "pass", **metrics: float) -> RunRecord:
    return RunRecord(
        run_id="r", task=task, suite="s", kind="rtl", category="arith", agent="a", sample=0,
        verdict=verdict, failure_class="pass" if verdict == "pass" else "mismatch", metrics=metrics,
    )  # fmt: skip


def test_summary_has_ratios_before_and_after_optimisation() -> None:
    records = [
        rec(
            "a", area_ratio=1.2, delay_ratio=1.0, opt_area_ratio=0.5, opt_delay_ratio=0.8, opt_power_ratio=1.0
        ),
        rec(
            "b", area_ratio=0.8, delay_ratio=1.0, opt_area_ratio=2.0, opt_delay_ratio=0.8, opt_power_ratio=1.0
        ),
        rec("c", "fail", opt_area_ratio=0.01),  # an incorrect candidate never counts
    ]
    s = summarize(records)
    assert s.opt_ppa_samples == 2 and s.ppa_samples == 2
    assert s.opt_ppa_geomean["area"] == pytest.approx(1.0)
    assert s.opt_ppa_geomean["delay"] == pytest.approx(0.8)
    assert s.ppa_geomean["area"] == pytest.approx(math.sqrt(1.2 * 0.8))
    md, html = render([("run1", records)])
    assert "PPA after the recipe search" in md and "| run1 | 2 | 1.000 | 0.800 | 1.000 |" in md
    assert "PPA after the recipe search" in html


def test_a_run_without_optimize_shows_no_such_section() -> None:
    s = summarize([rec("a", area_ratio=1.0, delay_ratio=1.0)])
    assert s.opt_ppa_samples == 0 and s.opt_ppa_geomean == {}
    md, html = render([("run1", [rec("a", area_ratio=1.0)])])
    assert "recipe search" not in md and "recipe search" not in html


def test_optimized_metrics_name_the_side_that_failed() -> None:
    ok = {"area_um2": 2.0, "delay_ps": 100.0, "power_w": 1e-5}
    assert optimized_metrics({"error": "x"}, ok) == {"opt_error": "candidate: x"}
    assert optimized_metrics(ok, {"error": "y"}) == {"opt_error": "reference: y"}
    m = optimized_metrics({**ok, "area_um2": 1.0}, ok)
    assert m["opt_area_ratio"] == 0.5 and m["opt_ref_area_um2"] == 2.0 and m["opt_delay_ratio"] == 1.0
