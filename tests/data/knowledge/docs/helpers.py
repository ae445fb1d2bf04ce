"""Helpers used by the knowledge tests."""

import functools

LIMIT = 8


@functools.cache
def popcount(x: int) -> int:
    """Number of set bits."""
    return bin(x).count("1")


class Meter:
    """Counts events."""

    def __init__(self) -> None:
        self.n = 0

    def tick(self) -> None:
        self.n += 1
