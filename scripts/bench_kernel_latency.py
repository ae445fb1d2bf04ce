"""Source-to-verdict latency per kernel backend: compile + correctness over all cases, no timing.

Usage: .venv/bin/python scripts/bench_kernel_latency.py [--repeat N] [--json]

Checks the ReLU test task's honest cpp and triton solutions (tests/data/kernels/tasks/01_relu) and
the reference control (torch): each check is one sandboxed supervisor run (torch imported once by the
supervisor, the zygote forked from it, the worker forked, every case, the ablation run). The
first run of each backend is reported separately (cold file cache, first g++ build). Goals: cpp
< 2.5 s, triton < 10 s. Reports the load average, per backend the CPU seconds a check costs (host +
sandboxed processes: less load-sensitive than wall time) and where the supervisor's time went.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

GOALS = {"cpp": 2.5, "triton": 10.0, "torch": 2.5}


def host_cpu_s() -> float:
    """CPU seconds of this process and its reaped children (g++ builds) so far."""
    return sum(
        r.ru_utime + r.ru_stime
        for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from chipsmith.benchmarks.kernel_eval import evaluate
    from chipsmith.benchmarks.kernel_suites import load_task_dir
    from chipsmith.benchmarks.kernel_tasks import reference_candidate
    from chipsmith.benchmarks.task import Candidate

    load_before = os.getloadavg()[0]
    task = load_task_dir(ROOT / "tests/data/kernels/tasks/01_relu")
    rows = []
    for backend in ("cpp", "triton", "torch"):
        if backend == "torch":
            cand = reference_candidate(task)
        else:
            src = task.hidden.files[task.hidden.solutions[backend]].decode()
            cand = Candidate(task_id=task.id, files={"candidate.py": src}, backend=backend)
        times, verdicts, phases, cpus = [], [], [], []
        for _ in range(args.repeat + 1):
            t0, c0 = time.perf_counter(), host_cpu_s()
            res = evaluate(task, cand, time=False)
            times.append(time.perf_counter() - t0)
            # CPU is what load inflates least: the host's own share plus the sandboxed run's
            # (supervisor, zygote, workers), reported by the supervisor inside its signed result.
            cpus.append(host_cpu_s() - c0 + float(res.metrics.get("sandbox_cpu_s") or 0.0))
            verdicts.append(res.failure_class)
            phases.append(res.metrics.get("phase_s") or {})
        warm = times[1:]
        rows.append(
            {
                "backend": backend,
                "first_s": round(times[0], 2),
                "median_s": round(statistics.median(warm), 2),
                "min_s": round(min(warm), 2),
                "cpu_median_s": round(statistics.median(cpus[1:]), 2),
                "goal_s": GOALS[backend],
                "verdicts": sorted(set(verdicts)),
                "cases": res.metrics.get("cases"),
                "supervisor_s": phases[-1],
            }
        )
    load = os.getloadavg()[0]
    if args.json:
        out = {"load_avg_1m_before": load_before, "load_avg_1m": load, "cpus": os.cpu_count(), "rows": rows}
        print(json.dumps(out, indent=2))
    else:
        print(f"load average {load_before:.1f} before, {load:.1f} after, on {os.cpu_count()} cpus")
        for r in rows:
            ok = "meets" if r["median_s"] < r["goal_s"] else "misses"
            print(
                f"{r['backend']:7s} first {r['first_s']:5.2f}s  median {r['median_s']:5.2f}s  min {r['min_s']:5.2f}s"
                f"  ({ok} the {r['goal_s']:g}s goal; {r['cases']} cases; {r['verdicts']})"
            )
            print(f"        CPU per check (host + sandboxed processes): median {r['cpu_median_s']:.2f}s")
            print(f"        supervisor marks (s since its start): {r['supervisor_s']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
