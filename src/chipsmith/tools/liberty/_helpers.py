"""Pure: find the buffer and tie cells of a liberty library (for a netlist OpenSTA can read)."""

from __future__ import annotations

import re

from pydantic import BaseModel

_CELL_RE = re.compile(r"^[ \t]*cell\s*\(\s*\"?([\w.\-]+)\"?\s*\)\s*\{", re.M)
_PIN_RE = re.compile(r"\bpin\s*\(\s*\"?(\w+)\"?\s*\)\s*\{")
_DIR_RE = re.compile(r"\bdirection\s*:\s*\"?(\w+)")
_FUNC_RE = re.compile(r"\bfunction\s*:\s*\"([^\"]*)\"")
_AREA_RE = re.compile(r"\barea\s*:\s*([\d.eE+-]+)")


class HelperCells(BaseModel):
    """Cells used to remove `assign` statements from a mapped netlist (OpenSTA rejects concatenations)."""

    buf: tuple[str, str, str] | None = None
    """(cell, input pin, output pin) of the smallest buffer."""
    tiehi: tuple[str, str] | None = None
    """(cell, output pin) driving constant 1."""
    tielo: tuple[str, str] | None = None
    """(cell, output pin) driving constant 0."""


def _pins(body: str) -> list[tuple[str, str, str]]:
    """(name, direction, function) of every pin in one cell's text."""
    found = list(_PIN_RE.finditer(body))
    pins = []
    for i, m in enumerate(found):
        chunk = body[m.end() : found[i + 1].start() if i + 1 < len(found) else len(body)]
        direction = _DIR_RE.search(chunk)
        func = _FUNC_RE.search(chunk)
        pins.append(
            (m.group(1), direction.group(1) if direction else "", func.group(1).strip() if func else "")
        )
    return pins


def helper_cells(text: str) -> HelperCells:
    """Pure: the smallest buffer and the tie-high / tie-low cells a library defines."""
    cells = list(_CELL_RE.finditer(text))
    out = HelperCells()
    best_buf_area = float("inf")
    for i, m in enumerate(cells):
        body = text[m.end() : cells[i + 1].start() if i + 1 < len(cells) else len(text)]
        pins = _pins(body)
        ins = [p for p in pins if p[1] == "input"]
        outs = [p for p in pins if p[1] == "output"]
        if len(outs) != 1 or re.search(r"\b(ff|latch)\s*\(", body):
            continue
        name, (oname, _, func) = m.group(1), outs[0]
        area_m = _AREA_RE.search(body)
        area = float(area_m.group(1)) if area_m else float("inf")
        if len(ins) == 1 and func == ins[0][0] and area < best_buf_area:
            out.buf, best_buf_area = (name, ins[0][0], oname), area
        elif not ins and func in ("1", "1'b1") and out.tiehi is None:
            out.tiehi = (name, oname)
        elif not ins and func in ("0", "1'b0") and out.tielo is None:
            out.tielo = (name, oname)
    return out


def netlist_fixups(cells: HelperCells) -> list[str]:
    """Pure: yosys commands that leave only cell instances (no `assign`) in the written netlist."""
    cmds = ["opt_clean -purge"]
    if cells.tiehi and cells.tielo:
        cmds.append(f"hilomap -singleton -hicell {' '.join(cells.tiehi)} -locell {' '.join(cells.tielo)}")
    if cells.buf:
        cmds.append(f"insbuf -buf {' '.join(cells.buf)}")
    return cmds
