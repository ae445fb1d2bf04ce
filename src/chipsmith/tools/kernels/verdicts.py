"""Turning the supervisor's signed result into one verdict (pure: no processes, no torch, no numpy).

Precedence: a result without the supervisor's signature -> cheat (forged); the task's own code
failing or the task being degenerate -> unusable; the candidate timing out / crashing / failing to
import -> timeout / runtime / compile; evidence of cheating (``findings``) -> cheat; wrong values
-> mismatch; else pass (with timing metrics when timed). Every finding names the mechanism that
produced it.
"""

from __future__ import annotations

from typing import Any

from chipsmith.sandbox.base import ExecResult
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.findings import (
    MECHANISMS,
    ablation_findings,
    attribution_findings,
    audit_findings,
    case_findings,
    finding,
)
from chipsmith.tools.kernels.harness import CheckReport, CheckSpec, read_signed, timed_keys
from chipsmith.tools.kernels.timing import median_ms, speed_flags, speedup

__all__ = ["MECHANISMS", "judge", "timing_metrics"]

CHANNEL_SHARE = 0.25
"""A kernel time below this share of the channel's round trip is flagged as imprecise."""


def fatal_report(res: ExecResult, meta: dict[str, Any] | None, problem: str) -> CheckReport | None:
    """The report for a run that has no usable result, or that reports a fatal error."""
    if problem == "forged":
        f = finding("forged-result", "the result files do not carry the supervisor's signature")
        return CheckReport(
            status="cheat", message=f.message, findings=[f.model_dump()], caught_by="signature"
        )
    if problem == "missing" or meta is None:
        if res.timed_out:
            return CheckReport(status="timeout", message="the check did not finish within the time limit")
        how = f"killed by signal {-res.exit_code}" if res.exit_code < 0 else f"exit code {res.exit_code}"
        tail = (res.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return CheckReport(
            status="runtime",
            message=f"the supervisor ended without a result ({how}): {tail}",
            caught_by="supervisor",
        )
    fatal = meta.get("fatal")
    if fatal and fatal.get("kind") == "reference":
        return CheckReport(
            status="unusable", message=f"reference failed: {fatal['message'].splitlines()[0][:400]}"
        )
    if meta.get("degenerate"):
        return CheckReport(status="unusable", message="degenerate task: " + "; ".join(meta["degenerate"]))
    if fatal:
        kind = fatal["kind"] if fatal["kind"] in ("compile", "runtime", "timeout", "mismatch") else "runtime"
        first = (fatal["message"].strip().splitlines() or [""])[0][:400]
        return CheckReport(status=kind, message=first, caught_by="comparison" if kind == "mismatch" else None)
    return None


def judge(res: ExecResult, job: dict[str, Any], key: bytes, spec: CheckSpec, timing_ok: bool) -> CheckReport:
    meta, problem = read_signed(res, key)
    early = fatal_report(res, meta, problem)
    if early is not None:
        return early
    assert meta is not None
    keys = [c["key"] for c in job["cases"]] + (timed_keys(job) if meta.get("timing") else [])
    cases = meta.get("cases") or {}
    findings = audit_findings(meta) + attribution_findings(meta)
    mismatch: tuple[str, str] | None = None
    for k in keys:
        rec = cases.get(k)
        if not isinstance(rec, dict) or "compare" not in rec:
            mismatch = mismatch or ("mismatch", f"{k}: no outputs")
            continue
        findings += case_findings(k, rec.get("evidence") or {})
        bad = rec["compare"]
        if bad is None:
            findings += ablation_findings(k, rec)
        elif mismatch is None:
            mismatch = (bad["kind"], f"{k} {bad['message']}")
    if meta.get("ablation_fatal") and not mismatch:
        findings.append(
            finding(
                "ablation",
                f"the candidate could not run with its compiled code made a no-op: {meta['ablation_fatal']}",
            )
        )
    if mismatch and mismatch[0] == "precision":
        findings.append(finding("precision-downgrade", mismatch[1]))
    metrics: dict[str, Any] = {"seed": meta.get("seed"), "phase_s": meta.get("marks")}
    if isinstance(meta.get("cpu_s"), (int, float)):
        metrics["sandbox_cpu_s"] = meta["cpu_s"]
    if any(isinstance(r, dict) and r.get("fp64_error") for r in cases.values()):
        metrics["fp64_skipped"] = sum(
            1 for r in cases.values() if isinstance(r, dict) and r.get("fp64_error")
        )
    metrics["flags"] = audit_flags(meta)
    metrics["watch"] = watch_summary(meta)
    if findings:
        first = lead_finding(findings)
        metrics["caught_by_all"] = list(dict.fromkeys(f.mechanism for f in findings if f.mechanism))
        return CheckReport(
            status="cheat",
            message=first.message,
            findings=[f.model_dump() for f in findings],
            cases=len(keys),
            metrics=metrics,
            caught_by=first.mechanism,
        )
    if mismatch:
        return CheckReport(
            status="mismatch", message=mismatch[1], cases=len(keys), metrics=metrics, caught_by="comparison"
        )
    timing = timing_metrics(meta.get("timing"), timing_ok)
    metrics.update({k: v for k, v in timing.items() if k != "flags"})
    metrics["flags"] += timing["flags"]
    return CheckReport(status="pass", message=f"{len(keys)} cases correct", cases=len(keys), metrics=metrics)


def lead_finding(findings: list[Finding]) -> Finding:
    """The finding a verdict is reported by: the first one from a mechanism outside the candidate's
    reach; the worker's own evidence (``guard``) only when nothing else caught it."""
    return next((f for f in findings if f.mechanism not in (None, "guard")), findings[0])


def watch_summary(meta: dict[str, Any]) -> dict[str, Any]:
    """What the supervisor measured of the worker, for reports (CPU in and between calls, ...)."""
    a = meta.get("audit") or {}
    w = a.get("worker") or {}
    keys = ("calls", "in_call_cpu_ms", "gap_cpu_ms", "threads", "peak_kb")
    out = {k: round(w[k], 3) if isinstance(w.get(k), float) else w.get(k) for k in keys if k in w}
    out["extra_processes"] = a.get("extra_processes", 0)
    out["running_between_calls"] = a.get("running_between_calls", 0)
    for name in ("worker", "ablation"):
        if (a.get(name) or {}).get("samples"):
            out[f"{name}_cpu_samples"] = a[name]["samples"]
    return out


def audit_flags(meta: dict[str, Any]) -> list[str]:
    """Review flags that are not evidence against the candidate (the sandbox's own weaknesses)."""
    w = (meta.get("audit") or {}).get("worker") or {}
    cap = w.get("cap_eff", "")
    flags = []
    if cap and cap.strip("0"):
        flags.append(
            "the worker kept capabilities (CapEff "
            + cap
            + "): the sandbox does not drop them, so the trust boundary is weaker"
        )
    for key, run in (("attribution", "worker"), ("attribution_ablation", "ablation run")):
        why = meta.get(key)
        if why and why != "on":  # e.g. a sandbox whose seccomp profile refuses perf_event_open
            flags.append(f"CPU attribution unavailable for the {run} ({why}): its checks were skipped")
    return flags


def unmeasured(candidate_ms: float | None, channel_ms: float | None) -> bool:
    """Pure: the kernel time is the call time minus the channel's, floored at 1e-6 ms; at load 15
    the channel's median (5.6 ms) exceeded a 4 ms ReLU call's, leaving that floor (a 66,000x
    "speedup"). Below 1 us with a channel time above it, there was no measurement."""
    return candidate_ms is not None and candidate_ms < 1e-3 and (channel_ms or 0.0) > candidate_ms


def timing_metrics(timing: dict[str, Any] | None, meaningful: bool) -> dict[str, Any]:
    """``candidate_ms`` (the worker's wall time per call minus the channel's own, both medians over
    the timed calls), ``candidate_cpu_ms`` likewise from its CPU clock, ``baseline_ms``, ``speedup``
    and review ``flags`` (None when not timed)."""
    if not timing:
        return {"speedup": None, "candidate_ms": None, "baseline_ms": None, "flags": []}
    null, null_cpu = median_ms(timing["null_ms"]) or 0.0, median_ms(timing["null_cpu_ms"]) or 0.0
    per_call = [max(x - null, 1e-6) for x in timing["candidate_ms"]]
    b = timing.get("baseline_ms", [])
    cm, bm = max((median_ms(timing["candidate_ms"]) or 0.0) - null, 1e-6), median_ms(b)
    out: dict[str, Any] = {
        "candidate_ms": cm,
        "baseline_ms": bm,
        "candidate_cpu_ms": max((median_ms(timing["candidate_cpu_ms"]) or 0.0) - null_cpu, 0.0),
        "channel_ms": null,
        "flags": [],
    }
    if not meaningful:
        out["flags"] = ["timed in the Triton interpreter: times are not kernel speed, speedup not reported"]
        return {**out, "speedup": None}
    if unmeasured(cm, null):
        note = f"not measured: the channel's own {null:.4f} ms exceeded the kernel's call (busy machine); no speedup"
        return {**out, "speedup": None, "flags": [note]}
    sp = speedup(bm, cm)
    flags = speed_flags(sp, per_call, b)
    if cm < CHANNEL_SHARE * null:
        flags.append(
            f"the kernel's {cm:.4f} ms is small next to the channel's own {null:.4f} ms: speedup less precise"
        )
    return {**out, "speedup": sp, "flags": flags}
