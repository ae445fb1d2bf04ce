"""The RTL evaluator: simulate a candidate against the hidden testbench; on a pass, PPA vs reference.

``evaluate(task, candidate, sandbox=None) -> EvalResult``. Before any candidate is judged, the task's
own reference is simulated the same way (cached by content hash under ``<home>/cache/bench``); a
task whose reference fails on the local simulator is ``unusable``, with the simulator's message,
and is never scored. The reference's synthesis result is cached the same way.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from chipsmith.benchmarks._cache import JsonCache, content_key, files_key
from chipsmith.benchmarks.rtl_checks import candidate_findings
from chipsmith.benchmarks.task import Candidate, EvalResult, Task
from chipsmith.registry import EVALUATORS

PPA_FIELDS = {"area": "area_um2", "delay": "delay_ps", "power": "power_w"}
CACHE_VERSION = 1
REFCHECK_VERSION = 2
"""Raised when a cached reference check changes shape (2: the one-line ``why``)."""


def candidate_sources(files: dict[str, str]) -> dict[str, bytes]:
    """Pure: candidate files under names that cannot replace a hidden file (``cand<i>.v``/``.sv``)."""
    out = {}
    for i, (name, src) in enumerate(sorted(files.items())):
        ext = ".sv" if name.endswith(".sv") else ".v"
        out[f"cand{i}{ext}"] = src.encode()
    return out


def sim_inputs(task: Task, design: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Pure: (sources to compile, data files) for simulating ``design`` against the hidden testbench."""
    hidden = task.hidden
    compile_with = hidden.settings.get("compile_with") or [hidden.testbench]
    sources = {n: hidden.files[n] for n in compile_with if n}
    data = {n: hidden.files[n] for n in hidden.settings.get("data_files", [])}
    return {**sources, **design}, data


def _simulate(task: Task, design: dict[str, bytes], sandbox: Any) -> Any:
    from chipsmith.tools.simulate import simulate

    sources, data = sim_inputs(task, design)
    return simulate(
        sources,
        top=task.hidden.tb_top,
        sandbox=sandbox,
        timeout_s=float(task.hidden.settings.get("timeout_s", 30)),
        data_files=data or None,
    )


