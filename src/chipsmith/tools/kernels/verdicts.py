"""Turning the supervisor's signed result into one verdict (pure: no processes, no torch, no numpy).

Precedence: a result without the supervisor's signature -> cheat (forged); the reference failing or
the task being degenerate -> unusable; the candidate timing out / crashing / failing to import ->
timeout / runtime / compile; evidence of cheating -> cheat; wrong values -> mismatch; else pass
(with timing metrics when timed). Every finding names the mechanism that produced it.
"""

from __future__ import annotations

from typing import Any

from chipsmith.sandbox.base import ExecResult
from chipsmith.tools.kernels.anticheat import Finding
from chipsmith.tools.kernels.harness import CheckReport, CheckSpec, read_signed, timed_keys
from chipsmith.tools.kernels.timing import median_ms, speed_flags, speedup

PEAK_GROWTH_FLOOR_KB = 512 * 1024
PEAK_GROWTH_PER_OUTPUT = 64
"""Peak memory may grow by the floor plus this many times one case's output bytes."""
ABLATION_UNCHANGED = 0.9
"""Share of an output's elements left unchanged by the ablation run above which the compiled code
is not what computed them."""
IDLE_CPU_FLOOR_MS = 20.0
IDLE_CPU_SHARE = 0.25
NUMPY_SHARE, NUMPY_MIN_SAMPLES = 0.05, 3
"""numpy/OpenBLAS never runs in an honest compiled kernel's forward: flagged above this share."""
TORCH_RATIO, TORCH_MIN_EXCESS = 2.0, 8
"""Torch-library samples beyond this ratio of the ablation run's (same calls, kernel a no-op)."""
CHANNEL_SHARE = 0.25
"""A kernel time below this share of the channel's round trip is flagged as imprecise."""
"""Worker CPU between calls is flagged above max(floor, share x its CPU inside calls)."""

MECHANISMS = {
    "static": "static source check (first filter)",
    "symbols": "symbol allowlist of the compiled library",
    "signature": "signed result (only the supervisor holds the key)",
    "comparison": "output comparison by the trusted side (every case, every timed call)",
    "ablation": "ablation run (compiled entry points made no-ops / Triton launches skipped)",
    "memory-map": "memory-map audit of the worker (only verified native code may run)",
    "process-watch": "process watch by the supervisor (CPU between calls, spawned processes, peak memory)",
    "shared-memory": "supervisor-owned buffers (inputs unchanged, canaries intact, no write after reply)",
    "guard": "in-worker evidence (dispatch guard, allocation canaries, launch record): can only fail",
    "attribution": "CPU sampling of the worker (where its time goes)",
    "supervisor": "trusted supervisor (the run ended without its result)",
}
CHECK_MECHANISM = {
    "forged-result": "signature",
    "torch-compute": "guard",
    "out-of-bounds": "guard",
    "side-thread": "guard",
    "tensor-subclass": "guard",
    "launch-output": "guard",
    "input-mutation": "shared-memory",
    "input-out-of-bounds": "shared-memory",
    "side-work": "shared-memory",
    "child-process": "process-watch",
    "idle-cpu": "process-watch",
    "peak-memory": "process-watch",
    "unverified-code": "memory-map",
    "ablation": "ablation",
    "precision-downgrade": "comparison",
    "foreign-compute": "attribution",
}


def finding(check: str, message: str) -> Finding:
    return Finding(check=check, message=message, mechanism=CHECK_MECHANISM.get(check))


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


def case_findings(key: str, ev: dict[str, Any]) -> list[Finding]:
    """Findings from one call's evidence (the worker's, which can only fail it, and the supervisor's)."""
    f: list[Finding] = []
    if ev.get("bad_ops"):
        ops = ", ".join(f"aten.{k} x{v}" for k, v in sorted(ev["bad_ops"].items()))
        f.append(finding("torch-compute", f"{key}: forward ran torch compute ops: {ops}"))
    if ev.get("oob_writes"):
        f.append(finding("out-of-bounds", f"{key}: {ev['oob_writes']} allocation guard(s) overwritten"))
    if ev.get("input_oob"):
        f.append(finding("input-out-of-bounds", f"{key}: wrote past the end of {ev['input_oob']} input(s)"))
    if ev.get("new_threads"):
        f.append(finding("side-thread", f"{key}: forward left {ev['new_threads']} thread(s) running"))
    if any(t != "torch.Tensor" for t in ev.get("types", [])):
        f.append(finding("tensor-subclass", f"{key}: forward returned {sorted(set(ev['types']))}"))
    if ev.get("input_mutation"):
        f.append(finding("input-mutation", f"{key}: forward modified its inputs"))
    if ev.get("uncovered"):
        f.append(
            finding(
                "launch-output",
                f"{key}: output(s) {sorted(set(ev['uncovered']))} were not passed to any kernel launch",
            )
        )
    return f


