"""The synthesis agent's own cost per step, without model time, on chipsmith-rtl designs.

A scripted model (no model time) proposes, at each step, the starting design again with a comment
added: a textually new design that is equivalent and no better, so every step takes the whole path
(salvage, interface check, lint, the equivalence proof against the start, synthesis with OpenSTA,
the feedback, one graph step) and is rejected for no gain. The starting design is the task's
reference (this script measures the checks, it solves nothing). Prints per task: the time of one
step (median), the tools' share of it (lint, equivalence, synthesis), the agent's own remainder,
and the time of the start's synthesis and recipe search.

    .venv/bin/python scripts/bench_synth_agent.py --tasks adder8,alu8,counter8 --steps 3 --optimize-budget 10
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parents[1] / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"


def step_times(events: list[Any]) -> list[dict[str, float]]:
    """Per checked step: its wall time (reply to verdict) and the time of each tool inside it."""
    out, start, tools = [], None, {}  # type: ignore[var-annotated]
    for ev in events:
        if ev.kind == "model":
            start, tools = ev.at, {}
        elif ev.kind == "tool" and ev.data.get("phase") == "end" and start is not None:
            name = ev.data["tool"]
            tools[name] = tools.get(name, 0.0) + float(ev.data.get("duration_s") or 0.0)
        elif ev.kind == "iteration" and start is not None:
            out.append({"step_s": ev.at - start, **tools})
            start = None
    return out


def one_task(task: str, steps: int, budget: float, work: Path) -> dict[str, Any]:
    import yaml

    from chipsmith.agents.base import RunContext
    from chipsmith.agents.synth import SynthAgent
    from chipsmith.agents.transcript import Transcript
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks

    public = select_tasks(load_suite("chipsmith-rtl"), task)[0].public
    ref = (SUITE / task / "ref.v").read_text()
    replies = [
        f"CHANGE: none (measurement step {k})\n```verilog\n// step {k}\n{ref}```" for k in range(steps)
    ]
    script = work / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    start = public.model_copy(update={"starter_files": {f"{task}.v": ref}})
    outer: list[Any] = []
    agent = SynthAgent(model=f"scripted:{script}", cache=False, home=str(work / "home"), target_pct="none",
                       max_steps=steps, optimize_budget_s=budget)  # fmt: skip
    began = time.monotonic()
    cand = agent.solve(start, RunContext(workdir=work / "w"), observer=outer.append)
    wall = time.monotonic() - began
    tr = Transcript.load(Path(cand.meta["agent"]["transcript"]))
    per = step_times(tr.events)
    opt = [
        e.data
        for e in outer
        if e.kind == "tool" and e.data.get("tool") == "optimize" and e.data["phase"] == "end"
    ]
    checks = [s["check"] for s in cand.meta["agent"]["report"]["steps"]]

    def med(key: str) -> float:
        return round(statistics.median(p.get(key, 0.0) for p in per), 3) if per else 0.0

    own = [p["step_s"] - sum(v for k, v in p.items() if k != "step_s") for p in per]
    return {
        "task": task, "steps": len(per), "checks": sorted(set(checks)), "step_s": med("step_s"),
        "lint_s": med("lint"), "equivalence_s": med("equivalence"), "synthesize_s": med("synthesize"),
        "own_s": round(statistics.median(own), 3) if own else 0.0,
        "optimize_s": opt[0]["duration_s"] if opt else None, "solve_s": round(wall, 2),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", default="adder8,alu8,counter8")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--optimize-budget", type=float, default=0.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = []
    for task in a.tasks.split(","):
        with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
            rows.append(one_task(task.strip(), a.steps, a.optimize_budget, Path(tmp)))
        if not a.json:
            print(" ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    if a.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
