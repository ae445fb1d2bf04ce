"""Pure: a ``TraceReport`` as compact text for a model or a terminal.

Deterministic (no paths outside the work dir, no wall times) and bounded: at most ``max_chars``
characters; when the full text is longer, waveform rows and suspect lines are dropped first, each
with a visible "(n more)" marker, so the verdict, the first mismatch and the top suspects survive.
"""

from __future__ import annotations

from chipsmith.tools.trace.models import Suspect, TraceReport, WaveWindow

MAX_CHARS = 4000
_UNITS = ("fs", "ps", "ns", "us", "ms", "s")
_SOURCES = {
    "expected-signals": "the testbench's expected-value signals",
    "reference": "a reference design run on the same testbench",
    "counter": "the testbench's error counter (expected values unknown)",
    "messages": "the testbench's failure messages (expected values unknown)",
    "none": "none found",
}


def fmt_time(t: int, timescale: str) -> str:
    """Pure: ``245000`` at ``1ps`` -> ``245 ns``; other magnitudes keep the raw count and the scale."""
    digits = timescale.rstrip("fpnumsc")
    unit = timescale[len(digits) :]
    if digits != "1" or unit not in _UNITS:
        return f"{t} x {timescale}" if timescale else str(t)
    i = _UNITS.index(unit)
    while t and t % 1000 == 0 and i < len(_UNITS) - 1:
        t, i = t // 1000, i + 1
    return f"{t} {_UNITS[i]}"


def fmt_times(times: list[int], timescale: str) -> str:
    """Pure: several times in one unit, the coarsest that keeps every one a whole number."""
    if not times:
        return ""
    digits = timescale.rstrip("fpnumsc")
    unit = timescale[len(digits) :]
    if digits != "1" or unit not in _UNITS:
        return ", ".join(str(t) for t in times) + (f" (x {timescale})" if timescale else "")
    i = _UNITS.index(unit)
    while i < len(_UNITS) - 1 and any(times) and all(t % 1000 == 0 for t in times):
        times, i = [t // 1000 for t in times], i + 1
    return ", ".join(str(t) for t in times) + f" {_UNITS[i]}"


def _window_lines(win: WaveWindow, timescale: str) -> list[str]:
    edge = f"just before each {win.clock} edge" if win.clock else "at each check"
    head = [f"waveform (hex; columns: values {edge}; the last column is the first mismatch, marked !):"]
    names = ["cycle" if win.clock else "check", *(r.signal for r in win.rows)]
    label = max(len(n) for n in names)
    cols = [[str(c) + ("!" if bad else "") for c, bad in zip(win.cycles, win.failing, strict=True)]]
    cols += [r.values for r in win.rows]
    width = max(2, *(len(v) for col in cols for v in col))
    out = [
        f"  {n.ljust(label)}  " + " ".join(v.rjust(width) for v in col)
        for n, col in zip(names, cols, strict=True)
    ]
    return head + out + [f"  (times: {fmt_times(win.times, timescale)})"]


def _suspect_lines(rank: int, s: Suspect, max_lines: int) -> list[str]:
    out = [
        f"  {rank}. {s.signal} ({s.role}, score {s.score:.2f}, {s.distance} step(s) from the output): {s.why}"
    ]
    out += [f"       {ln.file}:{ln.line}  {ln.text}" for ln in s.lines[:max_lines]]
    if len(s.lines) > max_lines:
        out.append(f"       ({len(s.lines) - max_lines} more lines)")
    return out


def _sections(r: TraceReport, rows: int | None, lines_per: int) -> list[str]:
    out = [f"trace: {r.message}"]
    if r.simulation:
        out.append(f"simulation: {r.simulation}")
    if r.status != "traced":
        return out + [f"note: {n}" for n in r.notes]
    out.append(f"expected values from: {_SOURCES[r.mode]}; {r.failing_checks} of {r.checks} checks failed")
    if r.first_mismatch_time is not None:
        out.append(f"first mismatch: {fmt_time(r.first_mismatch_time, r.timescale)} in {r.instance}")
    out += [f"  {d.signal}: got {d.got}, expected {d.expected or 'unknown'}" for d in r.differing]
    if r.window is not None:
        win = r.window if rows is None else r.window.model_copy(update={"rows": r.window.rows[:rows]})
        out += _window_lines(win, r.timescale)
        if rows is not None and len(r.window.rows) > rows:
            out.append(f"  ({len(r.window.rows) - rows} more signals)")
    if r.suspects:
        out.append(
            "suspects (signals in the backward cone of the mismatching outputs, most suspicious first):"
        )
        for i, s in enumerate(r.suspects, 1):
            out += _suspect_lines(i, s, lines_per)
    return out + [f"note: {n}" for n in r.notes]


def render(report: TraceReport, max_chars: int = MAX_CHARS) -> str:
    """Pure: the report as text of at most ``max_chars`` characters."""
    rows = len(report.window.rows) if report.window else 0
    for lines_per, row_cap in ((6, None), (4, None), (3, 16), (2, 10), (1, 6), (1, 2)):
        text = "\n".join(_sections(report, row_cap if row_cap is None else min(row_cap, rows), lines_per))
        if len(text) <= max_chars:
            return text
    return text[: max_chars - 20].rstrip() + "\n(output truncated)"
