"""Pure verdict logic for simulation: compile logs and run output -> failure class and one line.

The conventions (also in docs/rtl-lint-sim.md), checked in this order on the run output:

1. ``$readmemh/$readmemb: Unable to open F`` -> ``runtime`` (a data file is missing: not the design's fault).
2. A line ``TIMEOUT`` (VerilogEval's watchdog; it is followed by a Mismatches line) -> ``timeout``.
3. ``$error``/``$fatal`` output -> ``mismatch``: Icarus prints ``ERROR: f.sv:6: msg`` /
   ``FATAL: f.sv:9: msg``; Verilator prints ``%Error: f.sv:6: Assertion failed in TOP.tb: msg``.
4. ``Mismatches: N in M samples`` with N > 0 (the last such line counts) -> ``mismatch``.
5. An RTLLM failure banner (``===Error===``, ``=== Failed ===``, ``Test completed with N failures``
   or ``... N / M failures``, with N > 0 or an X count) -> ``mismatch``.
6. The sandbox timed out, or the output passed the cap (a design printing without end) -> ``timeout``.
7. ``Mismatches: 0 in M samples`` or RTLLM's ``Your Design Passed`` (any spacing) -> ``pass``,
   provided the simulator exited with status 0.
8. A non-zero exit (vvp crash, Verilator runtime error) -> ``runtime``; otherwise ``runtime`` with
   "no verdict line".

Compile step: any error -> ``elaborate`` when a message names a missing module, a missing root
module or a port that does not exist; else ``compile``.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from chipsmith.tools._hdl_logs import Diagnostic, errors_of

FailureClass = Literal["pass", "compile", "elaborate", "runtime", "timeout", "mismatch"]

_ELABORATE = re.compile(
    r"Unknown module type|is not a port of|Unable to find the root module|Cannot find file containing module"
    r"|Pin not found|port .* not found|Wrong number of ports|too many ports|Specified --top-module .* was not found",
    re.I,
)
_READMEM = re.compile(r"\$readmem[hb]: Unable to open (\S+?)(?: for reading)?\.?$", re.M)
_WATCHDOG = re.compile(r"^\s*TIMEOUT\b", re.M)
_ASSERT = re.compile(r"^\s*(?:(?:ERROR|FATAL): .*|(?:\[\d+\] )?%Error: .*Assertion failed.*)$", re.M)
_MISMATCHES = re.compile(r"Mismatches:\s*(\d+)\s+in\s+(\d+)\s+samples")
_RTLLM_FAIL = re.compile(
    r"^\s*=+\s*(?:Error|Failed|Fail)\b.*$|^.*Test completed with\s+([1-9]\d*|[xz]+)(?:\s*/\s*\d+)?\s+failures.*$",
    re.M | re.I,
)
_RTLLM_PASS = re.compile(r"Your\s*Design\s*Passed", re.I)


class Verdict(NamedTuple):
    """The outcome of one simulation run, before it becomes a ``SimResult``."""

    failure_class: FailureClass
    message: str
    mismatches: int | None = None
    samples: int | None = None


def classify_compile(diagnostics: list[Diagnostic], log: str, exit_code: int) -> Verdict | None:
    """Pure: ``None`` when the compile step succeeded, else a compile or elaborate verdict."""
    errors = errors_of(diagnostics)
    if exit_code == 0 and not errors:
        return None
    if not errors:
        last = next((ln.strip() for ln in reversed(log.splitlines()) if ln.strip()), "")
        return Verdict("compile", f"compile failed (exit code {exit_code}){': ' + last if last else ''}")
    kind: FailureClass = "elaborate" if any(_ELABORATE.search(d.message) for d in errors) else "compile"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return Verdict(kind, f"{kind} error: {errors[0].one_line()}{more}")


def mismatch_counts(output: str) -> tuple[int, int] | None:
    """Pure: (mismatches, samples) from the last ``Mismatches: N in M samples`` line, if any."""
    found = _MISMATCHES.findall(output)
    return (int(found[-1][0]), int(found[-1][1])) if found else None


def classify_run(
    output: str, *, exit_code: int, timed_out: bool, truncated: bool, timeout_s: float, cap_bytes: int
) -> Verdict:
    """Pure: the verdict of a finished run from its output (stdout and stderr together)."""
    counts = mismatch_counts(output)
    n, m = counts if counts else (None, None)
    if mm := _READMEM.search(output):
        return Verdict(
            "runtime", f"the testbench could not open data file {mm.group(1)}; pass it as a data file"
        )
    if _WATCHDOG.search(output):
        return Verdict("timeout", "the testbench watchdog printed TIMEOUT", n, m)
    if ma := _ASSERT.search(output):
        return Verdict("mismatch", f"check failed: {ma.group(0).strip()}", n, m)
    if n:
        return Verdict("mismatch", f"{n} mismatches in {m} samples", n, m)
    if mr := _RTLLM_FAIL.search(output):
        return Verdict("mismatch", f"testbench reported failure: {mr.group(0).strip()}", n, m)
    if timed_out:
        return Verdict("timeout", f"simulation did not finish within {timeout_s:g} s", n, m)
    if truncated:
        return Verdict(
            "timeout", f"output passed {cap_bytes} bytes without a verdict (endless printing?)", n, m
        )
    passed = counts is not None or _RTLLM_PASS.search(output) is not None
    if passed and exit_code == 0:
        return Verdict(
            "pass", f"pass ({n} mismatches in {m} samples)" if counts else "pass (Your Design Passed)", n, m
        )
    if exit_code != 0:
        last = next((ln.strip() for ln in reversed(output.splitlines()) if ln.strip()), "")
        return Verdict(
            "runtime", f"simulator exited with code {exit_code}{': ' + last if last else ''}", n, m
        )
    return Verdict(
        "runtime", "no verdict line (expected 'Mismatches: N in M samples' or 'Your Design Passed')"
    )
