"""Simulate a testbench plus design with Icarus Verilog (default) or Verilator, through a sandbox.

Icarus runs compile and simulation in ONE sandbox run (a sandbox start costs about as much as a
small simulation); the compile log goes to its own file, so compile messages and run output never
mix. Verilator builds in one run and simulates in a second (the build is the slow part there):

- Icarus: ``iverilog -g2012 -Wall -Winfloop -Wno-timescale -I. -s TOP -o sim.vvp FILES`` (VerilogEval's
  flags), then ``vvp -n sim.vvp``. With ``vcd=True`` a helper module is compiled as a second root
  (``-s _chipsmith_vcd``) that dumps the whole testbench to ``chipsmith.vcd``; the testbench is
  not edited.
- Verilator: ``verilator --binary -j 1 -Wno-fatal --top-module TOP`` (C++ at -O0: small testbenches
  build about twice as fast), then the binary. Verilator rejects some testbench styles Icarus
  accepts; that is reported as a ``compile`` failure with ``simulator="verilator"``.

A design that prints without end is cut at the cap and killed at once, instead of printing until the
timeout: by the sandbox where it can (``kills_past_output``, the local one), else by piping the run
through ``head -c`` (SIGPIPE). The first way saves a shell and ``head`` per simulation. Verdict conventions: see
``chipsmith.tools._sim_parse``. Include files (``.vh``, ``.svh``, ``.h``, ``.inc``) and
``data_files`` are placed in the work dir but not compiled.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import ExecResult, Limits, Sandbox
from chipsmith.tools._hdl_logs import Diagnostic, parse_iverilog, parse_verilator
from chipsmith.tools._sim_parse import FailureClass, Verdict, classify_compile, classify_run
from chipsmith.tools.hdl import check_files, decode_sources, find_modules, read_paths, top_candidates
from chipsmith.tools.lint import missing_tool

__all__ = ["FailureClass", "SimResult", "simulate", "simulate_paths"]

SIMULATORS = ("iverilog", "verilator")
OUTPUT_CAP = 1_000_000
"""Bytes of simulation output read for the verdict; more means endless printing."""
LOG_KEEP = 60_000
"""Characters of a log kept in a result (head and tail), so JSON results stay readable."""
INCLUDE_SUFFIXES = (".vh", ".svh", ".h", ".inc")
VCD_FILE = "chipsmith.vcd"
VCD_MODULE = "_chipsmith_vcd"
RC_FILE = ".chipsmith_rc"
COMPILE_LOG = ".chipsmith_compile.log"
COMPILE_RC = ".chipsmith_compile_rc"
VERILATOR_BUILD_MIN_S = 240.0
"""Verilator's C++ build alone takes 7-15 s here; it gets at least this long whatever ``timeout_s`` is."""
SIM_LIMITS = Limits(output_bytes=OUTPUT_CAP + 4096, file_mb=128)
SIM_KILL_LIMITS = Limits(output_bytes=OUTPUT_CAP + 1, file_mb=128, kill_past_output=True)
"""For a sandbox that kills a run past its output cap: the cut ``head -c`` would make."""
COMPILE_LIMITS = Limits(output_bytes=200_000)


class SimResult(BaseModel):
    """The verdict of one simulation."""

    passed: bool
    failure_class: FailureClass
    simulator: str
    mismatches: int | None = None
    samples: int | None = None
    message: str
    """One line: why it failed, or e.g. "pass (0 mismatches in 120 samples)"."""
    log: str
    wall_s: float
    vcd: bytes | None = None
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    """Compile-step findings (errors and warnings)."""


def compiled_files(names: Sequence[str]) -> list[str]:
    """Pure: the files to put on the compiler command line, in the given order (include files are only placed)."""
    return [n for n in names if not n.lower().endswith(INCLUDE_SUFFIXES)]


def iverilog_compile_cmd(files: Sequence[str], top: str, *, vcd: bool = False) -> list[str]:
    """Pure: the Icarus compile command producing ``sim.vvp``."""
    roots = ["-s", top] + (["-s", VCD_MODULE] if vcd else [])
    flags = ["-g2012", "-Wall", "-Winfloop", "-Wno-timescale", "-I."]
    return ["iverilog", *flags, *roots, "-o", "sim.vvp", *files] + ([f"{VCD_MODULE}.v"] if vcd else [])


