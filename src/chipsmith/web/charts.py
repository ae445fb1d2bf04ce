"""Pure: the PPA page's figures as inline SVG, drawn with the benchmark report's chart helpers.

``benchmarks.svg`` draws grouped bars and a log-log scatter against the diagonal; the optimizer's
Pareto front needs two independent linear axes, so ``xy_scatter`` is added here in the same style
(its frame, palette and legend are ``benchmarks.svg``'s own).
"""

from __future__ import annotations

from html import escape
from typing import Any

from chipsmith.benchmarks.svg import PALETTE, _legend, _legend_step, _svg_open, grouped_bars

Point = tuple[float, float, str]


def _ticks(lo: float, hi: float) -> list[float]:
    return [lo + (hi - lo) * i / 4 for i in range(5)]


def xy_scatter(series: dict[str, list[Point]], *, title: str, xlabel: str, ylabel: str) -> str:
    """Pure: (x, y, label) points per series on linear axes fitted to the data (5 % margins)."""
    width, height, left, bottom, top, right = 460, 340, 62, 62, 30, 15
    width = max(width, left + _legend_step(list(series)) * len(series))
    pts = [p for ps in series.values() for p in ps]
    if not pts:
        return _svg_open(width, 60, title) + '<text x="10" y="40" font-size="12">no data</text></svg>'
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1 = _span(min(xs), max(xs))
    y0, y1 = _span(min(ys), max(ys))
    pw, ph = width - left - right, height - top - bottom

    def sx(v: float) -> float:
        return left + pw * (v - x0) / (x1 - x0)

    def sy(v: float) -> float:
        return top + ph * (1 - (v - y0) / (y1 - y0))

    parts = [_svg_open(width, height, title),
             f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>']  # fmt: skip
    for v in _ticks(x0, x1):
        parts.append(
            f'<text x="{sx(v):.1f}" y="{top + ph + 13}" font-size="9" text-anchor="middle">{v:.4g}</text>'
        )
    for v in _ticks(y0, y1):
        parts.append(
            f'<text x="{left - 4}" y="{sy(v) + 3:.1f}" font-size="9" text-anchor="end">{v:.4g}</text>'
        )
    for si, (name, points) in enumerate(series.items()):
        color = PALETTE[si % len(PALETTE)]
        for x, y, label in points:
            parts.append(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="{color}" fill-opacity="0.8">'
                f"<title>{escape(name)} {escape(label)}: {x:.4g}, {y:.4g}</title></circle>"
            )
    parts.append(
        f'<text x="{left + pw / 2}" y="{top + ph + 28}" font-size="11" text-anchor="middle">{escape(xlabel)}</text>'
    )
    parts.append(f'<text x="14" y="{top + ph / 2}" font-size="11" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + ph / 2})">{escape(ylabel)}</text>')  # fmt: skip
    parts.append(_legend(list(series), left, height - 12))
    return "".join(parts) + "</svg>"


def _span(lo: float, hi: float) -> tuple[float, float]:
    pad = (hi - lo) * 0.05 or abs(hi) * 0.05 or 1.0
    return lo - pad, hi + pad


def ppa_bars(figures: list[Any]) -> str:
    """Pure: area, delay and power of each synthesized design version relative to the version it
    was compared with (its baseline), else to the first version of the same design (1.0 = unchanged;
    below 1 is better)."""
    groups: list[str] = []
    series: dict[str, list[float]] = {"area": [], "delay": [], "power": []}
    first: dict[str, Any] = {}
    for f in figures:
        base = f.baseline or first.setdefault(f.design, f).model_dump()
        groups.append(f"{f.design.rsplit('/', 1)[-1]} {f.sha[:6]}")
        for key, attr in (("area", "area_um2"), ("delay", "delay_ps"), ("power", "power_w")):
            now, then = getattr(f, attr), base.get(attr)
            series[key].append(now / then if now and then else 0.0)
    top = max([1.0, *(v for vs in series.values() for v in vs)])
    return grouped_bars(groups, series, title="PPA / before (below 1: better)", ymax=round(top * 1.1, 2))


def pareto_chart(result: Any) -> str:
    """Pure: an optimizer run's proven Pareto front, its discarded candidates, the default flow and
    the best recipe, as area against delay."""

    def pts(cands: list[Any]) -> list[Point]:
        return [(c.area_um2, c.delay_ps, c.key) for c in cands]

    series = {"Pareto front (proven)": pts(result.front), "discarded": pts(result.discarded),
              "default flow": pts([result.baseline])}  # fmt: skip
    if result.best is not None:
        series["best for " + result.goal] = pts([result.best])
    return xy_scatter({k: v for k, v in series.items() if v}, title=f"optimize {result.top}: goal {result.goal}",
                      xlabel="area (um^2)", ylabel="delay (ps)")  # fmt: skip
