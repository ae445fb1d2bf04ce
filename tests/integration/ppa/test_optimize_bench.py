"""`bench run --optimize adp`: correct candidates and the reference get the same recipe search."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks.metrics import summarize
from chipsmith.benchmarks.results import ResultStore
from chipsmith.benchmarks.runner import RunConfig, run_benchmark
from helpers import require_tool

pytestmark = pytest.mark.integration


def test_reference_run_reports_ppa_before_and_after_optimisation(tmp_path: Path) -> None:
    require_tool("iverilog", "yosys", "yosys-abc", "sta")
    cfg = RunConfig(suite="chipsmith-rtl", agent="reference", tasks="adder8", run_id="opt", home=tmp_path,
                    optimize="adp", optimize_budget_s=4)  # fmt: skip
    run_benchmark(cfg)
    (rec,) = ResultStore(tmp_path / "runs" / "opt" / "results.jsonl").read()
    m = rec.metrics
    assert rec.verdict == "pass" and "opt_error" not in m, m
    # The reference against itself: same content, same search, ratio 1 before and after.
    assert m["area_ratio"] == 1.0 and m["opt_area_ratio"] == 1.0
    # adp is the goal and the default flow is a candidate of the search: never worse after it.
    assert m["opt_area_um2"] * m["opt_delay_ps"] <= m["area_um2"] * m["delay_ps"] * (1 + 1e-9)
    assert any((tmp_path / "cache" / "bench" / "optimize").iterdir())
    assert summarize([rec]).opt_ppa_geomean["area"] == 1.0
