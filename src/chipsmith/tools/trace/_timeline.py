"""Pure: when the design was checked, which checks failed, and what was expected.

Where the expected values come from, in order of preference (``Timeline.mode``):

1. ``expected-signals``: the testbench keeps the expected value of each design output ``o`` in a
   signal of its top scope named ``o_ref`` (VerilogEval), ``o_exp``, ``o_expected``, ``o_golden``,
   ``o_model``, ``exp_o``, ``expected_o``, ``ref_o``, ``golden_o`` or ``model_o``.
2. ``reference``: a reference design was simulated with the same testbench; its outputs are
   compared with the design's at every time step until the two runs' inputs part.
3. ``counter``: the testbench counts errors in an integer named like ``mismatches``/``errors``
   (and, optionally, checks in one named like ``samples``/``checks``): a check failed where the
   error count rose. Which output was wrong, and its expected value, are then unknown.
4. ``messages``: the times printed with failure messages (Icarus ``$error`` prints ``Time: T``;
   ``time=T``, ``t=T`` or ``@T`` in a line that says error/mismatch/fail).

Check times: the steps where the testbench's check counter rose, else both clock edges (values
just before each edge, as VerilogEval samples), else every time step.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from chipsmith.tools.trace._waves import Wave

Mode = Literal["expected-signals", "reference", "counter", "messages", "none"]
EXPECTED_PATTERNS = (
    "{}_ref", "{}_exp", "{}_expected", "{}_golden", "{}_model",
    "exp_{}", "expected_{}", "ref_{}", "golden_{}", "model_{}",
)  # fmt: skip
ERROR_COUNTERS = (
    "mismatches", "mismatch_count", "num_mismatches", "errors", "error_count", "errs", "err_count",
    "num_errors", "n_errors", "nerrors", "fails", "failures", "fail_count", "num_fails",
)  # fmt: skip
SAMPLE_COUNTERS = (
    "samples", "sample_count", "num_samples", "n_samples", "checks", "num_checks", "check_count",
    "tests", "num_tests", "test_count", "vectors", "num_vectors",
)  # fmt: skip
_MESSAGE = re.compile(r"error|mismatch|fail|wrong|incorrect", re.I)
_MSG_TIME = re.compile(r"(?:\btime\s*[=:]\s*|\bt\s*=\s*|@\s*)(\d+)", re.I)


@dataclass
class Timeline:
    """The checks of one run: times (values settled at each), which failed, the expected outputs."""

    mode: Mode
    samples: list[int]
    failing: list[bool]
    expected: dict[str, Wave] = field(default_factory=dict)
    """Design output -> the wave of its expected value (modes 1 and 2 only)."""
    cutoff: int | None = None
    """Reference mode: the time from which the two runs' inputs differ (later checks are dropped)."""
    note: str = ""

    @property
    def first_fail(self) -> int | None:
        return next((t for t, bad in zip(self.samples, self.failing, strict=True) if bad), None)

    @property
    def failures(self) -> int:
        return sum(self.failing)


def mismatch(got: str, expected: str) -> bool:
    """Pure: ``got`` differs from ``expected`` in a bit that ``expected`` defines (X/Z there match anything)."""
    if len(got) != len(expected):
        width = max(len(got), len(expected))
        got, expected = got.rjust(width, "0"), expected.rjust(width, "0")
    return any(e in "01" and g != e for g, e in zip(got, expected, strict=True))


def find_expected(tb: dict[str, Wave], outputs: dict[str, Wave]) -> dict[str, Wave]:
    """Pure: design output -> testbench signal holding its expected value, by the naming convention."""
    lower = {name.lower(): wave for name, wave in tb.items()}
    found: dict[str, Wave] = {}
    for out, got in outputs.items():
        for pattern in EXPECTED_PATTERNS:
            wave = lower.get(pattern.format(out).lower())
            if wave is not None and wave is not got and wave.width == got.width:
                found[out] = wave
                break
    return found


def find_counter(tb: dict[str, Wave], names: tuple[str, ...]) -> Wave | None:
    """Pure: the testbench's counter with one of ``names`` (case-insensitive), if any."""
    lower = {name.lower(): wave for name, wave in tb.items()}
    return next((lower[n] for n in names if n in lower and lower[n].width >= 2), None)


def rises(wave: Wave) -> list[int]:
    """Pure: times at which a counter's value went up."""
    out, prev = [], None
    for t, v in zip(wave.times, wave.values, strict=True):
        value = int(v, 2) if set(v) <= {"0", "1"} else None
        if value is not None and prev is not None and value > prev:
            out.append(t)
        prev = value if value is not None else prev
    return out


def edges(clock: Wave, kind: str = "posedge") -> list[int]:
    """Pure: times of the clock's rising (``posedge``) or falling edges."""
    want, before = ("1", "0") if kind == "posedge" else ("0", "1")
    out = []
    for i in range(1, len(clock.values)):
        if clock.values[i] == want and clock.values[i - 1] == before:
            out.append(clock.times[i])
    return out


def pre_edge_samples(clock: Wave, steps: list[int]) -> list[int]:
    """Pure: for each clock edge (either way), the last time step before it (values just before the edge)."""
    all_edges = sorted(edges(clock, "posedge") + edges(clock, "negedge"))
    out: list[int] = []
    for e in all_edges:
        i = bisect_right(steps, e - 1) - 1
        if i >= 0 and (not out or out[-1] != steps[i]):
            out.append(steps[i])
    return out


