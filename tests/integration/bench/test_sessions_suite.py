"""The chipsmith-sessions suite: its controls, checks that really fail, and the orchestrator in a bench run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SUITE_DIR = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_sessions"
RTL = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"
REFERENCE_TASKS = "s04_adder8_tb,s09_refactor_ripple16,s10_refactor_gray2bin8_area,s11_kernel_relu_cpp"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys", "sta")


def tasks() -> dict:
    from chipsmith.benchmarks.suites_api import load_suite

    return {t.id: t for t in load_suite("chipsmith-sessions")}


def test_the_suite_mixes_request_kinds_and_keeps_hidden_files_out_of_the_public_view():
    all_tasks = tasks()
    assert len(all_tasks) >= 12
    cats = {t.category for t in all_tasks.values()}
    assert {"rtl", "rtl+verify", "rtl+ppa", "refactor", "kernel"} <= cats
    for t in all_tasks.values():
        public = t.public.model_dump_json()
        for name, data in t.hidden.files.items():
            if name.startswith(("hidden/", "chipsmith-rtl:")) or name.endswith("tb.sv"):
                assert data.decode()[:200] not in public, (t.id, name)


def test_reference_scores_100_and_null_0(tmp_path):
    require_module("torch")
    from chipsmith.benchmarks.runner import RunConfig, run_benchmark

    home = tmp_path / "home"
    ref = run_benchmark(
        RunConfig(suite="chipsmith-sessions", agent="reference", tasks=REFERENCE_TASKS, home=home)
    )
    null = run_benchmark(RunConfig(suite="chipsmith-sessions", agent="null", home=home, jobs=2))
    assert ref.pass_at_k["pass@1"] == 1.0 and ref.usable_tasks == 4
    assert null.pass_at_k["pass@1"] == 0.0 and null.usable_tasks == len(tasks())


def _files(task_id: str, **changes: str) -> dict:
    from chipsmith.benchmarks.session_suite import reference_candidate

    cand = reference_candidate(tasks()[task_id])
    return {**cand.files, **changes}


def _judge(task_id: str, files: dict, claimed: bool = False) -> object:
    from chipsmith.benchmarks.session_eval import evaluate
    from chipsmith.benchmarks.task import Candidate

    cand = Candidate(task_id=task_id, files=files, meta={"outcome": {"met": claimed}})
    return evaluate(tasks()[task_id], cand)


def test_each_check_fails_on_a_wrong_workspace():
    bug = (SUITE_DIR / "s04_adder8_tb" / "hidden" / "adder8_no_cin.v").read_text()
    res = _judge("s04_adder8_tb", _files("s04_adder8_tb", **{"rtl/adder8.v": bug}), claimed=True)
    assert res.verdict == "fail" and res.failure_class == "testbench" and res.metrics["false_claim"] is True
    blind = 'module tb; initial begin $display("Mismatches: 0 in 1 samples"); $finish; end endmodule\n'
    res = _judge("s04_adder8_tb", _files("s04_adder8_tb", **{"tb/adder8_tb.sv": blind}))
    assert res.failure_class == "tb_judges" and "catches 0/2" in res.message
    ripple = (SUITE_DIR / "s09_refactor_ripple16" / "reference" / "rtl" / "adder16.v").read_text()
    res = _judge(
        "s09_refactor_ripple16",
        _files("s09_refactor_ripple16", **{"rtl/adder16.v": ripple.replace("ci & (a ^ b)", "ci & a")}),
    )
    assert res.failure_class == "equivalence" and res.metrics["checks_passed"] == 1
    lut = (SUITE_DIR / "s10_refactor_gray2bin8_area" / "public" / "rtl" / "gray2bin8.v").read_text()
    res = _judge(
        "s10_refactor_gray2bin8_area", _files("s10_refactor_gray2bin8_area", **{"rtl/gray2bin8.v": lut})
    )
    assert res.failure_class == "ppa" and res.metrics["area_ratio"] == pytest.approx(1.0)
    res = _judge(
        "s14_pwm8_tb_report",
        {k: v for k, v in _files("s14_pwm8_tb_report").items() if not k.startswith("reports/")},
    )
    assert res.failure_class == "file"


def test_a_kernel_that_calls_torch_fails_the_kernel_check():
    require_module("torch")
    cheat = (
        "import torch\nimport torch.nn as nn\n\nclass ModelNew(nn.Module):\n"
        "    def forward(self, x):\n        return torch.relu(x)\n"
    )
    res = _judge("s11_kernel_relu_cpp", _files("s11_kernel_relu_cpp", **{"kernels/relu.py": cheat}))
    assert res.verdict == "fail" and res.failure_class == "kernel"


def test_the_orchestrator_in_a_bench_run_is_judged_on_its_final_workspace(tmp_path):
    require_module("langchain")
    from chipsmith.benchmarks.runner import RunConfig, load_run, run_benchmark

    files = _files("s04_adder8_tb")
    replies = [
        {"tool_calls": [{"name": "write_file", "args": {"path": p, "content": files[p]}}]}
        for p in sorted(files)
    ]
    replies.append("Wrote rtl/adder8.v and tb/adder8_tb.sv; both checked.")
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    home = tmp_path / "home"
    cfg = RunConfig(suite="chipsmith-sessions", agent="orchestrator", model=f"scripted:{script}",
                    tasks="s04_adder8_tb", home=home)  # fmt: skip
    summary = run_benchmark(cfg)
    _, (rec,) = load_run(home, summary.run_id)
    assert (
        rec.verdict == "pass" and rec.metrics["claimed_met"] is True and rec.metrics["false_claim"] is False
    )
    assert rec.model_calls == 3 and rec.stop_reason == "met" and rec.model_real is False
    assert rec.transcript and "## Turn 1 (MET" in Path(rec.transcript).read_text()
    workspace = Path(rec.transcript).parents[2] / "workspace"  # <work>/sessions/<id>/session.md
    seen = {p.relative_to(workspace).as_posix() for p in workspace.rglob("*") if p.is_file()}
    assert seen == {"rtl/adder8.v", "tb/adder8_tb.sv", "sim/adder8.vcd"}
    hidden = tasks()["s04_adder8_tb"].hidden.files
    for name in ("hidden/adder8_no_cin.v", "hidden/adder8_bad_cout.v"):
        marker = hidden[name].decode().splitlines()[0]
        assert not any(marker in (workspace / p).read_text(errors="replace") for p in seen)
