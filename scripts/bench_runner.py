#!/usr/bin/env python3
"""Harness overhead of `bench run` over the raw tools, warm and cold, and --jobs scaling.

Modes, each measured in a fresh process (its own process pool and sandbox workers):

* ``raw``: ``iverilog`` + ``vvp`` called directly on each task's reference and testbench, in a
  temporary directory (``--raw-dir``, default the temp dir), one task after the other; ``raw-shm``
  the same in /dev/shm (memory, where the sandbox's persistent workers keep run directories);
* ``tool-cmd``: the simulate tool's own command line (``sh`` with ``timeout``, ``head`` and status
  files) on the same files, no sandbox, in /dev/shm; ``tool-cmd-sandboxed``: that command through
  ``LocalSandbox`` (persistent worker), no runner: the sandbox's share, apart from the tool's;
* ``warm``: `bench run --agent reference --no-ppa --jobs 1` with the reference checks cached (a
  first run filled the cache): one sandboxed simulation per task;
* ``cold``: the same run with an empty cache: each reference is simulated, then the candidate;
* ``warm-fresh-bwrap`` / ``cold-fresh-bwrap``: the same with ``CHIPSMITH_SANDBOX_WARM=0``
  (bubblewrap started for every run, no persistent worker).

Every round measures every mode once, in turn (other jobs on the machine drift less between modes
than between rounds); the figures are medians over ``--rounds``. Reported: each mode's total (whole
run wall time, which includes the process pool's start-up; and the sum of the per-sample
``eval_s``, which includes starting the sandbox worker in the first sample), the median sample
(``median_s``: one task's raw tools, or one sample's ``eval_s``, the cost once start-ups are paid),
and their ratios to ``raw``. Synthesis is off on both sides. ``--scaling`` adds the
wall time of a 5-sample run at --jobs 1 and --jobs 2. Usage:

    .venv/bin/python scripts/bench_runner.py [--suite chipsmith-rtl] [--tasks GLOB] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = (
    "raw",
    "raw-shm",
    "tool-cmd",
    "tool-cmd-sandboxed",
    "warm",
    "cold",
    "warm-fresh-bwrap",
    "cold-fresh-bwrap",
)


def raw_total(suite: str, tasks: str | None, raw_dir: str | None) -> dict[str, float]:
    """iverilog + vvp on every reference, called directly: the floor any harness adds to."""
    from chipsmith.benchmarks.rtl_eval import reference_design, sim_inputs
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.tools.simulate import compiled_files, iverilog_compile_cmd

    times = []
    for task in select_tasks(load_suite(suite), tasks):
        sources, data = sim_inputs(task, reference_design(task))
        compile_cmd = iverilog_compile_cmd(compiled_files(list(sources)), task.hidden.tb_top or "tb")
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=raw_dir) as tmp:
            for name, blob in {**data, **sources}.items():
                (Path(tmp) / name).write_bytes(blob)
            subprocess.run(compile_cmd, cwd=tmp, check=True, capture_output=True)
            subprocess.run(["vvp", "-n", "sim.vvp"], cwd=tmp, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"wall_s": sum(times), "eval_s": sum(times), "median_s": statistics.median(times)}


def tool_cmd_total(suite: str, tasks: str | None, sandboxed: bool) -> dict[str, float]:
    """The simulate tool's command on every reference, natively or through the local sandbox."""
    from chipsmith.benchmarks.rtl_eval import reference_design, sim_inputs
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.sandbox.local import LocalSandbox
    from chipsmith.tools.simulate import SIM_LIMITS, compiled_files, iverilog_compile_cmd, iverilog_once_cmd

    box = LocalSandbox(warm=True)
    box.run(["true"], {}, timeout_s=60)  # start the worker outside the timing
    times = []
    for task in select_tasks(load_suite(suite), tasks):
        sources, data = sim_inputs(task, reference_design(task))
        files = {**data, **sources}
        cmd = iverilog_once_cmd(
            iverilog_compile_cmd(compiled_files(list(sources)), task.hidden.tb_top or "tb"), 60
        )
        start = time.perf_counter()
        if sandboxed:
            res = box.run(cmd, files, timeout_s=125, limits=SIM_LIMITS)
            assert res.ok and not box.fallbacks, res
        else:
            with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
                for name, blob in files.items():
                    (Path(tmp) / name).write_bytes(blob)
                subprocess.run(cmd, cwd=tmp, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"wall_s": sum(times), "eval_s": sum(times), "median_s": statistics.median(times)}


