"""The waveform API: the VCDs of a workspace, a waveform's signals and marks, the visible window.

The first mismatch shown is the one the session recorded for that file: the latest testbench check
that wrote it (``CheckRecord.details``: ``vcd``, ``first_mismatch_time`` in the file's time unit),
when that check failed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from chipsmith.web.state import WebState, get_state

router = APIRouter(prefix="/api/s/{ref}")
WAVE_SUFFIXES = (".vcd",)


def mismatch_mark(checks: list[Any], vcd: str) -> dict[str, Any] | None:
    """Pure: the first mismatch of the latest testbench check that wrote ``vcd``, if it failed."""
    runs = [c for c in checks if c.kind == "testbench" and c.details.get("vcd") == vcd]
    if not runs:
        return None
    last = runs[-1]
    t = last.details.get("first_mismatch_time")
    if last.passed or not isinstance(t, int):
        return None
    return {"time": t, "check": last.id, "summary": last.summary, "timescale": last.details.get("timescale", ""),
            "differing": last.details.get("differing", [])}  # fmt: skip


def _open(state: WebState, ref: str, path: str) -> tuple[Any, Any]:
    from chipsmith.agents.workspace import WorkspaceError
    from chipsmith.web.wave_store import WaveError

    s = state.session(ref)
    try:
        real = s.workspace.resolve(path)
    except WorkspaceError as exc:
        raise HTTPException(400, str(exc)) from None
    if not real.is_file() or not path.endswith(WAVE_SUFFIXES):
        raise HTTPException(404, f"no waveform {path} in the workspace")
    try:
        return s, state.waves.get(real)
    except WaveError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/waves")
def waves(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    s = state.session(ref)
    files = [{"path": p, "size": n} for p, n in s.workspace.list(".") if p.endswith(WAVE_SUFFIXES)]
    sim = s.last_simulation()
    return {"files": files, "last": sim.vcd if sim else None}


@router.get("/wave/meta")
def meta(ref: str, path: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    """Signals, scopes, time unit, the default selection, the extent and the mismatch mark."""
    from chipsmith.web.waves import default_signals

    s, wave = _open(state, ref, path)
    mark = mismatch_mark(s.checks(), path)
    differing = [str(d.get("signal", "")) for d in (mark or {}).get("differing", [])]
    shown = default_signals(wave.info.signals, wave.info.scopes, differing)
    return {
        "path": path, "timescale": wave.info.timescale, "signals": wave.info.signals,
        "scopes": wave.info.scopes, "default": shown, "end": wave.end(shown), "mark": mark,
        "truncated": wave.truncated,
    }  # fmt: skip


@router.get("/wave/window")
def window(
    ref: str,
    path: str,
    signals: list[str] = Query(default=[]),
    t0: int = Query(ge=0),
    t1: int = Query(ge=0),
    buckets: int = Query(default=600, ge=1, le=4000),
    radix: str = Query(default="hex", pattern="^(hex|bin|dec|sdec)$"),
    state: WebState = Depends(get_state),
) -> dict[str, Any]:
    """The rows of ``signals`` between ``t0`` and ``t1``, at most about ``buckets`` changes each."""
    from chipsmith.web.wave_store import WaveError
    from chipsmith.web.waves import row

    if t1 <= t0:
        raise HTTPException(400, "t1 must be after t0")
    if len(signals) > 64:
        raise HTTPException(400, "at most 64 signals at once")
    _, wave = _open(state, ref, path)
    try:
        rows = [row(n, wave.info.signals[n], wave.signal(n), t0, t1, buckets, radix) for n in signals  # type: ignore[arg-type]
                if n in wave.info.signals]  # fmt: skip
    except WaveError as exc:
        raise HTTPException(422, str(exc)) from None
    missing = [n for n in signals if n not in wave.info.signals]
    return {"t0": t0, "t1": t1, "radix": radix, "rows": rows, "missing": missing}