def cache_root(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return cache_dir
    from chipsmith.config import load_settings

    return load_settings().home / "cache" / "bench"


DETERMINISTIC_FAILURES = frozenset({"compile", "elaborate", "mismatch", "unusable"})


def reference_design(task: Task) -> dict[str, bytes]:
    ref = task.hidden.reference
    if not ref or ref not in task.hidden.files:
        return {}
    return {ref: task.hidden.files[ref]}


def _refcheck_cache(task: Task, cache_dir: Path | None) -> tuple[JsonCache, str]:
    hidden = task.hidden
    key = content_key(REFCHECK_VERSION, "refcheck", files_key(hidden.files), hidden.tb_top, hidden.settings)
    return JsonCache(cache_root(cache_dir) / "refcheck"), key


def known_reference(task: Task, cache_dir: Path | None = None) -> dict[str, Any] | None:
    """``check_reference``'s answer when it needs no simulation (static or cached), else None."""
    if static := task.hidden.settings.get("unusable"):
        return {"ok": False, "failure_class": "unusable", "message": str(static), "why": str(static)}
    cache, key = _refcheck_cache(task, cache_dir)
    return cache.get(key)


def check_reference(task: Task, sandbox: Any = None, cache_dir: Path | None = None) -> dict[str, Any]:
    """Simulate the task's reference once per content: {"ok", "failure_class", "message", "why"};
    ``why`` is the one line a user sees for an unusable task. A task its adapter already marked
    unusable (``settings["unusable"]``) is not simulated."""
    if (known := known_reference(task, cache_dir)) is not None:
        return known
    design = reference_design(task)
    if not design:
        result = {"ok": False, "failure_class": "unusable", "message": "task has no reference design"}
    else:
        sim = _simulate(task, design, sandbox)
        result = {"ok": bool(sim.passed), "failure_class": sim.failure_class, "message": sim.message}
    result["why"] = "" if result["ok"] else f"reference fails: {result['message']}"
    # A timeout or a crash may be the machine's (load, a sandbox hiccup), not the task's: only a pass
    # and failures the tools decide the same way every time are remembered.
    if result["ok"] or result["failure_class"] in DETERMINISTIC_FAILURES:
        cache, key = _refcheck_cache(task, cache_dir)
        cache.put(key, result)
    return result


def _check_beside(
    task: Task, candidate: Candidate, sandbox: Any, cache_dir: Path | None
) -> tuple[dict[str, Any], Any]:
    """The reference check and the candidate's simulation side by side (they are independent; the
    second core takes one). The verdicts are those of doing them in turn: an unusable reference
    wins over anything the candidate's simulation did, even raising."""
    from concurrent.futures import ThreadPoolExecutor

    if sandbox is None:  # once, here: the registry's first lookup imports and is not thread-safe
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    with ThreadPoolExecutor(max_workers=1) as pool:
        ref_future = pool.submit(check_reference, task, sandbox, cache_dir)
        try:
            sim, error = _simulate(task, candidate_sources(candidate.files), sandbox), None
        except Exception as exc:  # judged only once the reference is known usable
            sim, error = None, exc
        ref = ref_future.result()
    if ref["ok"] and error is not None:
        raise error
    return ref, sim


def check_references(
    tasks: list[Task], sandbox: Any = None, cache_dir: Path | None = None, jobs: int = 1
) -> dict[str, dict[str, Any]]:
    """``check_reference`` for every RTL task (``jobs`` at a time), by task id."""
    from concurrent.futures import ThreadPoolExecutor

    rtl = [t for t in tasks if t.kind == "rtl"]
    if sandbox is None and rtl:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()  # once, here: the registry's first lookup imports and is not thread-safe
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda t: check_reference(t, sandbox, cache_dir), rtl)
        return {t.id: r for t, r in zip(rtl, results, strict=True)}


def _synth_ppa(design: dict[str, bytes], top: str | None, sandbox: Any, timeout_s: float) -> dict[str, Any]:
    """Area, delay and power of one design, or {"error": one line}."""
    from chipsmith.tools.hdl import decode_sources, find_modules
    from chipsmith.tools.synthesize import SynthError, synthesize

    modules = [m for src in decode_sources(design).values() for m in find_modules(src)]
    try:
        # A one-module design needs no top; naming it only matters when there are several.
        res = synthesize(design, top=top if len(modules) > 1 else None, sandbox=sandbox, timeout_s=timeout_s)
    except SynthError as exc:
        return {"error": str(exc).splitlines()[0] if str(exc) else "synthesis failed"}
    return {field: getattr(res, field, None) for field in PPA_FIELDS.values()}


def design_ppa(
    design: dict[str, bytes],
    top: str | None,
    sandbox: Any = None,
    cache_dir: Path | None = None,
    timeout_s: float = 300,
) -> dict[str, Any]:
    """PPA of a design, synthesized once per content (a candidate equal to the reference, or one
    seen in an earlier run, costs nothing). Failures are not cached: they may be the tool's."""
    key = content_key(CACHE_VERSION, "ppa", files_key(design), top)
    cache = JsonCache(cache_root(cache_dir) / "ppa")
    if (hit := cache.get(key)) is not None:
        return hit
    result = _synth_ppa(design, top, sandbox, timeout_s)
    if "error" not in result:
        cache.put(key, result)
    return result


def reference_ppa(
    task: Task, sandbox: Any = None, cache_dir: Path | None = None, timeout_s: float = 300
) -> dict[str, Any]:
    """The reference's PPA (cached by content)."""
    return design_ppa(
        candidate_sources(_as_text(reference_design(task))), task.public.top, sandbox, cache_dir, timeout_s
    )


def _as_text(files: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode("utf-8", errors="replace") for name, data in files.items()}


