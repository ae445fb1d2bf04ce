"""Pure: suspect ranking by spectrum-based fault localisation over the design's cycles.

Candidates are the design's signals in the static backward cone of the mismatching outputs (the
front end's data and control dependences; inputs are excluded: they are not the design's code).
Events are the failure onsets (the first failing check of each run of failing cycles: later cycles
of a run mostly show the same wrong state again) and the passing cycles (an even sample of at
most ``MAX_PASSING``). Three spectra each give an Ochiai similarity with the failing events,

    ochiai = ef / sqrt(F * (ef + ep))

(``ef``/``ep``: failing/passing events where the element is "on", ``F``: failing events):

- slice: the signal is in the dynamic slice of the mismatching outputs (``_slice``);
- change: the signal's value changed in that cycle (an assignment took effect);
- value: a bit of the signal, or of a signal it is computed from, had a given value (the best such
  predicate counts; a register's operands are read one cycle earlier, when it was computed).

The score is their mean; ties go to the signal nearer the outputs, then to the name. On the
chipsmith-rtl mutants this mean placed the mutated line in the top 3 more often than any one
spectrum alone (docs/waveform-trace.md has the figures and how they were measured).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass

from chipsmith.tools.trace._design import DesignModel
from chipsmith.tools.trace._slice import Slicer
from chipsmith.tools.trace._timeline import Cycle
from chipsmith.tools.trace._waves import Wave

MAX_ONSETS = 100
MAX_PASSING = 200
MAX_BITS = 16
"""Value predicates look at this many low bits of a signal (and its top bit)."""


@dataclass
class Ranked:
    """One candidate with its score and the evidence behind it."""

    signal: str
    score: float
    distance: int
    failing: int
    """Failure onsets (F)."""
    in_slice: int
    """Onsets whose dynamic slice holds the signal."""
    changed: int
    """Onsets in whose cycle the signal changed."""
    predicate: str
    """The value predicate that best matches the onsets, e.g. ``cnt[1]=1 at 9 of 10``."""


@dataclass
class Events:
    """The failing and (sampled) passing cycles the spectra are counted over."""

    failing: list[Cycle]
    passing: list[Cycle]
    scale: float
    """Passing cycles per sampled one (counts on the sample are scaled up by it)."""
    previous: dict[int, int]
    """Cycle index -> the time representing the cycle before it."""


def cone(model: DesignModel, roots: list[str]) -> dict[str, int]:
    """Pure: every signal the ``roots`` depend on (through any number of steps), with its distance."""
    dist = {r: 0 for r in roots if r in model.signals}
    queue = deque(dist)
    while queue:
        name = queue.popleft()
        for dep in sorted(model.signals[name].deps):
            if dep in model.signals and dep not in dist:
                dist[dep] = dist[name] + 1
                queue.append(dep)
    return dist


def ochiai(ef: float, ep: float, failing: int) -> float:
    """Pure: the Ochiai coefficient; 0 when nothing failed or the element is never on."""
    denom = math.sqrt(failing * (ef + ep))
    return ef / denom if denom else 0.0


def onsets(cycles: list[Cycle], limit: int = MAX_ONSETS) -> list[Cycle]:
    """Pure: the first failing cycle of each run of failing cycles (cycles without checks don't break a run)."""
    out, failing = [], False
    for c in cycles:
        if c.failing is None:
            continue
        if c.failing and not failing:
            out.append(c)
        failing = c.failing
    return out[:limit]


def spread(items: list[Cycle], limit: int) -> list[Cycle]:
    """Pure: at most ``limit`` items evenly spread over ``items`` (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def events(cycles: list[Cycle], samples: int = MAX_PASSING) -> Events:
    passing_all = [c for c in cycles if c.failing is False]
    passing = spread(passing_all, samples)
    previous = {c.index: cycles[i - 1].at for i, c in enumerate(cycles) if i > 0}
    return Events(onsets(cycles), passing, len(passing_all) / len(passing) if passing else 0.0, previous)


def when(c: Cycle) -> int:
    """The time an event is looked at: a failing cycle at its first failing check."""
    return c.fail_at if c.fail_at is not None else c.at


def changed(wave: Wave | None, ev: Events) -> tuple[int, float]:
    """(failing, passing) events in whose cycle the signal's value changed."""
    if wave is None:
        return 0, 0.0

    def moved(c: Cycle, t: int) -> bool:
        before = ev.previous.get(c.index)
        return before is not None and wave.at(t) != wave.at(before)

    ef = sum(moved(c, when(c)) for c in ev.failing)
    return ef, sum(moved(c, c.at) for c in ev.passing) * ev.scale


def best_predicate(name: str, model: DesignModel, waves: dict[str, Wave], ev: Events) -> tuple[float, str]:
    """The value predicate (a bit of the signal or of an operand) that best matches the failing events."""
    sig = model.signals[name]
    best, text, f = 0.0, "", len(ev.failing)
    for operand in [name, *sorted(sig.deps)]:
        wave = waves.get(operand)
        if wave is None:
            continue
        lag = sig.clocked and operand != name  # a register was computed from last cycle's values

        def bits(c: Cycle, t: int, wave: Wave = wave, lag: bool = lag) -> str:
            return wave.at(ev.previous.get(c.index, t) if lag else t)

        fails = [bits(c, when(c)) for c in ev.failing]
        passes = [bits(c, c.at) for c in ev.passing]
        for b in sorted({*range(min(wave.width, MAX_BITS)), wave.width - 1}):
            i = wave.width - 1 - b
            for v in "01":
                ef = sum(s[i] == v for s in fails)
                score = ochiai(ef, sum(s[i] == v for s in passes) * ev.scale, f)
                if score > best:
                    label = operand if wave.width == 1 else f"{operand}[{b}]"
                    best, text = score, f"{label}={v} at {ef} of {f}"
    return best, text


def rank(
    model: DesignModel,
    waves: dict[str, Wave],
    cycles: list[Cycle],
    roots: list[str],
    samples: int = MAX_PASSING,
) -> list[Ranked]:
    """Pure: the candidates in the cone of ``roots``, most suspicious first."""
    dist = cone(model, roots)
    ev = events(cycles, samples)
    slicer = Slicer(model, waves, [c.at for c in cycles])
    in_fail: Counter[str] = Counter()
    in_pass: Counter[str] = Counter()
    for c in ev.failing:
        in_fail.update(slicer.slice(roots, c.index, when(c)))
    for c in ev.passing:
        in_pass.update(slicer.slice(roots, c.index, c.at))
    f = len(ev.failing)
    ranked = []
    for name, d in dist.items():
        sig = model.signals[name]
        if sig.direction == "input" or not sig.lines:
            continue
        s = ochiai(in_fail[name], in_pass[name] * ev.scale, f)
        cf, cp = changed(waves.get(name), ev)
        v, text = best_predicate(name, model, waves, ev)
        score = round((s + ochiai(cf, cp, f) + v) / 3, 4)
        ranked.append(Ranked(name, score, d, f, in_fail[name], cf, text))
    return sorted(ranked, key=lambda r: (-r.score, r.distance, r.signal))
