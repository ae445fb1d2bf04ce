"""`chipsmith bench run --agent kernel --backend cpp --search evolve` end to end with a scripted model:
the run resumes an evolve search left by a killed run, the record carries the hidden check's verdict
of each answer and the roofline figures, and `bench report` shows fast_p, the speedup per category
and the roofline fraction per task. The machine's peaks are measured here for real (once, into the
test's own cache dir).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chipsmith.agents.base import RunContext
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

SUITE = (
    Path(__file__).resolve().parents[3] / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_kernels"
)
GOOD = (SUITE / "03_relu" / "solutions" / "cpp.py").read_text()
SLOW = GOOD.replace(
    "        float y = v > 0.0f ? v : 0.0f;",
    "        volatile float sink = 0.0f;\n        for (int k = 0; k < 64; ++k) sink = sink + v;\n"
    "        float y = v > 0.0f ? v : 0.0f;",
)


def script(path: Path, codes: list[str]) -> str:
    path.write_text(yaml.safe_dump({"replies": [f"```python\n{c}```" for c in codes]}))
    return f"scripted:{path}"


def test_bench_run_resumes_an_evolve_search_and_reports_roofline_and_fast_p(tmp_path: Path) -> None:
    require_tool("g++")
    require_module("torch")
    require_module("langchain")
    from chipsmith.agents.kernel import KernelAgent
    from chipsmith.benchmarks.suites_api import load_suite

    home = tmp_path / ".chipsmith"
    env = {**os.environ, "CHIPSMITH_ROOFLINE_DIR": str(tmp_path / "roofline")}
    os.environ["CHIPSMITH_ROOFLINE_DIR"] = env["CHIPSMITH_ROOFLINE_DIR"]
    try:
        # A run killed after its first answer: the agent's search state exists, its record does not.
        task = next(t for t in load_suite("chipsmith-kernels") if t.id == "relu")
        work = home / "runs" / "r1" / "agents" / "relu" / "s0"
        first = KernelAgent(model=script(tmp_path / "a.yaml", [SLOW]), cache=False, home=str(home), search="evolve",
                            seeds=1, time_shapes="first", budget={"max_model_calls": 1})  # fmt: skip
        first.solve(task.public, RunContext(workdir=work, category=task.category, backend="cpp"))
    finally:
        del os.environ["CHIPSMITH_ROOFLINE_DIR"]
    cmd = [
        sys.executable, "-m", "chipsmith.cli", "bench", "run", "--suite", "chipsmith-kernels", "--tasks", "relu",
        "--agent", "kernel", "--model", script(tmp_path / "b.yaml", [GOOD]), "--backend", "cpp", "--search", "evolve",
        "-O", "seeds=1", "-O", "max_candidates=2", "-O", "time_shapes=first", "--no-cache", "--run-id", "r1", "--json",
    ]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    summary = json.loads(res.stdout)
    assert summary["records"] == 1 and summary["kernel"]["fast_0"] == 1.0
    manifest = json.loads((home / "runs" / "r1" / "run.json").read_text())
    assert manifest["agent_options"]["search"] == "evolve"

    state = json.loads((work / "kernel_search.json").read_text())
    assert [(a["id"], a["origin"], a["parents"]) for a in state["attempts"]] == [
        (1, "seed", []),
        (2, "mutation", [1]),
    ]
    assert state["spent"]["model_calls"] == 2  # one call before the kill, one after
    (rec,) = [json.loads(line) for line in (home / "runs" / "r1" / "results.jsonl").read_text().splitlines()]
    assert rec["verdict"] == "pass" and rec["iterations"] == 2 and rec["stop_reason"] == "max_candidates"
    assert [v["verdict"] for v in rec["iteration_verdicts"]] == ["pass", "pass"]  # judged by the hidden check
    roof = rec["metrics"]["roofline"]
    assert roof["bound"] == "memory" and roof["gbs"] > 0 and roof["bandwidth_fraction"] > 0

    peaks = list((tmp_path / "roofline").glob("cpu-*.json"))  # measured for real, once
    assert len(peaks) == 1 and json.loads(peaks[0].read_text())["bandwidth_gbs"] > 0

    rep = subprocess.run([sys.executable, "-m", "chipsmith.cli", "bench", "report", "r1", "--out", str(tmp_path / "rep")],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)  # fmt: skip
    assert rep.returncode == 0, rep.stderr[-2000:]
    text = (tmp_path / "rep" / "report.md").read_text()
    assert "fast_1 " in text and "fast_1.5 " in text and "fast_2 " in text
    assert "| activation | 1 | 1.000 |" in text  # per category
    row = next(line for line in text.splitlines() if line.startswith("| relu | activation | pass |"))
    assert "| memory |" in row  # the roofline columns of the task