def vcd_module(top: str) -> str:
    """Pure: a module that dumps every signal under ``top`` to ``chipsmith.vcd``."""
    return f'module {VCD_MODULE};\n  initial begin\n    $dumpfile("{VCD_FILE}");\n    $dumpvars(0, {top});\n  end\nendmodule\n'


def verilator_build_cmd(files: Sequence[str], top: str) -> list[str]:
    """Pure: the Verilator command producing the executable ``obj_dir/Vsim``."""
    opt = "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"
    cmd = ["verilator", "--binary", "-j", "1", "-Wno-fatal", "-I.", "--top-module", top]
    return cmd + ["--Mdir", "obj_dir", "-o", "Vsim", "-MAKEFLAGS", opt, *files]


def run_cmd(program: list[str], cap: int = OUTPUT_CAP) -> list[str]:
    """Pure: ``program`` with stderr merged, its exit status saved, its output cut after ``cap`` bytes."""
    prog = " ".join(shlex.quote(p) for p in program)
    return ["sh", "-c", f"{{ {prog}; echo $? > {RC_FILE}; }} 2>&1 | head -c {cap + 1}"]


def iverilog_once_cmd(
    compile_cmd: list[str], timeout_s: float, cap: int = OUTPUT_CAP, *, sandbox_cuts: bool = False
) -> list[str]:
    """Pure: compile (log to a file), then, if that succeeded, run ``vvp`` under ``timeout``, its
    output cut after ``cap`` bytes and its exit status saved (124 = the simulation timed out).

    With ``sandbox_cuts`` (the sandbox kills the run past ``cap`` + 1 bytes) the shell becomes
    ``timeout``: no ``head``, and the run's own exit status is the simulation's."""
    comp = " ".join(shlex.quote(p) for p in compile_cmd)
    run = f"timeout -s KILL {timeout_s:g} vvp -n sim.vvp"
    script = f"{comp} > {COMPILE_LOG} 2>&1; crc=$?; echo $crc > {COMPILE_RC}; [ $crc -eq 0 ] || exit 0; "
    if sandbox_cuts:
        return ["sh", "-c", script + f"exec {run} 2>&1"]
    return ["sh", "-c", script + f"{{ {run}; echo $? > {RC_FILE}; }} 2>&1 | head -c {cap + 1}"]


def shell_status(exit_code: int) -> int:
    """Pure: an exit code as a shell's ``$?`` has it (killed by signal N: 128 + N)."""
    return 128 - exit_code if exit_code < 0 else exit_code


def shorten(log: str, keep: int = LOG_KEEP) -> str:
    """Pure: ``log`` cut to its head and tail when longer than ``keep`` characters."""
    if len(log) <= keep:
        return log
    half = keep // 2
    return f"{log[:half]}\n[chipsmith: {len(log) - keep} characters left out]\n{log[-half:]}"


def _result(v: Verdict, simulator: str, log: str, start: float, **kw: object) -> SimResult:
    return SimResult(
        passed=v.failure_class == "pass",
        failure_class=v.failure_class,
        simulator=simulator,
        mismatches=v.mismatches,
        samples=v.samples,
        message=v.message,
        log=shorten(log),
        wall_s=time.monotonic() - start,
        **kw,  # type: ignore[arg-type]
    )


def _pick_top(sources: dict[str, bytes]) -> str | None:
    """The testbench top: the one uninstantiated module; else ``tb`` (VerilogEval) when it is one of
    them; else the one uninstantiated module of the first file (the testbench, by convention)."""
    text = decode_sources({k: sources[k] for k in compiled_files(list(sources))})
    candidates = top_candidates(text)
    if len(candidates) == 1:
        return candidates[0]
    if "tb" in candidates:
        return "tb"
    first = find_modules(next(iter(text.values()), ""))
    in_first = [c for c in candidates if c in first]
    return in_first[0] if len(in_first) == 1 else None


