"""Pure: dynamic slices over a waveform: which signals an output's value actually came from.

At one time, a signal's value comes from the assignments whose conditions held (their guards are
evaluated on the waveform's values with ``_expr``), and through a conditional operator only from
the arm that was taken. A register's value in cycle ``c`` was computed from the values at the end
of cycle ``c - 1``; when none of its assignments fired it kept its value, so it depends on itself
one cycle earlier. Following these reads backwards from an output gives the dynamic slice: the
signals (with the conditions that steered them) that decided the output at that time. A condition
that cannot be evaluated (X values, an unsupported operator) keeps every branch.
"""

from __future__ import annotations

from collections import deque

from chipsmith.tools.trace._design import Assignment, DesignModel, Guard, RefTree
from chipsmith.tools.trace._expr import Evaluator
from chipsmith.tools.trace._waves import Wave

MAX_NODES = 4000
"""Bound on (signal, cycle) pairs visited per slice."""
WINDOW = 8
"""Cycles a slice follows registers back in time."""


def guard_holds(guard: Guard, ev: Evaluator) -> bool | None:
    """Pure: whether an ``if`` branch or ``case`` item was taken (None: cannot tell)."""
    if guard.labels is None:
        truth = ev.truth(guard.expr)
        return None if truth is None else truth == guard.want
    subject = ev.value(guard.expr)
    if subject is None:
        return None
    labels = guard.labels or guard.others
    values = [ev.value(lab) for lab in labels]
    if subject in values:
        return bool(guard.labels)
    if None in values:
        return None
    return not guard.labels


def prune(tree: RefTree, ev: Evaluator) -> set[str]:
    """Pure: what an expression read, following only the taken arm of each conditional operator."""
    out = set(tree.static)
    for c in tree.conds:
        out |= prune(c.cond, ev)
        taken = ev.truth(c.expr)
        if taken is None:
            out |= prune(c.then, ev) | prune(c.other, ev)
        else:
            out |= prune(c.then if taken else c.other, ev)
    return out


class Slicer:
    """Dynamic slices of one design over one run's waves; ``at[c]``: time representing cycle ``c``."""

    def __init__(
        self, model: DesignModel, waves: dict[str, Wave], at: list[int], window: int = WINDOW
    ) -> None:
        self.model = model
        self.waves = waves
        self.at = at
        self.window = window
        self._reads: dict[tuple[str, int], tuple[frozenset[str], bool]] = {}
        self._values: dict[tuple[str, int], int | None] = {}
        self._guards: dict[tuple[int, str, int], bool | None] = {}

    def value(self, name: str, t: int) -> int | None:
        key = (name, t)
        if key not in self._values:
            wave = self.waves.get(name)
            bits = wave.at(t) if wave is not None else ""
            self._values[key] = int(bits, 2) if bits and set(bits) <= {"0", "1"} else None
        return self._values[key]

    def holds(self, guard: Guard, ev: Evaluator, prefix: str, t: int) -> bool | None:
        """``guard_holds``, remembered: one condition guards many assignments."""
        key = (id(guard), prefix, t)
        if key not in self._guards:
            self._guards[key] = guard_holds(guard, ev)
        return self._guards[key]

    def _evaluator(self, assignment: Assignment, t: int) -> Evaluator:
        prefix = assignment.prefix
        return Evaluator(self.model.types, lambda name: self.value(prefix + name, t))

    def reads(self, name: str, t: int) -> tuple[frozenset[str], bool]:
        """(signals that decided ``name``'s value at ``t``, whether an assignment surely fired)."""
        key = (name, t)
        if key not in self._reads:
            out: set[str] = set()
            fired = False
            for a in self.model.signals[name].assigns:
                ev = self._evaluator(a, t)
                holds: bool | None = True
                for guard in a.guards:
                    out |= guard.refs
                    g = self.holds(guard, ev, a.prefix, t)
                    holds = False if g is False else (None if g is None else holds)
                    if holds is False:
                        break
                if holds is not False:
                    out |= prune(a.reads, ev)
                    fired = fired or holds is True
            self._reads[key] = (frozenset(out), fired)
        return self._reads[key]

    def slice(self, roots: list[str], cycle: int, t: int) -> set[str]:
        """Signals in the dynamic slice of ``roots`` at time ``t`` in ``cycle``."""
        seen: set[tuple[str, int]] = set()
        queue = deque((r, cycle) for r in roots)
        while queue and len(seen) < MAX_NODES:
            name, k = queue.popleft()
            sig = self.model.signals.get(name)
            if sig is None or (name, k) in seen:
                continue
            seen.add((name, k))
            if sig.direction == "input" or not sig.assigns:
                continue
            if sig.clocked:
                if k == 0 or cycle - (k - 1) > self.window:
                    continue
                reads, fired = self.reads(name, self.at[k - 1])
                queue.extend((r, k - 1) for r in (reads if fired else reads | {name}))
            else:
                reads, _ = self.reads(name, t if k == cycle else self.at[k])
                queue.extend((r, k) for r in reads)
        return {name for name, _ in seen}
