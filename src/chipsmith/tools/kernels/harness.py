"""The host side of a kernel check: plan it, start the trusted supervisor in a sandbox, verify its
signed result.

Everything that judges runs outside the candidate's process. The host generates a fresh signing
key and a secret seed per check and hands them to the supervisor (``_supervisor.py``), a trusted
process inside the sandbox that deletes the job file before any candidate code starts, generates
the inputs, runs the reference, talks to the candidate worker over a channel it owns, keeps the
clock, compares (``compare``) and signs what it writes. The host accepts only a result carrying
that signature and applies the verdict rules (``verdicts``) in a process that never imports torch.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.sandbox.base import ExecResult, Limits, Sandbox
from chipsmith.tools.kernels._channel import signed_ok

SRC_DIR = str(Path(__file__).resolve().parents[3])
WANT = ["result.json", "result.sig"]
SUPERVISOR = "chipsmith.tools.kernels._supervisor"
SHADOW_CALLS = 6
"""Untimed, CPU-sampled calls the supervisor hides among the timed ones."""
SUPERVISOR_SLACK_S = 30.0
"""Sandbox time beyond the check's own limit: the supervisor's start-up and its result."""


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
    seed: int | None = None
    """Secret input seed; None draws a fresh one per check (recorded in the result's metrics)."""


class CheckReport(BaseModel):
    """A check's outcome; ``status`` is a failure class (pass, compile, runtime, timeout, mismatch,
    cheat, unusable)."""

    status: str
    message: str = ""
    findings: list[dict[str, Any]] = Field(default_factory=list)
    cases: int = 0
    metrics: dict[str, Any] = Field(default_factory=dict)
    caught_by: str | None = None
    """For a failure: the mechanism that caught it (see ``verdicts.MECHANISMS``)."""


class WorkerSetup(BaseModel):
    """What a backend needs from the worker: device, environment, verified libraries, ablation."""

    device: str = "cpu"
    guard: bool = True
    env: dict[str, str] = Field(default_factory=dict)
    libs: list[tuple[str, bytes, bytes | None]] = Field(default_factory=list)
    """(digest, library, ablated library) for each compiled kernel library."""
    ablation: bool = False
    launches: bool = False
    """Record Triton launches (and skip them in the ablation run)."""
    exec_dirs: list[str] = Field(default_factory=list)
    """Directories (relative to the run dir) whose code the worker may map, e.g. Triton's GPU cache."""
    allow_jit: bool = False
    """Accept anonymous executable memory in the worker: code generated at run time by torch
    itself (oneDNN's JIT, for the eager baseline) or by a GPU driver."""


def plan_cases(n_shapes: int, per_shape: int) -> list[dict[str, Any]]:
    """Pure: every shape x (task's own inputs, normal, edge); the timing shape gets one more case,
    so at least two cases reuse buffers with new data. Seeds are not planned here: the supervisor
    derives them from the check's secret seed."""
    dists = ["task", "normal", "edge"]
    cases = []
    for s in range(n_shapes):
        k = per_shape + (1 if s == 0 else 0)
        for j in range(k):
            d = dists[j % len(dists)]
            cases.append({"key": f"s{s}_{d}_{j}", "shape": s, "dist": d})
    return cases


def plan_timing(spec: CheckSpec) -> dict[str, Any] | None:
    if not spec.time:
        return None
    return {"shape": 0, "warmup": spec.warmup, "iters": spec.iters, "shadow": SHADOW_CALLS}


def timed_keys(job: dict[str, Any]) -> list[str]:
    """Pure: the keys of every call of the timing phase (warm-up and shadow calls included): each
    one's output is checked."""
    t = job.get("timing") or {}
    timed = [f"t{i}" for i in range(t.get("warmup", 0) + t.get("iters", 0))]
    return timed + [f"u{j}" for j in range(t.get("shadow", 0))]


def worker_env(setup: WorkerSetup) -> dict[str, str]:
    """Pure: the environment of the supervisor, hence of the zygote and the workers (nothing secret:
    it is on the command line)."""
    env = dict(setup.env, CHIPSMITH_KERNEL_DEVICE=setup.device, CHIPSMITH_KERNEL_GUARD=str(int(setup.guard)))
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if setup.launches:
        env["CHIPSMITH_KERNEL_LAUNCHES"] = "1"
    return env


def build_job(spec: CheckSpec, setup: WorkerSetup, key: str, seed: int) -> dict[str, Any]:
    """Pure: the job only the supervisor reads (it deletes the file before a candidate starts)."""
    return {
        "key": key,
        "seed": seed,
        "device": setup.device,
        "shapes": spec.shapes,
        "cases": plan_cases(len(spec.shapes), spec.seeds_per_shape),
        "timing": plan_timing(spec),
        "ablation": setup.ablation,
        # Interpreted Triton launches cost as much in the ablation run as for real: one case per
        # shape there, picked by the supervisor from the secret seed. Compiled no-ops cost nothing.
        "ablation_one_per_shape": setup.launches,
        "libs": [
            {"digest": d, "file": f"lib_{d}.so", "ablated": f"abl_{d}.so" if abl else None}
            for d, _, abl in setup.libs
        ],
        "exec_dirs": setup.exec_dirs,
        "allow_jit": setup.allow_jit or setup.device == "cuda",
        "deadline_s": spec.timeout_s,
        "tolerance": {"dtype": spec.dtype, "atol": spec.atol, "rtol": spec.rtol},
    }


def worker_command(module: str, env: dict[str, str]) -> list[str]:
    """Pure: a trusted process's command line; ``env`` travels on it since sandboxes scrub the
    environment."""
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


def run_check(
    sandbox: Sandbox, spec: CheckSpec, candidate_src: str, setup: WorkerSetup
) -> tuple[ExecResult, dict[str, Any], bytes]:
    """Run one check in the sandbox: (the supervisor's run, the job, the key to verify it with)."""
    key = secrets.token_bytes(32)
    seed = spec.seed if spec.seed is not None else secrets.randbits(31)
    job = build_job(spec, setup, key.hex(), seed)
    files = {
        "job.json": json.dumps(job).encode(),
        "reference.py": spec.reference.encode(),
        "candidate.py": candidate_src.encode(),
    }
    for d, lib, abl in setup.libs:
        files[f"lib_{d}.so"] = lib
        if abl is not None:
            files[f"abl_{d}.so"] = abl
    env = worker_env(setup)
    limits = Limits(cpu_s=int(spec.timeout_s * 6), memory_mb=spec.memory_mb, procs=None)
    res = sandbox.run(
        worker_command(SUPERVISOR, env),
        files,
        timeout_s=spec.timeout_s + SUPERVISOR_SLACK_S,
        limits=limits,
        want=WANT,
    )
    job.pop("key")
    return res, job, key


def read_signed(res: ExecResult, key: bytes) -> tuple[dict[str, Any] | None, str]:
    """The supervisor's result and '' -- or (None, why) when it is missing ("missing") or does
    not carry the supervisor's signature ("forged")."""
    meta_b, sig = (res.files.get(n) for n in WANT)
    if meta_b is None or sig is None:
        return None, "forged" if (meta_b or sig) else "missing"
    if not signed_ok(key, meta_b, sig):
        return None, "forged"
    meta = read_meta(meta_b)
    return meta, "" if meta is not None else "missing"


def read_meta(data: bytes) -> dict[str, Any] | None:
    """A JSON object from result bytes; None when unreadable."""
    try:
        meta = json.loads(data)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None


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
        want=["result.json"],
    )
    meta = read_meta(res.files.get("result.json", b"null"))
    if not meta or "tasks" not in meta:
        why = (meta or {}).get("fatal", {}).get("message") or res.stderr.strip()[-300:] or "no result"
        return {tid: [f"validation did not run: {why}"] for tid, _, _ in tasks}
    return {k: list(v) for k, v in meta["tasks"].items()}
