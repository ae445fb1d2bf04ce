"""Pure parts of the ABC equivalence engine: the miter as an AIGER file, proved by ABC's ``dprove``.

``dprove`` runs combinational equivalence (SAT sweeping) on a miter without latches and, on a
sequential one, signal correspondence (``scorr``), induction, interpolation and PDR. On the designs
that SAT alone could not settle (multipliers, register files, FIFOs: unknown after 20 steps or
120 s with ``sat -tempinduct``), it answered in seconds.

AIGER latches all start at zero, so two designs are compared from the all-zero state. Two things
keep that fair: flip-flop cells that store the inverted value (ASAP7's ``DFFHQN``: ``next_state :
"!D"``) are re-described to store the true value (``normalize_ff_storage``), and when a reset input
is named, a wrapper asserts it in the first cycle and compares outputs from the second.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

CHECK_TOP = "chipsmith_check"

_FF_HEAD_RE = re.compile(r"\bff\s*\(\s*\"?(\w+)\"?\s*,\s*\"?(\w+)\"?\s*\)\s*\{")
_NEXT_NOT_RE = re.compile(r"(next_state\s*:\s*\")\s*!\s*(\w+)\s*(\")")
_PAIR_SWAPS = (("clear", "preset"), ("clear_preset_var1", "clear_preset_var2"))
_RTLIL_PORT_RE = re.compile(
    r"^\s*wire (?:width (\d+) )?(?:(?:upto|signed|offset -?\d+) )*(input|output) \d+ \\(\S+)\s*$", re.M
)


class Port(BaseModel):
    name: str
    width: int
    direction: str


def _group_end(text: str, start: int) -> int:
    """Pure: index just past the brace group whose ``{`` is at or after ``start``."""
    depth = 0
    for i in range(text.index("{", start), len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _swap_attrs(body: str, a: str, b: str) -> str:
    """Pure: exchange the names of attributes ``a`` and ``b`` (``a :`` becomes ``b :`` and back)."""
    pat = re.compile(rf"\b({a}|{b})(\s*:)")
    return pat.sub(lambda m: (b if m.group(1) == a else a) + m.group(2), body)


def normalize_ff_storage(lib: str) -> str:
    """Pure: re-describe ``ff (IQN, IQNN) { next_state : "!D"; ... }`` as ``ff (IQNN, IQN)`` storing D.

    The cell behaves the same (liberty's second variable is by definition the complement of the
    first; pin functions still name the same variables), but its stored bit now has the polarity
    of the register it implements, so an all-zero start means the same state in RTL and netlist.
    Clear and preset swap with the variables. Groups whose next state is not a plain ``!PIN`` are
    left alone.
    """
    out, pos = [], 0
    for m in _FF_HEAD_RE.finditer(lib):
        if m.start() < pos:
            continue
        end = _group_end(lib, m.start())
        group = lib[m.start() : end]
        if _NEXT_NOT_RE.search(group):
            body = _NEXT_NOT_RE.sub(r"\1\2\3", group[m.end() - m.start() :])
            for a, b in _PAIR_SWAPS:
                body = _swap_attrs(body, a, b)
            group = f"ff ({m.group(2)}, {m.group(1)}) {{" + body
        out += [lib[pos : m.start()], group]
        pos = end
    out.append(lib[pos:])
    return "".join(out)


def parse_rtlil_ports(rtlil: str) -> list[Port]:
    """Pure: the ports of the (single) module in an RTLIL text, in file order."""
    return [
        Port(name=name, width=int(width or 1), direction=direction)
        for width, direction, name in _RTLIL_PORT_RE.findall(rtlil)
    ]


def build_reset_wrapper(ports: list[Port], reset: tuple[str, int]) -> str:
    """Pure: Verilog top that asserts ``in_<reset>`` in the first cycle and masks the trigger there.

    ``$global_clock`` makes ``started`` a flip-flop of the one clock AIGER knows about.
    """
    name, active = reset
    ins = [p for p in ports if p.direction == "input"]
    decl = ", ".join(f"input [{p.width - 1}:0] {p.name}" for p in ins)
    conns = ", ".join(
        f".{p.name}(started ? {p.name} : {p.width}'d{active})"
        if p.name == f"in_{name}"
        else f".{p.name}({p.name})"
        for p in ins
    )
    return (
        f"module {CHECK_TOP}({decl}, output trigger);\n"
        "  reg started = 1'b0;\n"
        "  always @($global_clock) started <= 1'b1;\n"
        "  wire t;\n"
        f"  miter m({conns}, .trigger(t));\n"
        "  assign trigger = started & t;\n"
        "endmodule\n"
    )


def build_aiger_script(*, miter_il: str, aiger: str, wrapper: str | None) -> str:
    """Pure: the miter (trigger output only) as an AIGER file with all latches starting at zero.

    Undefined constants become 0: an ``x`` the RTL leaves free may then read as a difference,
    which can cost a proof but never fakes one.
    """
    top = CHECK_TOP if wrapper else "miter"
    lines = [f"read_rtlil {miter_il}"] + ([f"read_verilog -sv {wrapper}"] if wrapper else [])
    lines += [
        f"hierarchy -top {top}",
        "proc",
        "flatten",
        f"hierarchy -top {top}",
        f"delete -port {top}/o:* {top}/o:trigger %d",
        "techmap",
        "opt -fast",
        "setundef -undriven -zero",
        "setundef -zero -init",
        "async2sync",
        "dffunmap",
        "aigmap",
        "opt_clean",
        f"write_aiger -zinit {aiger}",
    ]
    return "\n".join(lines) + "\n"


def build_abc_command(aiger: str, timeout_s: float) -> list[str]:
    """Pure: ``yosys-abc`` proving the miter; ``-T`` bounds its last engine (PDR) as well."""
    return ["yosys-abc", "-c", f"read_aiger {aiger}; dprove -T {max(1, int(timeout_s))}"]


def parse_dprove(log: str) -> bool | None:
    """Pure: True proven, False a difference found, None undecided (from ``dprove``'s output)."""
    low = log.lower()
    if (
        "networks are not equivalent" in low
        or "was asserted in frame" in low
        or re.search(r"^satisfiable", low, re.M)
    ):
        return False
    if (
        "networks are equivalent" in low
        or "property proved" in low
        or re.search(r"^unsatisfiable", low, re.M)
    ):
        return True
    return None
