"""Formal equivalence of two designs with yosys: a miter, then SAT (combinational) or temporal
induction with a bounded fallback (sequential).

Two yosys runs through the sandbox: ``build_miter_script`` reads both designs, flattens them and
writes the miter (its ports and flip-flops tell which proof to run); ``build_sat_script`` proves it.
Sequential designs start from all-zero registers, or, when an input named like a reset exists, from
undefined registers with the reset asserted in the first cycle (outputs are compared from then on).
"""

from __future__ import annotations

import time

from pydantic import BaseModel

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import ExecResult, Limits, Sandbox
from chipsmith.tools import _equiv_abc as ea
from chipsmith.tools import _equiv_parse as ep
from chipsmith.tools._synth_parse import yosys_error
from chipsmith.tools._yosys_names import module_name, quoted

WORK = "_chipsmith"
MITER_YS, MITER_IL, SAT_YS, LOG, GATE_LIB, AIG_YS, MITER_AIG, WRAPPER = (
    f"{WORK}/{n}"
    for n in (
        "miter.ys",
        "miter.il",
        "sat.ys",
        "yosys.log",
        "gate_cells.lib",
        "aig.ys",
        "miter.aig",
        "check.v",
    )
)
VERILOG_SUFFIXES = (".v", ".sv", ".il")
ENGINES = ("sat", "abc")
RESET_HIGH = ("rst", "reset", "arst", "areset", "srst", "rst_i", "reset_i", "clr", "clear")
RESET_LOW = (
    "rst_n",
    "rstn",
    "reset_n",
    "resetn",
    "arst_n",
    "arstn",
    "areset_n",
    "nrst",
    "nreset",
    "rst_ni",
    "rst_b",
)


class EquivError(RuntimeError):
    """The check could not be set up (bad Verilog, missing top, port mismatch); one-line message."""


class EquivResult(BaseModel):
    """Verdict of an equivalence check."""

    equivalent: bool | None
    """True proven equal, False a counterexample exists, None unknown (bounded check only)."""
    method: str
    """``sat-comb`` (combinational SAT), ``induction`` (temporal induction) or ``bmc`` (bounded only)."""
    depth: int | None
    """yosys's induction length: the base case held for this many steps from the initial state."""
    counterexample: list[dict[str, str]] | None
    """Per time step: signal -> binary value; inputs by name, outputs as ``gold.y`` / ``gate.y``."""
    message: str
    log: str
    wall_s: float
    reset: str | None = None
    """The reset input asserted in cycle 1 (sequential designs), if any."""


def _module_name(name: str) -> str:
    return module_name(name, EquivError)


def _quoted(name: str) -> str:
    return quoted(name, EquivError)


def _read_design(files: list[str], top: str | None, as_name: str, cells: str | None = None) -> list[str]:
    top_arg = f"-top {_module_name(top)}" if top else "-auto-top"
    # Cell functions from a liberty file make a mapped netlist simulatable (flip-flops included);
    # cells whose function yosys cannot read stay undefined and fail `hierarchy -check` if used.
    lib = [f"read_liberty -ignore_miss_func {_quoted(cells)}"] if cells else []
    # A checkpoint of a synthesis flow may come as RTLIL (word-level cells Verilog cannot carry).
    reads = [
        f"read_rtlil {_quoted(f)}" if f.endswith(".il") else f"read_verilog -sv {_quoted(f)}" for f in files
    ]
    return (
        lib
        + reads
        + [
            f"hierarchy -check {top_arg}",
            "proc",
            "flatten",
            "memory",
            "opt_clean",
            f"rename -top {as_name}",
            f"hierarchy -top {as_name}",
            f"design -stash {as_name}_design",
        ]
    )


def build_miter_script(
    gold: list[str],
    gate: list[str],
    *,
    top: str | None,
    gate_top: str | None,
    gate_cells: str | None = None,
    ignore_gold_x: bool = True,
) -> str:
    """Pure: read both designs separately (same module names may appear in both), build the miter.

    ``gate_cells``: a liberty file whose cell functions define the cells of a mapped gate netlist.
    ``ignore_gold_x`` needs the SAT engine's undef modelling; the two-valued ABC engine goes without.
    """
    lines = _read_design(gold, top, "gold") + _read_design(gate, gate_top, "gate", gate_cells)
    lines += [
        "design -copy-from gold_design -as gold gold",
        "design -copy-from gate_design -as gate gate",
        f"miter -equiv -flatten -make_outputs{' -ignore_gold_x' if ignore_gold_x else ''} gold gate miter",
        "hierarchy -top miter",
        f"log {ep.PORTS_BEGIN}",
        "select -list miter/i:*",
        f"log {ep.PORTS_END}",
        "stat",
        f"write_rtlil {MITER_IL}",
    ]
    return "\n".join(lines) + "\n"


