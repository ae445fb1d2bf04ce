"""Renderers for the built-in tools' results (registered by class name, so nothing is imported)."""

from __future__ import annotations

from typing import Any

from chipsmith.agents.tooling.render import Rendered, Status, renderer

MAX_DIAGNOSTICS = 25
LOG_TAIL_LINES = 60
LOG_TAIL_CHARS = 4000
MAX_HIT_CHARS = 700
MAX_CEX_STEPS = 12


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _diagnostic_lines(diags: list[Any]) -> list[str]:
    ordered = [d for d in diags if d.severity == "error"] + [d for d in diags if d.severity != "error"]
    lines = list(dict.fromkeys(d.one_line() for d in ordered))
    more = len(lines) - MAX_DIAGNOSTICS
    return lines[:MAX_DIAGNOSTICS] + ([f"[... {more} more]"] if more > 0 else [])


def _errors(diags: list[Any]) -> tuple[str, ...]:
    first = [d for d in diags if d.severity == "error"] + [d for d in diags if d.severity == "warning"]
    return tuple(d.one_line() for d in first if d.tool != "chipsmith")


def _tail(log: str) -> str:
    lines = [ln for ln in log.splitlines() if ln.strip()]
    text = "\n".join(lines[-LOG_TAIL_LINES:])
    return text[-LOG_TAIL_CHARS:]


@renderer("chipsmith.tools.lint.LintResult")
def lint_result(r: Any) -> Rendered:
    errors = sum(d.severity == "error" for d in r.diagnostics)
    warnings = sum(d.severity == "warning" for d in r.diagnostics)
    verdict = ("clean" if r.ok else _plural(errors, "error")) + (
        f", {_plural(warnings, 'warning')}" if warnings else ""
    )
    head = f"lint ({', '.join(r.tools) or 'no linter ran'}): {'ok' if r.ok else 'FAILED'}: {verdict}"
    text = "\n".join([head, *_diagnostic_lines(r.diagnostics)])
    return Rendered(text, "ok" if r.ok else "fail", verdict, () if r.ok else _errors(r.diagnostics))


@renderer("chipsmith.tools.simulate.SimResult")
def sim_result(r: Any) -> Rendered:
    lines = [f"simulate ({r.simulator}): {'PASS' if r.passed else r.failure_class.upper()}: {r.message}"]
    compile_failed = r.failure_class in ("compile", "elaborate")
    if r.diagnostics:
        lines += ["compile messages:", *_diagnostic_lines(r.diagnostics)]
    if not r.passed and not (compile_failed and r.diagnostics) and r.log.strip():
        lines += [f"output (last {LOG_TAIL_LINES} lines at most):", _tail(r.log)]
    if r.vcd is not None:
        lines.append(f"waveform: VCD captured ({len(r.vcd)} bytes)")
    if compile_failed:
        errors = _errors(r.diagnostics) or (r.message,)
    else:
        errors = (r.message,) if r.failure_class == "runtime" else ()
    verdict = (
        r.failure_class if r.mismatches is None else f"{r.failure_class} ({r.mismatches} in {r.samples})"
    )
    return Rendered("\n".join(lines), "ok" if r.passed else "fail", verdict, errors)


@renderer("chipsmith.tools.synthesize.SynthResult")
def synth_result(r: Any) -> Rendered:
    top_cells = sorted(r.cells.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    delay = f"{r.delay_ps:g} ps" if r.delay_ps is not None else "n/a"
    fmax = f"{r.fmax_mhz:g} MHz" if r.fmax_mhz is not None else "n/a"
    power = f"{r.power_w:.3g} W ({r.power_assumption})" if r.power_w is not None else "n/a"
    lines = [
        f"synthesize: top {r.top}, {r.cell_count} cells, area {r.area_um2:g} um^2",
        f"critical path {delay} (fmax {fmax}) at a {r.clock_period_ps:g} ps clock; logic depth {r.logic_depth}",
        f"power {power}",
        "cells: " + ", ".join(f"{name} x{n}" for name, n in top_cells),
    ]
    if r.wns_ps is not None:
        lines.append(f"wns {r.wns_ps:g} ps, tns {r.tns_ps:g} ps")
    if r.transistors is not None:
        lines.append(f"transistor estimate {r.transistors}")
    return Rendered("\n".join(lines), "ok", f"area {r.area_um2:g} um^2, delay {delay}")


@renderer("chipsmith.tools.equivalence.EquivResult")
def equiv_result(r: Any) -> Rendered:
    word = {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNKNOWN"}[r.equivalent]
    lines = [f"equivalence ({r.method}): {word}: {r.message}"]
    if r.reset:
        lines.append(f"reset input {r.reset} asserted in the first cycle")
    for i, step in enumerate((r.counterexample or [])[:MAX_CEX_STEPS]):
        lines.append(f"step {i}: " + ", ".join(f"{k}={v}" for k, v in step.items()))
    return Rendered("\n".join(lines), "ok" if r.equivalent else "fail", word.lower())


@renderer("knowledge_search")
def knowledge_hits(hits: Any) -> Rendered:
    if not hits:
        return Rendered("no results", "ok", "0 results")
    parts = []
    for i, h in enumerate(hits, 1):
        text = h["text"] if len(h["text"]) <= MAX_HIT_CHARS else h["text"][:MAX_HIT_CHARS] + " [...]"
        parts.append(f"[{i}] {h['source']} / {h['section']} ({h['kind']})\n{text}")
    return Rendered("\n\n".join(parts), "ok", _plural(len(hits), "result"))


@renderer("chipsmith.tools.workspace_files.FileSlice")
def file_slice(r: Any) -> Rendered:
    width = len(str(max(r.end_line, 1)))
    head = f"{r.path}: lines {r.start_line}-{r.end_line} of {r.total_lines}"
    body = [f"{n:>{width}}| {line}" for n, line in enumerate(r.lines, r.start_line)]
    tail = [f"[... more: read_file(path={r.path!r}, start_line={r.end_line + 1})]"] if r.truncated else []
    return Rendered("\n".join([head, *body, *tail]), "ok", f"{len(r.lines)} lines")


@renderer("chipsmith.tools.workspace_files.WriteResult")
def write_result(r: Any) -> Rendered:
    what = "created" if r.created else "overwrote"
    return Rendered(
        f"{what} {r.path}: {_plural(r.lines, 'line')}, {r.bytes} bytes", "ok", f"wrote {r.lines} lines"
    )


@renderer("chipsmith.tools.workspace_files.FileList")
def file_list(r: Any) -> Rendered:
    lines = [
        f"{_plural(r.total, 'file')}"
        + (f" (first {len(r.entries)} shown)" if r.total > len(r.entries) else "")
    ]
    lines += [f"{e.path}  ({e.bytes} bytes)" for e in r.entries]
    return Rendered("\n".join(lines), "ok", _plural(r.total, "file"))


@renderer("chipsmith.tools.workspace_files.PatchResult")
def patch_result(r: Any) -> Rendered:
    if r.applied:
        return Rendered(f"patch applied to: {', '.join(r.files)}\n{r.output}".strip(), "ok", "applied")
    text = f"patch NOT applied: {r.output or 'patch failed'}"
    return Rendered(text, "fail", "not applied")


@renderer("chipsmith.tools.trace.models.TraceReport")
def trace_report(r: Any) -> Rendered:
    from chipsmith.tools.trace.render import render as render_trace

    # A trace is a diagnosis: finding the mismatch is the tool working, not a failure of the call.
    status: Status = "fail" if r.status in ("not-run", "error") else "ok"
    return Rendered(render_trace(r), status, r.status)