def _compile_verilator(
    sandbox: Sandbox, files: dict[str, bytes], top: str, timeout_s: float
) -> tuple[ExecResult, list[Diagnostic], dict[str, bytes]]:
    """Build the Verilator executable; return the result, its diagnostics and the built binary."""
    limit = max(timeout_s, VERILATOR_BUILD_MIN_S)
    cmd = verilator_build_cmd(compiled_files(list(files)), top)
    res = sandbox.run(cmd, files, timeout_s=limit, limits=COMPILE_LIMITS, want=["obj_dir/Vsim"])
    built = {"Vsim": res.files["obj_dir/Vsim"]} if "obj_dir/Vsim" in res.files else {}
    return res, parse_verilator(res.stdout + res.stderr), built


def _run_verilator(
    sandbox: Sandbox, built: dict[str, bytes], data: dict[str, bytes], timeout_s: float
) -> tuple[ExecResult, Verdict]:
    """Run the built Verilator simulation and classify its output."""
    program = ["sh", "-c", "chmod +x Vsim && exec ./Vsim"]
    res = sandbox.run(
        run_cmd(program), {**data, **built}, timeout_s=timeout_s, limits=SIM_LIMITS, want=[RC_FILE]
    )
    rc = _rc(res.files, RC_FILE)
    verdict = classify_run(
        res.stdout + res.stderr,
        exit_code=rc if rc is not None else res.exit_code,
        timed_out=res.timed_out,
        truncated=len(res.stdout.encode(errors="replace")) > OUTPUT_CAP or res.truncated,
        timeout_s=timeout_s,
        cap_bytes=OUTPUT_CAP,
    )
    return res, verdict


@TOOLS.register("simulate")
def simulate(
    sources: dict[str, bytes],
    *,
    top: str | None = None,
    simulator: str = "iverilog",
    sandbox: Sandbox | None = None,
    timeout_s: float = 60,
    vcd: bool = False,
    data_files: dict[str, bytes] | None = None,
) -> SimResult:
    """Compile testbench + design ``sources`` and run them; ``top`` is the testbench module.

    ``top`` defaults to the one module nobody instantiates (else ``tb``). ``data_files`` are placed
    beside the simulation (for ``$readmemh``) but not compiled. ``timeout_s`` bounds each step
    (Verilator's C++ build gets at least 240 s). Bad input gives a ``compile`` verdict, not an error;
    an unknown ``simulator`` raises ``ValueError``; a broken sandbox raises ``SandboxError``.
    """
    start = time.monotonic()
    if simulator not in SIMULATORS:
        raise ValueError(f"unknown simulator {simulator!r}; choose one of: {', '.join(SIMULATORS)}")
    data = dict(data_files or {})
    problem = check_files(sources) or (check_files(data, text=False) if data else None)
    if problem is None and vcd and simulator != "iverilog":
        problem = "VCD output is supported with the iverilog simulator only"
    if problem is None:  # scanning a refused (huge, binary) file would waste time for nothing
        top = top or _pick_top(sources)
    if problem is None and top is None:
        problem = "cannot tell the testbench top module (several or no uninstantiated modules); pass top"
    if problem is not None or top is None:
        return _result(Verdict("compile", problem or ""), simulator, "", start)
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    if simulator == "iverilog":
        return _simulate_iverilog(sandbox, sources, data, top, timeout_s, vcd, start)
    res, diags, built = _compile_verilator(sandbox, sources, top, timeout_s)
    log = res.stdout + res.stderr
    if missing_tool(res, simulator):
        msg = (
            f"{simulator} is not installed in the {sandbox.name} sandbox; install it or use --sandbox docker"
        )
        return _result(Verdict("compile", msg), simulator, log, start)
    failed = classify_compile(diags, log, res.exit_code)
    if res.timed_out:
        failed = Verdict("compile", f"{simulator} compile did not finish within {res.wall_s:.0f} s")
    if failed is None and not built:
        failed = Verdict("compile", f"{simulator} reported success but produced no executable")
    if failed is not None:
        return _result(failed, simulator, log, start, diagnostics=diags)
    run, verdict = _run_verilator(sandbox, built, data, timeout_s)
    full_log = (log + "\n" if log.strip() else "") + run.stdout + run.stderr
    return _result(verdict, simulator, full_log, start, diagnostics=diags)