def run_total(suite: str, tasks: str | None, cold: bool, jobs: int = 1, samples: int = 1) -> dict[str, float]:
    """Wall time of one reference-control run, and the sum of its samples' eval_s."""
    from chipsmith.benchmarks.results import ResultStore
    from chipsmith.benchmarks.runner import RunConfig, run_benchmark

    with tempfile.TemporaryDirectory() as home:
        cfg = RunConfig(suite=suite, agent="reference", tasks=tasks, home=Path(home), ppa=False)
        if not cold:  # fill the reference-check cache first
            run_benchmark(cfg.model_copy(update={"run_id": "fill"}))
        cfg = cfg.model_copy(update={"run_id": "timed", "jobs": jobs, "samples": samples})
        start = time.perf_counter()
        run_benchmark(cfg)
        wall = time.perf_counter() - start
        records = ResultStore(Path(home) / "runs" / "timed" / "results.jsonl").read()
    bad = [r.task for r in records if r.verdict != "pass"]
    if bad:
        raise SystemExit(f"reference control did not pass: {', '.join(bad)}")
    evals = [r.eval_s for r in records]
    return {"wall_s": wall, "eval_s": sum(evals), "median_s": statistics.median(evals)}


def measure_one(mode: str, args: argparse.Namespace) -> dict[str, float]:
    """In a child process: one mode, once."""
    if mode.startswith("tool-cmd"):
        return tool_cmd_total(args.suite, args.tasks, sandboxed=mode.endswith("sandboxed"))
    if mode.startswith("raw"):
        return raw_total(args.suite, args.tasks, "/dev/shm" if mode == "raw-shm" else args.raw_dir)
    if mode.startswith("scaling-"):
        return run_total(args.suite, args.tasks, cold=False, jobs=int(mode[-1]), samples=5)
    return run_total(args.suite, args.tasks, cold=mode.startswith("cold"))


def in_child(mode: str, argv: list[str]) -> dict[str, float]:
    env = dict(os.environ, CHIPSMITH_SANDBOX_WARM="0" if mode.endswith("fresh-bwrap") else "1")
    out = subprocess.run(
        [sys.executable, __file__, *argv, "--one", mode], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode}: {out.stderr.strip().splitlines()[-1:] or out.returncode}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def summarize(rounds: list[dict[str, dict[str, float]]], modes: list[str]) -> dict[str, object]:
    """Pure: medians per mode and their ratios to raw."""
    keys = ("wall_s", "eval_s", "median_s")
    med = {m: {k: statistics.median(r[m][k] for r in rounds) for k in keys} for m in modes}
    out: dict[str, object] = {"rounds": len(rounds)}
    for mode in modes:
        out[mode] = {k: round(v, 3) for k, v in med[mode].items()}
        if mode != "raw" and "raw" in med:
            out[mode]["wall_over_raw"] = round(med[mode]["wall_s"] / med["raw"]["wall_s"], 3)  # type: ignore[index]
            out[mode]["eval_over_raw"] = round(med[mode]["eval_s"] / med["raw"]["eval_s"], 3)  # type: ignore[index]
            out[mode]["median_over_raw"] = round(med[mode]["median_s"] / med["raw"]["median_s"], 3)  # type: ignore[index]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="chipsmith-rtl")
    ap.add_argument("--tasks", default=None, help="glob(s) over task ids")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--modes", default=",".join(MODES), help=f"comma-separated subset of {', '.join(MODES)}")
    ap.add_argument("--raw-dir", default=None, help="where the raw tools run (default: the temp dir)")
    ap.add_argument("--scaling", action="store_true", help="also time a 5-sample run at --jobs 1 and 2")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args)))
        return
    argv = ["--suite", args.suite] + (["--tasks", args.tasks] if args.tasks else [])
    argv += ["--raw-dir", args.raw_dir] if args.raw_dir else []
    modes = [m for m in args.modes.split(",") if m] + (["scaling-1", "scaling-2"] if args.scaling else [])
    load = [os.getloadavg()[0]]
    rounds = [{m: in_child(m, argv) for m in modes} for _ in range(args.rounds)]
    load.append(os.getloadavg()[0])
    out = summarize(rounds, modes) | {"load_1min_start_end": [round(x, 2) for x in load]}
    print(json.dumps(out, indent=2) if args.json else "\n".join(f"{k:18s} {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
