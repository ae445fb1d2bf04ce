"""Roofline metrics of a timed kernel result: the task's declared work at its timing shape over the
measured time, against this machine's peaks (``tools.kernels.roofline``).

Used by the kernel evaluator on every timed pass and by the kernel agent for its feedback. Nothing
here raises for a task without a work declaration or a machine whose peaks cannot be measured:
the result says why instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chipsmith.benchmarks.kernel_work import module_constants, work
from chipsmith.tools.kernels.verdicts import unmeasured


def work_at(
    formulas: Mapping[str, str] | None, reference: str, shape: Mapping[str, Any]
) -> tuple[int, int] | None:
    """(FLOPs, bytes) of ``formulas`` at ``shape`` over the reference's constants; None without a
    declaration or when a formula does not evaluate there."""
    if not formulas or "flops" not in formulas or "bytes" not in formulas:
        return None
    try:
        return work(formulas, {**module_constants(reference), **shape})
    except (ValueError, KeyError, TypeError, ZeroDivisionError, OverflowError):
        return None


def roofline_of(flops_bytes: tuple[int, int] | None, ms: Any, device: str) -> dict[str, Any]:
    """``{"roofline": {...}}`` for work done in ``ms`` on ``device``, or ``{"roofline_note": why}``."""
    from chipsmith.tools.kernels.roofline import RooflineError, achieved, machine_peaks

    if flops_bytes is None:
        return {"roofline_note": "the task declares no flops/bytes"}
    if not isinstance(ms, int | float) or ms <= 0:
        return {"roofline_note": "no kernel time"}
    try:
        peaks = machine_peaks("cuda" if device == "cuda" else "cpu")
    except (RooflineError, OSError) as exc:
        return {"roofline_note": str(exc)[:300]}
    return {"roofline": achieved(flops_bytes[0], flops_bytes[1], float(ms), peaks).model_dump()}


def task_roofline(task: Any, metrics: Mapping[str, Any], device: str) -> dict[str, Any]:
    """Roofline metrics of an evaluated kernel task (its first shape is the timed one)."""
    if unmeasured(metrics.get("candidate_ms"), metrics.get("channel_ms")):
        return {
            "roofline_note": "not measurable: the channel's own time was above the kernel's call (busy machine)"
        }
    settings = task.hidden.settings
    shapes = settings.get("shapes") or [{}]
    reference = task.hidden.files.get("reference.py", b"").decode("utf-8", errors="replace")
    return roofline_of(
        work_at(settings.get("work"), reference, shapes[0]), metrics.get("candidate_ms"), device
    )
