"""Runs and PPA: progress of a run, run ids that are never paths, bench report's HTML, charts."""

from __future__ import annotations

import json
import time

import pytest

from chipsmith.web.api_reports import before_after
from chipsmith.web.charts import xy_scatter

pytestmark = pytest.mark.unit


def _run(home, run_id, verdicts, tasks="adder8,counter8,gray8"):
    from chipsmith.benchmarks.results import RunRecord

    d = home / "runs" / run_id
    d.mkdir(parents=True)
    (d / "run.json").write_text(json.dumps({"suite": "chipsmith-rtl", "agent": "reference", "tasks": tasks,
                                            "run_id": run_id, "started": time.time()}))  # fmt: skip
    lines = [RunRecord(run_id=run_id, task=t, suite="chipsmith-rtl", agent="reference", sample=0, verdict=v,
                       failure_class="none" if v == "pass" else "mismatch").model_dump_json()
             for t, v in verdicts.items()]  # fmt: skip
    (d / "results.jsonl").write_text("\n".join(lines) + "\n")


def test_a_run_with_fewer_records_than_planned_is_in_progress(api, home):
    _run(home, "r1", {"adder8": "pass", "counter8": "fail"})
    rows = api.get("/api/runs").json()
    assert rows[0]["id"] == "r1" and rows[0]["records"] == 2 and rows[0]["expected"] == 3
    assert rows[0]["in_progress"] is True and rows[0]["failure_classes"]["mismatch"] == 1
    assert rows[0]["pass_at_1"] == 0.5


def test_a_complete_run_is_finished(api, home):
    _run(home, "r2", {"adder8": "pass"}, tasks="adder8")
    assert api.get("/api/runs/status", params={"run": "r2"}).json()[0]["in_progress"] is False


@pytest.mark.parametrize("bad", ["../runs/r1", "/etc", "..", "nope"])
def test_run_ids_are_names_of_recorded_runs_never_paths(api, home, bad):
    _run(home, "r1", {"adder8": "pass"})
    for path in ("/api/runs/report", "/api/runs/status", "/runs/view"):
        r = api.get(path, params={"run": bad})
        assert r.status_code == 404, (path, bad)


def test_the_report_is_bench_reports_own_html_without_script(api, home):
    _run(home, "r1", {"adder8": "pass", "counter8": "fail"})
    _run(home, "r2", {"adder8": "pass"}, tasks="adder8")
    r = api.get("/api/runs/report", params={"run": ["r1", "r2"]})
    assert r.status_code == 200 and "chipsmith benchmark report" in r.text
    assert "r1" in r.text and "r2" in r.text and "<script" not in r.text
    csp = r.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    page = api.get("/runs/view", params={"run": ["r1", "r2"]})
    assert page.status_code == 200 and 'src="/api/runs/report?run=r1&amp;run=r2"' in page.text


def test_before_after_rows_of_a_synthesis_step():
    from chipsmith.agents.session_models import PpaFigures

    f = PpaFigures(design="rtl/a.v", sha="ab" * 32, area_um2=80.0, delay_ps=100.0, power_w=None,
                   baseline={"area_um2": 100.0, "delay_ps": 100.0, "power_w": 1e-5}, goal="smaller", passed=True)  # fmt: skip
    (row,) = before_after([f])
    assert row["area_um2_change"] == pytest.approx(-0.2) and row["delay_ps_change"] == 0.0
    assert row["power_w_change"] is None and row["sha"] == "ab" * 6


def test_the_pareto_scatter_escapes_its_labels():
    svg = xy_scatter({"front <b>": [(1.0, 2.0, "<script>x</script>")]}, title="t & u", xlabel="a", ylabel="d")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "front &lt;b&gt;" in svg
    assert svg.count("<circle") == 1 and "no data" in xy_scatter({}, title="t", xlabel="a", ylabel="b")


def test_the_ppa_page_of_a_session_without_synthesis(api, session):
    r = api.get(f"/s/{session.id}/ppa")
    assert r.status_code == 200 and "No design of this session has been synthesized" in r.text
