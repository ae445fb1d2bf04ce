#!/usr/bin/env python3
"""Harness overhead of `bench run` over the raw tools, warm and cold: wall and CPU time.

Modes, each measured in a fresh process (its own process pool and sandbox workers):

* ``raw``: ``iverilog`` + ``vvp`` called directly on each task's reference and testbench, in a
  temporary directory (``--raw-dir``, default the temp dir), one task after the other; ``raw-shm``
  the same in /dev/shm (memory, where the sandbox's persistent workers keep run directories);
* ``tool-cmd``: the simulate tool's own command line (as it runs in the local sandbox) on the same
  files, no sandbox, in /dev/shm;
  ``tool-cmd-sandboxed``: that command through ``LocalSandbox`` (persistent worker), no runner:
  the sandbox's share, apart from the tool's;
* ``warm``: `bench run --agent reference --no-ppa --jobs 1` in a fresh process whose reference
  checks another process cached: one sandboxed simulation per task;
* ``cold``: the same run with an empty cache: each reference is simulated, and the candidate;
* ``warm-fresh-bwrap`` / ``cold-fresh-bwrap``: the same with ``CHIPSMITH_SANDBOX_WARM=0``
  (bubblewrap started for every run, no persistent worker).

The machine is shared, so besides wall time each mode's CPU time is measured: user + system time
of the whole process tree (process pool, sandbox workers, tools) from a ``cpuacct`` cgroup (v1) or
a cgroup v2 ``cpu.stat`` that the child process joins before it starts (root only; without one,
``cpu_s`` is null). CPU time hardly depends on how many other jobs share the cores; wall time does.

Every round measures every mode once, in turn, the order reversed every other round, so that load
drifts hit raw and chipsmith alike; the figures are medians over ``--rounds``. Reported per mode:
``wall_s`` (warm/cold: the whole `run_benchmark` call, process pool start and tool version probes
included; raw: the sum of the tasks' times), ``cpu_s`` over the same span, ``eval_s`` (the sum of
the samples' ``eval_s``), ``median_s`` (one task's raw tools, or one sample's ``eval_s``: the cost
once start-ups are paid), their ratios to the ``--baseline`` mode, and the 1-minute load average
before and after each round. Synthesis is off on both sides. Usage:

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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
DEFAULT_MODES = "raw,raw-shm,tool-cmd,tool-cmd-sandboxed,warm,cold"
CPU_ENV = "CHIPSMITH_BENCH_CPU_FILE"
KEYS = ("wall_s", "cpu_s", "eval_s", "median_s")


class CpuCgroup:
    """A cgroup that only accounts CPU time: its members and every descendant they start."""

    def __init__(self, path: Path, usage_file: str) -> None:
        self.path, self.usage = path, path / usage_file

    @classmethod
    def create(cls) -> CpuCgroup | None:
        name = f"chipsmith-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        roots = [(Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage")]
        roots += [(Path(p), "cpu.stat") for p in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")]
        for root, usage in roots:
            if (root / usage).exists() or (root / "cgroup.controllers").exists():
                with suppress(OSError):
                    (root / name).mkdir()
                    if (root / name / usage).exists():
                        return cls(root / name, usage)
                    (root / name).rmdir()
        return None

    def join(self) -> None:
        """In the forked child, before exec: writing 0 moves the writer itself."""
        (self.path / "cgroup.procs").write_text("0")

    def remove(self) -> None:
        for _ in range(100):  # the last members may still be exiting
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.05)


def cpu_now() -> float | None:
    """CPU seconds used so far by this process's measuring cgroup (None when there is none)."""
    path = os.environ.get(CPU_ENV)
    if not path:
        return None
    text = Path(path).read_text()
    if path.endswith("cpuacct.usage"):
        return int(text) / 1e9
    stats = dict(line.split() for line in text.splitlines())
    return int(stats["usage_usec"]) / 1e6


@contextmanager
def measured(out: dict[str, float | None]) -> Iterator[None]:
    """Fill ``out`` with the wall and CPU seconds of the block."""
    cpu0, start = cpu_now(), time.perf_counter()
    yield
    out["wall_s"] = time.perf_counter() - start
    cpu1 = cpu_now()
    out["cpu_s"] = None if cpu0 is None or cpu1 is None else cpu1 - cpu0


