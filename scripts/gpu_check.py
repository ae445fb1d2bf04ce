"""GPU check: run the kernel suite's references and its triton + cuda example solutions on an NVIDIA
GPU, check them against the reference on every task shape, time them (CUDA events, warm-up, L2
flush, fresh inputs per iteration, median), and write one JSON report. Called by gpu_check.sh.

Needs only torch (+ triton, nvcc for those backends) and numpy: GPU hosts may lack chipsmith's other
dependencies. Tasks run in a child process, one after another; a task that kills the child (an
illegal memory access poisons the CUDA context) is recorded as crashed and a new child carries on.
CUDA sources are built first, in parallel. A time budget stops new tasks and records the rest as
skipped, so the whole run stays under five minutes.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
SUITE = SRC / "chipsmith/benchmarks/suites/chipsmith_kernels"
sys.path.insert(0, str(SRC))
TOL = {"float32": 1e-4, "float16": 1e-2, "bfloat16": 1e-2}


def tasks() -> list[Path]:
    return sorted(d for d in SUITE.iterdir() if (d / "task.toml").is_file())


def cuda_source(path: Path) -> str | None:
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "CUDA_SOURCE" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def prebuild(dirs: list[Path]) -> dict[str, str]:
    """Build every cuda solution in parallel (cached by hash; the child then only loads)."""
    from chipsmith.tools.kernels.cuda_runtime import build_cuda

    def one(d: Path) -> tuple[str, str]:
        src = cuda_source(d / "solutions/cuda.py")
        if src is None:
            return d.name, "no cuda solution"
        try:
            build_cuda(src)
            return d.name, "built"
        except Exception as exc:  # recorded per task; the run goes on
            return d.name, f"build failed: {str(exc).splitlines()[0][:300]}"

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return dict(pool.map(one, dirs))


# ---------------------------------------------------------------- child: runs tasks on the GPU


def check_backend(d: Path, meta: dict[str, Any], backend: str, iters: int, dev: str) -> dict[str, Any]:
    import torch

    from chipsmith.tools.kernels import inputs as inp
    from chipsmith.tools.kernels._worker_common import as_list, load_module
    from chipsmith.tools.kernels.timing import measure, median_ms, speedup

    tol = meta.get("atol") or TOL.get(meta.get("dtype", "float32"), 1e-4)
    rtol = meta.get("rtol") or tol
    sol = (
        None if backend == "reference" else load_module(str(d / f"solutions/{backend}.py"), f"_sol_{backend}")
    )
    out: dict[str, Any] = {"shapes": []}
    for s, shape in enumerate(meta["shapes"]):
        mod = load_module(str(d / "reference.py"), f"_ref_{s}", shape)
        ref = mod.Model(*inp.init_inputs(mod, 42)).to(dev).eval()
        cand = ref if sol is None else sol.ModelNew(*inp.init_inputs(mod, 42))
        if sol is not None:
            if set(cand.state_dict()) == set(ref.state_dict()) and cand.state_dict():
                cand.load_state_dict(ref.state_dict())
            cand = cand.to(dev).eval()
        worst = 0.0
        with torch.no_grad():
            for seed, dist in ((1, "task"), (2, "normal"), (3, "edge")):
                args = inp.case_inputs(mod, seed, dist, dev)
                expect = as_list(ref(*[a.clone() if isinstance(a, torch.Tensor) else a for a in args]))
                got = as_list(cand(*args))
                if dev == "cuda":
                    torch.cuda.synchronize()
                for e, g in zip(expect, got, strict=True):
                    if e.shape != g.shape or not torch.allclose(
                        g.float(), e.float(), atol=tol, rtol=rtol, equal_nan=True
                    ):
                        err = (
                            (g.float() - e.float()).abs().max().item() if e.shape == g.shape else float("inf")
                        )
                        return {
                            **out,
                            "correct": False,
                            "error": f"shape {shape} {dist}: max error {err:.3g}",
                        }
                    worst = max(worst, (g.float() - e.float()).abs().max().item())
        out["shapes"].append({"shape": shape, "max_abs_err": worst})
        if s == 0:
            sets = [inp.case_inputs(mod, 9000 + i, "normal", dev) for i in range(3 + iters)]
            t = measure(cand, ref, sets, 3, dev, time.perf_counter)
            cm, bm = median_ms(t["candidate_ms"]), median_ms(t["baseline_ms"])
            out.update(candidate_ms=cm, baseline_ms=bm, speedup=speedup(bm, cm))
    out["correct"] = True
    return out


def child(names: list[str], out_file: Path, iters: int, dev: str) -> None:
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    with out_file.open("a") as fh:
        for name in names:
            fh.write(json.dumps({"task": name, "event": "start"}) + "\n")
            fh.flush()
            d = SUITE / name
            meta = tomllib.loads((d / "task.toml").read_text())
            rec: dict[str, Any] = {"task": name, "id": meta.get("id"), "event": "done", "backends": {}}
            for backend in ("reference", "triton", "cuda") if dev == "cuda" else ("reference",):
                if backend != "reference" and not (d / f"solutions/{backend}.py").is_file():
                    continue
                t0 = time.perf_counter()
                try:
                    res = check_backend(d, meta, backend, iters, dev)
                except Exception as exc:  # one backend failing must not hide the others
                    res = {"correct": False, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
                res["wall_s"] = round(time.perf_counter() - t0, 2)
                rec["backends"][backend] = res
            fh.write(json.dumps(rec) + "\n")
            fh.flush()


# ---------------------------------------------------------------- parent


def environment() -> dict[str, Any]:
    info: dict[str, Any] = {"python": sys.version.split()[0]}
    try:
        import torch

        info.update(torch=torch.__version__, cuda_available=torch.cuda.is_available())
        if torch.cuda.is_available():
            info["device"] = torch.cuda.get_device_name(0)
    except Exception as exc:
        info["torch_error"] = str(exc)[:200]
    try:
        import triton

        info["triton"] = triton.__version__
    except Exception as exc:
        info["triton_error"] = str(exc)[:200]
    nvcc = subprocess.run(["nvcc", "--version"], capture_output=True, text=True) if _which("nvcc") else None
    info["nvcc"] = nvcc.stdout.strip().splitlines()[-1] if nvcc and nvcc.returncode == 0 else None
    return info


def _which(name: str) -> bool:
    import shutil

    return shutil.which(name) is not None


def run_all(budget_s: float, iters: int, work: Path, dev: str) -> dict[str, Any]:
    start = time.monotonic()
    names = [d.name for d in tasks()]
    report: dict[str, Any] = {"environment": environment(), "tasks": {}, "notes": []}
    if dev == "cpu":
        report["notes"].append("dry run on the CPU: references only (tests this script, not kernels)")
    elif not report["environment"].get("cuda_available"):
        report["notes"].append("no CUDA device visible to torch: nothing was run")
        return report
    else:
        report["cuda_builds"] = prebuild(tasks()) if _which("nvcc") else {}
    progress = work / "progress.jsonl"
    progress.unlink(missing_ok=True)
    remaining = list(names)
    while remaining:
        left = budget_s - (time.monotonic() - start)
        if left < 10:
            break
        cmd = [
            sys.executable,
            __file__,
            "--child",
            ",".join(remaining),
            "--progress",
            str(progress),
            "--iters",
            str(iters),
            "--device",
            dev,
        ]
        env = dict(os.environ, PYTHONPATH=str(SRC))
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=left)
            tail = proc.stderr.strip().splitlines()[-1:] if proc.returncode else []
        except subprocess.TimeoutExpired:
            tail = ["time budget reached"]
        started, done = _read_progress(progress, report)
        if not done & set(remaining) and not [n for n in started if n in remaining]:
            report["notes"].append(f"child made no progress: {(tail or ['no error output'])[0][:300]}")
            break
        remaining = [n for n in remaining if n not in done]
        crashed = [n for n in started if n not in done and n in remaining]
        for n in crashed[:1]:  # the task the child died in
            report["tasks"][n] = {"task": n, "event": "crashed", "error": (tail or ["child died"])[0][:300]}
            remaining.remove(n)
        if not crashed and remaining and tail == ["time budget reached"]:
            break
    for n in remaining:
        report["tasks"].setdefault(n, {"task": n, "event": "skipped", "error": "time budget reached"})
    report["wall_s"] = round(time.monotonic() - start, 1)
    report["summary"] = summarize(report["tasks"])
    return report


def _read_progress(path: Path, report: dict[str, Any]) -> tuple[list[str], set[str]]:
    started, done = [], set()
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("event") == "start":
                started.append(rec["task"])
            elif rec.get("event") == "done":
                done.add(rec["task"])
                report["tasks"][rec["task"]] = rec
    return started, done


def summarize(recs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for backend in ("reference", "triton", "cuda"):
        rows = [r["backends"][backend] for r in recs.values() if backend in r.get("backends", {})]
        correct = [r for r in rows if r.get("correct")]
        speeds = [r["speedup"] for r in correct if isinstance(r.get("speedup"), float) and r["speedup"] > 0]
        geo = None
        if speeds:
            import math

            geo = math.exp(sum(math.log(s) for s in speeds) / len(speeds))
        out[backend] = {"checked": len(rows), "correct": len(correct), "speedup_geomean": geo}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("gpu_report.json"))
    ap.add_argument("--budget-s", type=float, default=270.0)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"], help="cpu: a dry run of this script")
    ap.add_argument("--child")
    ap.add_argument("--progress", type=Path)
    args = ap.parse_args()
    if args.child is not None:
        child([n for n in args.child.split(",") if n], args.progress, args.iters, args.device)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CHIPSMITH_KERNEL_CACHE", str(args.out.parent.resolve() / "kernel-cache"))
    Path(os.environ["CHIPSMITH_KERNEL_CACHE"]).mkdir(parents=True, exist_ok=True)
    report = run_all(args.budget_s, args.iters, args.out.parent, args.device)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report.get("summary", report.get("notes")), indent=2))
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
