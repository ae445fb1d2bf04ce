"""Lint Verilog/SystemVerilog with Verilator and Icarus Verilog, through a sandbox.

Two independent checks run on the same files and their findings are merged:

- ``verilator --lint-only -Wall -Wno-fatal --timing -Wno-DECLFILENAME``: every -Wall finding is kept
  as a warning (unused signals, width mismatches, blocking assignments...); only Verilator's
  errors make the result fail. DECLFILENAME is off because candidate file names are arbitrary.
  ``--timing`` accepts testbench delays and event controls instead of failing on them.
- ``iverilog -g2012 -Wall -Winfloop -Wno-timescale -t null``: Icarus's own parse and elaboration,
  the same front end the simulate tool uses, so a file that lints clean also compiles there.

``ok`` is true when neither tool reported an error. A tool the sandbox cannot start adds an
``info`` diagnostic and is left out of ``tools``; if neither starts, the result is an error.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from pydantic import BaseModel

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import ExecResult, Limits, Sandbox
from chipsmith.tools._hdl_logs import Diagnostic, errors_of, parse_iverilog, parse_verilator
from chipsmith.tools.hdl import check_files

__all__ = ["Diagnostic", "LintResult", "iverilog_lint_cmd", "lint", "verilator_lint_cmd"]

# Lint output is small; a design that makes a tool print megabytes is cut, not buffered.
LINT_LIMITS = Limits(output_bytes=200_000, cpu_s=120)
NOT_FOUND_EXIT = 127


class LintResult(BaseModel):
    """What the linters found."""

    ok: bool
    """No error-severity diagnostic (warnings allowed)."""
    diagnostics: list[Diagnostic]
    tools: list[str]
    """The linters that actually ran."""
    wall_s: float


def verilator_lint_cmd(files: Sequence[str], top: str | None = None) -> list[str]:
    """Pure: the Verilator lint command for ``files`` (relative names)."""
    cmd = ["verilator", "--lint-only", "-Wall", "-Wno-fatal", "--timing", "-Wno-DECLFILENAME"]
    if top:
        cmd += ["--top-module", top]
    return cmd + list(files)


def iverilog_lint_cmd(files: Sequence[str], top: str | None = None) -> list[str]:
    """Pure: the Icarus parse/elaborate-only command for ``files`` (relative names)."""
    cmd = ["iverilog", "-g2012", "-Wall", "-Winfloop", "-Wno-timescale", "-t", "null"]
    if top:
        cmd += ["-s", top]
    return cmd + list(files)


_MISSING = re.compile(r"cannot run|execvp|executable file not found|command not found")


def missing_tool(res: ExecResult, tool: str) -> bool:
    """Pure: the sandbox could not start ``tool`` at all (local: exit 127; bwrap: execvp failure)."""
    err = res.stderr[:2000]
    return (
        res.exit_code in (1, 126, NOT_FOUND_EXIT)
        and not res.stdout
        and tool in err
        and bool(_MISSING.search(err))
    )


def lint_diagnostics(tool: str, res: ExecResult, timeout_s: float) -> list[Diagnostic]:
    """Pure: the diagnostics of one finished lint run, including a timeout or a silent failure."""
    log = res.stdout + res.stderr
    diags = parse_verilator(log) if tool == "verilator" else parse_iverilog(log)
    if res.timed_out:
        msg = f"{tool} did not finish within {timeout_s:g} s"
        diags.append(
            Diagnostic(
                file=None, line=None, column=None, severity="error", code="timeout", message=msg, tool=tool
            )
        )
    elif res.exit_code != 0 and not errors_of(diags):
        # A non-zero exit must not pass as clean just because the message had an unknown form.
        last = next(
            (ln.strip() for ln in reversed(log.splitlines()) if ln.strip()), f"exit code {res.exit_code}"
        )
        diags.append(
            Diagnostic(
                file=None, line=None, column=None, severity="error", code=None, message=last, tool=tool
            )
        )
    return diags


@TOOLS.register("lint")
def lint(
    sources: dict[str, bytes],
    *,
    top: str | None = None,
    sandbox: Sandbox | None = None,
    timeout_s: float = 60,
) -> LintResult:
    """Lint ``sources`` (file name -> content) with Verilator and Icarus; ``top`` picks the root."""
    start = time.monotonic()
    problem = check_files(sources)
    if problem:
        diag = Diagnostic(
            file=None,
            line=None,
            column=None,
            severity="error",
            code="input",
            message=problem,
            tool="chipsmith",
        )
        return LintResult(ok=False, diagnostics=[diag], tools=[], wall_s=0.0)
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    names = list(sources)
    diagnostics: list[Diagnostic] = []
    ran: list[str] = []
    for tool, cmd in (
        ("verilator", verilator_lint_cmd(names, top)),
        ("iverilog", iverilog_lint_cmd(names, top)),
    ):
        res = sandbox.run(cmd, sources, timeout_s=timeout_s, limits=LINT_LIMITS)
        if missing_tool(res, tool):
            msg = f"{tool} is not installed in the {sandbox.name} sandbox; its checks were skipped"
            diagnostics.append(
                Diagnostic(
                    file=None, line=None, column=None, severity="info", code=None, message=msg, tool=tool
                )
            )
            continue
        ran.append(tool)
        diagnostics += lint_diagnostics(tool, res, timeout_s)
    if not ran:
        msg = "neither verilator nor iverilog could be started; install them or use --sandbox docker"
        diagnostics.append(
            Diagnostic(
                file=None, line=None, column=None, severity="error", code=None, message=msg, tool="chipsmith"
            )
        )
    ok = not errors_of(diagnostics)
    return LintResult(ok=ok, diagnostics=diagnostics, tools=ran, wall_s=time.monotonic() - start)
