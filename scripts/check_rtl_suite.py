#!/usr/bin/env python3
"""Check every chipsmith-rtl task with the real tools, without the chipsmith sandbox in between.

For each task directory: compile and run tb.sv with ref.v (iverilog -g2012 -Wall -Winfloop
-Wno-timescale -s tb, then vvp) and require exactly one `Mismatches: 0 in M samples` line with
M > 0; run the null candidate (the interface followed by `endmodule`) and require that it fails;
synthesize ref.v with yosys (`read_verilog -sv ref.v; synth -top TOP`) and require success.
Prints a table and exits 1 when any check fails.

    .venv/bin/python scripts/check_rtl_suite.py [--tasks GLOB] [--jobs N] [--suite-dir DIR]
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SUITE = Path(__file__).resolve().parents[1] / "src/chipsmith/benchmarks/suites/chipsmith_rtl"
IVERILOG = ["iverilog", "-g2012", "-Wall", "-Winfloop", "-Wno-timescale", "-s", "tb", "-o", "sim.vvp"]
MISMATCH_RE = re.compile(r"^Mismatches: (\d+) in (\d+) samples$", re.MULTILINE)
CELLS_RE = re.compile(r"Number of cells:\s+(\d+)")


@dataclass
class Row:
    task: str
    category: str
    difficulty: str
    ref: str
    null: str
    synth: str
    seconds: float
    ok: bool


def run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    """Run a command; (exit code, stdout+stderr); 124 on timeout."""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "timeout"
    return p.returncode, p.stdout + p.stderr


def simulate(task_dir: Path, design: str, timeout: float) -> tuple[int | None, int | None, str]:
    """(mismatches, samples, note) of tb.sv against ``design``; None when no verdict line."""
    with tempfile.TemporaryDirectory(prefix="rtlcheck-") as tmp:
        work = Path(tmp)
        (work / "design.v").write_text(design)
        (work / "tb.sv").write_bytes((task_dir / "tb.sv").read_bytes())
        rc, out = run([*IVERILOG, "tb.sv", "design.v"], work, 60)
        if rc != 0:
            return None, None, "compile error: " + (out.strip().splitlines() or ["?"])[0]
        rc, out = run(["vvp", "-n", "sim.vvp"], work, timeout)
    found = MISMATCH_RE.findall(out)
    if rc == 124 or "TIMEOUT" in out:
        return None, None, "timeout"
    if len(found) != 1:
        return None, None, f"{len(found)} verdict lines"
    return int(found[0][0]), int(found[0][1]), ""


def synthesize(task_dir: Path, top: str) -> str:
    """'N cells' or the first error line."""
    rc, out = run(["yosys", "-p", f"read_verilog -sv ref.v; synth -top {top}; stat"], task_dir, 120)
    if rc != 0:
        errs = [ln for ln in out.splitlines() if "ERROR" in ln] or ["yosys failed"]
        return "FAIL " + errs[0].strip()
    cells = CELLS_RE.findall(out)
    return f"{cells[-1]} cells" if cells else "ok"


def check_task(task_dir: Path) -> Row:
    start = time.monotonic()
    meta = tomllib.loads((task_dir / "task.toml").read_text())
    timeout = float(meta.get("sim", {}).get("timeout_s", 30))
    m, n, note = simulate(task_dir, (task_dir / "ref.v").read_text(), timeout)
    ref_ok = m == 0 and n is not None and n > 0
    ref = f"0/{n}" if ref_ok else (note or f"{m} mismatches in {n}")
    nm, nn, nnote = simulate(task_dir, meta["interface"] + "\nendmodule\n", timeout)
    null_fails = nm is None or nm > 0
    null = (nnote or f"{nm}/{nn}") if null_fails else "PASSES (testbench too weak)"
    syn = synthesize(task_dir, meta["top"])
    ok = ref_ok and null_fails and not syn.startswith("FAIL") and meta["id"] == task_dir.name
    return Row(
        task_dir.name, meta["category"], meta["difficulty"], ref, null, syn, time.monotonic() - start, ok
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", default="*", help="task id glob(s), comma-separated")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--suite-dir", type=Path, default=SUITE)
    args = ap.parse_args(argv)
    globs = args.tasks.split(",")
    dirs = [
        d
        for d in sorted(args.suite_dir.iterdir())
        if (d / "task.toml").is_file() and any(fnmatch.fnmatch(d.name, g) for g in globs)
    ]
    if not dirs:
        print(f"no tasks match {args.tasks!r} under {args.suite_dir}", file=sys.stderr)
        return 2
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(check_task, dirs))
    fmt = "{:<14} {:<13} {:<7} {:<12} {:<18} {:<12} {:>6} {}"
    print(fmt.format("task", "category", "diff", "ref", "null", "synth", "s", "ok"))
    for r in rows:
        print(
            fmt.format(
                r.task,
                r.category,
                r.difficulty,
                r.ref,
                r.null,
                r.synth,
                f"{r.seconds:.1f}",
                "ok" if r.ok else "FAIL",
            )
        )
    bad = [r.task for r in rows if not r.ok]
    print(
        f"{len(rows) - len(bad)}/{len(rows)} tasks ok in {time.monotonic() - start:.1f} s"
        + (f"; failing: {', '.join(bad)}" if bad else "")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
