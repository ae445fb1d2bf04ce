"""`bench run --agent rtl` end to end with a scripted model: records, per-iteration verdicts from the
hidden testbench, resume, run identity, the report's repair curve, the CLI flags, and Ray.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.benchmarks.results import ResultStore, comparable
from chipsmith.benchmarks.runner import RunConfig, RunnerError, run_benchmark
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "bench"
RTL = f"chipsmith-rtl:{DATA / 'rtl_suite'}"
HEADER = "module counter4(input clk, input rst, input en, output reg [3:0] q);"
UNDRIVEN = HEADER + "\nendmodule\n"  # q stays X: the smoke testbench fails it
FIXED = (
    HEADER
    + "\n  always @(posedge clk)\n    if (rst) q <= 4'd0;\n    else if (en) q <= q + 4'd1;\nendmodule\n"
)


@pytest.fixture
def script(tmp_path: Path) -> str:
    require_tool("iverilog", "verilator")
    require_module("pyslang")
    require_module("langchain")
    path = tmp_path / "counter4.yaml"
    path.write_text(yaml.safe_dump({"replies": [f"```verilog\n{UNDRIVEN}```", f"```verilog\n{FIXED}```"]}))
    return f"scripted:{path}"


def cfg(tmp_path: Path, model: str, **kw: Any) -> RunConfig:
    base = {"suite": RTL, "agent": "rtl", "model": model, "tasks": "counter4", "home": tmp_path / "home",
            "ppa": False, "cache": False, "agent_options": {"testbench": "smoke"}, "run_id": "r1"}  # fmt: skip
    return RunConfig(**{**base, **kw})


def test_records_carry_usage_and_the_hidden_verdict_of_each_answer(tmp_path: Path, script: str) -> None:
    summary = run_benchmark(cfg(tmp_path, script))
    (rec,) = ResultStore(tmp_path / "home" / "runs" / "r1" / "results.jsonl").read()
    assert (
        rec.verdict == "pass" and rec.iterations == 2 and rec.model_calls == 2 and rec.tool_calls == 5
    )  # lint, sim, trace; lint, sim
    assert (
        rec.stop_reason == "testbench_passed"
        and rec.model_real is False
        and "scripted" in (rec.model_label or "")
    )
    assert [(v["verdict"], v["failure_class"]) for v in rec.iteration_verdicts] == [
        ("fail", "mismatch"),
        ("pass", "pass"),
    ]
    assert rec.transcript and Path(rec.transcript).is_file()
    stats = summary.agent_stats
    assert stats is not None and stats.repair_curve == [0.0, 1.0] and stats.single_shot == 0.0
    assert stats.failures_before == {"mismatch": 1} and stats.failures_after == {"pass": 1}

    again = run_benchmark(cfg(tmp_path, script))  # resume: nothing left to do
    assert again.records == 1
    with pytest.raises(RunnerError, match="budget"):
        run_benchmark(cfg(tmp_path, script, budget={"max_usd": 1.0}))

    from chipsmith.benchmarks.report import write_report
    from chipsmith.benchmarks.runner import load_run

    md, html = write_report([load_run(tmp_path / "home", "r1")], tmp_path / "report")
    text = md.read_text()
    assert "k=1: 0.000, k=2: 1.000" in text and "SCRIPTED replies" in text
    assert "Failure classes before repair (first answer): mismatch 1" in text
    assert "repair curve: pass rate after answer k" in html.read_text()


def test_cli_flags_budget_protocol_and_agent_options(tmp_path: Path, script: str) -> None:
    cmd = [
        sys.executable, "-m", "chipsmith.cli", "bench", "run", "--suite", RTL, "--tasks", "counter4",
        "--agent", "rtl", "--model", script, "--no-ppa", "--no-cache", "--budget-calls", "1",
        "--protocol", "text", "-O", "testbench=smoke", "--run-id", "cli", "--json",
    ]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    summary = json.loads(res.stdout)
    assert summary["agent_stats"]["stop_reasons"] == {"budget": 1}
    manifest = json.loads((tmp_path / ".chipsmith" / "runs" / "cli" / "run.json").read_text())
    assert manifest["budget"] == {"max_model_calls": 1} and manifest["protocol"] == "text"
    assert manifest["agent_options"] == {"testbench": "smoke"}
    bad = subprocess.run(
        [*cmd[:-3], "-O", "nonsense", "--run-id", "x"], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode != 0 and "write KEY=VALUE" in bad.stderr + bad.stdout


@pytest.mark.slow
@pytest.mark.xdist_group("ray")
def test_ray_executor_gives_the_same_records(tmp_path: Path, script: str) -> None:
    require_module("ray")
    run_benchmark(cfg(tmp_path, script, run_id="local"))
    run_benchmark(cfg(tmp_path, script, run_id="ray", executor="ray", jobs=1))

    def recs(run: str) -> list[dict[str, Any]]:
        out = []
        for r in ResultStore(tmp_path / "home" / "runs" / run / "results.jsonl").read():
            data = comparable(r)
            data.pop("transcript")
            out.append(data)
        return out

    assert recs("ray") == recs("local") and recs("ray")[0]["iterations"] == 2


def test_a_run_budget_stops_new_solves_and_a_higher_one_continues(tmp_path: Path, script: str) -> None:
    from chipsmith.benchmarks.run_budget import RunBudget

    store = ResultStore(tmp_path / "home" / "runs" / "r1" / "results.jsonl")
    first = run_benchmark(cfg(tmp_path, script, samples=3, run_budget=RunBudget(max_model_calls=2)))
    assert first.records == 1 and [r.model_calls for r in store.read()] == [2]  # kept, not lost
    assert first.stopped and first.stopped.startswith("run budget reached: 2 model calls made of 2")
    assert "2 samples not started" in first.stopped
    with pytest.raises(RunnerError, match="nothing started"):  # the same cap: refused up front
        run_benchmark(cfg(tmp_path, script, samples=3, run_budget=RunBudget(max_model_calls=2)))
    more = run_benchmark(cfg(tmp_path, script, samples=3, run_budget=RunBudget(max_model_calls=6)))
    assert more.records == 3 and more.stopped is None  # same run (not part of its identity)
    assert sorted(r.sample for r in store.read()) == [0, 1, 2]


def test_a_usd_run_budget_needs_a_known_price(tmp_path: Path) -> None:
    from chipsmith.benchmarks.run_budget import RunBudget

    model = "openai-compatible:nobody-priced-this@http://127.0.0.1:9/v1"
    with pytest.raises(RunnerError, match="price of .* is unknown"):
        run_benchmark(cfg(tmp_path, model, run_budget=RunBudget(max_usd=1.0)))
    assert not (tmp_path / "home" / "runs" / "r1").exists()  # refused before anything was written
