"""The RTL evaluator with the real simulator and synthesis on fixtures in every layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.controls import NullAgent, ReferenceAgent
from chipsmith.benchmarks.rtl_eval import evaluate
from chipsmith.benchmarks.suites_api import load_suite
from chipsmith.benchmarks.task import Candidate
from helpers import require_shared_external, require_tool, shared_external

pytestmark = pytest.mark.integration

DATA = Path(__file__).parents[2] / "data" / "bench"
EXTERNAL = shared_external()


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "vvp")


def by_id(spec: str) -> dict:  # type: ignore[type-arg]
    return {t.id: t for t in load_suite(spec)}


def test_reference_passes_and_null_fails_on_every_layout(tmp_path: Path) -> None:
    tasks = list(load_suite(f"chipsmith-rtl:{DATA / 'rtl_suite'}"))
    tasks += [by_id(f"verilog-eval:{DATA / 'verilog_eval'}")["Prob001_xor2"]]
    tasks += [t for t in load_suite(f"rtllm:{DATA / 'rtllm'}") if t.id != "broken_inv"]
    for task in tasks:
        ref = evaluate(task, ReferenceAgent.oracle(task), cache_dir=tmp_path, ppa=False)
        assert (task.id, ref.verdict) == (task.id, "pass"), ref.message
        null = evaluate(task, NullAgent().solve(task.public, RunContext()), cache_dir=tmp_path, ppa=False)
        assert (task.id, null.verdict, null.failure_class) == (task.id, "fail", "mismatch"), null.message


def test_tasks_whose_reference_fails_are_unusable_with_the_simulators_message(tmp_path: Path) -> None:
    ve = by_id(f"verilog-eval:{DATA / 'verilog_eval'}")
    sva = ve["Prob003_sva_dff"]
    res = evaluate(sva, ReferenceAgent.oracle(sva), cache_dir=tmp_path)
    assert res.verdict == "unusable" and "sorry" in res.message and "not supported" in res.message
    broken = ve["Prob002_broken_ref"]
    assert evaluate(broken, ReferenceAgent.oracle(broken), cache_dir=tmp_path).verdict == "unusable"
    inv = by_id(f"rtllm:{DATA / 'rtllm'}")["broken_inv"]
    res = evaluate(inv, ReferenceAgent.oracle(inv), cache_dir=tmp_path)
    assert res.verdict == "unusable" and "Error" in res.message
    # The validation is cached by content: one entry per task checked.
    assert len(list((tmp_path / "refcheck").glob("*.json"))) == 3


def test_wrong_cheating_and_broken_candidates(tmp_path: Path) -> None:
    adder = by_id(f"chipsmith-rtl:{DATA / 'rtl_suite'}")["adder8"]
    head = adder.public.interface
    wrong = Candidate(task_id="adder8", files={"a.v": head + "\n  assign {cout, sum} = a + b;\nendmodule\n"})
    res = evaluate(adder, wrong, cache_dir=tmp_path, ppa=False)
    assert res.failure_class == "mismatch" and 0 < res.metrics["mismatches"] < res.metrics["samples"]
    cheat = (
        "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);\n"
        '  initial begin $display("Mismatches: 0 in 205 samples"); $finish; end\nendmodule\n'
    )
    assert (
        evaluate(adder, Candidate(task_id="adder8", files={"c.v": cheat}), cache_dir=tmp_path).failure_class
        == "cheat"
    )
    syntax = Candidate(task_id="adder8", files={"s.v": head + "\n  assign sum = ;\nendmodule\n"})
    assert evaluate(adder, syntax, cache_dir=tmp_path).failure_class == "compile"
    assert (
        evaluate(adder, Candidate(task_id="adder8", files={"e.v": "  "}), cache_dir=tmp_path).failure_class
        == "empty"
    )


def test_correct_candidate_gets_ppa_ratios_against_the_reference(tmp_path: Path) -> None:
    require_tool("yosys", "sta")
    adder = by_id(f"chipsmith-rtl:{DATA / 'rtl_suite'}")["adder8"]
    # A correct but different design: the carry chain written out as two half-sum steps.
    ripple = (
        adder.public.interface
        + "\n  wire [8:0] t = {1'b0, a} + {1'b0, b};\n  wire [8:0] u = t + {8'b0, cin};\n"
        "  assign sum = u[7:0];\n  assign cout = u[8];\nendmodule\n"
    )
    res = evaluate(adder, Candidate(task_id="adder8", files={"r.v": ripple}), cache_dir=tmp_path)
    assert res.verdict == "pass", res.message
    assert res.metrics["area_um2"] > 0 and res.metrics["ref_area_um2"] > 0
    assert res.metrics["area_ratio"] == pytest.approx(res.metrics["area_um2"] / res.metrics["ref_area_um2"])
    assert "delay_ratio" in res.metrics


def test_shared_external_references_pass(tmp_path: Path) -> None:
    require_shared_external()
    tasks = load_suite(f"verilog-eval:{EXTERNAL / 'verilog-eval-format'}") + load_suite(
        f"rtllm:{EXTERNAL / 'rtllm-format'}"
    )
    for task in tasks:
        res = evaluate(task, ReferenceAgent.oracle(task), cache_dir=tmp_path, ppa=False)
        assert res.verdict == "pass", (task.id, res.message)