def _inputs(suite: str, tasks: str | None) -> list[tuple[dict[str, bytes], list[str]]]:
    """(files, compile command) of every task's reference against its testbench."""
    from chipsmith.benchmarks.rtl_eval import reference_design, sim_inputs
    from chipsmith.benchmarks.suites_api import load_suite, select_tasks
    from chipsmith.tools.simulate import compiled_files, iverilog_compile_cmd

    out = []
    for task in select_tasks(load_suite(suite), tasks):
        sources, data = sim_inputs(task, reference_design(task))
        compile_cmd = iverilog_compile_cmd(compiled_files(list(sources)), task.hidden.tb_top or "tb")
        out.append(({**data, **sources}, compile_cmd))
    return out


def raw_total(suite: str, tasks: str | None, raw_dir: str | None) -> dict[str, float | None]:
    """iverilog + vvp on every reference, called directly: the floor any harness adds to."""
    inputs, times = _inputs(suite, tasks), []
    out: dict[str, float | None] = {}
    with measured(out):
        for files, compile_cmd in inputs:
            start = time.perf_counter()
            with tempfile.TemporaryDirectory(dir=raw_dir) as tmp:
                for name, blob in files.items():
                    (Path(tmp) / name).write_bytes(blob)
                subprocess.run(compile_cmd, cwd=tmp, check=True, capture_output=True)
                subprocess.run(["vvp", "-n", "sim.vvp"], cwd=tmp, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return out | {"wall_s": sum(times), "eval_s": sum(times), "median_s": statistics.median(times)}


def tool_cmd_total(suite: str, tasks: str | None, sandboxed: bool) -> dict[str, float | None]:
    """The simulate tool's command on every reference, natively or through the local sandbox."""
    from chipsmith.sandbox.local import LocalSandbox
    from chipsmith.tools import simulate as sim

    box = LocalSandbox(warm=True)
    # What the simulate tool runs in this sandbox (no `head` where the sandbox cuts the output);
    # getattr: the script also measures checkouts from before that option (PYTHONPATH=<old>/src).
    cuts = bool(getattr(box, "kills_past_output", False))
    limits = sim.SIM_KILL_LIMITS if cuts else sim.SIM_LIMITS
    cut_kw = {"sandbox_cuts": True} if cuts else {}
    box.run(["true"], {}, timeout_s=60)  # start the worker outside the timing
    inputs, times = _inputs(suite, tasks), []
    out: dict[str, float | None] = {}
    with measured(out):
        for files, compile_cmd in inputs:
            cmd = sim.iverilog_once_cmd(compile_cmd, 60, **cut_kw)
            start = time.perf_counter()
            if sandboxed:
                res = box.run(cmd, files, timeout_s=125, limits=limits)
                assert res.ok and not box.fallbacks, res
            else:
                with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
                    for name, blob in files.items():
                        (Path(tmp) / name).write_bytes(blob)
                    subprocess.run(cmd, cwd=tmp, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return out | {"eval_s": sum(times), "median_s": statistics.median(times)}


def run_total(
    suite: str, tasks: str | None, home: Path, run_id: str, jobs: int = 1, samples: int = 1
) -> dict[str, float | None]:
    """Wall and CPU time of one reference-control run, and the sum of its samples' eval_s."""
    from chipsmith.benchmarks.results import ResultStore
    from chipsmith.benchmarks.runner import RunConfig, run_benchmark

    cfg = RunConfig(
        suite=suite,
        agent="reference",
        tasks=tasks,
        home=home,
        ppa=False,
        run_id=run_id,
        jobs=jobs,
        samples=samples,
    )
    out: dict[str, float | None] = {}
    with measured(out):
        run_benchmark(cfg)
    records = ResultStore(home / "runs" / run_id / "results.jsonl").read()
    bad = [r.task for r in records if r.verdict != "pass"]
    if bad:
        raise SystemExit(f"reference control did not pass: {', '.join(bad)}")
    evals = [r.eval_s for r in records]
    return out | {"eval_s": sum(evals), "median_s": statistics.median(evals)}


def measure_one(mode: str, args: argparse.Namespace) -> dict[str, float | None]:
    """In a child process: one mode, once."""
    if mode.startswith("tool-cmd"):
        return tool_cmd_total(args.suite, args.tasks, sandboxed=mode.endswith("sandboxed"))
    if mode.startswith("raw"):
        return raw_total(args.suite, args.tasks, "/dev/shm" if mode == "raw-shm" else args.raw_dir)
    home = Path(args.home)
    if mode.startswith("scaling-"):
        return run_total(args.suite, args.tasks, home, mode, jobs=int(mode[-1]), samples=5)
    return run_total(args.suite, args.tasks, home, mode)


def in_child(mode: str, argv: list[str], home: str) -> dict[str, float | None]:
    """Run one mode in a fresh process inside its own CPU-accounting cgroup."""
    env = dict(os.environ, CHIPSMITH_SANDBOX_WARM="0" if mode.endswith("fresh-bwrap") else "1")
    env.pop(CPU_ENV, None)
    group = CpuCgroup.create()
    if group is not None:
        env[CPU_ENV] = str(group.usage)
    try:
        out = subprocess.run(
            [sys.executable, __file__, *argv, "--home", home, "--one", mode],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=group.join if group is not None else None,
        )
    finally:
        if group is not None:
            group.remove()
    if out.returncode != 0:
        raise SystemExit(f"{mode}: {out.stderr.strip().splitlines()[-1:] or out.returncode}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def one_round(modes: list[str], argv: list[str]) -> dict[str, dict[str, float | None]]:
    """Every mode once; a warm mode's cache is filled first by another (untimed) process."""
    out: dict[str, dict[str, float | None]] = {}
    for mode in modes:
        with tempfile.TemporaryDirectory(prefix="chipsmith-bench-") as home:
            if mode.startswith(("warm", "scaling")):
                in_child("fill", argv, home)
            out[mode] = in_child(mode, argv, home)
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def summarize(
    rounds: list[dict[str, dict[str, float | None]]], modes: list[str], base: str
) -> dict[str, object]:
    """Pure: medians per mode and their ratios to the baseline mode."""
    med: dict[str, dict[str, float | None]] = {}
    for m in modes:
        med[m] = {}
        for k in KEYS:
            vals = [v for r in rounds if (v := r[m].get(k)) is not None]
            med[m][k] = statistics.median(vals) if vals else None
    out: dict[str, object] = {"rounds": len(rounds), "baseline": base}
    for mode in modes:
        row: dict[str, float | None] = {k: None if v is None else round(v, 3) for k, v in med[mode].items()}
        if mode != base and base in med:
            for k in KEYS:
                row[f"{k[:-2]}_over_{base}"] = _ratio(med[mode][k], med[base][k])
        out[mode] = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="chipsmith-rtl")
    ap.add_argument("--tasks", default=None, help="glob(s) over task ids")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--modes", default=DEFAULT_MODES, help=f"comma-separated subset of {', '.join(MODES)}")
    ap.add_argument("--baseline", default="raw", help="the mode ratios are taken against")
    ap.add_argument("--raw-dir", default=None, help="where the raw tools run (default: the temp dir)")
    ap.add_argument("--scaling", action="store_true", help="also time a 5-sample run at --jobs 1 and 2")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one == "fill":
        run_total(args.suite, args.tasks, Path(args.home), "fill")
        print(json.dumps({}))
        return
    if args.one:
        print(json.dumps(measure_one(args.one, args)))
        return
    argv = ["--suite", args.suite] + (["--tasks", args.tasks] if args.tasks else [])
    argv += ["--raw-dir", args.raw_dir] if args.raw_dir else []
    modes = [m for m in args.modes.split(",") if m] + (["scaling-1", "scaling-2"] if args.scaling else [])
    rounds, loads = [], []
    for i in range(args.rounds):
        before = os.getloadavg()[0]
        rounds.append(one_round(modes if i % 2 == 0 else modes[::-1], argv))
        loads.append([round(before, 2), round(os.getloadavg()[0], 2)])
    out = summarize(rounds, modes, args.baseline) | {"load_1min_per_round": loads}
    print(json.dumps(out, indent=2) if args.json else "\n".join(f"{k:18s} {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
