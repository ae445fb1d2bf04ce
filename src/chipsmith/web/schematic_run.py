"""Synthesize one workspace design for its schematic: the mapped netlist as yosys JSON, the PPA
figures and OpenSTA's critical path (``schematic.py`` reads them). Runs in the sandbox.

The synthesis is ``chipsmith.tools.synthesize``'s own flow (same script, same fix-ups, same STA),
so the drawing is the netlist whose area and delay the PPA page and the session's checks report.
Results are cached in memory by (design content, top, libraries).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from chipsmith.web.schematic import MAX_CELLS, CriticalPath, critical_path, highlight, top_module

JSON_OUT = "_chipsmith/netlist.json"


class SchematicError(RuntimeError):
    """The design cannot be drawn (does not synthesize, too large); the message is one line."""


class Schematic(BaseModel):
    design: str
    top: str
    netlist: dict[str, Any]
    path: CriticalPath
    highlight: dict[str, list[Any]]
    area_um2: float
    delay_ps: float | None
    power_w: float | None
    cell_count: int
    liberty: list[str]


def build_json_script(lib: str, netlist: str, top: str, out: str) -> str:
    """Pure: yosys reads the mapped netlist over the library's cells (black boxes with port
    directions, which netlistsvg needs) and writes it as JSON."""
    from chipsmith.tools._yosys_names import module_name

    return "\n".join([f"read_liberty -lib {lib}", f"read_verilog {netlist}",
                      f"hierarchy -top {module_name(top, SchematicError)}", f"write_json {out}"]) + "\n"  # fmt: skip


def draw(design: str, source: bytes, top: str | None, liberty: list[Any], cache: dict[str, Any]) -> Schematic:
    """The schematic of ``design`` (workspace path, its content ``source``), synthesized once."""
    key = (
        "schematic:"
        + hashlib.sha256(
            json.dumps([design, hashlib.sha256(source).hexdigest(), top, [str(p) for p in liberty]]).encode()
        ).hexdigest()
    )
    if key not in cache:
        cache[key] = _synthesize(design, source, top, liberty)
    result: Schematic = cache[key]
    return result


def _synthesize(design: str, source: bytes, top: str | None, liberty: list[Any]) -> Schematic:
    from chipsmith.sandbox import get_sandbox
    from chipsmith.sandbox.base import Limits
    from chipsmith.tools.liberty import LibertyError, load_liberties
    from chipsmith.tools.liberty._helpers import helper_cells, netlist_fixups
    from chipsmith.tools.synthesize import LIB, NETLIST, SynthError, build_yosys_script, synthesize_script

    name = design.rsplit("/", 1)[-1]
    try:
        lib_text, lib_names = load_liberties(liberty or None)
        script = build_yosys_script([name], top=top, liberty=LIB, clock_period_ps=1000.0,
                                    fixups=netlist_fixups(helper_cells(lib_text)))  # fmt: skip
        sandbox = get_sandbox()
        result, netlist = synthesize_script({name: source}, script, lib_text=lib_text, lib_names=lib_names,
                                            clock_period_ps=1000.0, sandbox=sandbox)  # fmt: skip
    except (SynthError, LibertyError) as exc:
        raise SchematicError(str(exc).splitlines()[0]) from None
    if result.cell_count > MAX_CELLS:
        raise SchematicError(f"{result.cell_count} cells: too many to draw (at most {MAX_CELLS})")
    files = {LIB: lib_text.encode(), NETLIST: netlist,
             "_chipsmith/json.ys": build_json_script(LIB, NETLIST, result.top, JSON_OUT).encode()}  # fmt: skip
    res = sandbox.run(["yosys", "-q", "-s", "_chipsmith/json.ys"], files, timeout_s=120,
                      limits=Limits(cpu_s=125), want=[JSON_OUT])  # fmt: skip
    if not res.ok or JSON_OUT not in res.files:
        raise SchematicError(
            f"yosys could not write the netlist as JSON: {(res.stderr or res.stdout)[-300:]}"
        )
    try:
        netlist_json = top_module(json.loads(res.files[JSON_OUT]), result.top)
    except ValueError as exc:
        raise SchematicError(str(exc)) from None
    path = critical_path(result.log.split("--- sta ---", 1)[-1])
    module = next(iter(netlist_json["modules"].values()))
    return Schematic(
        design=design, top=result.top, netlist=netlist_json, path=path, highlight=highlight(module, path),
        area_um2=result.area_um2, delay_ps=result.delay_ps, power_w=result.power_w,
        cell_count=result.cell_count, liberty=result.liberty,
    )  # fmt: skip
