"""The RTL agent's pure parts: reply salvage, interface checks, the smoke testbench, examples, metrics."""

from __future__ import annotations

import pytest

from chipsmith.agents.rtl_reply import reply_code
from chipsmith.benchmarks.task import Candidate
from helpers import require_module

pytestmark = pytest.mark.unit

GOOD = "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"
INTERFACE = "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);"


@pytest.mark.parametrize(
    ("reply", "want"),
    [
        (f"Here:\n```verilog\n{GOOD}```\n", "fenced"),
        (f"```\n{GOOD}```", "fenced"),
        (f"Sure. {GOOD} Hope it helps.", "bare"),
    ],
)
def test_verilog_is_salvaged_from_fenced_or_bare_replies(reply: str, want: str) -> None:
    got = reply_code(reply, "inv")
    assert got.source == want and got.code is not None and "assign y = ~a;" in got.code


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("I think the answer is an inverter.", "your reply has no code"),
        ("```\ny = a AND b;\n```", "holds no Verilog module"),
        ("```python\ndef adder8(a, b):\n    return a + b\n```", "Python, not Verilog"),
        ("```vhdl\nentity inv is port(a: in bit); end;\n```", "VHDL, not Verilog"),
        ("```verilog\nmodule inv(input a, output y);\n  assign y =", "cut off before `endmodule`"),
    ],
)
def test_each_bad_reply_gets_a_precise_problem(reply: str, says: str) -> None:
    got = reply_code(reply, "inv")
    assert got.code is None and got.problem is not None and says in got.problem


def test_the_last_block_defining_the_top_wins() -> None:
    reply = f"```verilog\n{GOOD}```\nbetter:\n```verilog\n{GOOD.replace('~a', '!a')}```\n```verilog\nmodule x; endmodule\n```"
    assert "!a" in (reply_code(reply, "inv").code or "")


def test_interface_problems_name_the_module_ports_widths_and_directions() -> None:
    require_module("pyslang")
    from chipsmith.agents.hdl_ports import interface_header, interface_problems

    want = interface_header(INTERFACE)
    assert want is not None and [p.name for p in want.ports or []] == ["a", "b", "cin", "sum", "cout"]
    wrong = "module adder8(input [3:0] a, input [7:0] b, output [7:0] sum, output cout, input c, output cin); endmodule"
    problems = interface_problems(wrong, want)
    assert "missing port(s)" not in " ".join(problems)
    assert any("port(s) the interface does not have: c" in p for p in problems)
    assert any("port a is 4 bit(s) wide; the interface says 8" in p for p in problems)
    assert any("port cin is an output; the interface makes it an input" in p for p in problems)
    assert interface_problems("module add8(input a); endmodule", want) == [
        "the code defines no module named adder8 (modules found: add8)"
    ]
    ok = INTERFACE.replace(";", "") + ";\n assign {cout, sum} = a + b + cin;\nendmodule"
    assert interface_problems(ok, want) == []


def test_smoke_testbench_drives_inputs_holds_reset_and_checks_outputs_for_x() -> None:
    require_module("pyslang")
    from chipsmith.agents.hdl_ports import interface_header
    from chipsmith.agents.testbench import SMOKE_TOP, smoke_testbench

    header = interface_header(
        "module c(input clk, input rst_n, input [3:0] d, output reg [3:0] q, output v);"
    )
    assert header is not None
    tb = smoke_testbench(header)
    assert f"module {SMOKE_TOP};" in tb and "c dut(.clk(clk), .rst_n(rst_n), .d(d), .q(q), .v(v));" in tb
    assert "rst_n = (cyc < 3) ? 1'b0 : 1'b1;" in tb  # active low: held low, then released
    assert "reg [3:0] d;" in tb and "wire [3:0] q;" in tb and "d = $random(seed);" in tb
    assert "^{ q, v } === 1'bx" in tb and "Mismatches: %0d in %0d samples" in tb
    assert "SMOKE TESTBENCH" in tb and "knows nothing of the spec" in tb


