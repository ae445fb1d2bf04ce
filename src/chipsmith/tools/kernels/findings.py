"""Evidence -> findings, each naming the mechanism that produced it (pure: no torch, no numpy).

Inputs are the supervisor's signed result: per call the worker's own evidence (sanitised; it can
only fail a candidate) and the supervisor's (inputs, canaries, output area), the ablation run's
unchanged-element counts, and what the supervisor saw of the worker from outside (/proc, CPU
clock, CPU samples).
"""

from __future__ import annotations

from typing import Any

from chipsmith.tools.kernels.anticheat import Finding

PEAK_GROWTH_FLOOR_KB = 512 * 1024
PEAK_GROWTH_PER_OUTPUT = 64
"""Peak memory may grow by the floor plus this many times one case's output bytes."""
ABLATION_UNCHANGED = 0.9
"""Share of an output's elements left unchanged by the ablation run above which the compiled code
is not what computed them."""
IDLE_CPU_FLOOR_MS = 20.0
IDLE_CPU_SHARE = 0.25
"""Worker CPU between calls is flagged above max(floor, share x its CPU inside calls)."""
NUMPY_SHARE, NUMPY_MIN_SAMPLES = 0.05, 3
"""numpy/OpenBLAS never runs in an honest compiled kernel's forward: flagged above this share."""
TORCH_RATIO, TORCH_MIN_EXCESS = 2.0, 8
"""Torch-library samples beyond this ratio of the ablation run's (same calls, kernel a no-op)."""
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
        f.append(finding("child-process", f"the worker left {a['extra_processes']} process(es) behind"))
    for name in ("worker", "ablation"):
        kids = (a.get(name) or {}).get("children_cpu_ms") or 0.0
        if kids > 0:
            f.append(
                finding(
                    "child-process", f"the {name} ran child processes during its calls ({kids:.0f} ms CPU)"
                )
            )
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
