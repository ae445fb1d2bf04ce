"""Static candidate checks and candidate file naming."""

from __future__ import annotations

import pytest

from chipsmith.benchmarks.rtl_checks import candidate_findings
from chipsmith.benchmarks.rtl_eval import candidate_sources, ppa_metrics
from chipsmith.benchmarks.samples_dir import discover

pytestmark = pytest.mark.unit


def test_design_that_ends_the_simulation_or_fakes_a_verdict_is_flagged() -> None:
    cheat = 'module m; initial begin $display("Mismatches: 0 in 100 samples"); $finish; end endmodule'
    findings = candidate_findings({"c.v": cheat})
    assert any("$finish" in f for f in findings) and any("verdict text" in f for f in findings)
    assert candidate_findings({"c.v": 'module m; initial $display("===Your Design Passed==="); endmodule'})


def test_clean_designs_and_comments_are_not_flagged() -> None:
    ok = "module m(input a, output y);\n  localparam TIMEOUT = 3; // $finish is for testbenches\n  assign y = a;\nendmodule\n"
    assert candidate_findings({"ok.v": ok}) == []


def test_candidate_files_cannot_shadow_hidden_files() -> None:
    names = candidate_sources({"tb.sv": "x", "ref.v": "y", "z.txt": "w"})
    assert set(names) == {"cand0.v", "cand1.sv", "cand2.v"}


def test_ppa_ratios_only_where_both_sides_are_positive() -> None:
    out = ppa_metrics(
        {"area_um2": 10.0, "delay_ps": None, "power_w": 2.0},
        {"area_um2": 20.0, "delay_ps": 5.0, "power_w": 0.0},
    )
    assert out["area_ratio"] == 0.5 and "delay_ratio" not in out and "power_ratio" not in out
    assert ppa_metrics({"error": "boom"}, {}) == {"ppa_error": "boom"}


def test_sample_directory_layouts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a").mkdir()
    for k in (10, 2, 1):
        (tmp_path / "a" / f"sample_{k}.v").write_text("m")
    (tmp_path / "b.sv").write_text("m")
    for nn in ("02", "01"):
        (tmp_path / f"Prob001_x_sample{nn}.sv").write_text("m")
    assert [p.name for p in discover(tmp_path, "a")] == ["sample_1.v", "sample_2.v", "sample_10.v"]
    assert [p.name for p in discover(tmp_path, "b")] == ["b.sv"]
    assert [p.name for p in discover(tmp_path, "Prob001_x")] == [
        "Prob001_x_sample01.sv",
        "Prob001_x_sample02.sv",
    ]
    assert discover(tmp_path, "missing") == []
