"""Turning the two workers' results into one verdict (pure: no processes, no torch).

Precedence: the reference failing or the task being degenerate -> unusable; the candidate worker
timing out / crashing -> timeout / runtime; dynamic anti-cheat evidence -> cheat; wrong values ->
mismatch; else pass (with timing metrics when timed).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chipsmith.sandbox.base import ExecResult
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.compare import check_output, tolerances
from chipsmith.tools.kernels.harness import CheckReport, CheckSpec, read_result
from chipsmith.tools.kernels.timing import median_ms, speed_flags, speedup

PEAK_GROWTH_FLOOR_KB = 512 * 1024


def worker_failure(res: ExecResult, meta: dict[str, Any] | None, who: str) -> tuple[str, str] | None:
    """(failure class, message) when a worker did not finish normally, else None."""
    if res.timed_out:
        return "timeout", f"{who} did not finish within the time limit"
    if meta and "fatal" in meta:
        return meta["fatal"]["kind"], meta["fatal"]["message"].strip().splitlines()[0][:400]
    if res.exit_code != 0 or meta is None:
        sig = f"killed by signal {-res.exit_code}" if res.exit_code < 0 else f"exit code {res.exit_code}"
        tail = res.stderr.strip().splitlines()[-1:] or ["no output"]
        return "runtime", f"{who} crashed ({sig}): {tail[0][:300]}"
    return None


def case_findings(key: str, rec: dict[str, Any], ref_rec: dict[str, Any]) -> list[Finding]:
    """Dynamic anti-cheat evidence the candidate worker recorded for one case."""
    f: list[Finding] = []
    if rec.get("bad_ops"):
        ops = ", ".join(f"aten.{k} x{v}" for k, v in sorted(rec["bad_ops"].items()))
        f.append(Finding(check="torch-compute", message=f"{key}: forward ran torch compute ops: {ops}"))
    if rec.get("ref_calls"):
        f.append(Finding(check="reference", message=f"{key}: forward called the reference Model"))
    if rec.get("oob_writes"):
        f.append(
            Finding(check="out-of-bounds", message=f"{key}: {rec['oob_writes']} buffer guard(s) overwritten")
        )
    if rec.get("new_threads"):
        f.append(
            Finding(
                check="side-thread", message=f"{key}: forward left {rec['new_threads']} thread(s) running"
            )
        )
    if any(t != "torch.Tensor" for t in rec.get("types", [])):
        f.append(
            Finding(check="tensor-subclass", message=f"{key}: forward returned {sorted(set(rec['types']))}")
        )
    if rec.get("changed_after_return"):
        f.append(Finding(check="side-work", message=f"{key}: output changed after forward returned"))
    if rec.get("digest_before") != ref_rec.get("digest"):
        f.append(Finding(check="inputs-tampered", message=f"{key}: inputs differ from the trusted worker's"))
    elif rec.get("digest_after") not in (None, rec.get("digest_before")):
        f.append(Finding(check="input-mutation", message=f"{key}: forward modified its inputs"))
    return f


def compare_case(
    key: str, cand: dict[str, np.ndarray], ref: dict[str, np.ndarray], spec: CheckSpec
) -> tuple[str, str] | None:
    """(kind, message) for the first bad output of a case (both candidate calls), or None."""
    atol, rtol = tolerances(spec.dtype, spec.atol, spec.rtol)
    n = sum(1 for k in ref if k.startswith(f"{key}.r."))
    calls = ["c1", "c2"] if key.startswith("s") else ["c1"]
    n_cand = sum(1 for k in cand if k.startswith(f"{key}.c1."))
    if n_cand != n:
        return "mismatch", f"{key}: {n_cand} output(s), expected {n}"
    for call in calls:
        for i in range(n):
            c = cand.get(f"{key}.{call}.{i}")
            if c is None:
                return "mismatch", f"{key}: output {i} missing on call {call}"
            res = check_output(c, ref[f"{key}.r.{i}"], ref.get(f"{key}.g.{i}"), atol, rtol, spec.dtype)
            if not res.ok:
                return res.kind, f"{key} ({'1st' if call == 'c1' else '2nd'} call) output {i}: {res.message}"
    return None


def judge(
    ref_res: ExecResult, cand_res: ExecResult, job: dict[str, Any], spec: CheckSpec, timing_ok: bool
) -> CheckReport:
    ref_meta, ref_arr = read_result(ref_res)
    bad = worker_failure(ref_res, ref_meta, "the reference")
    if bad:
        return CheckReport(status="unusable", message=f"reference failed: {bad[1]}")
    assert ref_meta is not None
    if ref_meta.get("degenerate"):
        return CheckReport(status="unusable", message="degenerate task: " + "; ".join(ref_meta["degenerate"]))
    cand_meta, cand_arr = read_result(cand_res)
    bad = worker_failure(cand_res, cand_meta, "the candidate")
    if bad:
        return CheckReport(
            status=bad[0] if bad[0] in ("compile", "runtime", "timeout") else "runtime", message=bad[1]
        )
    assert cand_meta is not None
    findings: list[Finding] = []
    if cand_meta.get("import_threads"):
        findings.append(Finding(check="side-thread", message="importing the candidate started threads"))
    for key, rec in cand_meta.get("cases", {}).items():
        findings += case_findings(key, rec, ref_meta["cases"].get(key, {}))
    growth = cand_meta.get("peak_growth_kb", 0)
    budget = PEAK_GROWTH_FLOOR_KB + 16 * sum(a.nbytes for a in ref_arr.values()) // 1024
    if growth > budget:
        findings.append(
            Finding(
                check="peak-memory",
                message=f"peak memory grew {growth // 1024} MB (allowed {budget // 1024} MB)",
            )
        )
    mismatch: tuple[str, str] | None = None
    keys = [c["key"] for c in job["cases"]] + [
        f"t{i}" for i in (job.get("timing") or {}).get("check_iters", [])
    ]
    for key in keys:
        mismatch = compare_case(key, cand_arr, ref_arr, spec)
        if mismatch:
            break
    if mismatch and mismatch[0] == "precision":
        findings.append(Finding(check="precision-downgrade", message=mismatch[1]))
    dropped = [k for k, r in ref_meta["cases"].items() if r.get("fp64_error")]
    metrics: dict[str, Any] = {"fp64_skipped": len(dropped)} if dropped else {}
    if findings:
        return CheckReport(
            status="cheat",
            message=findings[0].message,
            findings=[f.model_dump() for f in findings],
            cases=len(keys),
            metrics=metrics,
        )
    if mismatch:
        return CheckReport(status="mismatch", message=mismatch[1], cases=len(keys), metrics=metrics)
    metrics.update(timing_metrics(cand_meta.get("timing"), timing_ok, cand_res.wall_s))
    return CheckReport(status="pass", message=f"{len(keys)} cases correct", cases=len(keys), metrics=metrics)


def timing_metrics(timing: dict[str, Any] | None, meaningful: bool, wall_s: float) -> dict[str, Any]:
    """``candidate_ms``/``baseline_ms`` medians, ``speedup`` and review ``flags`` (None when not timed)."""
    if not timing:
        return {"speedup": None, "candidate_ms": None, "baseline_ms": None, "flags": []}
    c, b = timing.get("candidate_ms", []), timing.get("baseline_ms", [])
    cm, bm = median_ms(c), median_ms(b)
    flags = []
    if not meaningful:
        flags.append("timed in the Triton interpreter: times are not kernel speed, speedup not reported")
        return {"speedup": None, "candidate_ms": cm, "baseline_ms": bm, "flags": flags}
    sp = speedup(bm, cm)
    return {"speedup": sp, "candidate_ms": cm, "baseline_ms": bm, "flags": flags + speed_flags(sp, c, b)}
