#!/usr/bin/env python3
"""Check the chipsmith-kernels suite's example solutions against their references.

For every task, shape and backend this loads ``reference.py``, overrides its UPPERCASE size
constants, builds seeded inputs, runs ``Model`` and the solution's ``ModelNew`` and compares them
with the harness's own rule (``chipsmith.tools.kernels.compare.check_output``: the task tolerance
plus the rounding error an honest kernel may accumulate, derived from the fp64 model, so it holds on
any x86-64 CPU); then again with the floating inputs re-drawn as ``randn * scale`` with some exact
zeros. Each (task, backend) runs in its own subprocess, so a
segfaulting kernel fails one row, not the checker. CUDA solutions cannot run without a GPU: they
are compile-checked with ``nvcc -shared``.

    python scripts/check_kernel_solutions.py                      # triton + cpp, all shapes
    python scripts/check_kernel_solutions.py --backends cpp --tasks relu,softmax
    python scripts/check_kernel_solutions.py --triton-shapes 1 --cuda --json out.json
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "src/chipsmith/benchmarks/suites/chipsmith_kernels"
sys.path.insert(0, str(ROOT / "src"))
REDRAW_SCALES = (4.0, 0.05)  # a wide and a narrow distribution, both with negatives and zeros


def task_dirs(suite: Path, only: set[str] | None) -> list[Path]:
    """Task directories (``NN_name``) in order, optionally filtered by task id or dir name."""
    dirs = sorted(p for p in suite.iterdir() if (p / "task.toml").is_file())
    if not only:
        return dirs
    return [d for d in dirs if d.name in only or tomllib.loads((d / "task.toml").read_text())["id"] in only]


def tolerance(meta: dict[str, Any]) -> tuple[float, float]:
    """The harness's tolerances for a task (its override, else the dtype default)."""
    from chipsmith.tools.kernels.compare import tolerances

    return tolerances(str(meta.get("dtype", "float32")), meta.get("atol"), meta.get("rtol"))


