"""pass@k, PPA aggregates and kernel fast_p on hand-built records."""

from __future__ import annotations

import math

import pytest

from chipsmith.benchmarks.metrics import beats_reference, geomean, pass_at_k, summarize
from chipsmith.benchmarks.results import RunRecord

pytestmark = pytest.mark.unit


def rec(
    task: str, sample: int, verdict: str, category: str = "fsm", kind: str = "rtl", **metrics: float
) -> RunRecord:
    fc = {"pass": "pass", "fail": "mismatch", "unusable": "unusable"}[verdict]
    return RunRecord(
        run_id="r", task=task, suite="s", kind=kind, category=category, agent="a", sample=sample,
        verdict=verdict, failure_class=fc, metrics=metrics,
    )  # fmt: skip


def test_pass_at_k_matches_the_closed_form() -> None:
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(10, 3, 5) == pytest.approx(1 - math.comb(7, 5) / math.comb(10, 5))
    assert pass_at_k(10, 0, 5) == 0.0
    assert pass_at_k(10, 6, 5) == 1.0  # fewer than k failures: every k-subset has a pass
    assert pass_at_k(5, 5, 5) == 1.0


def test_pass_at_k_refuses_k_above_n() -> None:
    with pytest.raises(ValueError, match="at least 5 samples"):
        pass_at_k(3, 1, 5)


def test_summary_skips_unusable_tasks_and_ks_without_enough_samples() -> None:
    records = [rec("a", s, "pass" if s < 2 else "fail") for s in range(5)]
    records += [rec("b", s, "fail", category="memory") for s in range(5)]
    records += [rec("c", 0, "unusable")]
    summary = summarize(records)
    assert summary.usable_tasks == 2 and summary.tasks == 3
    assert summary.pass_at_k["pass@1"] == pytest.approx((0.4 + 0.0) / 2)
    assert summary.pass_at_k["pass@5"] == pytest.approx(0.5)
    assert "pass@10" not in summary.pass_at_k
    assert summary.pass_at_1_by_category == {"fsm": pytest.approx(0.4), "memory": 0.0}
    assert list(summary.unusable) == ["c"]
    assert summary.failure_classes == {"pass": 2, "mismatch": 8, "unusable": 1}


def test_ppa_geomean_and_tasks_beating_the_reference() -> None:
    records = [
        rec("a", 0, "pass", area_ratio=0.5, delay_ratio=1.0, power_ratio=0.8),
        rec("b", 0, "pass", area_ratio=2.0, delay_ratio=0.5, power_ratio=1.0),
        rec("c", 0, "fail", area_ratio=0.1),  # incorrect designs never count
    ]
    summary = summarize(records)
    assert summary.ppa_geomean["area"] == pytest.approx(1.0)
    assert summary.ppa_geomean["delay"] == pytest.approx(math.sqrt(0.5))
    assert summary.tasks_beating_reference == 1
    assert summary.ppa_samples == 2


def test_beats_reference_needs_pareto_improvement() -> None:
    assert beats_reference({"area": 0.9, "delay": 1.0})
    assert not beats_reference({"area": 0.9, "delay": 1.1})
    assert not beats_reference({"area": 1.0, "delay": 1.0})
    assert not beats_reference({})


def test_kernel_fast_p_and_speedup_geomean() -> None:
    records = [
        rec("k1", 0, "pass", kind="kernel", speedup=2.0),
        rec("k2", 0, "pass", kind="kernel", speedup=0.5),
        rec("k3", 0, "fail", kind="kernel", speedup=9.0),
    ]
    kernel = summarize(records).kernel
    assert kernel["fast_0"] == pytest.approx(2 / 3)
    assert kernel["fast_1"] == pytest.approx(1 / 3)
    assert kernel["fast_2"] == 0.0  # 2.0 is not strictly faster than 2x
    assert kernel["speedup_geomean"] == pytest.approx(1.0)


def test_geomean_ignores_missing_and_nonpositive() -> None:
    assert geomean([]) is None
    assert geomean([4.0, 1.0, 0.0]) == pytest.approx(2.0)


def test_kernel_fast_p_counts_an_interpreter_pass_for_p0_only() -> None:
    from chipsmith.benchmarks.metrics import kernel_metrics

    records = [
        RunRecord(run_id="r", task="t1", suite="k", kind="kernel", agent="a", sample=0,
                  verdict="pass", failure_class="pass", metrics={"speedup": None}),
        RunRecord(run_id="r", task="t2", suite="k", kind="kernel", agent="a", sample=0,
                  verdict="pass", failure_class="pass", metrics={"speedup": 1.6}),
        RunRecord(run_id="r", task="t3", suite="k", kind="kernel", agent="a", sample=0,
                  verdict="fail", failure_class="mismatch", metrics={"speedup": 9.0}),
    ]  # fmt: skip
    km = kernel_metrics(records)
    assert km["fast_0"] == pytest.approx(2 / 3)
    assert km["fast_1"] == pytest.approx(1 / 3) and km["fast_1.5"] == pytest.approx(1 / 3)
    assert km["fast_2"] == 0.0
    assert km["speedup_geomean"] == pytest.approx(1.6)