def audit_findings(meta: dict[str, Any]) -> list[Finding]:
    """Findings from what the supervisor saw of the worker from outside."""
    a = meta.get("audit") or {}
    w = a.get("worker") or {}
    f: list[Finding] = []
    if meta.get("import_threads"):
        f.append(finding("side-thread", "importing the candidate started threads"))
    if a.get("changed_after_reply"):
        f.append(finding("side-work", "the output area changed after the worker had replied"))
    if a.get("extra_processes"):
        f.append(finding("child-process", f"the worker left {a['extra_processes']} process(es) running"))
    if "unverified_code" in w and w["unverified_code"] is None:
        f.append(finding("unverified-code", "the worker hid its memory map from the supervisor"))
    for name in ("worker", "ablation"):
        for path in (a.get(name) or {}).get("unverified_code") or []:
            f.append(finding("unverified-code", f"the {name} ran code that was not verified: {path}"))
    gap, inside = w.get("gap_cpu_ms", 0.0), w.get("in_call_cpu_ms", 0.0)
    if gap > max(IDLE_CPU_FLOOR_MS, IDLE_CPU_SHARE * inside):
        f.append(
            finding(
                "idle-cpu",
                f"the worker burned {gap:.1f} ms of CPU between calls ({inside:.1f} ms inside them)",
            )
        )
    growth = w.get("peak_kb", 0) - meta.get("ready_peak_kb", 0)
    budget = PEAK_GROWTH_FLOOR_KB + PEAK_GROWTH_PER_OUTPUT * int(meta.get("output_bytes", 0)) // 1024
    if growth > budget:
        f.append(
            finding("peak-memory", f"peak memory grew {growth // 1024} MB (allowed {budget // 1024} MB)")
        )
    return f


def attribution_findings(meta: dict[str, Any]) -> list[Finding]:
    """Where the worker's sampled CPU went during its calls (compiled backends only)."""
    a = meta.get("audit") or {}
    w = (a.get("worker") or {}).get("samples") or {}
    ab = (a.get("ablation") or {}).get("samples") or {}
    tags = [t for t, v in w.items() if isinstance(v, dict)]
    total = sum(n for t in tags for k, n in w[t].items() if k != "calls")
    numpy = sum(w[t].get("numpy", 0) for t in tags)
    f: list[Finding] = []
    if numpy >= NUMPY_MIN_SAMPLES and numpy >= NUMPY_SHARE * total:
        f.append(
            finding(
                "foreign-compute", f"numpy/OpenBLAS ran {numpy} of {total} CPU samples of the worker's calls"
            )
        )
    base = ab.get("poison") or {}
    for tag in ("poison", "shadow"):
        if tag not in w or not base.get("calls"):
            continue
        wt, wc = w[tag].get("torch", 0), w[tag]["calls"]
        expected = base.get("torch", 0) * wc / base["calls"]
        if wt - expected >= TORCH_MIN_EXCESS and wt > TORCH_RATIO * expected:
            f.append(
                finding(
                    "foreign-compute",
                    f"torch's libraries took {wt} CPU samples over {wc} {tag} calls, {expected:.0f} with "
                    "the compiled code made a no-op: torch computes",
                )
            )
            break
    return f


def ablation_findings(key: str, rec: dict[str, Any]) -> list[Finding]:
    """The compiled code must be what computed the outputs: with its entry points made no-ops the
    outputs must change (almost) everywhere."""
    abl = rec.get("ablation")
    if abl is None:
        return []
    out = []
    for i, pair in enumerate(abl.get("unchanged") or []):
        same, size = (int(v) for v in pair)
        if size and same >= ABLATION_UNCHANGED * size:
            out.append(
                finding(
                    "ablation",
                    f"{key}: output {i} is unchanged in {same} of {size} elements when the compiled code "
                    "does nothing: the work is done elsewhere",
                )
            )
    return out


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
    if any(isinstance(r, dict) and r.get("fp64_error") for r in cases.values()):
        metrics["fp64_skipped"] = sum(
            1 for r in cases.values() if isinstance(r, dict) and r.get("fp64_error")
        )
    metrics["flags"] = audit_flags(meta)
    metrics["watch"] = watch_summary(meta)
    if findings:
        first = findings[0]
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
    if cap and cap.strip("0"):
        return [
            "the worker kept capabilities (CapEff "
            + cap
            + "): the sandbox does not drop them, so the trust boundary is weaker"
        ]
    return []


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
    sp = speedup(bm, cm)
    flags = speed_flags(sp, per_call, b)
    if cm < CHANNEL_SHARE * null:
        flags.append(
            f"the kernel's {cm:.4f} ms is small next to the channel's own {null:.4f} ms: speedup less precise"
        )
    return {**out, "speedup": sp, "flags": flags}
