"""Measure the agent tool layer: adapter overhead per call, and error-knowledge latency by source.

    .venv/bin/python scripts/bench_agent_tools.py [--calls 3000] [--no-store] [--json out.json]

- overhead: a trivial registered tool called directly, through ``Toolkit.call`` and through the
  LangChain tool (``invoke`` with a ToolCall); the difference is what the adapter adds per call
  (validation, events, rendering, scrubbing, bounding). ``read_file`` adds the workspace I/O.
- error knowledge: in a fresh process each (cold = imports + index or model load + first lookup),
  then the mean of further lookups. ``store`` first ingests the bundled corpus into a temporary
  knowledge home (not timed), then measures a fresh process against it.
The JSON records the load average, since the machine is shared.
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
from typing import Any

LINE = "rtl/alu.v:57: error: Unable to bind wire/reg/memory `carry_in' in `alu_top.u_add'"
_EK_PROBE = """
import json, time, sys
t0 = time.monotonic()
from chipsmith.agents.tooling.errknow import ErrorKnowledge
ek = ErrorKnowledge(sys.argv[1])
block = ek.annotate([sys.argv[2]])
cold = time.monotonic() - t0
t1 = time.monotonic()
n = int(sys.argv[3])
for _ in range(n):
    ek.annotate([sys.argv[2]])
print(json.dumps({"cold_s": cold, "warm_ms": (time.monotonic() - t1) / n * 1000, "matched": bool(block)}))
"""


def echo(text: str, n: int = 1) -> str:
    """Return the text."""
    return text * n


def _per_call_us(fn: Any, calls: int) -> float:
    samples = []
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1e6


def overhead(calls: int) -> dict[str, float]:
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.agents.workspace import Workspace
    from chipsmith.registry import Registry

    reg: Registry = Registry("tool")
    reg.add("echo", echo)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp))
        ws.write("top.v", "".join(f"// line {i}\n" for i in range(200)))
        tk = Toolkit(ws, registry=reg, observer=lambda e: None, charge=lambda n: None, error_knowledge=None)
        files = Toolkit(ws, names=["read_file"], error_knowledge=None)
        lc = tk.langchain_tools()[0]
        call = {"type": "tool_call", "name": "echo", "args": {"text": "hi", "n": 2}, "id": "c"}
        return {
            "direct_us": _per_call_us(lambda: echo("hi", 2), calls),
            "toolkit_call_us": _per_call_us(lambda: tk.call("echo", {"text": "hi", "n": 2}), calls),
            "langchain_invoke_us": _per_call_us(lambda: lc.invoke(call), calls),
            "invalid_call_us": _per_call_us(lambda: tk.call("echo", {"txt": 1}), calls),
            "read_file_200_lines_us": _per_call_us(lambda: files.call("read_file", {"path": "top.v"}), calls),
        }


def _probe(source: str, lookups: int, env: dict[str, str]) -> dict[str, Any]:
    res = subprocess.run(
        [sys.executable, "-c", _EK_PROBE, source, LINE, str(lookups)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def error_knowledge(with_store: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"bundled": _probe("bundled", 200, dict(os.environ))}
    if with_store:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "CHIPSMITH_HOME": home}
            env.pop("CHIPSMITH_CHROMA_URL", None)
            subprocess.run(
                [sys.executable, "-c", "from chipsmith.knowledge.retrieve import retrieve; retrieve('x')"],
                env=env,
                check=True,
                capture_output=True,
            )
            out["store"] = _probe("store", 20, env)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--no-store", action="store_true", help="skip the knowledge-store measurement (slow)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    report = {
        "load_avg_before": os.getloadavg(),
        "overhead": overhead(args.calls),
        "error_knowledge": error_knowledge(not args.no_store),
        "load_avg_after": os.getloadavg(),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
