"""The progress bar's running pass rate follows the summary's pass@1 rule (unusable tasks apart)."""

from __future__ import annotations

import pytest

from chipsmith.benchmarks.metrics import summarize
from chipsmith.benchmarks.results import RunRecord
from chipsmith.commands._bench_progress import RunProgress, pass_rate_text

pytestmark = pytest.mark.unit


def _rec(task: str, verdict: str, sample: int = 0) -> RunRecord:
    return RunRecord(
        run_id="r", task=task, suite="s", agent="reference", sample=sample, verdict=verdict,
        failure_class="pass" if verdict == "pass" else verdict,
    )  # fmt: skip


def test_unusable_tasks_do_not_lower_the_running_rate() -> None:
    # 11 passing tasks and one whose reference fails: pass@1 is 1.000, the bar showed 92%.
    records = [_rec(f"t{i}", "pass") for i in range(11)] + [_rec("broken", "unusable")]
    prog = RunProgress(enabled=False)
    for i, r in enumerate(records, 1):
        prog.update(r, i, len(records))
    assert summarize(records).pass_at_k["pass@1"] == 1.0
    assert prog.rate == "100% (1 unusable)"


def test_rate_is_the_mean_over_tasks_like_pass_at_1() -> None:
    # Task a: 1 of 3 samples pass; task b: 1 of 1. pass@1 = (1/3 + 1) / 2 = 67%, not 2 of 4 = 50%.
    records = [_rec("a", "pass", 0), _rec("a", "fail", 1), _rec("a", "fail", 2), _rec("b", "pass")]
    assert summarize(records).pass_at_k["pass@1"] == pytest.approx(2 / 3, abs=1e-6)
    assert pass_rate_text(records) == "67%"
    assert pass_rate_text([_rec("x", "unusable")]) == "- (1 unusable)"
    assert pass_rate_text([]) == "-"