def test_examples_follow_the_category_and_map_foreign_suites() -> None:
    from chipsmith.agents.rtl_examples import category_of, load_examples, pick_examples

    assert {e.category for e in load_examples()} >= {"combinational", "arithmetic", "sequential", "fsm"}
    assert [e.category for e in pick_examples("fsm", "")] == ["fsm", "sequential"]
    assert category_of("verilog-eval", "Implement a Moore state machine with two states") == "fsm"
    assert (
        category_of("Control", "") == "fsm" and category_of("misc", "assign out = a & b") == "combinational"
    )


def test_snapshots_of_untrusted_meta_are_filtered_and_judged_once_each() -> None:
    from chipsmith.benchmarks.iter_eval import judge_iterations
    from chipsmith.benchmarks.task import EvalResult

    meta = {
        "iterations": [
            {"iteration": 1, "files": None, "best": 1},
            {"iteration": 2, "files": {"a.v": "bad"}, "best": 2},
            "garbage",
            {"iteration": 3, "files": {"a.v": 7}, "best": 2},
            {"iteration": 4, "files": {"a.v": "good"}, "best": 4},
        ]
    }
    calls = []

    def judge(c: Candidate) -> EvalResult:
        calls.append(c.files["a.v"])
        ok = c.files["a.v"] == "good"
        return EvalResult(verdict="pass" if ok else "fail", failure_class="pass" if ok else "mismatch")

    got = judge_iterations(Candidate(task_id="t", meta=meta), judge)
    assert [(v.iteration, v.verdict, v.submitted_verdict) for v in got] == [
        (1, "fail", "fail"),
        (2, "fail", "fail"),
        (3, "fail", "fail"),
        (4, "pass", "pass"),
    ]
    assert got[0].failure_class == "empty" and sorted(calls) == ["bad", "good"]


def test_repair_curve_carries_the_last_submission_forward_and_costs_can_be_unknown() -> None:
    from chipsmith.benchmarks.agent_metrics import agent_summary
    from chipsmith.benchmarks.results import RunRecord

    def rec(task: str, subs: list[str], cost: float | None) -> RunRecord:
        iv = [{"iteration": i + 1, "verdict": v, "failure_class": "x" if v != "pass" else "pass",
               "submitted_verdict": v, "submitted_failure_class": "x"} for i, v in enumerate(subs)]  # fmt: skip
        return RunRecord(
            run_id="r", task=task, suite="s", agent="rtl", sample=0, verdict=subs[-1], failure_class="f",
            iterations=len(subs), iteration_verdicts=iv, cost_usd=cost, model_calls=len(subs), stop_reason="x",
        )  # fmt: skip

    stats = agent_summary(
        [rec("a", ["fail", "pass"], 0.02), rec("b", ["pass"], 0.01), rec("c", ["fail"] * 3, 0.03)]
    )
    assert stats is not None and stats.repair_curve == pytest.approx([1 / 3, 2 / 3, 2 / 3])
    assert stats.single_shot == pytest.approx(1 / 3) and stats.with_repair == pytest.approx(2 / 3)
    assert stats.cost_per_solved_task == pytest.approx(0.03) and stats.failures_before == {"x": 2, "pass": 1}
    unknown = agent_summary([rec("a", ["pass"], None)])
    assert unknown is not None and unknown.cost_usd is None and unknown.cost_per_solved_task is None
    assert agent_summary([RunRecord(run_id="r", task="t", suite="s", agent="reference", sample=0,
                                    verdict="pass", failure_class="pass")]) is None  # fmt: skip


def test_agent_options_from_the_command_line() -> None:
    from chipsmith.agents.rtl import RtlOptions
    from chipsmith.commands.bench import parse_agent_options

    opts = RtlOptions.model_validate(parse_agent_options(["max_iterations=3", "tools=lint, simulate"]))
    assert opts.max_iterations == 3 and opts.tools == ("lint", "simulate")
