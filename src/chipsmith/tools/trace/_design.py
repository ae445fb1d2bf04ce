"""The design as the tracer sees it: signals, what each is computed from, under which conditions,
and the source lines that assign it. Built by ``_walk`` from Verilator's XML; read by the ranking."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

Line = tuple[str, int]
"""(file name, line number)."""


@dataclass(frozen=True)
class RefTree:
    """The signals an expression reads, with each conditional operator's arms kept apart, so a
    condition whose value is known at some time prunes the arm that was not taken."""

    static: frozenset[str]
    conds: tuple[CondRefs, ...] = ()

    def all(self) -> set[str]:
        out = set(self.static)
        for c in self.conds:
            out |= c.cond.all() | c.then.all() | c.other.all()
        return out


@dataclass(frozen=True)
class CondRefs:
    """``cond ? then : other`` inside an expression."""

    expr: ET.Element
    cond: RefTree
    then: RefTree
    other: RefTree


@dataclass(frozen=True)
class Guard:
    """A condition an assignment sits under: an ``if`` branch or a ``case`` item."""

    expr: ET.Element
    """The ``if`` condition, or the ``case`` subject."""
    refs: frozenset[str]
    want: bool = True
    """``if``: True in the then-branch, False in the else-branch."""
    labels: tuple[ET.Element, ...] | None = None
    """``case``: this item's labels; None for an ``if``; empty for ``default``."""
    others: tuple[ET.Element, ...] = ()
    """``case`` default: the labels of every other item (default runs when none matches)."""


@dataclass(frozen=True)
class Assignment:
    """One assignment to a signal: the conditions it is under and what its value is computed from."""

    guards: tuple[Guard, ...]
    reads: RefTree
    prefix: str
    """Instance path prefix of the module it is in (``""`` for the top, ``"u1."``...)."""


@dataclass
class SignalInfo:
    """One signal of the design (path below the design top, as in the VCD)."""

    name: str
    width: int
    direction: str | None = None
    """``input``, ``output`` or ``inout`` for the design top's ports; None otherwise."""
    memory: bool = False
    clocked: bool = False
    """Assigned in an edge-triggered block (a register)."""
    lines: set[Line] = field(default_factory=set)
    deps: set[str] = field(default_factory=set)
    """Every signal any of its assignments reads (data and control), for the static cone."""
    assigns: list[Assignment] = field(default_factory=list)


@dataclass
class DesignModel:
    """What the front end knows about the design under test."""

    top: str
    instance: str | None
    """The design's instance path in the testbench (``tb.dut``); None when the design was read alone."""
    signals: dict[str, SignalInfo]
    clocks: list[tuple[str, str]]
    """(design input, ``posedge``/``negedge``) pairs used as clock edges, in first-use order."""
    files: list[str] = field(default_factory=list)
    """The source files defining the design's modules."""
    types: dict[str, tuple[int, bool]] = field(default_factory=dict)
    """Verilator dtype id -> (width, signed), for evaluating expressions."""

    def ports(self, direction: str) -> list[str]:
        return [s.name for s in self.signals.values() if s.direction == direction]
