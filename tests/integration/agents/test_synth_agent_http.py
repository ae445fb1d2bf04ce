"""One synthesis-agent step over real HTTP: the loopback OpenAI-compatible server drives the real
openai client path (a native tool call to synthesize, then a proposal), with real tools behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.task import PublicView
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

HEADER = "module mulsel4(input [3:0] a, input [3:0] b, input [3:0] c, input sel, output [7:0] y);"
START = HEADER + "\n  assign y = sel ? a * b : a * c;\nendmodule\n"
SHARED = HEADER + "\n  assign y = a * (sel ? b : c);\nendmodule\n"


def test_one_step_over_http_with_a_tool_call_then_a_kept_change(loopback_llm, tmp_path: Path) -> None:
    from chipsmith.agents.synth import SynthAgent
    from loopback_llm import reply, tool_call

    require_tool("yosys", "sta", "iverilog", "verilator")
    require_module("pyslang")
    loopback_llm.script(
        tool_call("synthesize", {"sources": ["mulsel4.v"], "top": "mulsel4"}),
        reply(f"CHANGE: one multiplier for both products\n```verilog\n{SHARED}```\n", usage=(900, 60)),
    )
    task = PublicView(task_id="mulsel4", kind="rtl", spec="y = sel ? a*b : a*c", interface=HEADER,
                      top="mulsel4", starter_files={"mulsel4.v": START})  # fmt: skip
    agent = SynthAgent(model=loopback_llm.spec(), cache=False, home=str(tmp_path / "home"), goal="area",
                       optimize_budget_s=0)  # fmt: skip
    cand = agent.solve(task, RunContext(workdir=tmp_path / "w"))
    info = cand.meta["agent"]
    assert (
        info["real"] and info["model_calls"] == 2 and info["input_tokens"] > 0 and info["output_tokens"] > 0
    )
    assert info["stop_reason"] == "goal_met" and cand.files == {"mulsel4.v": SHARED}
    assert info["report"]["steps"][0]["kept"] and info["report"]["steps"][0]["check"].startswith("equivalent")
    first = loopback_llm.requests[0]["body"]
    assert {t["function"]["name"] for t in first["tools"]} == {
        "read_file",
        "list_files",
        "lint",
        "synthesize",
    }
    second = loopback_llm.requests[1]["body"]["messages"]
    tool_out = next(m for m in second if m["role"] == "tool")
    shown = str(tool_out["content"])  # the real synthesis result went back to the model
    assert "area" in shown and "um" in shown
