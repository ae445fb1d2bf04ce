"""The testbench benchmark: ``--agent verify`` and its controls through the runner, judged by the
``rtl-testbench`` evaluator against the hidden reference and its mutants (real iverilog and yosys)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chipsmith.benchmarks.suites_api import load_suite, select_tasks
from chipsmith.benchmarks.task import Candidate
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "verify"
CONTROL_TASKS = "adder8,edge_detect,rot8"
"""Combinational and clocked; rot8 has mutants the checker proves equivalent (excluded)."""


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")


def task(task_id: str):  # type: ignore[no-untyped-def]
    (t,) = select_tasks(load_suite("chipsmith-rtl"), task_id)
    return t


def tb_candidate(code: str, task_id: str = "adder8") -> Candidate:
    return Candidate(task_id=task_id, files={"tb.sv": code}, meta={"role": "testbench", "tb_top": "tb"})


def test_reference_control_scores_the_suites_known_mutation_score_and_null_fails(tmp_path):
    from chipsmith.benchmarks.mutate import mutate_tasks
    from chipsmith.benchmarks.runner import RunConfig, load_run, run_benchmark

    home = tmp_path / "home"
    ref = run_benchmark(
        RunConfig(suite="chipsmith-rtl", agent="tb-reference", tasks=CONTROL_TASKS, home=home)
    )
    null = run_benchmark(RunConfig(suite="chipsmith-rtl", agent="tb-null", tasks=CONTROL_TASKS, home=home))
    assert ref.pass_at_k["pass@1"] == 1.0 and null.pass_at_k["pass@1"] == 0.0
    _, records = load_run(home, ref.run_id)
    known = mutate_tasks(select_tasks(load_suite("chipsmith-rtl"), CONTROL_TASKS), suite="chipsmith-rtl")
    by_task = {t.task_id: t.summary() for t in known.tasks}
    for rec in records:
        want = by_task[rec.task]
        got = {k: rec.metrics[k] for k in ("killed", "survived", "equivalent", "stillborn", "mutants")}
        assert got == {k: want[k] for k in got} and rec.metrics["kill_rate"] == want["score"]
        assert rec.metrics["false_alarm"] is False
    assert sum(r.metrics["equivalent"] for r in records) > 0  # rot8: proven mutants are excluded
    _, nulls = load_run(home, null.run_id)
    assert {r.failure_class for r in nulls} == {"empty"}


def test_evaluator_verdicts_on_bad_testbenches(tmp_path):
    from chipsmith.benchmarks.tb_eval import evaluate

    t = task("adder8")
    strong = (DATA / "adder8_tb_strong.sv").read_text()
    kw = {"cache_dir": tmp_path / "cache", "max_mutants": 6}
    good = evaluate(t, tb_candidate(strong), **kw)
    assert (
        good.verdict == "pass" and good.metrics["kill_rate"] == 1.0 and good.metrics["false_alarm"] is False
    )
    alarm = evaluate(t, tb_candidate(strong.replace("{8'd0, cin}", "{8'd0, 1'b1}")), **kw)
    assert alarm.failure_class == "false_alarm" and alarm.metrics["false_alarm"] is True
    trivial = 'module tb; initial begin $display("Mismatches: 0 in 1 samples"); $finish; end endmodule\n'
    weak = evaluate(t, tb_candidate(trivial), **kw)
    assert weak.verdict == "fail" and weak.failure_class == "weak" and weak.metrics["kill_rate"] == 0.0
    endless = t.model_copy(deep=True)
    endless.hidden.settings["timeout_s"] = 2
    hang = evaluate(endless, tb_candidate("module tb; initial forever #1; endmodule\n"), **kw)
    assert hang.failure_class == "tb_timeout"
    broken = evaluate(t, tb_candidate("module tb; initial begin\nendmodule\n"), **kw)
    assert broken.failure_class == "tb_compile"
    unmarked = evaluate(t, Candidate(task_id="adder8", files={"tb.sv": strong}), **kw)
    assert unmarked.failure_class == "not_testbench"
    sneaky = Candidate(task_id="adder8", files={"../tb.sv": strong}, meta={"role": "testbench"})
    assert evaluate(t, sneaky, **kw).failure_class == "invalid"


def test_verify_agent_in_a_bench_run_submits_a_testbench_judged_on_the_hidden_reference(tmp_path):
    require_module("langchain")
    require_module("pyslang")
    from chipsmith.benchmarks.runner import RunConfig, load_run, run_benchmark

    script = tmp_path / "script.yaml"
    strong = (DATA / "adder8_tb_strong.sv").read_text()
    script.write_text(yaml.safe_dump({"replies": ["no testbench yet", f"```verilog\n{strong}```\n"]}))
    cfg = RunConfig(
        suite="chipsmith-rtl", agent="verify", model=f"scripted:{script}", tasks="adder8", home=tmp_path / "home",
        agent_options={"max_mutants": 8},
    )  # fmt: skip
    summary = run_benchmark(cfg)
    _, (rec,) = load_run(tmp_path / "home", summary.run_id)
    assert rec.verdict == "pass" and rec.metrics["kill_rate"] == 1.0 and rec.metrics["false_alarm"] is False
    assert (
        rec.model_calls == 2
        and rec.iterations == 2
        and rec.stop_reason == "passed"
        and rec.model_real is False
    )
    assert rec.transcript and Path(rec.transcript).is_file()


def test_a_clocked_testbench_in_the_agents_convention_is_judged_on_the_hidden_reference(tmp_path):
    from chipsmith.benchmarks.tb_eval import evaluate

    code = (DATA / "counter8_tb.sv").read_text()
    res = evaluate(task("counter8"), tb_candidate(code, "counter8"), cache_dir=tmp_path / "cache")
    assert res.verdict == "pass" and res.metrics["false_alarm"] is False
    assert res.metrics["mutants"] == 26 and res.metrics["kill_rate"] == 1.0  # bench mutate's whole sample
