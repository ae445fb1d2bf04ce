"""The synthesis agent end to end with real tools (lint, equivalence, yosys + OpenSTA, the recipe
optimizer, the simulator) and a scripted model: only the model is replaced.

The designs are chosen so the facts are the tools', not the test's: sharing one multiplier between
two exclusive products halves the area (measured: 144.4 -> 74.5 um^2 with the bundled library) and
is proven equivalent; dropping the select is smaller but wrong, and the equivalence tool finds it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents.base import RunContext
from chipsmith.agents.transcript import Transcript
from chipsmith.benchmarks.task import PublicView
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

HEADER = "module mulsel4(input [3:0] a, input [3:0] b, input [3:0] c, input sel, output [7:0] y);"
START = HEADER + "\n  assign y = sel ? a * b : a * c;\nendmodule\n"
SHARED = HEADER + "\n  assign y = a * (sel ? b : c);\nendmodule\n"
WRONG = HEADER + "\n  assign y = a * b;\nendmodule\n"
SPEC = "y is a times b when sel is 1, else a times c (unsigned 4-bit operands, 8-bit product)."


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("yosys", "yosys-abc", "sta", "iverilog", "verilator")
    require_module("langchain")
    require_module("pyslang")


def fenced(code: str, change: str = "") -> str:
    return (f"CHANGE: {change}\n" if change else "") + f"```verilog\n{code}```\n"


def public(start: str = START, header: str = HEADER, top: str = "mulsel4", spec: str = SPEC) -> PublicView:
    return PublicView(task_id=top, kind="rtl", spec=spec, interface=header, top=top,
                      starter_files={f"{top}.v": start})  # fmt: skip


def solve(
    tmp_path: Path, replies: list[Any], task: PublicView | None = None, observer: Any = None, **options: Any
) -> tuple[Any, Transcript]:
    from chipsmith.agents.synth import SynthAgent

    tmp_path.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    options = {
        "cache": False,
        "home": str(tmp_path / "home"),
        "goal": "area",
        "optimize_budget_s": 0,
        **options,
    }
    cand = SynthAgent(model=f"scripted:{script}", **options).solve(
        task or public(), RunContext(workdir=tmp_path / "w"), observer=observer
    )
    return cand, Transcript.load(Path(cand.meta["agent"]["transcript"]))


def test_a_non_equivalent_change_is_rejected_and_a_proven_smaller_one_is_kept(tmp_path: Path) -> None:
    cand, tr = solve(tmp_path, [fenced(WRONG, "drop the select"), fenced(SHARED, "share the multiplier")])
    info = cand.meta["agent"]
    rep = info["report"]
    assert cand.files == {"mulsel4.v": SHARED} and info["stop_reason"] == "goal_met"
    first, second = rep["steps"]
    assert first["check"].startswith("NOT equivalent") and not first["kept"] and first["after"] is None
    assert (
        second["check"].startswith("equivalent")
        and second["kept"]
        and second["change"] == "share the multiplier"
    )
    assert second["after"]["area_um2"] < 0.6 * second["before"]["area_um2"]  # one multiplier instead of two
    assert rep["after"]["area_um2"] == second["after"]["area_um2"] and rep["delta"]["area_um2"].startswith(
        "-"
    )
    assert rep["verification"].startswith("equivalent") and rep["best_step"] == 2 and rep["kept_steps"] == [2]
    assert "| 1 | drop the select | NOT equivalent" in rep["table"] and "| yes |" in rep["table"]
    seen = tr.model_inputs()
    assert "NOT EQUIVALENT" in seen and "gold.y=" in seen  # the counterexample reached the model
    assert "critical path: input" in seen and "biggest cells:" in seen and "0 registers" in seen
    assert (tmp_path / "w" / "workspace" / "mulsel4.v").read_text() == SHARED
    assert [(i["iteration"], i["best"]) for i in cand.meta["iterations"]] == [(0, 0), (1, 0), (2, 2)]


def test_no_gain_is_not_kept_and_the_model_may_stop(tmp_path: Path) -> None:
    same = START.replace(
        "assign y = sel ? a * b : a * c;", "assign y = sel ? (a * b) : (a * c);  // same logic"
    )
    cand, _ = solve(tmp_path, [fenced(same, "parenthesize"), "NO FURTHER CHANGES"], target_pct="none")
    info = cand.meta["agent"]
    assert info["stop_reason"] == "no_more_changes" and cand.files == {"mulsel4.v": START}
    (step,) = info["report"]["steps"]
    assert (
        step["check"].startswith("equivalent") and not step["kept"] and step["reason"].startswith("no gain")
    )
    assert info["report"]["verification"] == "starting design" and info["report"]["best_step"] == 0


def test_budget_exhaustion_keeps_the_best_verified_design(tmp_path: Path) -> None:
    replies = [fenced(SHARED), fenced(WRONG), fenced(SHARED.replace("a *", "b *"))]
    cand, tr = solve(tmp_path, replies, target_pct="none", budget={"max_model_calls": 2})
    info = cand.meta["agent"]
    assert info["stop_reason"] == "budget" and info["model_calls"] == 2
    assert cand.files == {"mulsel4.v": SHARED}  # step 2 (smaller but wrong) was never kept
    assert [s["kept"] for s in info["report"]["steps"]] == [True, False]
    assert (tmp_path / "w" / "transcript.json").is_file() and (tmp_path / "w" / "ledger.jsonl").read_text()


def test_bad_replies_are_named_and_the_run_ends_within_its_bounds(tmp_path: Path) -> None:
    replies = [
        "I would share the multiplier.",
        "```python\ndef mulsel4(a, b, c, sel):\n    return a * (b if sel else c)\n```",
        fenced(SHARED.replace("module mulsel4", "module mulsel")),
        fenced(SHARED.replace("input sel,", "input s,").replace("(sel ?", "(s ?")),
        fenced(SHARED.replace("assign y =", "assign y = ;")),
        "// filler\n" * 20_000,
    ]
    cand, tr = solve(tmp_path, replies, max_steps=6, max_model_calls=8)
    info = cand.meta["agent"]
    assert info["stop_reason"] == "max_iterations" and cand.files == {"mulsel4.v": START}
    checks = [s["check"] for s in info["report"]["steps"]]
    assert checks == ["no code", "no code", "interface", "interface", "lint", "no code"]
    seen = tr.model_inputs()
    assert "your reply has no code" in seen and "your code is Python, not Verilog" in seen
    assert "defines no module named mulsel4" in seen and "missing port(s): sel" in seen
    assert "### Lint" in seen and "syntax error" in seen.lower()
    assert not any(s["kept"] for s in info["report"]["steps"])
    assert (tmp_path / "w" / "workspace" / "mulsel4.v").read_text() == START  # every rejection undone


def test_the_optimizer_runs_before_and_after_and_is_reported(tmp_path: Path) -> None:
    events: list[Any] = []
    cand, tr = solve(
        tmp_path, [fenced(SHARED, "share the multiplier")], optimize_budget_s=3, observer=events.append
    )
    opt = cand.meta["agent"]["report"]["optimizer"]
    assert (
        set(opt) == {"start", "final"} and opt["start"]["error"] is None and opt["start"]["evaluations"] >= 1
    )
    assert opt["start"]["default"]["area_um2"] == cand.meta["agent"]["report"]["before"]["area_um2"]
    assert opt["final"]["default"]["area_um2"] == cand.meta["agent"]["report"]["after"]["area_um2"]
    assert "recipe search (" in tr.model_inputs()
    assert (tmp_path / "home" / "optimizer" / "recipes.jsonl").is_file()  # the recipe history grew
    for run in opt.values():  # whatever it reports as best was proven by the optimizer
        assert run["best"] is None or "proven equivalent" in run["proof"]
    # live views see the agent's own long steps as tool calls, each start with its end
    tools = [(e.data["tool"], e.data["phase"]) for e in events if e.kind == "tool"]
    assert tools[:2] == [("optimize", "start"), ("optimize", "end")] and tools[-1] == ("optimize", "end")
    assert {("equivalence", "end"), ("synthesize", "end"), ("lint", "end")} <= set(tools)
    ends = [e.data for e in tr.events if e.kind == "tool" and e.data["phase"] == "end"]
    assert any(d["tool"] == "equivalence" and d["status"] == "ok" for d in ends)  # in the transcript too


def test_no_starting_design_and_a_broken_one_are_one_line_each(tmp_path: Path) -> None:
    bare = PublicView(task_id="mulsel4", kind="rtl", spec=SPEC, interface=HEADER, top="mulsel4")
    cand, _ = solve(tmp_path / "a", [fenced(SHARED)], task=bare)
    info = cand.meta["agent"]
    assert cand.files == {} and info["stop_reason"] == "no_start" and "-O start=run:" in info["stop_message"]
    broken = public(start=HEADER + "\n  assign y = ;\nendmodule\n")
    cand, _ = solve(tmp_path / "b", [fenced(SHARED)], task=broken)
    info = cand.meta["agent"]
    assert info["stop_reason"] == "bad_start" and "does not synthesize" in info["stop_message"]
    assert info["model_calls"] == 0 and "\n" not in info["stop_message"]


def test_the_orchestrator_request_names_the_goal(tmp_path: Path) -> None:
    ask = "Rewrite the design below to reduce its area (synthesis with the bundled library) without changing its behaviour"
    cand, tr = solve(tmp_path, [fenced(SHARED)], task=public(spec=ask), goal=None)
    assert cand.meta["agent"]["report"]["goal"] == "area" and "minimize the area" in tr.model_inputs()
    assert json.loads(json.dumps(cand.meta))  # the record's report is plain JSON
