"""Pure: a mapped netlist as netlistsvg input, and OpenSTA's critical path on it.

The schematic is the netlist that synthesis measured (``chipsmith.tools.synthesize``: cells of the
liberty library), written as yosys JSON; the critical path is OpenSTA's ``report_checks`` of the
same netlist, so every pin it names is a cell of the drawing. The page draws the JSON with
netlistsvg and colours the path's cells and the nets between them (``highlight``).

Names from the design reach the page inside the netlist: every one is checked against a plain
identifier alphabet and replaced by ``n<k>`` when it has anything else (quotes, angle brackets).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.tools._sta import CHECKS_BEGIN, CHECKS_END

SAFE_NAME = re.compile(r"^[A-Za-z0-9_$.\[\]:/\\-]{1,200}$")
_PIN = re.compile(r"^\s*-?[0-9.]+\s+-?[0-9.]+\s+[v^]\s+(\S+)\s+\(([^)]*)\)\s*$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]*)?$")
_POINT = re.compile(r"^(Startpoint|Endpoint):\s+(\S+)")
MAX_CELLS = 1500
"""Larger netlists are not drawn (the layout in the browser would take minutes)."""


class PathPin(BaseModel):
    """One point of the critical path: an instance pin (``_29_/Y``) or a port (``a[0]``)."""

    name: str
    kind: str
    """in, out (ports) or the library cell of the instance."""
    instance: str | None = None
    pin: str | None = None


class CriticalPath(BaseModel):
    startpoint: str = ""
    endpoint: str = ""
    arrival_ps: float | None = None
    points: list[PathPin] = Field(default_factory=list)


def critical_path(sta_log: str) -> CriticalPath:
    """Pure: the worst path of OpenSTA's ``report_checks`` (between chipsmith's markers)."""
    start, stop = sta_log.find(CHECKS_BEGIN), sta_log.find(CHECKS_END)
    text = sta_log[start:stop] if 0 <= start < stop else ""
    out = CriticalPath()
    for line in text.splitlines():
        if m := _POINT.match(line):
            setattr(out, m.group(1).lower(), m.group(2))
        elif out.arrival_ps is None and (m := _PIN.match(line)):  # after the arrival: the capture side
            name, kind = m.group(1), m.group(2)
            inst, _, pin = name.rpartition("/") if kind not in ("in", "out") else ("", "", "")
            out.points.append(PathPin(name=name, kind=kind, instance=inst or None, pin=pin or None))
        elif "data arrival time" in line and out.arrival_ps is None:
            out.arrival_ps = float(line.split()[0]) if _NUMBER.match(line.split()[0]) else None
    return out


def top_module(netlist: dict[str, Any], top: str) -> dict[str, Any]:
    """Pure: the netlist of ``top`` alone (the library cells are black boxes netlistsvg draws as
    generic boxes from their port directions), names made safe, ready for ``netlistsvg.render``."""
    module = (netlist.get("modules") or {}).get(top)
    if not isinstance(module, dict):
        raise ValueError(f"module {top} is not in the synthesized netlist")
    renames: dict[str, str] = {}

    def safe(name: str) -> str:
        if SAFE_NAME.match(name):
            return name
        return renames.setdefault(name, f"n{len(renames)}")

    ports = {
        safe(k): {"direction": v["direction"], "bits": v["bits"]} for k, v in module.get("ports", {}).items()
    }
    cells = {
        safe(k): {"type": safe(str(c.get("type", "?"))), "port_directions": c.get("port_directions", {}),
                  "connections": c.get("connections", {})}
        for k, c in module.get("cells", {}).items()
    }  # fmt: skip
    nets = {safe(k): {"bits": v["bits"], "hide_name": v.get("hide_name", 0)}
            for k, v in module.get("netnames", {}).items()}  # fmt: skip
    return {"modules": {safe(top): {"ports": ports, "cells": cells, "netnames": nets}}}


def highlight(module: dict[str, Any], path: CriticalPath) -> dict[str, list[Any]]:
    """Pure: what to colour: the path's cells and ports, and the net bits that join consecutive
    points (a cell's output bit that the next cell on the path reads)."""
    cells = module.get("cells", {})
    ports = module.get("ports", {})
    on_path = [p for p in path.points if p.instance is None or p.instance in cells]
    bits: list[int] = []
    for a, b in zip(on_path, on_path[1:], strict=False):
        if a.instance is not None and a.instance == b.instance:
            continue  # a cell's own arc (clock to Q): no net between the two points
        out_bits = _bits_of(a, cells, ports, "output")
        in_bits = _bits_of(b, cells, ports, "input")
        bits += [x for x in out_bits if x in in_bits]
    return {
        "cells": list(dict.fromkeys(p.instance for p in on_path if p.instance is not None)),
        "ports": [_port_name(p.name) for p in on_path if p.instance is None],
        "bits": sorted(set(bits)),
    }


def _port_name(name: str) -> str:
    return name.split("[", 1)[0]


def _bits_of(p: PathPin, cells: dict[str, Any], ports: dict[str, Any], role: str) -> list[int]:
    """Bits a path point drives (``role`` output) or reads (input)."""
    if p.instance is None:
        port = ports.get(_port_name(p.name), {})
        bits = list(port.get("bits", []))
        m = re.search(r"\[(\d+)\]$", p.name)
        if m and int(m.group(1)) < len(bits):
            bits = [bits[int(m.group(1))]]
        return [b for b in bits if isinstance(b, int)]
    cell = cells[p.instance]
    conns, dirs = cell.get("connections", {}), cell.get("port_directions", {})
    if role == "output":
        names = [p.pin] if p.pin in conns else [k for k, d in dirs.items() if d == "output"]
    else:
        names = [k for k, d in dirs.items() if d == "input"]
    return [b for k in names for b in conns.get(k, []) if isinstance(b, int)]