def _rc(files: dict[str, bytes], name: str) -> int | None:
    text = files.get(name, b"").decode(errors="replace").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _simulate_iverilog(
    sandbox: Sandbox,
    sources: dict[str, bytes],
    data: dict[str, bytes],
    top: str,
    timeout_s: float,
    vcd: bool,
    start: float,
) -> SimResult:
    """Compile and run with Icarus in one sandbox run; the sandbox limit is a backstop for both steps."""
    extra = {f"{VCD_MODULE}.v": vcd_module(top).encode()} if vcd else {}
    cuts = bool(getattr(sandbox, "kills_past_output", False))
    compile_cmd = iverilog_compile_cmd(compiled_files(list(sources)), top, vcd=vcd)
    cmd = iverilog_once_cmd(compile_cmd, timeout_s, sandbox_cuts=cuts)
    want = [COMPILE_LOG, COMPILE_RC] + ([] if cuts else [RC_FILE]) + ([VCD_FILE] if vcd else [])
    files, limits = {**data, **sources, **extra}, SIM_KILL_LIMITS if cuts else SIM_LIMITS
    res = sandbox.run(cmd, files, timeout_s=2 * timeout_s + 5, limits=limits, want=want)
    if COMPILE_RC not in res.files and not res.timed_out:
        # The script never ran (the sandbox failed to start it, e.g. a namespace or fork failure
        # on a saturated host): not the design's fault, so try once more before judging.
        res = sandbox.run(cmd, files, timeout_s=2 * timeout_s + 5, limits=limits, want=want)
    clog = res.files.get(COMPILE_LOG, b"")[: COMPILE_LIMITS.output_bytes].decode(errors="replace")
    crc = _rc(res.files, COMPILE_RC)
    if missing_tool(res, "iverilog") or "iverilog: not found" in clog or crc == 127:
        msg = f"iverilog is not installed in the {sandbox.name} sandbox; install it or use --sandbox docker"
        return _result(Verdict("compile", msg), "iverilog", clog + res.stderr, start)
    diags = parse_iverilog(clog)
    if crc is None:  # killed while compiling, or the sandbox could not start the script
        why = f"did not finish within {res.wall_s:.0f} s" if res.timed_out else "did not run"
        detail = (res.stderr.strip().splitlines() or [""])[-1][:200]
        killed = Verdict("compile", f"iverilog compile {why}" + (f": {detail}" if detail else ""))
        return _result(killed, "iverilog", clog + res.stdout + res.stderr, start, diagnostics=diags)
    failed = classify_compile(diags, clog, crc)
    if failed is not None:
        return _result(failed, "iverilog", clog, start, diagnostics=diags)
    rc = shell_status(res.exit_code) if cuts else _rc(res.files, RC_FILE)
    # Killed past the output cap is not a timeout (with head, SIGPIPE ended it: 141).
    timed_out = res.timed_out or (rc in (124, 137) and not (cuts and res.truncated))
    output = res.stdout + res.stderr
    verdict = classify_run(
        output,
        exit_code=rc if rc is not None else res.exit_code,
        timed_out=timed_out,
        truncated=len(res.stdout.encode(errors="replace")) > OUTPUT_CAP or res.truncated,
        timeout_s=timeout_s,
        cap_bytes=OUTPUT_CAP,
    )
    full_log = (clog + "\n" if clog.strip() else "") + output
    vcd_bytes = res.files.get(VCD_FILE) if vcd else None
    return _result(verdict, "iverilog", full_log, start, diagnostics=diags, vcd=vcd_bytes)


def simulate_paths(paths: list[Path], **kw: object) -> SimResult:
    """``simulate`` on files read from disk, testbench first (compile order; breaks top-detection ties).

    Raises ``ValueError`` with one clear line for a missing, unreadable or oversized file. Keyword
    ``data_paths`` (a list of paths) supplies data files; other keywords go to ``simulate``.
    """
    data_paths = kw.pop("data_paths", None) or []
    sources = read_paths(paths)
    data = read_paths(data_paths) if data_paths else None  # type: ignore[arg-type]
    return simulate(sources, data_files=data, **kw)  # type: ignore[arg-type]
