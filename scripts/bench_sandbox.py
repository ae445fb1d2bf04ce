"""Per-run overhead of the sandboxes: a trivial command and a small iverilog simulation.

    .venv/bin/python scripts/bench_sandbox.py [--runs 20] [--json]

Rows: ``native`` (plain subprocess in a temp dir, no sandbox: the floor), ``local-warm`` (the
default: a persistent bubblewrap worker forks a confined run), ``local-cold`` (bubblewrap and a
pids cgroup started for every run), ``docker-cold`` (a fresh container per run) and
``docker-warm`` (DockerSandbox(pool_size=2)).
Wall time is measured around ``sandbox.run`` as a caller sees it; one warm-up run is not counted.
``cpu_ms`` is the CPU time (user + system) per run of this process and everything it starts (a
persistent worker and its runs included; a docker container's processes not), from a ``cpuacct``
cgroup the script joins when it can (root; else null): wall time here mostly says how busy the
shared cores are.
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
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bench_runner import CPU_ENV, CpuCgroup, cpu_now  # beside this script

from chipsmith.sandbox import Limits, get_sandbox
from chipsmith.sandbox.base import SandboxError
from chipsmith.sandbox.local import LocalSandbox

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


def time_runs(run: Callable[[], object], runs: int) -> tuple[list[float], float | None]:
    """Wall ms of each run, and the CPU ms per run of this process tree (None without a cgroup)."""
    run()  # warm-up: page cache, first container of a pool
    out = []
    cpu0 = cpu_now()
    for _ in range(runs):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    cpu1 = cpu_now()
    return out, None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) * 1000 / runs


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
    cgroup = CpuCgroup.create()
    if cgroup is not None:  # before any worker starts: they and their runs are counted too
        cgroup.join()
        os.environ[CPU_ENV] = str(cgroup.usage)
    try:
        rows = measure(args.runs)
    finally:
        if cgroup is not None:
            move_out(cgroup)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'backend':<12} {'case':<13} {'median ms':>10} {'p90 ms':>8} {'cpu ms':>8}")
    for r in rows:
        print(f"{r['backend']:<12} {r['case']:<13} {r['median_ms']:>10} {r['p90_ms']:>8} {r['cpu_ms']!s:>8}")


def move_out(cgroup: CpuCgroup) -> None:
    """Back to the parent cgroup, so the measuring one can be removed."""
    with suppress(OSError):
        (cgroup.path.parent / "cgroup.procs").write_text("0")
        cgroup.remove()


def measure(runs: int) -> list[dict[str, object]]:
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
    rows: list[dict[str, object]] = []
    for label, box in boxes.items():
        for case, (cmd, files) in CASES.items():
            run = native_runner(cmd, files) if box is None else sandbox_runner(box, cmd, files)
            ms, cpu_ms = time_runs(run, runs)
            rows.append(
                {
                    "backend": label,
                    "case": case,
                    "median_ms": round(statistics.median(ms), 1),
                    "p90_ms": round(sorted(ms)[int(0.9 * (len(ms) - 1))], 1),
                    "cpu_ms": None if cpu_ms is None else round(cpu_ms, 2),
                    "runs": len(ms),
                }
            )
        if box is not None:
            box.close()  # type: ignore[attr-defined]
            if label == "local-warm":
                LocalSandbox.close_workers()  # out of the cgroup before it is removed
    return rows


if __name__ == "__main__":
    main()