# ---------------------------------------------------------------- worker (one task, one backend)
def _load(path: Path, name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _redraw(inputs: list[Any], scale: float) -> list[Any]:
    import torch

    out = []
    for t in inputs:
        if isinstance(t, torch.Tensor) and t.is_floating_point():
            r = torch.randn(t.shape, dtype=t.dtype) * scale
            r[torch.rand(t.shape) < 0.1] = 0.0
            out.append(r)
        else:
            out.append(t)
    return out


def _compare(
    got: Any, want: Any, gt: Any, scale: float | None, atol: float, rtol: float
) -> tuple[bool, float, str]:
    """The harness's comparison (``compare.check_output``) on one output."""
    import torch

    from chipsmith.tools.kernels._worker_common import to_numpy
    from chipsmith.tools.kernels.compare import check_output

    if not isinstance(got, torch.Tensor):
        return False, float("inf"), f"returned {type(got).__name__}"
    if got.dtype != want.dtype:
        return False, float("inf"), f"got {got.dtype}, want {want.dtype}"
    g = None if gt is None else to_numpy(gt.double())
    res = check_output(
        to_numpy(got), to_numpy(want), g, atol, rtol, str(want.dtype).replace("torch.", ""), scale
    )
    return (
        res.ok,
        res.max_abs_err if res.max_abs_err is not None else float("inf"),
        "" if res.ok else res.kind,
    )


def _ground_truth(model: Any, inputs: list[Any], dtype: Any) -> tuple[Any, float | None]:
    """The fp64 result and the honest-error scale of the first output (None when fp64 fails)."""
    import copy

    import torch

    from chipsmith.tools.kernels._reference import error_scales, widen

    try:
        m64 = copy.deepcopy(model).double()
        with torch.no_grad():
            gt = m64(*widen(inputs))
        return gt, error_scales(m64, inputs, [dtype], seed=0)[0]
    except Exception:  # an op without an fp64 kernel: closeness to the reference only
        return None, None


def _run_one(
    ref: Any, sol: Any, inputs: list[Any], init: list[Any], atol: float, rtol: float
) -> dict[str, Any]:
    import torch

    torch.manual_seed(1)
    model = ref.Model(*init)
    want = model(*[t.clone() if isinstance(t, torch.Tensor) else t for t in inputs])
    gt, scale = _ground_truth(model, inputs, want.dtype)
    cand = sol.ModelNew(*init)
    sd = model.state_dict()
    if sd and set(sd) == set(cand.state_dict()):
        cand.load_state_dict(sd)
    before = [t.clone() if isinstance(t, torch.Tensor) else t for t in inputs]
    t0 = time.perf_counter()
    with torch.no_grad():
        got = cand(*inputs)
    dt = time.perf_counter() - t0
    ok, err, why = _compare(got, want.detach(), gt, scale, atol, rtol)
    if any(
        isinstance(a, torch.Tensor) and not torch.equal(a, b) for a, b in zip(inputs, before, strict=True)
    ):
        ok, why = False, "mutated an input"
    return {"ok": ok, "err": err, "why": why, "sec": dt}


def _time(fn: Any, inputs: list[Any], reps: int) -> float:
    import torch

    with torch.no_grad():
        fn(*inputs)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn(*inputs)
            times.append(time.perf_counter() - t0)
    return min(times)  # the best run: least disturbed by other processes on a shared machine


def _size(shape: dict[str, Any]) -> int:
    """Product of a shape's sizes: orders shapes from cheapest to dearest to check."""
    size = 1
    for v in shape.values():
        size *= v if isinstance(v, int) else 1
    return size


def worker(task: Path, backend: str, n_shapes: int, seed: int, bench: bool) -> dict[str, Any]:
    """Check one backend's solution of one task on its shapes; returns a JSON-able summary."""
    import torch

    meta = tomllib.loads((task / "task.toml").read_text())
    atol, rtol = tolerance(meta)
    ref = _load(task / "reference.py", f"ref_{task.name}")
    sol = _load(task / "solutions" / f"{backend}.py", f"sol_{task.name}_{backend}")
    rows = []
    shapes = meta["shapes"] if n_shapes <= 0 else sorted(meta["shapes"], key=_size)[:n_shapes]
    for shape in shapes:
        for k, v in shape.items():
            setattr(ref, k, v)
        torch.manual_seed(seed)
        init = ref.get_init_inputs()
        inputs = ref.get_inputs()
        runs = [_run_one(ref, sol, inputs, init, atol, rtol)]
        for scale in REDRAW_SCALES:
            runs.append(_run_one(ref, sol, _redraw(inputs, scale), init, atol, rtol))
        bad = [r["why"] for r in runs if not r["ok"]]
        rows.append(
            {
                "shape": shape,
                "ok": not bad,
                "why": ",".join(sorted(set(bad))),
                "err": max(r["err"] for r in runs),
                "sec": runs[0]["sec"],
            }
        )
    result: dict[str, Any] = {"task": meta["id"], "dir": task.name, "backend": backend, "rows": rows}
    if bench and backend != "triton" and all(r["ok"] for r in rows):
        for k, v in meta["shapes"][0].items():
            setattr(ref, k, v)
        torch.manual_seed(seed)
        init, inputs = ref.get_init_inputs(), ref.get_inputs()
        torch.manual_seed(1)
        model, cand = ref.Model(*init), sol.ModelNew(*init)
        if set(model.state_dict()) == set(cand.state_dict()) and model.state_dict():
            cand.load_state_dict(model.state_dict())
        result["ref_ms"] = _time(model, inputs, 20) * 1e3
        result["sol_ms"] = _time(cand, inputs, 20) * 1e3
    return result


# ---------------------------------------------------------------- driver
def _spawn(tasks: list[Path], backend: str, args: argparse.Namespace) -> tuple[list[dict[str, Any]], str]:
    """Run ``worker`` over ``tasks`` in one subprocess; returns the results it printed and its last error."""
    n = args.triton_shapes if backend == "triton" else 0
    cmd = [sys.executable, __file__, "--worker", backend, str(n), str(args.seed), str(int(args.bench))]
    env = dict(os.environ, TRITON_INTERPRET="1", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    try:
        proc = subprocess.run(
            cmd + [str(t) for t in tasks],
            capture_output=True,
            text=True,
            timeout=args.timeout * len(tasks),
            env=env,
        )
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, rc = (exc.stdout or b"").decode(), "timeout", -1
    done = [json.loads(ln) for ln in out.splitlines() if ln.startswith('{"task"')]
    tail = (err.strip().splitlines() or [""])[-1][:200]
    return done, f"exit {rc}: {tail}"


def run_backend(tasks: list[Path], backend: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Check many tasks per subprocess (imports cost seconds); a crash fails the task it hit, the rest rerun."""
    results: list[dict[str, Any]] = []
    pending = list(tasks)
    while pending:
        done, why = _spawn(pending, backend, args)
        results += done
        pending = pending[len(done) :]
        if pending:
            results.append({"task": pending[0].name, "backend": backend, "error": why})
            pending = pending[1:]
    return results


def cuda_source(path: Path) -> str | None:
    """The ``CUDA_SOURCE`` string literal of a solution file, read without importing it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CUDA_SOURCE" for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    return None


def check_cuda(task: Path, arch: str) -> dict[str, Any]:
    """Compile one task's CUDA solution with nvcc into a shared library."""
    path = task / "solutions" / "cuda.py"
    if not path.is_file():
        return {"task": task.name, "backend": "cuda", "error": "no solutions/cuda.py"}
    src = cuda_source(path)
    if src is None:
        return {"task": task.name, "backend": "cuda", "error": "no CUDA_SOURCE literal"}
    with tempfile.TemporaryDirectory() as tmp:
        cu = Path(tmp) / "k.cu"
        cu.write_text(src)
        cmd = [
            "nvcc",
            "-O3",
            f"-arch={arch}",
            "-shared",
            "-Xcompiler",
            "-fPIC",
            str(cu),
            "-o",
            str(Path(tmp) / "k.so"),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    ok = proc.returncode == 0
    row = {
        "shape": {"nvcc": arch},
        "ok": ok,
        "why": "" if ok else proc.stderr.strip()[-300:],
        "err": 0.0,
        "sec": time.perf_counter() - t0,
    }
    return {"task": task.name, "backend": "cuda", "rows": [row]}


def check_cuda_batch(tasks: list[Path], arch: str) -> list[dict[str, Any]] | None:
    """Compile every task's CUDA source in one nvcc run (nvcc's start-up dominates a small file).

    Each source goes in its own namespace, its #include lines hoisted. Returns None when the batch
    fails or a source is missing, so the caller compiles file by file to name the culprit.
    """
    includes: set[str] = set()
    parts = []
    for i, task in enumerate(tasks):
        path = task / "solutions" / "cuda.py"
        src = cuda_source(path) if path.is_file() else None
        if src is None:
            return None
        lines = src.splitlines()
        includes.update(ln for ln in lines if ln.startswith("#include"))
        body = "\n".join(ln for ln in lines if not ln.startswith("#include"))
        parts.append(f"namespace task{i} {{\n{body}\n}}\n#undef TILE\n#undef THREADS\n")
    with tempfile.TemporaryDirectory() as tmp:
        cu = Path(tmp) / "all.cu"
        cu.write_text("\n".join(sorted(includes)) + "\n" + "\n".join(parts))
        t0 = time.perf_counter()
        cmd = ["nvcc", "-O3", f"-arch={arch}", "-c", str(cu), "-o", str(Path(tmp) / "all.o")]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None
    sec = (time.perf_counter() - t0) / len(tasks)
    row = {"shape": {"nvcc": arch}, "ok": True, "why": "", "err": 0.0, "sec": sec}
    return [{"task": t.name, "backend": "cuda", "rows": [dict(row)]} for t in tasks]


def summarize(results: list[dict[str, Any]]) -> int:
    """Print one line per (task, backend); return the number of failures."""
    failures = 0
    print(
        f"{'task':<28}{'backend':<8}{'status':<7}{'shapes':<8}{'max err':>10}{'kern s':>8}{'ref ms':>9}{'sol ms':>9}  note"
    )
    for r in results:
        if "error" in r:
            failures += 1
            print(
                f"{r['task']:<28}{r['backend']:<8}{'ERROR':<7}{'':<8}{'':>10}{'':>8}{'':>9}{'':>9}  {r['error']}"
            )
            continue
        rows = r["rows"]
        ok = all(x["ok"] for x in rows)
        failures += not ok
        why = "; ".join(f"{x['shape']}: {x['why']}" for x in rows if not x["ok"])
        ref_ms = f"{r['ref_ms']:.3f}" if "ref_ms" in r else ""
        sol_ms = f"{r['sol_ms']:.3f}" if "sol_ms" in r else ""
        wall = sum(x["sec"] for x in rows)
        status = "PASS" if ok else "FAIL"
        passed = f"{sum(x['ok'] for x in rows)}/{len(rows)}"
        err = max(x["err"] for x in rows)
        print(
            f"{r['task']:<28}{r['backend']:<8}{status:<7}{passed:<8}{err:>10.2e}{wall:>8.2f}{ref_ms:>9}{sol_ms:>9}  {why[:300]}"
        )
    print(f"{len(results) - failures}/{len(results)} passed")
    return failures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--suite", type=Path, default=SUITE)
    p.add_argument("--tasks", default="", help="comma-separated task ids or dir names (default: all)")
    p.add_argument("--backends", default="triton,cpp", help="comma-separated: triton, cpp")
    p.add_argument(
        "--triton-shapes",
        type=int,
        default=0,
        help="check only the N smallest shapes with triton (0 = all): the interpreter is slow",
    )
    p.add_argument("--cuda", action="store_true", help="also compile-check solutions/cuda.py with nvcc")
    p.add_argument(
        "--cuda-batch", action="store_true", help="compile all CUDA sources in one nvcc run (faster)"
    )
    p.add_argument("--arch", default="sm_90")
    p.add_argument("--bench", action="store_true", help="time reference vs solution on the timing shape")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    tasks = task_dirs(args.suite, set(filter(None, args.tasks.split(","))))
    if not tasks:
        print(f"no tasks found under {args.suite}", file=sys.stderr)
        return 2
    # split each backend's tasks into ``jobs`` interleaved batches, one subprocess each
    batches = [
        (tasks[i :: args.jobs], b) for b in filter(None, args.backends.split(",")) for i in range(args.jobs)
    ]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        parts = list(pool.map(lambda tb: run_backend(tb[0], tb[1], args), [b for b in batches if b[0]]))
        order = {t.name: i for i, t in enumerate(tasks)}
        results = sorted(
            (r for part in parts for r in part),
            key=lambda r: (r["backend"], order.get(r.get("dir", r["task"]), 0)),
        )
        if args.cuda:
            batched = check_cuda_batch(tasks, args.arch) if args.cuda_batch else None
            results += batched or list(pool.map(lambda t: check_cuda(t, args.arch), tasks))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 1 if summarize(results) else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _backend, _n, _seed, _bench = sys.argv[2:6]
        for _task in sys.argv[6:]:
            try:
                _res = worker(Path(_task), _backend, int(_n), int(_seed), bool(int(_bench)))
            except Exception as exc:  # a broken solution fails its row; the checker goes on
                _res = {
                    "task": Path(_task).name,
                    "backend": _backend,
                    "error": f"{type(exc).__name__}: {exc}"[:300],
                }
            print(json.dumps(_res), flush=True)
        sys.exit(0)
    sys.exit(main())
