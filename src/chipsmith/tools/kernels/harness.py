"""The parent side of a kernel check: plan the cases, run two sandboxed workers, judge the outputs.

One candidate worker (untrusted code; writes outputs, compares nothing) and one trusted reference
worker (ground truth in the task dtype and in fp64, task sanity) run as separate sandboxed
processes, side by side for correctness and one after the other when timing. The parent, which
never imports torch, compares with numpy (``compare``) and applies the dynamic anti-cheat rules
(``verdicts``).
"""

from __future__ import annotations

import io
import json
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from chipsmith.sandbox.base import ExecResult, Limits, Sandbox

SRC_DIR = str(Path(__file__).resolve().parents[3])
WANT = ["result.npz", "result.json"]


class CheckSpec(BaseModel):
    """What to check: the reference, its shapes and tolerances, and how hard to look."""

    reference: str
    shapes: list[dict[str, Any]]
    dtype: str = "float32"
    atol: float | None = None
    rtol: float | None = None
    seeds_per_shape: int = 3
    time: bool = False
    warmup: int = 2
    iters: int = 10
    timeout_s: float = 120.0
    memory_mb: int = 8192


class CheckReport(BaseModel):
    """A check's outcome; ``status`` is a failure class (pass, compile, runtime, timeout, mismatch,
    cheat, unusable)."""

    status: str
    message: str = ""
    findings: list[dict[str, Any]] = Field(default_factory=list)
    cases: int = 0
    metrics: dict[str, Any] = Field(default_factory=dict)


def plan_cases(n_shapes: int, per_shape: int) -> list[dict[str, Any]]:
    """Pure: every shape x (task's own inputs, normal, edge) with distinct seeds; the timing shape
    gets one more normal case, so at least two cases reuse buffers with new data."""
    dists = ["task", "normal", "edge"]
    cases = []
    for s in range(n_shapes):
        k = per_shape + (1 if s == 0 else 0)
        for j in range(k):
            d = dists[j % len(dists)]
            cases.append({"key": f"s{s}_{d}_{j}", "shape": s, "dist": d, "seed": 1000 * (s + 1) + j})
    return cases


def plan_timing(spec: CheckSpec) -> dict[str, Any] | None:
    if not spec.time:
        return None
    n = spec.warmup + spec.iters
    return {
        "shape": 0,
        "warmup": spec.warmup,
        "iters": spec.iters,
        "seeds": [90_000 + i for i in range(n)],
        "check_iters": sorted({spec.warmup, n - 1}),
    }


def build_job(spec: CheckSpec, device: str, guard: bool) -> dict[str, Any]:
    """Pure: the job both workers read (the candidate's copy only adds nothing secret)."""
    return {
        "role": "reference",
        "device": device,
        "guard": guard,
        "init_seed": 42,
        "shapes": spec.shapes,
        "cases": plan_cases(len(spec.shapes), spec.seeds_per_shape),
        "timing": plan_timing(spec),
    }


def worker_command(module: str, env: dict[str, str]) -> list[str]:
    """Pure: the worker's command line; ``env`` travels on it since sandboxes scrub the environment."""
    pairs = [f"{k}={v}" for k, v in sorted(env.items())]
    return [
        "env",
        f"PYTHONPATH={SRC_DIR}",
        "PYTHONDONTWRITEBYTECODE=1",
        *pairs,
        sys.executable,
        "-m",
        module,
        "job.json",
    ]