def ppa_metrics(cand: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """Pure: candidate PPA fields plus ``<key>_ratio`` = candidate / reference where both are > 0."""
    if "error" in cand:
        return {"ppa_error": cand["error"]}
    out: dict[str, Any] = {f: cand.get(f) for f in PPA_FIELDS.values()}
    for key, field in PPA_FIELDS.items():
        c, r = cand.get(field), ref.get(field)
        out[f"ref_{field}"] = r
        if isinstance(c, int | float) and isinstance(r, int | float) and c > 0 and r > 0:
            out[f"{key}_ratio"] = c / r
    return out


def _ppa(
    task: Task, candidate: Candidate, sandbox: Any, cache_dir: Path | None, timeout_s: float
) -> dict[str, Any]:
    """PPA metrics of a correct candidate. The reference goes first: without it there is no ratio,
    so a reference that fails to synthesize (or times out) spares the candidate's synthesis."""
    ref = reference_ppa(task, sandbox, cache_dir, timeout_s)
    if "error" in ref:
        return {"ppa_error": f"reference synthesis: {ref['error']}"}
    cand = design_ppa(candidate_sources(candidate.files), task.public.top, sandbox, cache_dir, timeout_s)
    return ppa_metrics(cand, ref)


def _optimized(
    task: Task, candidate: Candidate, sandbox: Any, cache: Path, goal: str, budget_s: float
) -> dict[str, Any]:
    """``opt_*`` metrics: the same recipe search for the reference and the candidate."""
    from chipsmith.benchmarks.rtl_optimize import optimized_metrics, optimized_ppa

    top, kw = task.public.top, {"goal": goal, "budget_s": budget_s, "sandbox": sandbox, "cache_dir": cache}
    ref = optimized_ppa(candidate_sources(_as_text(reference_design(task))), top, **kw)
    cand = optimized_ppa(candidate_sources(candidate.files), top, **kw) if "error" not in ref else {}
    return optimized_metrics(cand, ref)


@EVALUATORS.register("rtl")
def evaluate(
    task: Task,
    candidate: Candidate,
    sandbox: Any = None,
    *,
    cache_dir: Path | None = None,
    ppa: bool = True,
    ppa_timeout_s: float = 300,
    optimize: str | None = None,
    optimize_budget_s: float = 30,
) -> EvalResult:
    """Judge one RTL candidate: unusable task, static findings, simulation verdict, then PPA
    (and, with ``optimize`` = a goal, PPA after a recipe search for candidate and reference).
    An uncached reference check runs beside the candidate's simulation."""
    start = time.monotonic()
    early = _static_verdict(candidate)
    ref, sim = known_reference(task, cache_dir), None
    if ref is None and early is None:
        ref, sim = _check_beside(task, candidate, sandbox, cache_dir)
    elif ref is None:
        ref = check_reference(task, sandbox, cache_dir)
    if not ref["ok"]:
        return EvalResult(verdict="unusable", failure_class="unusable", message=ref["why"])
    if early is not None:
        return early
    if sim is None:
        start = time.monotonic()
        sim = _simulate(task, candidate_sources(candidate.files), sandbox)
    metrics: dict[str, Any] = {"mismatches": sim.mismatches, "samples": sim.samples, "sim_wall_s": sim.wall_s}
    if not sim.passed:
        return EvalResult(
            verdict="fail", failure_class=sim.failure_class, message=sim.message, metrics=metrics
        )
    if ppa:
        metrics.update(_ppa(task, candidate, sandbox, cache_dir, ppa_timeout_s))
    if ppa and optimize:
        cache = cache_root(cache_dir)
        metrics.update(_optimized(task, candidate, sandbox, cache, optimize, optimize_budget_s))
    metrics["eval_wall_s"] = time.monotonic() - start
    return EvalResult(verdict="pass", failure_class="pass", message=sim.message, metrics=metrics)


def _static_verdict(candidate: Candidate) -> EvalResult | None:
    """Pure: the failure a candidate gets without simulation (no source, forbidden constructs)."""
    if not any(src.strip() for src in candidate.files.values()):
        return EvalResult(verdict="fail", failure_class="empty", message="the candidate has no source")
    if findings := candidate_findings(candidate.files):
        return EvalResult(verdict="fail", failure_class="cheat", message="; ".join(findings))
    return None
