"""The trace tool's result: where a failing simulation first went wrong, and which lines to suspect."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from chipsmith.tools.trace._timeline import Mode

Status = Literal["traced", "no-mismatch-found", "passed", "not-run", "error"]
Role = Literal["input", "output", "register", "wire", "memory", "expected"]


class SourceLine(BaseModel):
    """One line of the design's source."""

    file: str
    line: int
    text: str


class Suspect(BaseModel):
    """A design signal that may explain the mismatch, with the lines that assign it."""

    signal: str
    role: Role
    score: float
    """Higher is more suspicious (Ochiai similarity in [0, 1], see ``_rank``)."""
    distance: int
    """Dependency steps from a mismatching output (0: the output itself)."""
    why: str
    lines: list[SourceLine] = Field(default_factory=list)


class OutputDiff(BaseModel):
    """A design output at the first mismatch: the value it had and the one expected."""

    signal: str
    got: str
    expected: str | None = None
    """None when the testbench does not expose expected values (``counter``/``messages`` modes)."""


class WaveRow(BaseModel):
    signal: str
    role: Role
    values: list[str]


class WaveWindow(BaseModel):
    """Signal values over the cycles up to the first mismatch (one column per cycle)."""

    clock: str | None
    """The clock whose edges define the cycles; None for a design without one (one column per check)."""
    cycles: list[int]
    times: list[int]
    """The time whose settled values each column shows (just before the next clock edge; the last
    column is the first mismatch itself)."""
    failing: list[bool]
    rows: list[WaveRow]


class TraceReport(BaseModel):
    """What ``trace_mismatch`` found."""

    status: Status
    message: str
    """One line: what happened, e.g. "first mismatch at 35001 ps (cycle 3): q"."""
    simulation: str = ""
    """The simulator's one-line verdict."""
    mode: Mode = "none"
    """Where expected values came from (see ``chipsmith.tools.trace._timeline``)."""
    design_top: str | None = None
    instance: str | None = None
    timescale: str = ""
    first_mismatch_time: int | None = None
    first_mismatch_cycle: int | None = None
    checks: int = 0
    failing_checks: int = 0
    differing: list[OutputDiff] = Field(default_factory=list)
    window: WaveWindow | None = None
    suspects: list[Suspect] = Field(default_factory=list)
    candidates: int = 0
    """Design signals in the backward cone of the mismatching outputs (the suspects are the top of these)."""
    notes: list[str] = Field(default_factory=list)
