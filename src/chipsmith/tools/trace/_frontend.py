"""The front end: Verilator's ``--xml-only`` output turned into a ``DesignModel``.

Verilator's XML is the elaborated syntax tree with a file, line and column on every node, so
nothing here re-parses Verilog text. ``verilator_xml_cmd`` builds the command (run in the sandbox
by ``tool.py``); the rest is pure. ``-fno-dfg`` keeps every named wire (the data-flow optimiser
would otherwise fold some into temporaries). The design is found in the testbench's hierarchy:
the one module the testbench instantiates from another file (VerilogEval's ``RefModule``
excepted, ``TopModule`` breaking a tie), or the module named by the caller.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from chipsmith.tools.trace._design import DesignModel, Line, SignalInfo
from chipsmith.tools.trace._walk import Walker, WalkError

__all__ = ["DesignModel", "FrontendError", "Line", "SignalInfo", "parse_design_xml", "verilator_xml_cmd"]

XML_FILE = ".chipsmith_design.xml"
REF_MODULE = "RefModule"
"""VerilogEval's name for the reference instantiated next to the design; never the design."""


class FrontendError(ValueError):
    """The XML cannot be read, or the design cannot be found in it."""


def verilator_xml_cmd(files: Sequence[str], top: str, *, timing: bool = True) -> list[str]:
    """Pure: the Verilator command writing the elaborated tree of ``files`` under ``top`` to ``XML_FILE``."""
    cmd = [
        "verilator",
        "--xml-only",
        "--xml-output",
        XML_FILE,
        "-fno-dfg",
        "-Wno-fatal",
        "-Wno-lint",
        "-Wno-style",
    ]
    return cmd + (["--timing"] if timing else []) + ["-I.", "--top-module", top, *files]


def find_design_cell(root: ET.Element, design_top: str | None) -> ET.Element:
    """The cell of the design under test: ``design_top`` when given; else the one module the
    testbench instantiates that is defined outside the testbench's file (VerilogEval's
    ``RefModule`` excepted), ``TopModule`` breaking a tie."""
    cells = list(root.iter("cell"))
    if not cells:
        raise FrontendError("the front end's output has no module hierarchy")
    modules = {m.get("name", ""): m for m in root.iter("module")}

    def orig(cell: ET.Element) -> str:
        mod = modules.get(cell.get("submodname", ""))
        return mod.get("origName", "") if mod is not None else cell.get("submodname", "")

    if design_top:
        found = [c for c in cells if orig(c) == design_top]
        if not found:
            raise FrontendError(f"the testbench does not instantiate module {design_top!r}")
        return found[0]
    root_cell = cells[0]
    root_file = (modules.get(root_cell.get("submodname", "")) or root_cell).get("loc", "").split(",")[0]

    def file_of(cell: ET.Element) -> str:
        return (modules.get(cell.get("submodname", "")) or cell).get("loc", "").split(",")[0]

    kids = [c for c in root_cell.findall("cell") if file_of(c) != root_file and orig(c) != REF_MODULE]
    if len(kids) == 1:
        return kids[0]
    named = [c for c in kids if orig(c) == "TopModule"]
    if len(named) == 1:
        return named[0]
    names = ", ".join(sorted({orig(c) for c in kids})) or "none"
    raise FrontendError(
        f"cannot tell which instantiated module is the design (candidates: {names}); pass design_top"
    )


def parse_design_xml(
    text: str, design_top: str | None = None, sources: Mapping[str, str] | None = None
) -> DesignModel:
    """Pure: the ``DesignModel`` from Verilator's XML (testbench + design, or the design alone).

    ``sources`` (file name -> text) lets parameter uses, which Verilator folds into constants, be
    traced back to the parameter's declaration line."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise FrontendError(f"the front end's XML is malformed: {exc}") from None
    cell = find_design_cell(root, design_top)
    walker = Walker(root, sources or {})
    try:
        walker.walk(cell.get("submodname", ""))
    except WalkError as exc:
        raise FrontendError(str(exc)) from None
    hier = cell.get("hier", "")
    module = walker.modules.get(cell.get("submodname", ""))
    top = module.get("origName", "") if module is not None else cell.get("submodname", "")
    inputs = {s.name for s in walker.signals.values() if s.direction == "input"}
    clocks = [(n, e) for n, e in walker.clocks if n in inputs] or _inner_clocks(walker, inputs)
    return DesignModel(
        top=top,
        instance=hier if "." in hier else None,
        signals=walker.signals,
        clocks=clocks,
        files=walker.design_files,
        types=walker.types(),
    )


def _inner_clocks(walker: Walker, inputs: set[str]) -> list[tuple[str, str]]:
    """Clocks used only inside sub-modules, traced back to the top input feeding them."""
    out: list[tuple[str, str]] = []
    for name, edge in walker.clocks:
        sig = walker.signals.get(name)
        src = next(iter(sig.deps)) if sig is not None and len(sig.deps) == 1 else None
        if src in inputs and (src, edge) not in out:
            out.append((src, edge))
    return out
