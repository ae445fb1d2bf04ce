"""What the synthesis agent reads after synthesizing a design: PPA, the critical path, the biggest
cells, the register count, the power split. Pure parsers over the ``chipsmith synth`` logs and the
liberty text, plus ``measure`` (the one function that runs synthesis).

The figures are the default flow's (``chipsmith synth``: the same flow, library and clock the
orchestrator's PPA check uses), so a change judged better here is judged better there too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.tools._sta import _ARRIVAL_RE, CHECKS_BEGIN, CHECKS_END
from chipsmith.tools.optimize.pareto import score as goal_score

_AREA_RE = re.compile(r"^\s*area\s*:\s*([0-9.eE+-]+)\s*;", re.M)
_SEQ_RE = re.compile(r"^\s*(?:ff|latch|ff_bank|latch_bank)\s*\(", re.M)
_POINT_RE = re.compile(r"^\s*-?[0-9.]+\s+-?[0-9.]+\s+[\^v]\s+(\S+)\s+\((\S+)\)\s*$", re.M)
_START_RE = re.compile(r"^Startpoint:\s*(.+)$", re.M)
_END_RE = re.compile(r"^Endpoint:\s*(.+)$", re.M)
_GROUP_RE = re.compile(r"^(Sequential|Combinational)\s+\S+\s+\S+\s+\S+\s+\S+\s+([0-9.]+)%", re.M)
BIGGEST = 5
"""Cell types listed by their share of the area."""


class LibCell(BaseModel):
    area: float | None = None
    sequential: bool = False


class CellUse(BaseModel):
    cell: str
    count: int
    area_um2: float | None = None
    """count x the cell's area (None when the library gives none)."""
    share: float | None = None
    """Of the design's area, 0..1."""


class CriticalPath(BaseModel):
    start: str
    end: str
    arrival_ps: float | None = None
    cells: list[str] = Field(default_factory=list)
    """Cell types along the path, in order (flip-flop clock pins and ports left out)."""


class DesignReport(BaseModel):
    """One design synthesized with the default flow; ``error`` when it did not synthesize."""

    area_um2: float | None = None
    delay_ps: float | None = None
    power_w: float | None = None
    cell_count: int = 0
    registers: int = 0
    logic_depth: int | None = None
    clocks: list[str] = Field(default_factory=list)
    critical_path: CriticalPath | None = None
    biggest: list[CellUse] = Field(default_factory=list)
    power_split: dict[str, float] = Field(default_factory=dict)
    """Share of the power in sequential and combinational cells (percent)."""
    error: str | None = None

    def figures(self) -> dict[str, float | None]:
        return {"area_um2": self.area_um2, "delay_ps": self.delay_ps, "power_w": self.power_w}

    def score(self, goal: str) -> float | None:
        """The goal's value to minimize (None when a figure it needs is missing)."""
        if self.error or self.area_um2 is None or self.delay_ps is None:
            return None
        if goal == "power" and self.power_w is None:
            return None
        return goal_score(goal, (self.area_um2, self.delay_ps, self.power_w or 0.0))


def liberty_cells(text: str) -> dict[str, LibCell]:
    """Pure: each cell of a liberty text -> its area and whether it stores state."""
    from chipsmith.tools.liberty import _CELL_NAME_RE, _FIRST_CELL_RE, _group_at

    out: dict[str, LibCell] = {}
    for m in _FIRST_CELL_RE.finditer(text):
        group = _group_at(text, m.start())
        name = _CELL_NAME_RE.match(group)
        if name is None or name.group(1) in out:
            continue
        area = _AREA_RE.search(group)
        out[name.group(1)] = LibCell(
            area=float(area.group(1)) if area else None, sequential=bool(_SEQ_RE.search(group))
        )
    return out


def parse_critical_path(sta_log: str) -> CriticalPath | None:
    """Pure: start, end, arrival and the cell types of the worst path in ``report_checks`` output."""
    start, stop = sta_log.find(CHECKS_BEGIN), sta_log.find(CHECKS_END)
    block = sta_log[start:stop] if 0 <= start < stop else sta_log
    head, end = _START_RE.search(block), _END_RE.search(block)
    if head is None or end is None:
        return None
    arrival_at = _ARRIVAL_RE.search(block)
    launch = block[: arrival_at.start()] if arrival_at else block
    points = [
        (pin.rsplit("/", 1)[0], cell) for pin, cell in _POINT_RE.findall(launch) if cell not in ("in", "out")
    ]
    # A launching flip-flop appears twice (its clock pin, then Q): one entry per cell instance.
    path = [cell for i, (inst, cell) in enumerate(points) if i == 0 or inst != points[i - 1][0]]
    return CriticalPath(
        start=_name(head.group(1)), end=_name(end.group(1)),
        arrival_ps=float(arrival_at.group(1)) if arrival_at else None, cells=path,
    )  # fmt: skip