def read_result(res: ExecResult) -> tuple[dict[str, Any] | None, dict[str, np.ndarray]]:
    """The worker's metadata and arrays; (None, {}) when it wrote nothing readable."""
    try:
        meta = json.loads(res.files.get("result.json", b"null"))
    except ValueError:
        meta = None
    arrays: dict[str, np.ndarray] = {}
    if "result.npz" in res.files:
        try:
            with np.load(io.BytesIO(res.files["result.npz"]), allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (ValueError, OSError, EOFError):
            arrays = {}
    return (meta if isinstance(meta, dict) else None), arrays


def run_workers(
    sandbox: Sandbox,
    spec: CheckSpec,
    candidate_src: str,
    device: str,
    guard: bool,
    env: dict[str, str],
) -> tuple[ExecResult, ExecResult, dict[str, Any]]:
    """Run the trusted and the candidate worker; concurrently unless timing (which wants quiet)."""
    job = build_job(spec, device, guard)
    limits = Limits(cpu_s=int(spec.timeout_s * 4), memory_mb=spec.memory_mb, procs=None)
    ref_files = {"reference.py": spec.reference.encode(), "job.json": json.dumps(job).encode()}
    cand_job = dict(job, role="candidate")
    cand_files = {
        "reference.py": spec.reference.encode(),
        "candidate.py": candidate_src.encode(),
        "job.json": json.dumps(cand_job).encode(),
    }
    results: dict[str, ExecResult] = {}
    key = reference_key(ref_files, env)
    cached = _ref_cache_get(key)

    def go(role: str, module: str, files: dict[str, bytes]) -> None:
        results[role] = sandbox.run(
            worker_command(module, env), files, timeout_s=spec.timeout_s, limits=limits, want=WANT
        )

    ref_t = threading.Thread(target=go, args=("ref", "chipsmith.tools.kernels._refworker", ref_files))
    if cached is None:
        ref_t.start()
        if spec.time:
            ref_t.join()
    go("cand", "chipsmith.tools.kernels._worker", cand_files)
    if cached is None:
        ref_t.join()
        _ref_cache_put(key, results["ref"])
    else:
        results["ref"] = cached
    return results["ref"], results["cand"], job


def reference_key(files: dict[str, bytes], env: dict[str, str]) -> str:
    """Pure: the trusted worker's result depends only on its files, environment and the worker code."""
    from chipsmith.benchmarks._cache import content_key, files_key

    here = Path(__file__).parent
    code = {n: (here / n).read_bytes() for n in ("_refworker.py", "inputs.py", "_worker_common.py")}
    return content_key(files_key(files), files_key(code), env, sys.executable)


def _ref_cache_dir() -> Path:
    from chipsmith.tools.kernels.cpp_runtime import cache_dir

    return cache_dir() / "reference"


def _ref_cache_get(key: str) -> ExecResult | None:
    """A cached trusted result (the reference is deterministic per job); only clean runs are cached."""
    d = _ref_cache_dir() / key
    try:
        files = {n: (d / n).read_bytes() for n in WANT}
    except OSError:
        return None
    return ExecResult(exit_code=0, stdout="", stderr="", files=files)


def _ref_cache_put(key: str, res: ExecResult) -> None:
    if not res.ok or set(res.files) != set(WANT):
        return
    d = _ref_cache_dir() / key
    tmp = d.with_name(f".{key}.{threading.get_ident()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for n in WANT:
            (tmp / n).write_bytes(res.files[n])
        tmp.rename(d)
    except OSError:  # another process cached it first, or the cache is read-only: harmless
        pass


def validate_references(
    sandbox: Sandbox, tasks: list[tuple[str, str, list[dict[str, Any]]]], timeout_s: float = 300.0
) -> dict[str, list[str]]:
    """Task id -> reasons it is degenerate, for (id, reference source, shapes) triples, one process."""
    files: dict[str, bytes] = {}
    entries = []
    for i, (tid, ref, shapes) in enumerate(tasks):
        files[f"ref_{i}.py"] = ref.encode()
        entries.append({"id": tid, "reference": f"ref_{i}.py", "shapes": shapes})
    files["job.json"] = json.dumps({"role": "validate", "device": "cpu", "tasks": entries}).encode()
    cmd = worker_command("chipsmith.tools.kernels._refworker", {})
    res = sandbox.run(
        cmd,
        files,
        timeout_s=timeout_s,
        limits=Limits(cpu_s=int(timeout_s * 4), memory_mb=8192, procs=None),
        want=WANT,
    )
    meta, _ = read_result(res)
    if not meta or "tasks" not in meta:
        why = (meta or {}).get("fatal", {}).get("message") or res.stderr.strip()[-300:] or "no result"
        return {tid: [f"validation did not run: {why}"] for tid, _, _ in tasks}
    return {k: list(v) for k, v in meta["tasks"].items()}
