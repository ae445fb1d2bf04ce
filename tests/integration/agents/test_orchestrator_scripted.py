"""The orchestrator end to end with a scripted model: only the model is replaced.

The sub-agents (RTL, verification), the simulator, the equivalence checker and synthesis are real.
Each test runs one or two turns of a session and asserts on the outcome, the recorded checks and
the events, never on the model's words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"
SESSIONS = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_sessions"
VERIFY = ROOT / "tests" / "data" / "verify"
INTERFACE = "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);"
SPEC = (SUITE / "adder8" / "spec.md").read_text()
REF = (SUITE / "adder8" / "ref.v").read_text()
BUGGY = (VERIFY / "adder8_bug.v").read_text()
STRONG_TB = (VERIFY / "adder8_tb_strong.sv").read_text()


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")
    require_module("langchain")
    require_module("pyslang")


def fenced(code: str) -> str:
    return f"```verilog\n{code}```\n"


def call(name: str, say: str = "", **args: Any) -> dict[str, Any]:
    """A scripted reply calling tool ``name`` with ``args`` (``say``: the reply's text)."""
    return {"content": say, "tool_calls": [{"name": name, "args": args}]}


def script(tmp_path: Path, replies: list[Any], name: str = "script.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"replies": replies}))
    return f"scripted:{path}"


def manager(tmp_path: Path) -> Any:
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings

    return SessionManager(settings=Settings(home=tmp_path / "home", llm_cache=False))


def run(
    tmp_path: Path, replies: list[Any], request: str, workspace: Path | None = None, **kw: Any
) -> tuple[Any, Any, list[Any]]:
    """One turn of a new session; returns (session, outcome, events)."""
    events: list[Any] = []
    s = manager(tmp_path).create(model=script(tmp_path, replies), workspace=workspace, **kw)
    try:
        outcome = s.run_turn(request, on_event=events.append)
    finally:
        s.close()
    return s, outcome, events


def test_two_step_request_calls_the_verification_and_rtl_agents_and_is_met(tmp_path):
    replies = [
        call("write_testbench", "Plan: 1. testbench 2. design", spec=SPEC, top="adder8", interface=INTERFACE),
        fenced(STRONG_TB),  # the verification agent's reply
        call("design_rtl", spec=SPEC, top="adder8", interface=INTERFACE),
        fenced(REF),  # the RTL agent's reply
        "adder8 is in rtl/adder8.v and passes tb/adder8_tb.sv.",
    ]
    s, out, events = run(tmp_path, replies, "Design an 8-bit adder (adder8) and write a testbench for it.")
    assert out.status == "met" and out.met and out.reasons == []
    kinds = {(c.kind, c.subject, c.passed) for c in out.checks}
    assert ("testbench", "rtl/adder8.v", True) in kinds and (
        "testbench_quality",
        "tb/adder8_tb.sv",
        True,
    ) in kinds
    ws = Path(out.workspace)
    assert (ws / "rtl" / "adder8.v").read_text().strip() == REF.strip()
    assert (ws / "tb" / "adder8_tb.sv").read_text() == STRONG_TB
    # the live view: both sub-agents ran one level down, every tool call has a start and an end
    assert {e.agent for e in events if e.depth == 1} == {"verify", "rtl"}
    starts = [e for e in events if e.kind == "tool_start" and e.depth == 0]
    ends = {e.data["call"]: e for e in events if e.kind == "tool_end" and e.depth == 0}
    assert [e.data["tool"] for e in starts] == ["write_testbench", "design_rtl"]
    assert all(
        ends[e.data["call"]].data["duration_s"] > 0 and ends[e.data["call"]].data["verdict"] for e in starts
    )
    assert "".join(e.data["delta"] for e in events if e.kind == "text").endswith("passes tb/adder8_tb.sv.")
    assert events[-1].kind == "outcome" and any(e.kind == "usage" for e in events)
    sim = s.last_simulation()
    assert sim is not None and sim.passed and sim.vcd and (ws / sim.vcd).is_file()
    assert "Verdict: MET" in out.report and "tb/adder8_tb.sv" in out.report


def test_a_design_that_fails_its_checks_is_not_met_whatever_the_model_claims(tmp_path):
    replies = [
        call("write_file", path="tb/adder8_tb.sv", content=STRONG_TB),
        call("write_file", path="rtl/adder8.v", content=BUGGY),
        "Done. The adder is verified and all checks passed.",
    ]
    s, out, _ = run(tmp_path, replies, "Write adder8 (8-bit adder with carry in and out) in rtl/adder8.v.")
    assert out.status == "not_met" and not out.met
    failing = [c for c in out.checks if c.kind == "testbench"]
    assert failing and not failing[-1].passed and failing[-1].by == "final"
    assert "cout" in failing[-1].details["trace"] and failing[-1].details["first_mismatch_time"] is not None
    assert any("rtl/adder8.v" in r and "FAIL" in r for r in out.reasons)
    assert "all checks passed" in out.answer and "Verdict: NOT MET" in out.report
    sim = s.last_simulation()
    assert sim is not None and not sim.passed and sim.differing


def test_a_design_with_no_check_at_all_is_not_met(tmp_path):
    replies = [call("write_file", path="rtl/adder8.v", content=REF), "Done, it is correct."]
    _, out, _ = run(tmp_path, replies, "Write adder8 in rtl/adder8.v.")
    assert out.status == "not_met" and out.checks == []
    assert out.reasons == [
        "rtl/adder8.v: not verified (no testbench run or equivalence proof on its final content)"
    ]


def _refactor_ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "rtl").mkdir(parents=True)
    (ws / "rtl" / "adder16.v").write_text(
        (SESSIONS / "s09_refactor_ripple16" / "public" / "rtl" / "adder16.v").read_text()
    )
    return ws


@pytest.mark.parametrize("good", [True, False])
def test_a_refactor_is_met_only_with_an_equivalence_proof_against_the_users_design(tmp_path, good):
    ripple = (SESSIONS / "s09_refactor_ripple16" / "reference" / "rtl" / "adder16.v").read_text()
    if not good:
        ripple = ripple.replace("assign s  = a ^ b ^ ci;", "assign s  = a ^ b;")
    replies = [
        call("write_file", path="rtl/adder16.v", content=ripple),
        call("verify_design", design="rtl/adder16.v", reference="previous"),
        "Refactored and proven equivalent.",
    ]
    request = (
        "Refactor rtl/adder16.v into a ripple-carry adder of full adders without changing its behaviour."
    )
    _, out, _ = run(tmp_path, replies, request, workspace=_refactor_ws(tmp_path))
    proofs = [c for c in out.checks if c.kind == "equivalence"]
    assert proofs and proofs[-1].details["reference_trusted"] is True
    assert out.met is good and proofs[-1].passed is good
    if not good:
        assert proofs[-1].details["counterexample"] and out.status == "not_met"


def test_optimize_keeps_a_proven_smaller_design_and_puts_back_a_wrong_one(tmp_path):
    lut = (SESSIONS / "s10_refactor_gray2bin8_area" / "public" / "rtl" / "gray2bin8.v").read_text()
    lean = (SESSIONS / "s10_refactor_gray2bin8_area" / "reference" / "rtl" / "gray2bin8.v").read_text()
    wrong = lean.replace("b[i+1] ^ g[i]", "g[i]")
    request = "Make rtl/gray2bin8.v smaller without changing its behaviour."
    for name, reply, met in (("good", lean, True), ("wrong", wrong, False)):
        ws = tmp_path / name / "ws"
        (ws / "rtl").mkdir(parents=True)
        (ws / "rtl" / "gray2bin8.v").write_text(lut)
        replies = [
            call("optimize_design", design="rtl/gray2bin8.v", goal="area"),
            fenced(reply),
            "Smaller now.",
        ]
        _, out, _ = run(tmp_path / name, replies, request, workspace=ws)
        assert out.met is met, out.reasons
        kept = (ws / "rtl" / "gray2bin8.v").read_text()
        assert (kept.strip() == reply.strip()) is met and (kept == lut) is not met
        if met:
            ppa = [c for c in out.checks if c.kind == "ppa"][-1]
            assert ppa.passed and ppa.details["area_um2"] < ppa.details["baseline"]["area_um2"]


def test_cancel_stops_the_turn_and_the_session_goes_on(tmp_path):
    mgr = manager(tmp_path)
    s = mgr.create(model=script(tmp_path, [call("design_rtl", spec=SPEC, top="adder8", interface=INTERFACE)]))

    def cancel_on_plan(event: Any) -> None:
        if event.kind == "model" and event.data.get("tool_calls"):
            s.cancel()

    first = s.run_turn("Design adder8.", on_event=cancel_on_plan)
    s.close()
    assert first.status == "cancelled" and not first.met and first.checks == []
    resumed = mgr.open(
        s.id, model=script(tmp_path, ["Stopped as you asked; nothing was built."], "second.yaml")
    )
    events: list[Any] = []
    second = resumed.run_turn("What happened?", on_event=events.append)
    resumed.close()
    assert any(e.kind == "notice" and "interrupted" in e.data["text"] for e in events)
    assert second.status == "answered" and second.answer.startswith("Stopped")
    roles = [(m.role, m.name) for m in resumed.history()]
    assert ("tool", "design_rtl") in roles and roles.count(("human", None)) == 2
    tool = next(m for m in resumed.history() if m.role == "tool")
    assert tool.content.startswith("interrupted") and tool.status == "error"


def test_budget_stops_the_turn_and_is_reported(tmp_path):
    from chipsmith.llm import Budget

    replies = [
        call("write_testbench", spec=SPEC, top="adder8", interface=INTERFACE),
        fenced(STRONG_TB),
        call("design_rtl", spec=SPEC, top="adder8", interface=INTERFACE),
    ]
    _, out, _ = run(tmp_path, replies, "Design adder8 with a testbench.", budget=Budget(max_model_calls=2))
    assert out.status == "not_met" and out.stop_reason == "budget"
    assert any("stopped: budget" in r for r in out.reasons)


def test_resume_continues_the_history_and_the_budget_spent(tmp_path):
    mgr = manager(tmp_path)
    s = mgr.create(model=script(tmp_path, [call("list_files"), "The workspace is empty."]))
    s.run_turn("What is in the workspace?")
    spent = s.usage()
    s.close()
    again = mgr.open(s.id[:12], model=script(tmp_path, ["Still empty."], "second.yaml"))
    assert again.usage().model_calls == spent.model_calls == 2 and again.usage().tool_calls == 1
    out = again.run_turn("And now?")
    again.close()
    assert out.usage.model_calls == 3 and [o.turn for o in again.outcomes()] == [1, 2]
    texts = [m.content for m in again.history() if m.role in ("human", "ai")]
    assert texts[0].startswith("What is in the workspace?") and texts[-1] == "Still empty."
    assert mgr.last().id == s.id and "## Turn 2" in again.export_markdown()


class FakeKernelAgent:
    """Stands in for a kernel agent without a ``handle`` parameter: it opens no model, writes one
    ledger record (as an agent with its own model would) and returns the suite's C++ solution."""

    uses_model = True
    seen: dict[str, Any] = {}

    def __init__(self, **options: Any) -> None:
        FakeKernelAgent.seen = dict(options)

    def solve(self, task: Any, ctx: Any) -> Any:
        from chipsmith.benchmarks.task import Candidate
        from chipsmith.llm.ledger import Ledger, ModelCallRecord

        Ledger(ctx.workdir / "ledger.jsonl").add(
            ModelCallRecord(model="m", agent="kernel", input_tokens=7, output_tokens=3)
        )
        FakeKernelAgent.seen["backend"] = ctx.backend
        code = (
            ROOT / "src/chipsmith/benchmarks/suites/chipsmith_kernels/03_relu/solutions/cpp.py"
        ).read_text()
        return Candidate(task_id=task.task_id, files={"candidate.py": code})


def test_a_registered_kernel_agent_is_offered_and_its_kernel_checked(tmp_path, monkeypatch):
    require_module("torch")
    from chipsmith.llm import Budget
    from chipsmith.registry import AGENTS

    AGENTS.names()  # built-ins first, so the stand-in replaces (or adds) the entry
    monkeypatch.setitem(AGENTS._entries, "kernel", FakeKernelAgent)
    ws = tmp_path / "ws"
    (ws / "kernels").mkdir(parents=True)
    ref = ROOT / "src/chipsmith/benchmarks/suites/chipsmith_kernels/03_relu/reference.py"
    (ws / "kernels" / "relu_reference.py").write_text(ref.read_text())
    replies = [
        call("design_kernel", reference="kernels/relu_reference.py", backend="cpp", task="relu"),
        "Done.",
    ]
    s, out, _ = run(tmp_path, replies, "Write a C++ kernel for kernels/relu_reference.py.", workspace=ws,
                    budget=Budget(max_tokens=100_000))  # fmt: skip
    assert out.met, out.reasons
    assert [(c.kind, c.subject, c.passed) for c in out.checks] == [("kernel", "kernels/relu_cpp.py", True)]
    assert (
        FakeKernelAgent.seen["budget"] == {"max_tokens": 100_000} and FakeKernelAgent.seen["backend"] == "cpp"
    )
    assert out.usage.input_tokens == 7 and out.usage.model_calls == 3  # its ledger joined the session's
