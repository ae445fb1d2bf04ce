"""Pure: an ASCII waveform of a few signals around a time of interest (the chat's ``/wave``).

Columns are the times at which one of the shown signals changed (so a clock gives one column per
half period and nothing idle is drawn); each column shows the values settled at its time. One-bit
signals are drawn as levels (``_`` low, ``-`` high, ``/`` and ``\\`` the edges, ``x``/``z``
unknown); wider ones as hexadecimal values, written where they change::

    clk         __/--\\__/--\\__/--\\__/--
    d           |3   |a        |5
    sum         |0f  |12       |14
    sum (exp)   |0f  |12       |1c
                               ^ first mismatch (95 ns)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from chipsmith.tools.trace._waves import Wave
from chipsmith.tools.trace.render import fmt_time

LOW, HIGH = "_", "-"
MAX_CELL = 10
"""Widest column: the change mark, 8 hex digits and a blank; wider values are cut and end in ``+``."""


@dataclass(frozen=True)
class Row:
    label: str
    wave: Wave


def hex_value(bits: str) -> str:
    """Pure: a bit string (MSB first; ``x``/``z`` allowed) as hex; a nibble with x is ``x``, with z ``z``."""
    bits = bits.lower()
    pad = (-len(bits)) % 4
    bits = (bits[:1] if bits[:1] in "xz" else "0") * pad + bits
    out = []
    for i in range(0, len(bits), 4):
        nib = bits[i : i + 4]
        out.append("x" if "x" in nib else "z" if "z" in nib else format(int(nib, 2), "x"))
    return "".join(out)


def columns(rows: list[Row], mark: int | None, before: int, after: int) -> list[int]:
    """Pure: the column times: every change of a shown signal, ``before`` of them up to ``mark`` (the
    one holding ``mark`` included) and ``after`` past it; with no mark, the first ``before + after``."""
    times = sorted({t for r in rows for t in r.wave.times})
    if not times:
        return [0]
    if mark is None:
        return times[: before + after]
    i = max(0, bisect_right(times, mark) - 1)
    return times[max(0, i - before + 1) : i + 1 + after]


def mark_index(times: list[int], mark: int | None) -> int | None:
    """Pure: the column whose time span holds ``mark`` (None when there is no mark or it is outside)."""
    if mark is None or not times or mark < times[0]:
        return None
    return bisect_right(times, mark) - 1


def cell_width(rows: list[Row], times: list[int]) -> int:
    """Pure: one column's width: the change mark, the widest hex value shown, and a blank."""
    widest = max((len(hex_value(r.wave.at(t))) for r in rows if r.wave.width > 1 for t in times), default=1)
    return min(MAX_CELL, max(2, widest) + 2)


def bit_cells(values: list[str], width: int) -> str:
    """Pure: a one-bit signal's level line (``values``: one of 0/1/x/z per column)."""
    out = []
    for i, v in enumerate(values):
        fill = {"0": LOW, "1": HIGH}.get(v, v)
        prev = values[i - 1] if i else v
        if prev == v:
            edge = fill
        elif prev + v == "01":
            edge = "/"
        elif prev + v == "10":
            edge = "\\"
        else:
            edge = "|"
        out.append(edge + fill * (width - 1))
    return "".join(out)


def bus_cells(values: list[str], width: int) -> str:
    """Pure: a vector's line: ``|value`` where it changes (and in the first column), blank after."""
    out = []
    for i, v in enumerate(values):
        if i and values[i - 1] == v:
            out.append(" " * width)
            continue
        text = hex_value(v)
        if len(text) > width - 2:
            text = text[: width - 3] + "+"
        out.append("|" + text.ljust(width - 1))
    return "".join(out)


def render(rows: list[Row], times: list[int], mark: int | None, timescale: str) -> list[str]:
    """Pure: the waveform lines for ``rows`` at the column ``times`` (``mark``: the first mismatch)."""
    if not rows:
        return []
    label = max(len(r.label) for r in rows)
    width = cell_width(rows, times)
    lines = []
    for r in rows:
        values = [r.wave.at(t) for t in times]
        body = bit_cells(values, width) if r.wave.width == 1 else bus_cells(values, width)
        lines.append(f"{r.label.ljust(label)}  {body}".rstrip())
    at = mark_index(times, mark)
    if at is not None and mark is not None:
        lines.append(" " * (label + 2 + at * width) + f"^ first mismatch ({fmt_time(mark, timescale)})")
    span = f"{fmt_time(times[0], timescale)} .. {fmt_time(times[-1], timescale)}"
    lines.append(f"({len(times)} columns, one per change of a shown signal, {span})")
    return lines


def max_columns(total_width: int, label: int, cell: int) -> int:
    """Pure: how many columns fit a terminal ``total_width`` wide (at least 4)."""
    return max(4, (total_width - label - 2) // max(1, cell))


def fit_columns(times: list[int], mark: int | None, limit: int) -> list[int]:
    """Pure: at most ``limit`` of ``times``, dropping the earliest first but keeping a few columns
    after the mark, so the mark stays in view."""
    if len(times) <= limit:
        return times
    i = mark_index(times, mark)
    if i is None:
        return times[:limit]
    keep_after = min(len(times) - 1 - i, max(1, limit // 5))
    start = max(0, i + keep_after + 1 - limit)
    return times[start : start + limit]
