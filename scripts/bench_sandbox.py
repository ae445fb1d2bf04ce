"""Per-run overhead of the sandboxes: a trivial command and a small iverilog simulation.

    .venv/bin/python scripts/bench_sandbox.py [--runs 20] [--json]

Rows: ``native`` (plain subprocess in a temp dir, no sandbox: the floor), ``local-warm`` (the
default: a persistent bubblewrap worker forks a confined run), ``local-cold`` (bubblewrap and a
pids cgroup started for every run), ``docker-cold`` (a fresh container per run) and
``docker-warm`` (DockerSandbox(pool_size=2)).
Wall time is measured around ``sandbox.run`` as a caller sees it; one warm-up run is not counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chipsmith.sandbox import Limits, get_sandbox
from chipsmith.sandbox.base import SandboxError

COUNTER_TB = b"""module tb;
  reg clk = 0; reg [7:0] n = 0;
  always #1 clk = ~clk;
  always @(posedge clk) begin n <= n + 1; if (n == 8'd200) begin $display("count %0d", n); $finish; end end
endmodule
"""
CASES: dict[str, tuple[list[str], dict[str, bytes]]] = {
    "true": (["true"], {}),
    "iverilog sim": (["sh", "-c", "iverilog -o sim.vvp tb.v && vvp -n sim.vvp"], {"tb.v": COUNTER_TB}),
}


def time_runs(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm-up: page cache, first container of a pool
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def native_runner(cmd: list[str], files: dict[str, bytes]) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                Path(tmp, name).write_bytes(data)
            return subprocess.run(cmd, cwd=tmp, capture_output=True, check=True)

    return run


def sandbox_runner(box, cmd: list[str], files: dict[str, bytes]) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def run() -> object:
        res = box.run(cmd, files, timeout_s=60, limits=Limits())
        if not res.ok:
            raise SystemExit(f"{box.name}: {cmd} failed: {res.stderr[-300:]}")
        return res

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    boxes: dict[str, object] = {
        "native": None,
        "local-warm": get_sandbox("local", warm=True),
        "local-cold": get_sandbox("local", warm=False),
    }
    try:
        boxes["docker-cold"] = get_sandbox("docker")
        boxes["docker-warm"] = get_sandbox("docker", pool_size=2)
        boxes["docker-cold"].run(["true"], {}, timeout_s=60)  # type: ignore[attr-defined]
    except SandboxError as exc:
        print(f"docker rows skipped: {exc}", file=sys.stderr)
        boxes = {k: v for k, v in boxes.items() if not k.startswith("docker")}
    rows = []
    for label, box in boxes.items():
        for case, (cmd, files) in CASES.items():
            run = native_runner(cmd, files) if box is None else sandbox_runner(box, cmd, files)
            ms = time_runs(run, args.runs)
            rows.append(
                {
                    "backend": label,
                    "case": case,
                    "median_ms": round(statistics.median(ms), 1),
                    "p90_ms": round(sorted(ms)[int(0.9 * (len(ms) - 1))], 1),
                    "runs": len(ms),
                }
            )
        if box is not None:
            box.close()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'backend':<12} {'case':<13} {'median ms':>10} {'p90 ms':>8}")
    for r in rows:
        print(f"{r['backend']:<12} {r['case']:<13} {r['median_ms']:>10} {r['p90_ms']:>8}")


if __name__ == "__main__":
    main()