def build_sat_script(*, sequential: bool, depth: int, reset: tuple[str, int] | None) -> str:
    """Pure: the proof. ``-enable_undef`` is needed for ``-ignore_gold_x`` to mean what it says."""
    common = "-prove trigger 0 -enable_undef -set-def-inputs -show-inputs -show-outputs"
    if not sequential:
        sat = f"sat {common} miter"
    elif reset is None:
        sat = f"sat -tempinduct {common} -set-init-zero -seq 1 -maxsteps {depth} miter"
    else:
        name, value = reset
        init = f"-set-init-undef -set-at 1 in_{name} {value} -seq 2"
        sat = f"sat -tempinduct {common} {init} -maxsteps {depth} miter"
    return f"read_rtlil {MITER_IL}\n{sat}\n"


def pick_reset(inputs: list[str], reset: str | None) -> tuple[str, int] | None:
    """Pure: (reset input, asserted value). ``reset``: "auto" (by name), None (none), or a port name."""
    if reset is None:
        return None
    if reset != "auto":
        if reset not in inputs:
            raise EquivError(f"reset input {reset!r} is not a port of both designs ({', '.join(inputs)})")
        return reset, 0 if reset.lower() in RESET_LOW or reset.lower().endswith("_n") else 1
    for name in inputs:
        if name.lower() in RESET_HIGH:
            return name, 1
        if name.lower() in RESET_LOW:
            return name, 0
    return None


def _sources(prefix: str, files: dict[str, bytes]) -> dict[str, bytes]:
    if not any(n.endswith(VERILOG_SUFFIXES) for n in files):
        raise EquivError(f"no Verilog sources (.v/.sv, or RTLIL .il) given for the {prefix} design")
    return {f"{prefix}/{name}": data for name, data in files.items()}


def _run(
    sandbox: Sandbox,
    script: str,
    files: dict[str, bytes],
    name: str,
    timeout_s: float,
    want: tuple[str, ...] = (LOG, MITER_IL),
    cmd: list[str] | None = None,
) -> tuple[ExecResult, str]:
    files = {**files, name: script.encode()}
    cmd = cmd or ["yosys", "-q", "-l", LOG, "-s", name]
    res = sandbox.run(
        cmd, files, timeout_s=timeout_s, limits=Limits(cpu_s=int(timeout_s) + 5), want=list(want)
    )
    if res.exit_code == 127 or "execvp" in res.stderr:
        raise EquivError(
            f"{cmd[0]} is not installed where the sandbox runs; install it (see `chipsmith doctor`)"
        )
    return res, res.files.get(LOG, b"").decode(errors="replace") or res.stdout + res.stderr


def _setup_error(log: str, exit_code: int) -> EquivError:
    msg = yosys_error(log) or f"yosys failed (exit {exit_code})"
    if "No matching port" in msg:
        msg += " (gold and gate need the same port names and widths)"
    return EquivError(msg)


