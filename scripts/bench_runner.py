#!/usr/bin/env python3
"""Performance of the benchmark runner: harness overhead over raw tool time, and --jobs scaling.

1. Overhead: for each task, time `iverilog` + `vvp` run directly on the reference and testbench
   (median of --repeat), the simulate tool alone on the same files (sandboxed: compile and run are
   two sandbox runs), the runner's evaluation of the same sample (the `eval_s` the runner records,
   reference validation already cached), and the whole run's wall time.
2. Scaling: wall time of the same run with --jobs 1 and --jobs 2 (goal: >= 1.8x on 2 cores).

Synthesis is off (--no-ppa) so both sides time the same work. Usage:
    .venv/bin/python scripts/bench_runner.py [--suite chipsmith-rtl] [--tasks GLOB] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from chipsmith.benchmarks.results import ResultStore
from chipsmith.benchmarks.runner import RunConfig, run_benchmark
from chipsmith.benchmarks.suites_api import load_suite, select_tasks
from chipsmith.benchmarks.task import Task
from chipsmith.tools.simulate import iverilog_compile_cmd, simulate


def raw_tool_time(task: Task) -> float:
    """iverilog + vvp on the reference, called directly: the floor any harness adds to."""
    files = {**{n: task.hidden.files[n] for n in task.hidden.settings.get("compile_with", [])}}
    ref = task.hidden.reference or ""
    files[ref] = task.hidden.files[ref]
    for name in task.hidden.settings.get("data_files", []):
        files[name] = task.hidden.files[name]
    sources = sorted(n for n in files if n.endswith((".v", ".sv")))
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        start = time.perf_counter()
        subprocess.run(
            iverilog_compile_cmd(sources, task.hidden.tb_top or "tb"),
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        subprocess.run(["vvp", "-n", "sim.vvp"], cwd=tmp, check=True, capture_output=True)
        return time.perf_counter() - start


def sim_tool_time(task: Task) -> float:
    """The simulate tool (default sandbox) on the same files: the evaluator's floor."""
    from chipsmith.benchmarks.rtl_eval import reference_design, sim_inputs

    sources, data = sim_inputs(task, reference_design(task))
    start = time.perf_counter()
    simulate(sources, top=task.hidden.tb_top, data_files=data or None)
    return time.perf_counter() - start


def timed_run(cfg: RunConfig) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    run_benchmark(cfg)
    wall = time.perf_counter() - start
    records = ResultStore(cfg.home / "runs" / str(cfg.run_id) / "results.jsonl").read()
    return wall, {r.task: r.eval_s for r in records}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="chipsmith-rtl")
    ap.add_argument("--tasks", default=None, help="glob(s) over task ids")
    ap.add_argument("--repeat", type=int, default=3, help="raw and simulate-tool timings: median of N")
    ap.add_argument(
        "--samples",
        type=int,
        default=5,
        help="samples per task in the scaling runs (a longer run amortises pool start-up)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tasks = select_tasks(load_suite(args.suite), args.tasks)
    raw = {t.id: statistics.median(raw_tool_time(t) for _ in range(args.repeat)) for t in tasks}
    sim = {t.id: statistics.median(sim_tool_time(t) for _ in range(args.repeat)) for t in tasks}
    with tempfile.TemporaryDirectory() as home:
        base = RunConfig(suite=args.suite, agent="reference", tasks=args.tasks, home=Path(home), ppa=False)
        timed_run(base.model_copy(update={"run_id": "warm", "jobs": 2}))  # validates references once (cached)
        wall1, eval1 = timed_run(base.model_copy(update={"run_id": "j1", "jobs": 1}))
        scale = {"samples": args.samples}
        wall1s, _ = timed_run(base.model_copy(update={"run_id": "s1", "jobs": 1, **scale}))
        wall2s, _ = timed_run(base.model_copy(update={"run_id": "s2", "jobs": 2, **scale}))
    per_task = {t: (eval1[t] - raw[t]) / raw[t] for t in raw}
    out = {
        "tasks": len(tasks),
        "raw_tool_s_total": round(sum(raw.values()), 3),
        "simulate_tool_s_total": round(sum(sim.values()), 3),
        "eval_s_total_jobs1": round(sum(eval1.values()), 3),
        "overhead_simulate_tool_over_raw": round(sum(sim.values()) / sum(raw.values()) - 1, 4),
        "overhead_runner_over_simulate_tool": round(sum(eval1.values()) / sum(sim.values()) - 1, 4),
        "overhead_total_over_raw": round(sum(eval1.values()) / sum(raw.values()) - 1, 4),
        "overhead_per_task_median": round(statistics.median(per_task.values()), 4),
        "overhead_per_task_max": round(max(per_task.values()), 4),
        "overhead_run_wall_jobs1": round((wall1 - sum(raw.values())) / sum(raw.values()), 4),
        "scaling_samples_per_task": args.samples,
        "wall_s_jobs1": round(wall1s, 3),
        "wall_s_jobs2": round(wall2s, 3),
        "speedup_jobs2": round(wall1s / wall2s, 3),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for key, val in out.items():
            print(f"{key:28s} {val}")


if __name__ == "__main__":
    main()