def message_times(log: str) -> list[int]:
    """Pure: the times printed with the testbench's failure messages (Icarus ``$error`` included)."""
    times: list[int] = []
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("ERROR:", "FATAL:")) and i + 1 < len(lines):
            m = re.match(r"\s*Time:\s*(\d+)", lines[i + 1])
            if m:
                times.append(int(m.group(1)))
                continue
        if _MESSAGE.search(line) and (m := _MSG_TIME.search(line)):
            times.append(int(m.group(1)))
    return sorted(set(times))


def scale_times(times: list[int], steps: list[int], end: int) -> list[int]:
    """Pure: printed times in the waveform's unit. ``%t`` prints in it already; ``%d`` of ``$time``
    prints in the module's unit, often 1000x coarser: the smallest factor (1, 1000, 10^6) that puts
    every time inside the run and one of them on a time step of the waveform is taken."""
    known = set(steps)
    for factor in (1, 1000, 1_000_000):
        scaled = [t * factor for t in times]
        if scaled and max(scaled) <= end and known.intersection(scaled):
            return scaled
    return times


def failing_by_events(samples: list[int], events: list[int]) -> list[bool]:
    """Pure: a check fails when an event (an error count rising, a message) falls in (previous check, this one]."""
    out, j, prev = [], 0, -1
    for t in samples:
        while j < len(events) and events[j] <= prev:
            j += 1
        out.append(j < len(events) and events[j] <= t)
        prev = t
    return out


def compare(samples: list[int], got: dict[str, Wave], expected: dict[str, Wave]) -> list[bool]:
    """Pure: per check time, whether any output differs from its expected value."""
    pairs = [(got[o], expected[o]) for o in expected if o in got]
    return [any(mismatch(g.at(t), e.at(t)) for g, e in pairs) for t in samples]


def inputs_part(design: dict[str, Wave], ref: dict[str, Wave], inputs: list[str]) -> int | None:
    """Pure: the first time the design's inputs differ between the design run and the reference run."""
    first: int | None = None
    for name in inputs:
        a, b = design.get(name), ref.get(name)
        if a is None or b is None:
            continue
        for t in sorted(set(a.times) | set(b.times)):
            if first is not None and t >= first:
                break
            if a.at(t) != b.at(t):
                first = t
                break
    return first


def build_timeline(
    *,
    dut: dict[str, Wave],
    tb: dict[str, Wave],
    outputs: list[str],
    inputs: list[str],
    clock: Wave | None,
    steps: list[int],
    ref_dut: dict[str, Wave] | None = None,
    log: str = "",
) -> Timeline:
    """Pure: the checks of a run and which failed, by the first convention the testbench follows."""
    got = {o: dut[o] for o in outputs if o in dut}
    counted = find_counter(tb, SAMPLE_COUNTERS)
    exact = rises(counted) if counted is not None else []
    checks = exact or (pre_edge_samples(clock, steps) if clock is not None else list(steps))
    expected = find_expected(tb, got)
    note = ""
    if expected:
        failing = compare(checks, got, expected)
        if any(failing):
            return Timeline("expected-signals", checks, failing, expected)
        note = "the design's outputs equal the testbench's expected-value signals at every check"
    if ref_dut is not None:
        ref = {o: ref_dut[o] for o in got if o in ref_dut}
        cutoff = inputs_part(dut, ref_dut, inputs)
        every = sorted({t for w in [*got.values(), *ref.values()] for t in w.times} | set(steps))
        every = [t for t in every if cutoff is None or t < cutoff]
        failing = compare(every, got, ref)
        if any(failing):
            return Timeline("reference", every, failing, ref, cutoff)
        note = (
            (note + "; " if note else "")
            + "the design's outputs equal the reference's at every step"
            + (f" before the inputs of the two runs part at {cutoff}" if cutoff is not None else "")
        )
    errors = find_counter(tb, ERROR_COUNTERS)
    events = rises(errors) if errors is not None else []
    mode: Mode = "counter"
    if not events and (printed := message_times(log)):
        events, mode = scale_times(printed, steps, max(steps, default=0)), "messages"
    if events:
        # Without a check counter the check times are guesses (clock edges): the failure times are
        # checks too, so the first failure is located exactly.
        checks = exact or sorted(set(checks) | set(events))
        return Timeline(mode, checks, failing_by_events(checks, events), note=note)
    why = note or (
        "the testbench exposes no expected values, error counter or timed failure messages "
        "(see the conventions in docs/waveform-trace.md)"
    )
    return Timeline("none", checks, [False] * len(checks), note=why)


@dataclass
class Cycle:
    """One clock cycle (or, without a clock, one check): the time whose settled values represent it."""

    index: int
    at: int
    failing: bool | None
    """True when a check in it failed, False when all its checks passed, None when it had none."""
    fail_at: int | None = None
    """The time of its first failing check."""


def to_cycles(timeline: Timeline, clock_edges: list[int] | None, end: int) -> list[Cycle]:
    """Pure: cycles between clock edges (values just before the next edge), or one per check."""
    pairs = list(zip(timeline.samples, timeline.failing, strict=True))
    if not clock_edges:
        return [Cycle(i, t, bad, t if bad else None) for i, (t, bad) in enumerate(pairs)]
    verdicts: dict[int, bool] = {}
    first: dict[int, int] = {}
    for t, bad in pairs:
        k = bisect_right(clock_edges, t)
        verdicts[k] = verdicts.get(k, False) or bad
        if bad:
            first.setdefault(k, t)
    bounds = [*clock_edges, end + 1]
    return [Cycle(k, bounds[k] - 1, verdicts.get(k), first.get(k)) for k in range(len(bounds))]
