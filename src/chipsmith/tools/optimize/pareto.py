"""Pure: goals as scalar scores, Pareto dominance and fronts over (area, delay, power)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

Goal = Literal["area", "delay", "power", "adp"]
GOALS: tuple[str, ...] = ("area", "delay", "power", "adp")
Point = tuple[float, float, float]
T = TypeVar("T")


def score(goal: str, point: Point) -> float:
    """Pure: the value to minimize for ``goal`` (adp = area x delay)."""
    area, delay, power = point
    if goal == "area":
        return area
    if goal == "delay":
        return delay
    if goal == "power":
        return power
    if goal == "adp":
        return area * delay
    raise ValueError(f"unknown goal {goal!r}; use one of {', '.join(GOALS)}")


def dominates(a: Point, b: Point) -> bool:
    """Pure: ``a`` is no worse than ``b`` in every objective and better in one (all minimized)."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))


def front(items: Sequence[T], points: Sequence[Point]) -> list[T]:
    """Pure: the items whose points no other point dominates; equal points keep the first item."""
    keep: list[T] = []
    seen: set[Point] = set()
    for i, p in enumerate(points):
        if p in seen or any(dominates(q, p) for j, q in enumerate(points) if j != i):
            continue
        seen.add(p)
        keep.append(items[i])
    return keep
