"""Tiny inline-SVG charts for the HTML report (no plotting library): grouped bars and a log scatter."""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def grouped_bars(groups: list[str], series: dict[str, list[float]], *, title: str, ymax: float = 1.0) -> str:
    """Pure: bars per group (x) for each series (one colour each); values in [0, ymax]."""
    width, height, left, bottom, top = max(360, 60 + 70 * len(groups) * max(1, len(series))), 260, 40, 60, 30
    width = max(width, left + _legend_step(list(series)) * len(series))
    plot_h = height - bottom - top
    n = max(1, len(series))
    group_w = (width - left - 10) / max(1, len(groups))
    bar_w = max(4.0, group_w * 0.8 / n)
    parts = [_svg_open(width, height, title)]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{frac * ymax:g}</text>'
        )
    for gi, group in enumerate(groups):
        x0 = left + gi * group_w + group_w * 0.1
        for si, (name, values) in enumerate(series.items()):
            val = max(0.0, min(values[gi], ymax))
            h = plot_h * val / ymax
            x, color = x0 + si * bar_w, PALETTE[si % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(name)} {escape(group)}: {values[gi]:.3f}</title></rect>"
            )
        label_x = left + gi * group_w + group_w / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{escape(group)}</text>'
        )
    parts.append(_legend(list(series), left, height - 22))
    return "".join(parts) + "</svg>"


def log_scatter(
    points: dict[str, list[tuple[float, float, str]]], *, title: str, xlabel: str, ylabel: str
) -> str:
    """Pure: log-log scatter of (x, y, label) per series, with the y = x diagonal."""
    width, height, left, bottom, top, right = 420, 340, 55, 60, 30, 15
    width = max(width, left + _legend_step(list(points)) * len(points))
    vals = [v for pts in points.values() for x, y, _ in pts for v in (x, y) if v > 0]
    if not vals:
        return _svg_open(width, 60, title) + '<text x="10" y="40" font-size="12">no data</text></svg>'
    lo, hi = math.log10(min(vals)) - 0.1, math.log10(max(vals)) + 0.1
    span = hi - lo
    pw, ph = width - left - right, height - top - bottom

    def sx(v: float) -> float:
        return left + pw * (math.log10(v) - lo) / span

    def sy(v: float) -> float:
        return top + ph * (1 - (math.log10(v) - lo) / span)

    parts = [_svg_open(width, height, title)]
    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    parts.append(
        f'<line x1="{sx(10**lo):.1f}" y1="{sy(10**lo):.1f}" x2="{sx(10**hi):.1f}" y2="{sy(10**hi):.1f}" '
        'stroke="#bbb" stroke-dasharray="4 3"/>'
    )
    for si, (name, pts) in enumerate(points.items()):
        color = PALETTE[si % len(PALETTE)]
        for x, y, label in pts:
            if x > 0 and y > 0:
                parts.append(
                    f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="{color}" fill-opacity="0.75">'
                    f"<title>{escape(name)} {escape(label)}: {x:.4g} vs {y:.4g}</title></circle>"
                )
    for v in (10**lo, 10**hi):  # the range of both (equal) log axes, at their ends
        parts.append(
            f'<text x="{sx(v):.1f}" y="{top + ph + 13}" font-size="9" text-anchor="middle">{v:.3g}</text>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{sy(v) + 3:.1f}" font-size="9" text-anchor="end">{v:.3g}</text>'
        )
    parts.append(
        f'<text x="{left + pw / 2}" y="{top + ph + 28}" font-size="11" text-anchor="middle">{escape(xlabel)}</text>'
    )
    parts.append(
        f'<text x="14" y="{top + ph / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + ph / 2})">{escape(ylabel)}</text>'
    )
    parts.append(_legend(list(points), left, height - 12))
    return "".join(parts) + "</svg>"


def _svg_open(width: int | float, height: int | float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" role="img"><title>{escape(title)}</title>'
        f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>'
    )


LEGEND_CHARS = 30
"""Longest run name shown in a legend; 6 px a character at font size 10."""


def _legend_step(names: list[str]) -> int:
    """Horizontal space one legend entry takes (swatch, longest shown name, gap)."""
    return 14 + 6 * max((min(len(n), LEGEND_CHARS) for n in names), default=0) + 16


def _legend(names: list[str], x: float, y: float) -> str:
    parts = []
    step = _legend_step(names)
    for i, name in enumerate(names):
        cx = x + i * step
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{cx}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{cx + 14}" y="{y}" font-size="10">{escape(name[:LEGEND_CHARS])}</text>')
    return "".join(parts)
