"""The RTL agent's own time per iteration, without model time (goal: under 1 s for an easy task).

A scripted model (no model time) answers with a design that compiles but fails its testbench, so
every iteration takes the full path: salvage the code, check the interface, write, lint, simulate,
trace the mismatch, render the feedback, one graph step. The testbench is the task's own (written by
a stand-in testbench writer, as the verification agent will), so the trace has real mismatches to
read. Prints the median per-iteration wall time and the tool share, over ``--runs`` solves.

    .venv/bin/python scripts/bench_agent_overhead.py --task counter8 --iterations 4 --runs 3
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


def writer_for(task: str) -> type:
    from chipsmith.agents.testbench import Testbench

    class SuiteTestbench:
        def __init__(self, **_: Any) -> None:
            pass

        def make_testbench(self, request: Any, workspace: Any, context: Any) -> Testbench:
            workspace.write("tb/tb.sv", (SUITE / task / "tb.sv").read_text())
            return Testbench(
                path="tb/tb.sv", top="tb", source="suite", label="the suite's testbench", checks_spec=True
            )

    return SuiteTestbench


def broken(task: str) -> str:
    """The reference with its first non-blocking or continuous assignment's right side inverted."""
    ref = (SUITE / task / "ref.v").read_text()
    for op in ("<= ", "= "):
        idx = ref.find(op, ref.find(");"))
        if idx > 0:
            end = ref.index(";", idx)
            return ref[: idx + len(op)] + "~(" + ref[idx + len(op) : end] + ")" + ref[end:]
    return ref


def one_run(task: str, iterations: int, work: Path) -> dict[str, float]:
    import yaml

    from chipsmith.agents.base import RunContext
    from chipsmith.agents.rtl import RtlAgent
    from chipsmith.agents.transcript import Transcript
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks

    public = select_tasks(load_suite("chipsmith-rtl"), task)[0].public
    script = work / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": [f"```verilog\n{broken(task)}```"] * iterations}))
    agent = RtlAgent(model=f"scripted:{script}", cache=False, home=str(work / "home"), testbench="suite-tb",
                     max_iterations=iterations)  # fmt: skip
    start = time.time()
    cand = agent.solve(public, RunContext(workdir=work / "w"))
    total = time.time() - start
    tr = Transcript.load(Path(cand.meta["agent"]["transcript"]))
    models = [e.at for e in tr.events if e.kind == "model"]
    ends = [e for e in tr.events if e.kind == "tool" and e.data.get("phase") == "end"]
    spans = list(zip(models, models[1:], strict=False))
    per_iter = [b - a for a, b in spans]
    tools = [sum(e.data["duration_s"] for e in ends if a < e.at <= b) for a, b in spans]
    return {
        "total_s": total, "setup_s": models[0] - start, "iterations": len(models),
        "per_iteration_s": statistics.median(per_iter) if per_iter else float("nan"),
        "tool_s_per_iteration": statistics.median(tools) if tools else float("nan"),
        "own_s_per_iteration": statistics.median(p - t for p, t in zip(per_iter, tools, strict=True)),
        "model_wall_s": cand.meta["agent"]["model_wall_s"],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="counter8")
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from chipsmith.registry import AGENTS

    AGENTS.add("suite-tb", writer_for(args.task))
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(one_run(args.task, args.iterations, Path(tmp)))
    keys = (
        "total_s",
        "setup_s",
        "per_iteration_s",
        "tool_s_per_iteration",
        "own_s_per_iteration",
        "model_wall_s",
    )
    summary = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    summary |= {"task": args.task, "iterations": args.iterations, "runs": args.runs}
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
