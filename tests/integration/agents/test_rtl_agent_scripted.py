"""The RTL agent end to end with real tools (lint, simulate, trace) and a scripted model.

Only the model is replaced. A testbench writer registered for the test plays the verification agent
(a behavioural testbench from tests/data), so the simulator's mismatch and the waveform trace are
real, and the test checks that the model was shown them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents import testbench as tbmod
from chipsmith.agents.base import RunContext
from chipsmith.agents.transcript import Transcript
from chipsmith.benchmarks.task import PublicView
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "bench" / "rtl_suite" / "counter4"
INTERFACE = "module counter4(input clk, input rst, input en, output reg [3:0] q);"
BUGGY = (
    INTERFACE.replace(";", "")
    + ";\n  always @(posedge clk) begin\n    if (rst) q <= 4'd0;\n    else q <= q + 4'd1;\n  end\nendmodule\n"
)
FIXED = BUGGY.replace("else q <=", "else if (en) q <=")


def fenced(code: str) -> str:
    return f"```verilog\n{code}```\n"


class BehaviouralWriter:
    """Stands in for the verification agent: writes a self-checking testbench."""

    def __init__(self, **_: Any) -> None:
        pass

    def make_testbench(self, request: Any, workspace: Any, context: Any) -> tbmod.Testbench:
        workspace.write("tb/tb.sv", (DATA / "tb.sv").read_text())
        return tbmod.Testbench(
            path="tb/tb.sv", top="tb", source="test-writer", label="behavioural test", checks_spec=True
        )


@pytest.fixture
def writer():
    from chipsmith.registry import AGENTS

    require_tool("iverilog", "verilator")
    require_module("pyslang")
    require_module("langchain")
    AGENTS.add("test-writer", BehaviouralWriter)
    yield "test-writer"
    AGENTS._entries.pop("test-writer", None)


def public() -> PublicView:
    return PublicView(
        task_id="counter4",
        kind="rtl",
        spec=(DATA / "spec.md").read_text(),
        interface=INTERFACE,
        top="counter4",
    )


def solve(
    tmp_path: Path, replies: list[Any], name: str = "run", **options: Any
) -> tuple[Any, Transcript, Path]:
    from chipsmith.agents.rtl import RtlAgent

    script = tmp_path / "script.yaml"  # one file: the spec (and so the cache key) names it
    script.write_text(yaml.safe_dump({"replies": replies}))
    options = {"cache": False, "home": str(tmp_path / "home"), "testbench": "test-writer", **options}
    work = tmp_path / name
    cand = RtlAgent(model=f"scripted:{script}", **options).solve(
        public(), RunContext(workdir=work, category="sequential")
    )
    return cand, Transcript.load(Path(cand.meta["agent"]["transcript"])), work


def test_a_bug_is_shown_with_mismatch_and_trace_then_fixed(tmp_path: Path, writer: str) -> None:
    cand, tr, work = solve(tmp_path, ["I think this works:\n" + fenced(BUGGY), fenced(FIXED)])
    info = cand.meta["agent"]
    assert info["stop_reason"] == "testbench_passed" and info["iterations"] == 2
    assert [(i["own_check"], i["best"]) for i in cand.meta["iterations"]] == [("mismatch", 1), ("pass", 2)]
    feedback = [m.content for m in tr.messages if m.role == "human"][1]  # what the model saw before its fix
    assert "MISMATCH" in feedback and "Mismatches: " in feedback  # the simulator's verdict and output
    assert "first mismatch" in feedback and "q (expected)" in feedback  # the waveform trace
    assert "counter4.v:" in feedback and "else q <= q + 4'd1;" in feedback  # the suspect line
    assert (work / "workspace" / "counter4.v").read_text() == FIXED
    assert cand.files == {"counter4.v": FIXED} and not info["real"] and "scripted" in info["model"]
    assert {e.data["tool"] for e in tr.events if e.kind == "tool"} >= {"lint", "simulate", "trace_mismatch"}


def test_budget_exhaustion_keeps_the_best_design_usage_and_transcript(tmp_path: Path, writer: str) -> None:
    cand, tr, work = solve(tmp_path, [fenced(BUGGY), fenced(FIXED)], budget={"max_model_calls": 1})
    info = cand.meta["agent"]
    assert info["stop_reason"] == "budget" and "model-call budget reached" in info["stop_message"]
    assert cand.files == {"counter4.v": BUGGY} and info["model_calls"] == 1  # the best so far is submitted
    assert (work / "transcript.json").is_file() and (work / "ledger.jsonl").read_text().strip()
    assert tr.stop_reason == "budget" and any(m.role == "ai" for m in tr.messages)


def test_a_rerun_from_the_cache_makes_no_model_call(tmp_path: Path, writer: str) -> None:
    replies = [fenced(BUGGY), fenced(FIXED)]
    first, _, _ = solve(tmp_path, replies, name="a", cache=True)
    again, _, _ = solve(tmp_path, replies, name="b", cache=True)
    assert first.meta["agent"]["model_calls"] == 2 and first.meta["agent"]["cached_calls"] == 0
    assert again.meta["agent"]["model_calls"] == 0 and again.meta["agent"]["cached_calls"] == 2
    assert again.files == first.files == {"counter4.v": FIXED}


def test_bad_replies_are_named_and_the_agent_goes_on_within_bounds(tmp_path: Path, writer: str) -> None:
    outside = tmp_path / "evil.v"
    replies = [
        "I would use an adder.",
        "```python\ndef counter4(clk):\n    return 0\n```",
        fenced(BUGGY.replace("module counter4", "module count4")),
        fenced(BUGGY.replace("input en,", "input enable,")),
        {"invalid_tool_calls": [{"name": "read_file", "args": "{\"path\": ", "error": "unterminated JSON"}]},
        {"content": "", "tool_calls": [
            {"name": "read_file", "args": {"path": "/etc/passwd"}},
            {"name": "read_file", "args": {"path": "../../hidden/tb.sv"}},
            {"name": "read_file", "args": {"path": "ref.v"}},
            {"name": "write_file", "args": {"path": "../evil.v", "content": "module evil; endmodule"}},
        ]},
        "// filler\n" * 20_000,  # a 200 KB reply
        fenced(FIXED),
    ]  # fmt: skip
    cand, tr, work = solve(tmp_path, replies, max_iterations=6, max_model_calls=10)
    seen = tr.model_inputs()
    assert "your reply has no code" in seen
    assert "your code is Python, not Verilog" in seen
    assert "defines no module named counter4 (modules found: count4)" in seen
    assert "missing port(s): en" in seen and "the interface does not have: enable" in seen
    assert "invalid tool call read_file: unterminated JSON" in seen
    assert (
        "is absolute" in seen and "contains '..'" in seen and "no such file in the workspace: ref.v" in seen
    )
    assert "root:" not in seen and not outside.exists()
    big = [m for m in tr.messages if m.role == "ai" and "reply cut" in m.content]
    assert big and len(big[0].content) < 50_000
    assert cand.meta["agent"]["stop_reason"] == "testbench_passed" and cand.files == {"counter4.v": FIXED}
    assert sorted(p.name for p in (work / "workspace").rglob("*") if p.is_file()) == ["counter4.v", "tb.sv"]


def test_sampling_keeps_the_best_of_several_first_answers(tmp_path: Path, writer: str) -> None:
    replies = [fenced(BUGGY), fenced(FIXED), "no code at all"]
    cand, tr, _ = solve(tmp_path, replies, candidates=3)
    info = cand.meta["agent"]
    assert info["stop_reason"] == "testbench_passed" and info["iterations"] == 1 and info["model_calls"] == 3
    assert [s["check"] for s in tr.meta["samples"]] == [
        "282 mismatches in 299 samples",
        "lint clean, testbench passed (299 samples)",
        "no design in the answer",
    ]
    assert cand.files == {"counter4.v": FIXED}
