"""Pure parsers for the yosys synthesis log written by the script of ``synthesize.build_yosys_script``."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

# Markers the yosys script logs around the parts parsed here (``log <marker>``).
CLOCKS_BEGIN, CLOCKS_END = "chipsmith-clocks-begin", "chipsmith-clocks-end"
STAT_BEGIN, STAT_END = "chipsmith-stat-begin", "chipsmith-stat-end"
CMOS_BEGIN, CMOS_END = "chipsmith-cmos-begin", "chipsmith-cmos-end"

_ERROR_RE = re.compile(r"^(?:(?P<loc>\S+:\d+): )?ERROR: (?P<msg>.*)$", re.M)
_TOP_RE = re.compile(r"^Top module:\s+\\?(\S+)", re.M)
_CELL_ROW_RE = re.compile(r"^\s{5}(\S+)\s+(\d+)\s*$", re.M)
_CELLS_RE = re.compile(r"Number of cells:\s+(\d+)")
_AREA_RE = re.compile(r"Chip area for (?:top )?module '\\?[^']*':\s+([0-9.eE+-]+)")
_LTP_RE = re.compile(r"Longest topological path in \S+ \(length=(\d+)\)")
_TRANSISTORS_RE = re.compile(r"Estimated number of transistors:\s+(\d+)")


class YosysReport(BaseModel):
    """What the yosys part of synthesis found."""

    top: str | None = None
    cells: dict[str, int] = Field(default_factory=dict)
    cell_count: int = 0
    area: float | None = None
    logic_depth: int | None = None
    clocks: list[str] = Field(default_factory=list)
    transistors: int | None = None


def yosys_error(log: str) -> str | None:
    """Pure: the first ERROR line of a yosys log as one line (with its file:line when given)."""
    m = _ERROR_RE.search(log)
    if m is None:
        return None
    msg = m.group("msg").strip().rstrip(".")
    return f"{m.group('loc')}: {msg}" if m.group("loc") else msg


def _between(log: str, begin: str, end: str) -> str:
    """Pure: the text between the last ``begin`` marker line and the next ``end`` marker."""
    start = log.rfind(begin + "\n")
    if start < 0:
        return ""
    stop = log.find(end, start)
    return log[start + len(begin) + 1 : stop if stop >= 0 else len(log)]


def section(log: str, begin: str, end: str) -> str:
    """Pure: the text between the last ``begin`` marker line and the next ``end`` marker."""
    return _between(log, begin, end)


def parse_cells(stat: str) -> dict[str, int]:
    """Pure: cell type -> count from one ``stat`` block (rows indented under "Number of cells")."""
    at = stat.find("Number of cells:")
    if at < 0:
        return {}
    rows = stat[at:].split("\n")[1:]
    cells: dict[str, int] = {}
    for row in rows:
        m = _CELL_ROW_RE.match(row)
        if m is None:
            break
        cells[m.group(1)] = int(m.group(2))
    return cells


def parse_clocks(block: str) -> list[str]:
    """Pure: port names from ``select -list`` lines such as ``counter8/clk``."""
    names = []
    for line in block.splitlines():
        line = line.strip()
        if "/" in line:
            names.append(line.split("/", 1)[1].lstrip("\\"))
    return sorted(set(names))


def parse_yosys_log(log: str) -> YosysReport:
    """Pure: top, mapped cells, area, logic depth, clock ports and transistor estimate."""
    stat = _between(log, STAT_BEGIN, STAT_END)
    tops = _TOP_RE.findall(log)
    count = _CELLS_RE.search(stat)
    area = _AREA_RE.search(stat)
    depth = _LTP_RE.search(log)
    trans = _TRANSISTORS_RE.search(_between(log, CMOS_BEGIN, CMOS_END))
    return YosysReport(
        top=tops[-1] if tops else None,
        cells=parse_cells(stat),
        cell_count=int(count.group(1)) if count else 0,
        area=float(area.group(1)) if area else None,
        logic_depth=int(depth.group(1)) if depth else None,
        clocks=parse_clocks(_between(log, CLOCKS_BEGIN, CLOCKS_END)),
        transistors=int(trans.group(1)) if trans else None,
    )
