"""OpenSTA (``sta``) for timing and power of a mapped netlist: a pure script builder and a pure parser."""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

CHECKS_BEGIN, CHECKS_END = "chipsmith-checks-begin", "chipsmith-checks-end"
VIRTUAL_CLOCK = "chipsmith_vclk"

_SLACK_RE = re.compile(r"^\s*(-?[0-9.]+)\s+slack \((?:MET|VIOLATED)\)", re.M)
_ARRIVAL_RE = re.compile(r"^\s*(-?[0-9.]+)\s+data arrival time", re.M)
_WNS_RE = re.compile(r"^wns (-?[0-9.eE+-]+)", re.M)
_TNS_RE = re.compile(r"^tns (-?[0-9.eE+-]+)", re.M)
_POWER_RE = re.compile(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", re.M)
_ERROR_RE = re.compile(r"^Error: (.*)$", re.M)


def power_assumption(activity: float, clocked: bool, period_ps: float) -> str:
    """Pure: the switching-activity assumption behind ``power_w``, in words."""
    clock = "the clock toggles every cycle" if clocked else "combinational: a virtual clock sets the rate"
    return (
        f"OpenSTA vectorless: every non-clock input toggles with activity {activity:g} per cycle "
        f"(set_power_activity -input -activity {activity:g}) at a {period_ps:g} ps period; {clock}; "
        "internal nets propagated by OpenSTA"
    )


def _tcl_ports(names: list[str]) -> str:
    return "[get_ports {" + " ".join(names) + "}]"


def build_sta_script(
    *,
    liberty: str,
    netlist: str,
    top: str,
    clocks: list[str],
    period_ps: float,
    activity: float,
) -> str:
    """Pure: the OpenSTA Tcl script (times in the library's unit, which must be ps).

    A design with no clock port gets a virtual clock, so its input-to-output delay is the arrival
    time of the worst path against a period of ``period_ps``.
    """
    lines = [f"read_liberty {{{liberty}}}", f"read_verilog {{{netlist}}}", f"link_design {{{top}}}"]
    if clocks:
        for clk in clocks:
            lines.append(f"create_clock -name {{{clk}}} -period {period_ps:g} {_tcl_ports([clk])}")
        ref = clocks[0]
        inputs = f"[delete_from_list [all_inputs] {_tcl_ports(clocks)}]"
    else:
        lines.append(f"create_clock -name {VIRTUAL_CLOCK} -period {period_ps:g}")
        ref, inputs = VIRTUAL_CLOCK, "[all_inputs]"
    lines += [
        f"set_input_delay 0 -clock {{{ref}}} {inputs}",
        f"set_output_delay 0 -clock {{{ref}}} [all_outputs]",
        f"set_power_activity -input -activity {activity:g}",
        f"puts {CHECKS_BEGIN}",
        "report_checks -path_delay max -digits 3",
        f"puts {CHECKS_END}",
        "report_wns -digits 3",
        "report_tns -digits 3",
        "report_power -digits 6",
    ]
    return "\n".join(lines) + "\n"


class StaReport(BaseModel):
    """What OpenSTA reported (times in ps, power in W)."""

    slack_ps: float | None = None
    arrival_ps: float | None = None
    wns_ps: float | None = None
    tns_ps: float | None = None
    power_w: float | None = None
    errors: list[str] = []


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_sta_log(log: str) -> StaReport:
    """Pure: worst setup slack and arrival of the critical path, WNS/TNS, total power, errors."""
    start, stop = log.find(CHECKS_BEGIN), log.find(CHECKS_END)
    checks = log[start:stop] if 0 <= start < stop else ""
    slack, arrival = _SLACK_RE.search(checks), _ARRIVAL_RE.search(checks)
    wns, tns, power = _WNS_RE.search(log), _TNS_RE.search(log), _POWER_RE.search(log)
    return StaReport(
        slack_ps=float(slack.group(1)) if slack else None,
        arrival_ps=float(arrival.group(1)) if arrival else None,
        wns_ps=_float(wns.group(1)) if wns else None,
        tns_ps=_float(tns.group(1)) if tns else None,
        power_w=_float(power.group(4)) if power else None,
        errors=[e.strip() for e in _ERROR_RE.findall(log)],
    )
