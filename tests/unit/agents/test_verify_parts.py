"""The verification agent's pure parts: testbench salvage and checks, verdicts of runs, scoring logic,
equivalence text, the testbench candidate and its controls. No simulator runs here."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.agents import verify_tb as vt
from chipsmith.agents.verify_run import TbFiles, name_problems, null_run_problems
from chipsmith.tools.simulate import SimResult
from helpers import require_module

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "data" / "verify"
STRONG = (DATA / "adder8_tb_strong.sv").read_text()
INTERFACE = "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);"
TB_ONLY = STRONG[: STRONG.index("module adder8_model")]
MODEL = STRONG[STRONG.index("module adder8_model") :]


def fenced(code: str, lang: str = "verilog") -> str:
    return f"```{lang}\n{code}```\n"


def test_extract_joins_a_model_sent_in_another_block_and_drops_the_design_itself() -> None:
    dut = (
        "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);\nendmodule\n"
    )
    got = vt.extract_testbench("Testbench:\n" + fenced(TB_ONLY) + "Model:\n" + fenced(MODEL + dut), "adder8")
    assert got.code is not None and got.problem is None
    assert vt.find_modules(got.code) == ["tb", "adder8_model"]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("I will think about it.", "your reply has no code"),
        ("```verilog\nmodule tb;\n  initial begin\n", "cut off"),
        (fenced("entity tb is end entity;", "vhdl"), "VHDL"),
    ],
)
def test_extract_names_what_is_wrong_with_a_reply(reply: str, expected: str) -> None:
    got = vt.extract_testbench(reply, "adder8")
    assert got.code is None and got.problem is not None and expected in got.problem


def test_text_problems_name_every_missing_convention() -> None:
    assert vt.text_problems(STRONG, "adder8") == []
    bare = 'module tb;\n  initial begin $dumpfile("x.vcd"); $display("done"); end\nendmodule\n'
    problems = " | ".join(vt.text_problems(bare, "adder8"))
    for part in ("module adder8_model", "verdict line", "$finish", "$dumpfile"):
        assert part in problems
    assert "defines no module `tb`" in vt.text_problems(MODEL, "adder8")[0]


def test_model_design_renames_the_model_and_ignores_endmodule_in_comments() -> None:
    src = (
        TB_ONLY
        + "module adder8_model(input a, output y); // endmodule in a comment\n  assign y = a;\nendmodule : adder8_model\n"
    )
    design = vt.model_design(src, "adder8")
    assert design is not None and design.startswith("module adder8(input a, output y);")
    assert design.rstrip().endswith("endmodule : adder8") and "assign y = a;" in design
    assert vt.model_design(TB_ONLY, "adder8") is None
    assert vt.without_module(src, "adder8_model").strip() == TB_ONLY.strip()


def test_instance_and_model_port_problems() -> None:
    require_module("pyslang")
    assert vt.static_problems(STRONG, INTERFACE, "adder8") == []
    renamed = STRONG.replace(".cout(cout));", ".carry(cout));", 1)
    problems = vt.instance_problems(renamed, INTERFACE, "adder8")
    assert any("port 'carry' does not exist in 'adder8'" in p for p in problems)
    assert any("leaves port(s) of `adder8` unconnected: cout" in p for p in problems)
    never = STRONG.replace("adder8 dut(", "adder8_model dut(", 1)
    assert "never instantiates the design `adder8`" in vt.instance_problems(never, INTERFACE, "adder8")[0]
    assert (
        vt.instance_problems("module tb; initial begin\nendmodule\n", INTERFACE, "adder8") == []
    )  # iverilog says why
    narrow = MODEL.replace("output [7:0] sum", "output [6:0] sum")
    assert vt.model_port_problems(vt.model_design(narrow, "adder8") or "", INTERFACE, "adder8") == [
        "module adder8_model: port sum is 7 bit(s) wide; the interface says 8"
    ]


def _sim(fc: str, message: str = "", log: str = "", samples: int | None = None) -> SimResult:
    return SimResult(
        passed=fc == "pass", failure_class=fc, simulator="iverilog", message=message, log=log, wall_s=0.1,
        samples=samples,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sim", "expected"),
    [
        (_sim("mismatch", "12 mismatches in 20 samples"), None),
        (_sim("timeout", "the testbench watchdog printed TIMEOUT", log="TIMEOUT\n"), None),
        (_sim("timeout", "simulation did not finish within 3 s"), "did not finish within 3 s"),
        (_sim("compile", "compile error: tb.sv:3: syntax error"), "does not compile"),
        (_sim("runtime", "no verdict line"), "gave no verdict"),
        (_sim("pass", "pass (0 mismatches in 0 samples)", samples=0), "checked no samples"),
        (
            _sim("pass", "pass (0 mismatches in 9 samples)", samples=9),
            "passes a design that drives no output",
        ),
    ],
)
def test_the_run_against_a_design_that_drives_nothing(sim: SimResult, expected: str | None) -> None:
    problems = null_run_problems(sim, 3)
    assert (problems == []) if expected is None else (expected in problems[0])


def test_testbench_file_names_are_plain_and_cannot_take_the_designs_name() -> None:
    ok = TbFiles(sources={"tb.sv": "x", "test.sv": "y"}, data={"vec.hex": "0"})
    assert name_problems(ok) == []
    bad = TbFiles(sources={"../tb.sv": "x", "cand0.v": "y", "a/b.sv": "z"}, data={".hidden": ""})
    assert len(name_problems(bad)) == 4


def test_mutant_diff_is_a_bounded_hunk() -> None:
    from chipsmith.agents.verify_score import mutant_diff

    design = "\n".join(f"line {i}" for i in range(40))
    diff = mutant_diff(design, design.replace("line 20", "LINE 20"))
    assert diff.splitlines() == ["@@ -20,3 +20,3 @@", " line 19", "-line 20", "+LINE 20", " line 21"]
    many = mutant_diff(design, design.upper(), max_lines=5)
    assert len(many.splitlines()) == 6 and many.endswith("...")


def test_equivalence_verdict_text_marks_the_differing_cycle() -> None:
    from chipsmith.agents.verify_equiv import EquivVerdict, render_verdict

    cex = [
        {"a": "0", "gold.y": "0", "gate.y": "0", "trigger": "0"},
        {"a": "1", "gold.y": "1", "gate.y": "0", "trigger": "1"},
    ]
    text = render_verdict(
        EquivVerdict(status="different", message="counterexample", method="sat-comb", counterexample=cex)
    )
    assert text.splitlines() == [
        "NOT EQUIVALENT (sat-comb): counterexample",
        "  cycle 0  a=0 gold.y=0 gate.y=0",
        "  cycle 1! a=1 gold.y=1 gate.y=0",
    ]
    long = render_verdict(
        EquivVerdict(status="different", message="m", method="induction", counterexample=cex * 10), 4
    )
    assert long.endswith("(16 more cycles)")


def _score(killed: int, survived: int) -> object:
    from chipsmith.agents.verify_score import MutationScore, Survivor
    from chipsmith.benchmarks.mutate import MutantOutcome, TaskMutation

    outcomes = [
        MutantOutcome(id=f"op-{i}", kind="op", line=1, description="d", status="killed")
        for i in range(killed)
    ]
    outcomes += [
        MutantOutcome(id=f"c-{i}", kind="const", line=2, description="e", status="survived")
        for i in range(survived)
    ]
    mutation = TaskMutation(task_id="t", reference_ok=True, outcomes=outcomes)
    survivors = [
        Survivor(id=f"c-{i}", kind="const", line=2, description="e", diff="-a\n+b") for i in range(survived)
    ]
    return MutationScore(
        subject="model",
        design_ok=True,
        design_class="pass",
        design_message="pass",
        mutation=mutation,
        survivors=survivors,
    )


def test_the_checker_stops_on_a_strong_testbench_and_strengthens_a_weak_one_within_bounds() -> None:
    from chipsmith.agents.verify_checker import Attempt, VerifyChecker, VerifyOptions

    checker = VerifyChecker(
        top="adder8", interface=INTERFACE, key="adder8", options=VerifyOptions(max_strengthen=1)
    )
    strong = Attempt(iteration=1, code="x", score=_score(9, 1))  # type: ignore[arg-type]
    assert checker._judge(strong).stop and checker._judge(strong).reason == "passed"
    weak = Attempt(iteration=2, code="y", score=_score(1, 3))  # type: ignore[arg-type]
    first = checker._judge(weak)
    assert (
        not first.stop
        and "kills 1 of 4 mutants" in first.feedback
        and "### c-2: e (line 2)" in first.feedback
    )
    second = checker._judge(weak)
    assert second.stop and second.reason == "weak"
    checker.history = [
        Attempt(iteration=1, problems=["bad"], code="z"),
        weak,
        strong,
        Attempt(iteration=4, code="w", score=_score(9, 1)),
    ]  # type: ignore[arg-type]
    assert checker.best is strong  # usable first, then score, then the earlier one


def test_the_hidden_testbench_control_and_the_candidate_view() -> None:
    from chipsmith.agents.verify_controls import TestbenchNullAgent, hidden_testbench
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.benchmarks.task import HiddenView, PublicView, Task
    from chipsmith.benchmarks.tb_eval import testbench_of

    (task,) = select_tasks(load_suite("chipsmith-rtl"), "adder8")
    cand = hidden_testbench(task)
    assert cand.meta["role"] == "testbench" and list(cand.files) == ["tb.sv"]
    assert testbench_of(cand) == TbFiles(sources={"tb.sv": task.hidden.files["tb.sv"].decode()}, tb_top="tb")
    files = {
        "test.sv": b"module tb; endmodule",
        "ref.sv": b"module RefModule; endmodule",
        "v.hex": b"00",
        "r.v": b"",
    }
    other = Task(
        id="p", suite="s", kind="rtl", public=PublicView(task_id="p", kind="rtl", spec=""),
        hidden=HiddenView(files=files, tb_top="tb", reference="r.v",
                          settings={"compile_with": ["test.sv", "ref.sv"], "data_files": ["v.hex"]}),
    )  # fmt: skip
    tb = testbench_of(hidden_testbench(other))
    assert list(tb.sources) == ["test.sv", "ref.sv"] and tb.data == {"v.hex": "00"}
    null = TestbenchNullAgent().solve(task.public, None)  # type: ignore[arg-type]
    assert null.meta["role"] == "testbench" and not any(s.strip() for s in null.files.values())


def test_the_agents_record_fields_reach_the_runner() -> None:
    from chipsmith.agents.verify import VerifyOutcome
    from chipsmith.agents.verify_agent import agent_meta
    from chipsmith.benchmarks.jobs import EvalOutcome
    from chipsmith.benchmarks.runner import agent_fields
    from chipsmith.benchmarks.task import Candidate, EvalResult

    out = VerifyOutcome(
        stop_reason="passed", attempts=["a1", "a2"], model="scripted:x (not a real model)",
        usage={"model_calls": 2, "cached_calls": 0, "tool_calls": 1, "input_tokens": 10, "output_tokens": 5, "cost_usd": None},
    )  # fmt: skip

    class Handle:
        is_real = False

    cand = Candidate(task_id="t", meta={"agent": agent_meta(out, Handle(), "/x/transcript.json")})
    fields = agent_fields(cand, EvalOutcome(result=EvalResult(verdict="pass", failure_class="pass")))
    assert fields["model_calls"] == 2 and fields["iterations"] == 2 and fields["cost_usd"] is None
    assert fields["stop_reason"] == "passed" and fields["model_real"] is False


def test_the_embedded_model_gets_no_tools_and_fewer_replies_unless_told_otherwise() -> None:
    from types import SimpleNamespace

    from chipsmith.agents.verify_agent import VerifyAgentOptions, sizing

    local, real = (SimpleNamespace(spec=SimpleNamespace(kind=k)) for k in ("local", "openai"))
    tools, opts = sizing(VerifyAgentOptions(), local)
    assert tools == () and opts.max_iterations == 2
    assert sizing(VerifyAgentOptions(max_iterations=4), local)[1].max_iterations == 4
    tools, opts = sizing(VerifyAgentOptions(), real)
    assert tools == ("read_file", "list_files") and opts.max_iterations == 5
