"""The verification agent end to end with real tools (iverilog, yosys) and a scripted model.

Only the model is replaced: its replies are testbenches from tests/data/verify (and bad replies);
validation, simulation, mutation, equivalence and the waveform trace are real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "verify"
SUITE = Path(__file__).resolve().parents[3] / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "ppa"
INTERFACE = "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);"
STRONG = (DATA / "adder8_tb_strong.sv").read_text()
WEAK = (DATA / "adder8_tb_weak.sv").read_text()


def fenced(code: str) -> str:
    return f"```verilog\n{code}```\n"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")
    require_module("pyslang")
    require_module("langchain")


def request() -> Any:
    from chipsmith.agents.testbench import TestbenchRequest

    spec = (SUITE / "adder8" / "spec.md").read_text()
    return TestbenchRequest(task_id="adder8", spec=spec, interface=INTERFACE, top="adder8")


def handle(tmp_path: Path, replies: list[Any]) -> Any:
    from chipsmith.config import Settings
    from chipsmith.llm import open_model

    tmp_path.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    return open_model(
        f"scripted:{script}", settings=Settings(home=tmp_path / "home"), cache=False, agent="verify"
    )


def run(tmp_path: Path, replies: list[Any], **kw: Any) -> tuple[Any, Any]:
    """Run the agent on adder8; returns (outcome, transcript)."""
    from chipsmith.agents.transcript import Transcript
    from chipsmith.agents.verify import write_testbench
    from chipsmith.agents.verify_checker import VerifyOptions
    from chipsmith.agents.workspace import Workspace

    opts = VerifyOptions(**{"max_mutants": 10, "sim_timeout_s": 10, **kw.pop("options", {})})
    out = write_testbench(
        request(), Workspace(tmp_path / "ws"), handle(tmp_path, replies), options=opts,
        cache_dir=tmp_path / "cache", transcript_path=tmp_path / "transcript.json", **kw,
    )  # fmt: skip
    return out, Transcript.load(Path(out.transcript))


def test_testbench_catches_a_planted_bug_and_passes_the_correct_design(tmp_path, local_sandbox):
    from chipsmith.agents.verify import check_design
    from chipsmith.agents.verify_run import TbFiles

    buggy = (DATA / "adder8_bug.v").read_text()
    out, transcript = run(tmp_path, [fenced(STRONG)], design=buggy, sandbox=local_sandbox)
    assert out.stop_reason == "passed" and out.usable and out.path == "tb/verify_tb.sv"
    assert (tmp_path / "ws" / "tb" / "verify_tb.sv").read_text() == out.code
    assert out.subject == "model" and out.score == 1.0  # the buggy candidate fails, so the model is mutated
    assert out.design is not None and not out.design.passed and out.design.failure_class == "mismatch"
    assert "first mismatch" in out.design.trace and "cout" in out.design.trace
    assert transcript.meta["verify"]["design"]["passed"] is False and "scripted" in transcript.model.lower()
    correct = check_design(
        TbFiles.single(out.code),
        (SUITE / "adder8" / "ref.v").read_text(),
        top="adder8",
        sandbox=local_sandbox,
    )
    assert correct.passed and correct.samples and correct.samples > 300 and correct.trace == ""


def test_a_weak_testbench_is_strengthened_with_the_surviving_mutants(tmp_path, local_sandbox):
    from chipsmith.agents.verify_run import TbFiles
    from chipsmith.agents.verify_score import mutation_score
    from chipsmith.agents.verify_tb import model_design

    out, transcript = run(tmp_path, [fenced(WEAK), fenced(STRONG)], sandbox=local_sandbox)
    weak = mutation_score(  # what the agent measured on the first reply, measured again here
        TbFiles.single(WEAK), model_design(WEAK, "adder8") or "", key="adder8", top="adder8", subject="model",
        max_mutants=10, sandbox=local_sandbox, cache_dir=tmp_path / "cache",
    )  # fmt: skip
    assert weak.score is not None and weak.score < 0.9 and weak.survivors
    assert out.stop_reason == "passed" and out.score == 1.0 and out.code.strip() == STRONG.strip()
    assert out.attempts[0].startswith("attempt 1: usable, mutation score 60%")
    feedback = [m.content for m in transcript.messages if m.role == "human"][1]  # after the task message
    assert "it is weak" in feedback and "mutation score 60%" in feedback
    for survivor in weak.survivors:  # every surviving mutant reached the model, with its diff
        assert f"### {survivor.id}: {survivor.description}" in feedback
        assert survivor.diff in feedback


def test_bad_replies_are_answered_and_the_run_goes_on(tmp_path, local_sandbox):
    no_verdict = STRONG.replace('"Mismatches: %0d in %0d samples"', '"Errors: %0d of %0d"')
    endless = STRONG.replace('initial begin #1000000; $display("TIMEOUT"); $finish; end', "").replace(
        "  initial begin\n    a = 8'h00;", "  initial begin\n    forever #1;\n    a = 8'h00;"
    )
    assert endless != STRONG and "TIMEOUT" not in endless and "forever" in endless
    outside = {"tool_calls": [{"name": "read_file", "args": {"path": "../../../etc/passwd"}}]}
    write_out = {"tool_calls": [{"name": "write_file", "args": {"path": "../escape.sv", "content": "x"}}]}
    replies = [
        "I will write the testbench later.",
        fenced(no_verdict),
        outside,
        write_out,
        fenced(endless),
        fenced(STRONG),
    ]
    out, transcript = run(tmp_path, replies, sandbox=local_sandbox, options={"sim_timeout_s": 3})
    assert out.stop_reason == "passed" and out.usable and len(out.attempts) == 4
    shown = transcript.model_inputs()
    assert "your reply has no code" in shown
    assert "never prints the verdict line" in shown
    assert "did not finish within 3 s" in shown
    assert "contains '..'" in shown  # read_file refused by the workspace
    assert "unknown tool 'write_file'; available tools: list_files, read_file" in shown  # not offered to it
    assert not (tmp_path / "escape.sv").exists() and sorted(p.name for p in (tmp_path / "ws").rglob("*")) == [
        "tb",
        "verify_tb.sv",
    ]


def test_a_model_that_never_writes_a_testbench_stops_at_the_bound_and_the_rtl_agent_falls_back(
    tmp_path, caplog
):
    import logging

    from chipsmith.agents.testbench import TestbenchContext, make_testbench
    from chipsmith.agents.workspace import Workspace

    out, _ = run(tmp_path, ["no code", "```python\nprint(1)\n```"], options={"max_iterations": 2})
    assert out.stop_reason == "max_iterations" and not out.usable and out.path is None and out.code is None
    h = handle(tmp_path / "second", ["still no code", "none"])
    ctx = TestbenchContext(handle=h, options={"max_iterations": 2})
    tb = make_testbench(request(), Workspace(tmp_path / "ws2"), source="verify", context=ctx)
    assert tb.source == "smoke" and not tb.checks_spec
    assert "verify testbench writer failed" in tb.notes[0] and "no usable testbench" in tb.notes[0]
    shown = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("chipsmith")]
    assert shown and not any(r.exc_info for r in shown)  # one line for the user, no traceback


def test_the_verify_agent_writes_the_rtl_agents_testbench(tmp_path):
    from chipsmith.agents.testbench import TestbenchContext, make_testbench
    from chipsmith.agents.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    ctx = TestbenchContext(handle=handle(tmp_path, [fenced(STRONG)]), options={"max_mutants": 8})
    tb = make_testbench(request(), ws, source="auto", context=ctx)
    assert tb.source == "verify" and tb.checks_spec and tb.top == "tb" and "mutation score 100%" in tb.label
    assert ws.read_bytes(tb.path).decode().strip() == STRONG.strip()


def test_equivalence_mode_proves_a_refactor_and_rejects_a_changed_design(tmp_path, local_sandbox):
    from chipsmith.agents.verify import verify_design

    ref = {"ref.v": (SUITE / "adder8" / "ref.v").read_text()}
    ripple = (
        INTERFACE.replace(";", "")
        + ";\n  wire [8:0] c;\n  assign c[0] = cin;\n  genvar i;\n  generate for (i = 0; i < 8; i = i + 1) begin : fa\n"
        "    assign sum[i] = a[i] ^ b[i] ^ c[i];\n    assign c[i + 1] = (a[i] & b[i]) | (c[i] & (a[i] ^ b[i]));\n"
        "  end endgenerate\n  assign cout = c[8];\nendmodule\n"
    )
    proven = verify_design(request(), {"adder8.v": ripple}, reference=ref, sandbox=local_sandbox)
    assert proven.mode == "equivalence" and proven.passed and proven.equivalence.method == "sat-comb"
    wrong = verify_design(
        request(), {"adder8.v": (DATA / "adder8_bug.v").read_text()}, reference=ref, sandbox=local_sandbox
    )
    assert not wrong.passed and wrong.equivalence.status == "different" and wrong.equivalence.counterexample
    assert "NOT EQUIVALENT" in wrong.text() and "gold.cout" in wrong.text()
    broken = verify_design(
        request(), {"adder8.v": "module adder8(input a);"}, reference=ref, sandbox=local_sandbox
    )
    assert not broken.passed and broken.equivalence.status == "error" and "\n" not in broken.message


def test_equivalence_mode_on_a_sequential_refactor(tmp_path, local_sandbox):
    from chipsmith.agents.testbench import TestbenchRequest
    from chipsmith.agents.verify import verify_design

    gold = (EXAMPLES / "counter8.v").read_text()
    toggle = (EXAMPLES / "counter8_toggle.v").read_text().replace("module counter8_toggle", "module counter8")
    bug = (EXAMPLES / "counter8_bug.v").read_text().replace("module counter8_bug", "module counter8")
    req = TestbenchRequest(spec="an 8-bit counter", interface="", top="counter8")
    ok = verify_design(req, {"c.v": toggle}, reference={"g.v": gold}, sandbox=local_sandbox)
    assert ok.passed and ok.equivalence.method == "induction"
    bad = verify_design(req, {"c.v": bug}, reference={"g.v": gold}, sandbox=local_sandbox)
    assert not bad.passed and bad.equivalence.status == "different"


def test_clocked_design_a_priority_bug_is_caught_and_traced(tmp_path, local_sandbox):
    from chipsmith.agents.testbench import TestbenchRequest
    from chipsmith.agents.verify import verify_design
    from chipsmith.agents.verify_checker import VerifyOptions
    from chipsmith.agents.workspace import Workspace

    interface = "module counter8(input clk, input rst, input en, input up, input load, input [7:0] d, output [7:0] q);"
    ref = (SUITE / "counter8" / "ref.v").read_text()
    buggy = ref.replace("else if (load) q <= d;\n    else if (en)", "else if (en)").replace(
        "q - 8'd1;", "q - 8'd1;\n    else if (load) q <= d;"
    )
    assert buggy != ref  # enable now wins over load
    req = TestbenchRequest(
        task_id="counter8",
        spec=(SUITE / "counter8" / "spec.md").read_text(),
        interface=interface,
        top="counter8",
    )
    code = (DATA / "counter8_tb.sv").read_text()
    for design, passed in ((buggy, False), (ref, True)):
        h = handle(tmp_path / str(passed), [fenced(code)])
        report = verify_design(
            req,
            {"counter8.v": design},
            options=VerifyOptions(max_mutants=10),
            handle=h,
            workspace=Workspace(tmp_path / str(passed) / "ws"),
            sandbox=local_sandbox,
        )
        assert report.mode == "testbench" and report.passed is passed and report.outcome is not None
        assert report.outcome.score == 1.0 and report.outcome.subject == ("candidate" if passed else "model")
        if not passed:
            assert (
                report.message.startswith("FAIL: ")
                and "q: got" in report.text()
                and "expected" in report.text()
            )
