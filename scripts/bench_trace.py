#!/usr/bin/env python3
"""Waveform-trace benchmark: how often the mutated line is among the tracer's top suspects.

For every chipsmith-rtl task, the mutants ``chipsmith bench mutate`` samples (same generator, same
deterministic sample) are simulated against the task's testbench; each mutant the testbench kills
is traced with ``tools.trace.trace_run``. A mutant counts as located at rank k when the k-th suspect
is a signal the mutated line assigns (read from the front end on the reference design) or its
lines include the mutated line. Reported: the share located in the top 1 / 3 / 5, overall, per
mutation kind and per task category, and the share among mutants with more than three candidate
signals (with three or fewer, the top 3 holds every candidate).

Expected values come from the reference design run on the same testbench (one run per task, reused),
or with ``--no-ref`` from the testbench alone (its ``mismatches`` counter: no got/expected values).

Usage: .venv/bin/python scripts/bench_trace.py [--tasks GLOB] [--max-mutants 30] [--jobs 2]
       [--no-ref] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chipsmith.benchmarks.mutate import classify, mutants_for
from chipsmith.benchmarks.rtl_eval import candidate_sources, sim_inputs
from chipsmith.benchmarks.suites_api import load_suite, select_tasks
from chipsmith.benchmarks.task import Task
from chipsmith.sandbox import get_sandbox
from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.simulate import SimResult, simulate
from chipsmith.tools.trace._assemble import Run
from chipsmith.tools.trace._waves import read_vcd
from chipsmith.tools.trace.models import TraceReport
from chipsmith.tools.trace.tool import TraceOptions, front_end, trace_run

KS = (1, 3, 5)


def run_design(task: Task, design: str, box: Sandbox) -> tuple[dict[str, bytes], SimResult]:
    """Simulate ``design`` against the task's testbench exactly as ``bench mutate`` does, with a VCD."""
    sources, data = sim_inputs(task, candidate_sources({task.hidden.reference or "ref.v": design}))
    timeout = float(task.hidden.settings.get("timeout_s", 30))
    return sources, simulate(
        sources, top=task.hidden.tb_top, sandbox=box, timeout_s=timeout, vcd=True, data_files=data or None
    )


def located(report: TraceReport, line: tuple[str, int], assigned: set[str]) -> int | None:
    """The 1-based rank of the first suspect that is the mutated line's signal or holds the line."""
    for i, s in enumerate(report.suspects, 1):
        if s.signal in assigned or any((ln.file, ln.line) == line for ln in s.lines):
            return i
    return None


def task_records(
    task: Task, max_mutants: int, jobs: int, use_ref: bool, box: Sandbox
) -> list[dict[str, Any]]:
    ref_name = task.hidden.reference or "ref.v"
    ref_sources, ref_sim = run_design(task, task.hidden.files[ref_name].decode(), box)
    if not ref_sim.passed or not ref_sim.vcd:
        print(f"{task.id}: reference fails its testbench ({ref_sim.message}); skipped", file=sys.stderr)
        return []
    ref_run = Run(read_vcd(ref_sim.vcd), ref_sim.log) if use_ref else None
    ref_model, why = front_end(box, ref_sources, task.hidden.tb_top or "tb", None, 60)
    if ref_model is None:
        print(f"{task.id}: front end failed on the reference ({why}); skipped", file=sys.stderr)
        return []
    _, plan = mutants_for(task, max_mutants)
    ref_file = next(n for n in ref_sources if n.startswith("cand"))  # the mutants use the same name

    def one(m: Any) -> dict[str, Any]:
        start = time.monotonic()
        sources, sim = run_design(task, m.source, box)
        rec: dict[str, Any] = {
            "task": task.id,
            "category": task.category,
            "mutant": m.id,
            "kind": m.kind,
            "line": m.line,
        }
        rec["status"] = classify(sim.failure_class)
        if rec["status"] != "killed":
            return rec
        options = TraceOptions(tb_top=task.hidden.tb_top, max_suspects=50, timeout_s=60)
        report = trace_run(box, sources, sim, options, reference_run=ref_run)
        cand = next(n for n in sources if n.startswith("cand"))
        assigned = {s for s, info in ref_model.signals.items() if (ref_file, m.line) in info.lines}
        rec.update(
            trace=report.status,
            mode=report.mode,
            candidates=report.candidates,
            rank=located(report, (cand, m.line), assigned),
            wall_s=round(time.monotonic() - start, 2),
        )
        return rec

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, plan))


def share(records: list[dict[str, Any]], k: int) -> str:
    hits = sum(1 for r in records if r.get("rank") is not None and r["rank"] <= k)
    return f"{hits}/{len(records)} ({hits / len(records):.1%})" if records else "-"


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    killed = [r for r in records if r["status"] == "killed"]
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {"kind": {}, "category": {}}
    for r in killed:
        for key in groups:
            groups[key].setdefault(r[key], []).append(r)
    nontrivial = [r for r in killed if r.get("candidates", 0) > 3]
    return {
        "mutants": len(records),
        "statuses": dict(Counter(r["status"] for r in records)),
        "traced": dict(Counter(r.get("trace") for r in killed)),
        "modes": dict(Counter(r.get("mode") for r in killed)),
        "all": {f"top{k}": share(killed, k) for k in KS},
        "more_than_3_candidates": {f"top{k}": share(nontrivial, k) for k in KS},
        **{key: {name: share(rs, 3) for name, rs in sorted(g.items())} for key, g in groups.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", default=None, help="task id glob(s), comma-separated (default: all)")
    ap.add_argument("--max-mutants", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-ref", action="store_true", help="expected values from the testbench alone")
    ap.add_argument("--json", default=None, help="write every record and the summary here")
    args = ap.parse_args()
    box = get_sandbox()
    start = time.monotonic()
    records: list[dict[str, Any]] = []
    for task in select_tasks(load_suite("chipsmith-rtl"), args.tasks):
        recs = task_records(task, args.max_mutants, args.jobs, not args.no_ref, box)
        killed = [r for r in recs if r["status"] == "killed"]
        print(f"{task.id}: {len(killed)} killed, top3 {share(killed, 3)}", flush=True)
        records += recs
    result = {"summary": summary(records), "wall_s": round(time.monotonic() - start, 1), "records": records}
    print(json.dumps(result["summary"], indent=2))
    print(f"wall time {result['wall_s']} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