def _name(text: str) -> str:
    """Pure: an STA start/end point in words: ``input a[1]``, ``output zero``, ``a flip-flop (clk)``."""
    name, _, what = text.strip().partition(" (")
    if what.startswith(("input port", "output port")):
        return f"{what.split()[0]} {name}"
    if "flip-flop" in what or "latch" in what:
        clock = what.rsplit("clocked by ", 1)[-1].rstrip(")") if "clocked by" in what else ""
        kind = "a latch" if "latch" in what else "a flip-flop"
        return f"{kind} ({clock})" if clock else kind
    return name[:120]


def parse_power_split(sta_log: str) -> dict[str, float]:
    """Pure: percent of the total power in sequential and combinational cells."""
    return {m.group(1).lower(): float(m.group(2)) for m in _GROUP_RE.finditer(sta_log)}


def biggest_cells(cells: dict[str, int], lib: dict[str, LibCell], total: float | None) -> list[CellUse]:
    """Pure: the cell types taking the most area (count x cell area), biggest first."""
    uses = []
    for cell, count in cells.items():
        area = lib.get(cell, LibCell()).area
        used = area * count if area is not None else None
        share = used / total if used is not None and total else None
        uses.append(CellUse(cell=cell, count=count, area_um2=used, share=share))
    uses.sort(key=lambda u: (u.area_um2 or 0.0, u.count), reverse=True)
    return uses[:BIGGEST]


def design_report(result: Any, lib: dict[str, LibCell]) -> DesignReport:
    """Pure: a ``SynthResult`` read as a DesignReport."""
    sta_log = result.log.split("--- sta ---", 1)[-1]
    return DesignReport(
        area_um2=result.area_um2, delay_ps=result.delay_ps, power_w=result.power_w,
        cell_count=result.cell_count,
        registers=sum(n for c, n in result.cells.items() if lib.get(c, LibCell()).sequential),
        logic_depth=result.logic_depth, clocks=list(result.clocks),
        critical_path=parse_critical_path(sta_log), biggest=biggest_cells(result.cells, lib, result.area_um2),
        power_split=parse_power_split(sta_log),
    )  # fmt: skip


def render_report(r: DesignReport) -> str:
    """Pure: the report as the model sees it."""
    if r.error:
        return f"synthesis failed: {r.error}"
    power = "n/a" if r.power_w is None else f"{r.power_w:.4g} W"
    lines = [
        f"area {r.area_um2:.3f} um^2, delay {_ps(r.delay_ps)}, power {power}; {r.cell_count} cells, "
        f"{r.registers} registers, logic depth {r.logic_depth if r.logic_depth is not None else 'n/a'}"
    ]
    if r.clocks:
        lines.append(f"clock(s): {', '.join(r.clocks)}")
    if (p := r.critical_path) is not None:
        chain = " -> ".join(_runs(p.cells)) or "(no cells)"
        lines.append(
            f"critical path: {p.start} -> {p.end}, {_ps(p.arrival_ps)}, {len(p.cells)} cells: {chain}"
        )
    if r.biggest:
        shown = [f"{u.cell} x{u.count}" + (f" ({100 * u.share:.0f}% of the area)" if u.share else "")
                 for u in r.biggest]  # fmt: skip
        lines.append("biggest cells: " + ", ".join(shown))
    if r.power_split and r.registers:
        lines.append("power: " + ", ".join(f"{k} {v:.0f}%" for k, v in r.power_split.items()))
    return "\n".join(lines)


def _ps(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f} ps"


def _runs(cells: list[str]) -> list[str]:
    """Pure: consecutive equal cells folded (``AND2_X1 x4``)."""
    out: list[str] = []
    for c in cells:
        if out and out[-1].split(" x")[0] == c:
            name, _, n = out[-1].partition(" x")
            out[-1] = f"{name} x{int(n or 1) + 1}"
        else:
            out.append(c)
    return out


class Measurer:
    """Synthesizes designs with one library and clock, once per content (a solve measures the same
    design more than once: the start, repeats of a proposal)."""

    def __init__(self, liberty: list[Path] | None, clock_period_ps: float, sandbox: Any = None) -> None:
        from chipsmith.tools.liberty import load_liberties

        self.liberty, self.clock_period_ps, self.sandbox = liberty, clock_period_ps, sandbox
        self.lib = liberty_cells(load_liberties(liberty)[0])
        self._seen: dict[str, DesignReport] = {}

    def measure(self, files: dict[str, str], top: str) -> DesignReport:
        from chipsmith.agents.session_files import sha256
        from chipsmith.tools.synthesize import SynthError, synthesize

        key = sha256("\0".join(f"{n}\0{t}" for n, t in sorted(files.items())).encode() + top.encode())
        if key not in self._seen:
            try:
                res = synthesize({n: t.encode() for n, t in files.items()}, top=top, liberty=self.liberty,
                                 clock_period_ps=self.clock_period_ps, sandbox=self.sandbox)  # fmt: skip
                self._seen[key] = design_report(res, self.lib)
            except SynthError as exc:
                self._seen[key] = DesignReport(error=str(exc))
        return self._seen[key]
