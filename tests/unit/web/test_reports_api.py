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


def test_a_run_that_has_not_recorded_a_sample_yet_is_in_progress(api, home):
    d = home / "runs" / "r0"
    d.mkdir(parents=True)
    (d / "run.json").write_text(
        json.dumps({"suite": "chipsmith-rtl", "agent": "reference", "tasks": "adder8"})
    )
    row = api.get("/api/runs/status", params={"run": "r0"}).json()[0]
    assert row["records"] == 0 and row["expected"] == 1 and row["in_progress"] is True


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


def test_ppa_bars_compare_each_version_with_its_own_baseline_else_the_first():
    from chipsmith.agents.session_models import PpaFigures
    from chipsmith.web.charts import ppa_bars

    before = {"area_um2": 40.0, "delay_ps": 200.0, "power_w": 2e-5}
    figs = [PpaFigures(design="rtl/a.v", sha="1" * 8, area_um2=30.0, delay_ps=200.0, power_w=1e-5, baseline=before),
            PpaFigures(design="rtl/b.v", sha="2" * 8, area_um2=10.0, delay_ps=50.0, power_w=1e-6),
            PpaFigures(design="rtl/b.v", sha="3" * 8, area_um2=20.0, delay_ps=50.0, power_w=1e-6)]  # fmt: skip
    svg = ppa_bars(figs)
    # a: 0.75 / 1 / 0.5 of its baseline; b's first is itself (1 / 1 / 1); b's second: area 2x
    for bar in ("area a.v 111111: 0.750", "power a.v 111111: 0.500", "area b.v 222222: 1.000",
                "area b.v 333333: 2.000", "delay b.v 333333: 1.000"):  # fmt: skip
        assert f"<title>{bar}</title>" in svg, bar


def test_a_synthesis_agent_run_shows_its_before_after_and_steps(api, home):
    from chipsmith.benchmarks.results import RunRecord

    _run(home, "rtl", {"adder8": "pass"}, tasks="adder8")
    before, after = (
        {"area_um2": 40.0, "delay_ps": 300.0, "power_w": 2e-5},
        {"area_um2": 30.0, "delay_ps": 300.0, "power_w": 1e-5},
    )
    steps = [
        {
            "step": 1,
            "change": "one <b>subtractor</b>",
            "check": "equivalent (sat-comb)",
            "kept": True,
            "reason": "smaller",
        },
        {
            "step": 2,
            "change": "drop the carry",
            "check": "NOT equivalent",
            "kept": False,
            "reason": "a counterexample",
        },
    ]
    report = {
        "goal": "area",
        "start": "run:rtl",
        "before": before,
        "after": after,
        "verification": "equivalent (sat-comb)",
        "steps": steps,
        "table": "| ... |",
    }
    d = home / "runs" / "syn"
    d.mkdir(parents=True)
    (d / "run.json").write_text(
        json.dumps({"suite": "chipsmith-rtl", "agent": "synth", "tasks": "adder8,counter8"})
    )
    recs = [RunRecord(run_id="syn", task="adder8", suite="chipsmith-rtl", agent="synth", sample=0, verdict="pass",
                      failure_class="none", agent_report=report),
            RunRecord(run_id="syn", task="counter8", suite="chipsmith-rtl", agent="synth", sample=0, verdict="unusable",
                      failure_class="no_start", agent_report={"error": "no starting design for counter8"})]  # fmt: skip
    (d / "results.jsonl").write_text("".join(r.model_dump_json() + "\n" for r in recs))
    page = api.get("/runs/view", params={"run": ["rtl", "syn"]}).text
    assert page.count('class="synth-row"') == 2  # the rtl run has no synthesis report
    adder = page[page.index('data-task="adder8"') : page.index('data-task="counter8"')]
    assert (
        "<td>40</td><td>30</td><td>-25.0%</td>" in adder and "<td>300</td><td>300</td><td>+0.0%</td>" in adder
    )
    assert "-50.0%" in adder and "run:rtl" in adder and "2 step(s)" in adder
    assert "one &lt;b&gt;subtractor&lt;/b&gt;" in adder and "<b>subtractor" not in page
    assert "no starting design for counter8" in page[page.index('data-task="counter8"') :]
