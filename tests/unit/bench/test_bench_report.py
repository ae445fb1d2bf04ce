"""Report rendering: Markdown and one self-contained HTML with inline SVG charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chipsmith.benchmarks.report import write_report
from chipsmith.benchmarks.results import RunRecord
from chipsmith.benchmarks.svg import grouped_bars, log_scatter

pytestmark = pytest.mark.unit


def records(agent: str, passing: bool) -> list[RunRecord]:
    out = []
    for i, (task, cat) in enumerate([("adder8", "arithmetic"), ("fsm1", "fsm"), ("<b>odd|name", "fsm")]):
        ok = passing or i == 0
        metrics = (
            {"area_um2": 10.0 * (i + 1), "ref_area_um2": 12.0 * (i + 1), "area_ratio": 10 / 12} if ok else {}
        )
        out.append(
            RunRecord(
                run_id=agent,
                task=task,
                suite="s",
                category=cat,
                agent=agent,
                sample=0,
                verdict="pass" if ok else "fail",
                failure_class="pass" if ok else "mismatch",
                metrics=metrics,
            )  # fmt: skip
        )
    return out


def test_report_compares_runs_side_by_side(tmp_path: Path) -> None:
    md_path, html_path = write_report(
        [("good", records("good", True)), ("bad", records("bad", False))], tmp_path
    )
    md, html = md_path.read_text(), html_path.read_text()
    assert re.search(r"\| good \| good \| - \| s \| detailed \| 3 \(3\) \| 3 \| 1\.000 \|", md)
    assert re.search(r"\| bad \| bad \| - \| s \| detailed \| 3 \(3\) \| 3 \| 0\.333 \|", md)
    assert "mismatch 2" in md
    # Self-contained: no external scripts, styles or images.
    assert not re.search(r"<(script|link|img)\b", html) and "src=" not in html
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert "&lt;b&gt;odd" in html and "<b>odd" not in html  # task names are escaped


def test_charts_are_well_formed_even_without_data() -> None:
    ET.fromstring(grouped_bars([], {}, title="t"))
    ET.fromstring(log_scatter({"run": []}, title="t", xlabel="x", ylabel="y"))
    bars = grouped_bars(["fsm", "arith"], {"a": [0.5, 1.0]}, title="p")
    assert bars.count("<rect") == 3  # two bars and one legend swatch
