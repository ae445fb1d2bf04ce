"""The synthesis agent's pure parts: report parsing (recorded OpenSTA logs, the bundled liberty),
reply reading, the steps table, the goal, the options and where the starting design comes from."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from chipsmith.agents.synth import SynthOptions, goal_of
from chipsmith.agents.synth_optimize import OptimizerSummary
from chipsmith.agents.synth_reports import (
    DesignReport,
    LibCell,
    biggest_cells,
    liberty_cells,
    parse_critical_path,
    parse_power_split,
    render_report,
)
from chipsmith.agents.synth_start import StartError, from_starters, start_design
from chipsmith.agents.synth_steps import (
    Step,
    change_line,
    declares_latency_change,
    pct,
    says_done,
    steps_table,
)

pytestmark = pytest.mark.unit

PPA = Path(__file__).resolve().parents[2] / "data" / "ppa"
TOP = "module m(input a, output y);\n  assign y = ~a;\nendmodule\n"


def test_the_critical_path_of_a_clocked_design_runs_flop_to_flop_one_entry_per_cell() -> None:
    path = parse_critical_path((PPA / "synth_counter8_generic45.sta.log").read_text())
    assert path is not None and path.start == path.end == "a flip-flop (clk)"
    assert path.arrival_ps == 366.302
    assert path.cells == ["DFF_X1"] + ["AND2_X1"] * 6 + ["NAND2_X1", "XOR2_X1", "NOR2_X1", "DFF_X1"]
    asap7 = parse_critical_path((PPA / "synth_counter8_asap7.sta.log").read_text())
    assert asap7 is not None and asap7.cells[0] == asap7.cells[-1] == "DFFHQNx1_ASAP7_75t_R"
    assert len(asap7.cells) == 7


def test_ports_name_the_ends_of_a_combinational_path_and_a_log_without_one_gives_none() -> None:
    path = parse_critical_path((PPA / "synth_adder16_generic45.sta.log").read_text())
    assert path is not None and path.start.startswith("input ") and path.end.startswith("output ")
    assert "in" not in path.cells and "out" not in path.cells
    assert parse_critical_path("Error: nothing here") is None


def test_power_split_and_liberty_cells() -> None:
    assert parse_power_split((PPA / "synth_counter8_asap7.sta.log").read_text()) == {
        "sequential": 92.2,
        "combinational": 7.8,
    }
    from chipsmith.tools.liberty import load_liberties

    lib = liberty_cells(load_liberties(None)[0])
    assert lib["DFF_X1"].sequential and lib["DFFR_X1"].sequential and not lib["NAND2_X1"].sequential
    assert lib["INV_X1"].area == 0.532 and lib["MUX2_X1"].area == 1.862


def test_biggest_cells_rank_by_area_not_count() -> None:
    lib = {"INV": LibCell(area=0.5), "DFF": LibCell(area=4.0, sequential=True), "X": LibCell()}
    got = biggest_cells({"INV": 10, "DFF": 3, "X": 1}, lib, total=17.0)
    assert [u.cell for u in got] == ["DFF", "INV", "X"]
    assert got[0].area_um2 == 12.0 and got[0].share == pytest.approx(12 / 17) and got[2].share is None


def test_scores_need_their_figures_and_the_report_reads_as_one_block() -> None:
    r = DesignReport(area_um2=10.0, delay_ps=200.0, power_w=None, cell_count=7, registers=2, logic_depth=4)
    assert r.score("area") == 10.0 and r.score("adp") == 2000.0 and r.score("power") is None
    assert DesignReport(error="boom").score("area") is None
    text = render_report(r)
    assert "area 10.000 um^2, delay 200.0 ps, power n/a; 7 cells, 2 registers, logic depth 4" in text
    assert render_report(DesignReport(error="yosys: x.v:1: syntax error")).startswith("synthesis failed: ")


def test_the_reply_names_its_change_its_latency_and_when_it_is_done() -> None:
    code = "```verilog\nmodule m; endmodule\n```"
    assert (
        change_line(f"CHANGE: share the adder between ops 0 and 1\n{code}")
        == "share the adder between ops 0 and 1"
    )
    assert change_line(f"**Change:** balance the tree\n{code}") == "balance the tree"
    assert change_line(f"I balanced the XOR tree.\n{code}") == "I balanced the XOR tree."
    assert change_line(code) == "" and len(change_line("CHANGE: " + "x" * 500)) == 100
    assert declares_latency_change("LATENCY CHANGE: yes\n") and declares_latency_change("latency_change: +1")
    assert not declares_latency_change("the latency does not change")
    assert says_done("NO FURTHER CHANGES") and says_done("I see no more improvements.")
    assert not says_done(f"No further changes after this one:\n{code}")


def test_the_steps_table_shows_before_after_deltas_and_why_a_step_was_not_kept() -> None:
    before = {"area_um2": 100.0, "delay_ps": 400.0, "power_w": 2e-5}
    steps = [
        Step(step=1, change="drop sel", check="NOT equivalent (sat-comb)", reason="not verified", before=before),
        Step(step=2, change="a | b", check="equivalent (sat-comb)", kept=True, verified=True, before=before,
             after={"area_um2": 80.0, "delay_ps": 420.0, "power_w": None}),
    ]  # fmt: skip
    rows = steps_table(steps).splitlines()
    assert rows[0] == "| step | change | check | area um^2 | delay ps | power W | kept |"
    assert rows[2] == (
        "| 1 | drop sel | NOT equivalent (sat-comb) | 100.000 -> - | 400.0 -> - | 2e-05 -> - | no: not verified |"
    )
    assert "100.000 -> 80.000 (-20.0%)" in rows[3] and "400.0 -> 420.0 (+5.0%)" in rows[3]
    assert "a / b" in rows[3] and rows[3].endswith("| yes |")
    assert pct(1.0, 0.0) == "" and pct(None, 2.0) == ""


def test_the_goal_comes_from_the_option_then_the_request_then_adp() -> None:
    ask = "Rewrite the design below to reduce its delay (synthesis with the bundled library) without changing"
    assert goal_of("power", ask) == "power" and goal_of(None, ask) == "delay"
    assert (
        goal_of(None, "Minimize the area of this FIFO.") == "area" and goal_of(None, "make it good") == "adp"
    )


def test_options_from_the_command_line() -> None:
    opts = SynthOptions.model_validate({"target_pct": "none", "tools": "read_file, lint", "liberty": "a.lib"})
    assert opts.target_pct is None and opts.tools == ("read_file", "lint") and opts.liberty == ("a.lib",)
    assert SynthOptions.model_validate({"target_pct": "10"}).target_pct == 10.0
    with pytest.raises(ValueError):
        SynthOptions.model_validate({"goal": "speed"})


def test_optimizer_summary_says_what_it_found_or_why_not() -> None:
    fig = {"area_um2": 10.0, "delay_ps": 100.0, "power_w": None}
    found = OptimizerSummary(design="start", goal="adp", budget_s=5, evaluations=6, wall_s=5.2, default=fig,
                             best={**fig, "area_um2": 9.0}, ratio=0.9)  # fmt: skip
    assert "6 synthesis recipes" in found.text() and "-10.0% adp" in found.text()
    assert "no recipe proven" in OptimizerSummary(design="s", goal="area", budget_s=5).text()
    assert "did not run: no" in OptimizerSummary(design="s", goal="area", budget_s=5, error="no").text()


def task(starters: dict[str, str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(task_id="m", top="m", starter_files=starters or {})


def test_a_starter_defining_the_top_is_the_start_else_one_line_saying_how(tmp_path: Path) -> None:
    assert from_starters({"m.v": TOP, "notes.txt": "x"}, "m") == {"m.v": TOP}
    assert from_starters({"m_helper.v": "module m_helper; endmodule"}, "m") is None
    assert start_design("auto", task({"m.v": TOP}), 0, tmp_path) == ({"m.v": TOP}, "starter")
    with pytest.raises(StartError, match="-O start=run:RUN_ID"):
        start_design("auto", task(), 0, tmp_path)
    with pytest.raises(StartError, match="use auto, starter, dir:PATH or run:RUN_ID"):
        start_design("reference", task(), 0, tmp_path)


def test_a_samples_dir_start(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    for k in (0, 1):
        (tmp_path / "m" / f"sample_{k}.v").write_text(TOP.replace("~a", "~a" if k == 0 else "!a"))
    files, source = start_design(f"dir:{tmp_path}", task(), 1, tmp_path)
    assert files == {"sample_1.v": TOP.replace("~a", "!a")} and source == f"dir:{tmp_path}"
    assert start_design(f"dir:{tmp_path}", task(), 7, tmp_path)[0] == {"sample_0.v": TOP}  # fewer samples
    with pytest.raises(StartError, match="not a directory"):
        start_design(f"dir:{tmp_path / 'none'}", task(), 0, tmp_path)


def _run(home: Path, verdict: str, files: dict[str, str] | None) -> None:
    run = home / "runs" / "r"
    run.mkdir(parents=True)
    transcript = run / "t.json"
    transcript.write_text(json.dumps({"meta": {"best": {"files": files}}}))
    rec = {"run_id": "r", "task": "m", "suite": "s", "agent": "rtl", "sample": 0, "verdict": verdict,
           "failure_class": verdict, "transcript": str(transcript)}  # fmt: skip
    (run / "results.jsonl").write_text(json.dumps(rec) + "\n")


def test_a_run_start_takes_the_passing_candidate_from_its_transcript(tmp_path: Path) -> None:
    _run(tmp_path / "ok", "pass", {"sub/m.v": TOP})
    assert start_design("run:r", task(), 0, tmp_path / "ok") == ({"m.v": TOP}, "run:r")  # a plain name
    _run(tmp_path / "failed", "fail", {"m.v": TOP})
    with pytest.raises(StartError, match="no passing candidate for m"):
        start_design("run:r", task(), 0, tmp_path / "failed")
    _run(tmp_path / "lost", "pass", None)
    with pytest.raises(StartError, match="not in its transcript"):
        start_design("run:r", task(), 0, tmp_path / "lost")
    with pytest.raises(StartError, match="no results for run"):
        start_design("run:nope", task(), 0, tmp_path / "ok")
