"""The kernel evaluator: a candidate kernel file -> verdict, failure class and speed metrics.

Order: the file exists and parses (compile) -> static anti-cheat (cheat) -> the backend builds it
(compile) and checks what it built (cheat: e.g. a library importing what a kernel must not call)
-> the machine can run it (else unusable, with what was checked) -> a trusted supervisor in a
sandbox checks every shape x input distribution, every timed call and an ablation run against the
candidate worker, with the dynamic anti-cheat rules (runtime, timeout, mismatch, cheat, unusable)
-> timing when asked. ``metrics["caught_by"]`` names the mechanism behind a failure.
"""

from __future__ import annotations

from typing import Any

from chipsmith.benchmarks.task import Candidate, EvalResult, Task
from chipsmith.registry import EVALUATORS


def candidate_source(candidate: Candidate) -> str | None:
    """The single Python kernel file of a candidate (``candidate.py``, else its only .py file)."""
    if "candidate.py" in candidate.files:
        return candidate.files["candidate.py"]
    py = [v for k, v in candidate.files.items() if k.endswith(".py")]
    return py[0] if len(py) == 1 else None


def _result(verdict: str, fclass: str, message: str, metrics: dict[str, Any]) -> EvalResult:
    return EvalResult(verdict=verdict, failure_class=fclass, message=message, metrics=metrics)  # type: ignore[arg-type]


@EVALUATORS.register("kernel")
def evaluate(
    task: Task, candidate: Candidate, sandbox: Any = None, *, time: bool | None = None, static: bool = True
) -> EvalResult:
    """Judge ``candidate`` on ``task``. ``time``: also measure speed (default: when the backend's
    times mean something, i.e. not in the Triton interpreter; protocol in timing.py). ``static=False``
    skips the static anti-cheat layer (tests use it to show the dynamic layer alone catches exploits)."""
    from chipsmith.registry import UnknownNameError
    from chipsmith.tools.kernels.backends import get_backend
    from chipsmith.tools.kernels.harness import CheckSpec

    settings = task.hidden.settings
    metrics: dict[str, Any] = {
        "backend": candidate.backend,
        "shapes": settings.get("shapes", []),
        "flags": [],
    }
    metrics.update(speedup=None, candidate_ms=None, baseline_ms=None)
    if settings.get("unusable"):
        return _result("unusable", "unusable", str(settings["unusable"]), metrics)
    try:
        backend = get_backend(candidate.backend or "")
    except UnknownNameError as exc:
        return _result("fail", "compile", str(exc), metrics)
    if not candidate.files:  # an agent that produced nothing (e.g. no answer from its model)
        return _result("fail", "empty", "the candidate has no source", metrics)
    src = candidate_source(candidate)
    if src is None:
        return _result("fail", "compile", "the candidate must be one Python file (candidate.py)", metrics)
    findings = backend.detect_cheating(src) if static else []
    if any(f.check == "syntax" for f in findings):
        return _result("fail", "compile", findings[0].message, metrics)
    if findings:
        metrics["findings"] = [f.model_dump() for f in findings]
        metrics["caught_by"] = "static"
        where = f" (line {findings[0].line})" if findings[0].line else ""
        return _result("fail", "cheat", f"{findings[0].check}: {findings[0].message}{where}", metrics)
    built = backend.compile(src)
    metrics["compile_s"] = round(built.seconds, 3)
    metrics.update({k: v for k, v in built.report.items() if k != "library"})
    if not built.ok:
        return _result("fail", "compile", built.message, metrics)
    if built.findings:
        metrics["findings"] = [f.model_dump() for f in built.findings]
        metrics["caught_by"] = built.findings[0].mechanism
        return _result("fail", "cheat", f"{built.findings[0].check}: {built.findings[0].message}", metrics)
    why_not = backend.can_run()
    if why_not:
        return _result("unusable", "unusable", why_not, metrics)
    if time is None:
        time = bool(settings.get("time", backend.timing_meaningful()))
    spec = CheckSpec(
        reference=task.hidden.files["reference.py"].decode(),
        shapes=settings["shapes"],
        dtype=settings.get("dtype", "float32"),
        atol=settings.get("atol"),
        rtol=settings.get("rtol"),
        time=time,
        iters=int(settings.get("timing_iters", 50 if backend.device() == "cuda" else 10)),
        timeout_s=float(settings.get("timeout_s", 180.0)),
    )
    box = sandbox or _default_sandbox(backend.device(), metrics["flags"])
    report = backend.check(spec, src, box)
    flags = metrics["flags"]
    metrics.update(report.metrics)
    metrics["flags"] = flags + list(report.metrics.get("flags") or [])
    metrics["cases"] = report.cases
    if report.findings:
        metrics["findings"] = report.findings
    if report.caught_by:
        metrics["caught_by"] = report.caught_by
    if backend.name == "torch" and report.status == "pass":
        metrics["speedup"] = 1.0  # the baseline against itself, by definition
    if report.status == "pass":
        if metrics.get("speedup") is not None:  # timed and meaningful: where it sits on the roofline
            from chipsmith.benchmarks.kernel_roofline import task_roofline

            metrics.update(task_roofline(task, metrics, backend.device()))
        return _result("pass", "pass", report.message, metrics)
    verdict = "unusable" if report.status == "unusable" else "fail"
    return _result(verdict, report.status, report.message, metrics)


def _default_sandbox(device: str, flags: list[str]) -> Any:
    from chipsmith.sandbox import get_sandbox

    box = get_sandbox()
    if device == "cuda" and getattr(box, "use_bwrap", False) and not getattr(box, "gpu_devices", None):
        flags.append("no GPU device nodes are visible inside the sandbox")
    return box