def check_equivalence(
    gold: dict[str, bytes],
    gate: dict[str, bytes],
    *,
    top: str | None = None,
    gate_top: str | None = None,
    depth: int = 20,
    sandbox: Sandbox | None = None,
    timeout_s: float = 300,
    reset: str | None = "auto",
    gate_liberty: str | None = None,
    engine: str = "sat",
) -> EquivResult:
    """Prove ``gate`` equivalent to ``gold`` (relative name -> content), or find a counterexample.

    ``top``/``gate_top``: top modules (default: yosys picks); ``depth``: most induction steps for a
    sequential design; ``gate_liberty``: liberty text defining the cells of a mapped ``gate``
    netlist. ``engine``: ``sat`` (yosys SAT / temporal induction, counterexamples) or ``abc`` (ABC's
    ``dprove`` on an AIGER miter: much faster on arithmetic and deep state, no counterexample).
    Raises EquivError (one line) when the check cannot be set up.
    """
    start = time.monotonic()
    if depth < 1:
        raise EquivError("depth must be at least 1")
    if engine not in ENGINES:
        raise EquivError(f"unknown equivalence engine {engine!r}; use one of {', '.join(ENGINES)}")
    files = {**_sources("gold", gold), **_sources("gate", gate)}
    if gate_liberty is not None:
        lib = gate_liberty if engine == "sat" else ea.normalize_ff_storage(gate_liberty)
        files[GATE_LIB] = lib.encode()
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    verilog = sorted(n for n in files if n.endswith(VERILOG_SUFFIXES))
    script = build_miter_script(
        [n for n in verilog if n.startswith("gold/")],
        [n for n in verilog if n.startswith("gate/")],
        top=top,
        gate_top=gate_top or top,
        gate_cells=GATE_LIB if gate_liberty is not None else None,
        ignore_gold_x=engine == "sat",
    )
    res, log = _run(sandbox, script, files, MITER_YS, timeout_s)
    if not res.ok or MITER_IL not in res.files:
        raise (
            EquivError("timed out building the miter") if res.timed_out else _setup_error(log, res.exit_code)
        )
    info = ep.parse_miter(log)
    sequential = info.flip_flops > 0
    rst = pick_reset(info.inputs, reset) if sequential else None
    if engine == "abc":
        left = max(1.0, timeout_s - (time.monotonic() - start))
        return _prove_abc(sandbox, res.files[MITER_IL], log, sequential, rst, left, start)
    sat = build_sat_script(sequential=sequential, depth=depth, reset=rst)
    left = max(1.0, timeout_s - (time.monotonic() - start))
    res, sat_log = _run(sandbox, sat, {MITER_IL: res.files[MITER_IL]}, SAT_YS, left)
    return _verdict(res, log + "\n--- sat ---\n" + sat_log, sequential, depth, rst, time.monotonic() - start)


def _verdict(
    res: ExecResult, log: str, sequential: bool, depth: int, rst: tuple[str, int] | None, wall_s: float
) -> EquivResult:
    if not res.ok and not res.timed_out:
        raise _setup_error(log, res.exit_code)
    sat_log = log.split("--- sat ---", 1)[1]
    verdict = ep.parse_sat_induction(sat_log, depth) if sequential else ep.parse_sat_comb(sat_log)
    method = "sat-comb" if not sequential else ("bmc" if verdict.equivalent is None else "induction")
    message = verdict.message if not res.timed_out else f"unknown: timed out; {verdict.message}"
    return EquivResult(
        equivalent=None if res.timed_out and verdict.equivalent is None else verdict.equivalent,
        method=method,
        depth=verdict.depth,
        counterexample=verdict.counterexample,
        message=message,
        log=log,
        wall_s=round(wall_s, 3),
        reset=rst[0] if rst else None,
    )


def _prove_abc(
    sandbox: Sandbox,
    miter_il: bytes,
    log: str,
    sequential: bool,
    rst: tuple[str, int] | None,
    timeout_s: float,
    start: float,
) -> EquivResult:
    """The ABC engine: the miter as AIGER (with the reset wrapper), then ``dprove``."""
    wrapper = ea.build_reset_wrapper(ea.parse_rtlil_ports(miter_il.decode()), rst) if rst else None
    files = {MITER_IL: miter_il, **({WRAPPER: wrapper.encode()} if wrapper else {})}
    script = ea.build_aiger_script(miter_il=MITER_IL, aiger=MITER_AIG, wrapper=WRAPPER if wrapper else None)
    res, aig_log = _run(sandbox, script, files, AIG_YS, timeout_s, want=(LOG, MITER_AIG))
    if not res.ok or MITER_AIG not in res.files:
        raise (
            EquivError("timed out writing the miter")
            if res.timed_out
            else _setup_error(aig_log, res.exit_code)
        )
    left = max(1.0, timeout_s - (time.monotonic() - start))
    cmd = ea.build_abc_command(MITER_AIG, left)
    res, abc_log = _run(sandbox, "", {MITER_AIG: res.files[MITER_AIG]}, f"{WORK}/unused", left, (), cmd)
    verdict = None if res.timed_out else ea.parse_dprove(res.stdout + res.stderr)
    if verdict is None and not res.ok and not res.timed_out:
        raise EquivError(f"yosys-abc failed (exit {res.exit_code})")
    method = "abc-induction" if sequential else "abc-cec"
    words = {True: "proven equivalent", False: "not equivalent: ABC found a difference", None: "unknown"}
    message = words[verdict] + (" (timed out)" if res.timed_out else "") + f" by ABC dprove ({method})"
    return EquivResult(
        equivalent=verdict,
        method=method,
        depth=None,
        counterexample=None,
        message=message,
        log=log + "\n--- abc ---\n" + abc_log,
        wall_s=round(time.monotonic() - start, 3),
        reset=rst[0] if rst else None,
    )


# The registry holds the function itself: agents get its schema from the typed signature.
TOOLS.add("equivalence", check_equivalence)
