"""Pure: which signals and which columns ``/wave`` shows for a session's last simulation.

The waveform is the VCD the testbench check wrote (read with the tracer's reader). The design's
instance is the one the tracer named (``first mismatch: 95 ns in tb.dut``), else the child of the
testbench top that holds the differing outputs. By default its own signals are shown (clock and
reset first, each differing output followed by its expected value when the testbench exposes one,
``o_exp`` and the tracer's other conventions); named signals (or globs) replace them.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from chipsmith.chat.wave import Row, cell_width, columns, fit_columns, max_columns, render
from chipsmith.tools.trace._timeline import find_expected
from chipsmith.tools.trace._waves import Wave, Waves

DEFAULT_ROWS = 16
BEFORE, AFTER = 14, 5
_CLOCK = re.compile(r"(^|_)(clk|clock)(\d*)($|_)", re.I)
_RESET = re.compile(r"(^|_)(rst|reset)n?(_n|_ni)?($|_)", re.I)
_DUT_NAME = re.compile(r"dut|uut|top|inst", re.I)
_TRACED_IN = re.compile(r"^first mismatch: .* in (\S+)\s*$", re.M)


class WaveError(ValueError):
    """Nothing to draw, or a signal name that matches nothing (one-line message)."""


def dut_scope(waves: Waves, tb_top: str, differing: list[str], trace: str = "") -> str:
    """Pure: the scope of the design instance in the waveform (see the module docstring)."""
    named = _TRACED_IN.search(trace or "")
    if named and named.group(1) in waves.scopes:
        return named.group(1)
    top = tb_top if tb_top in waves.scopes else next(iter(waves.scopes), "")
    kids = waves.children(top)
    if not kids:
        return top

    def score(i_kid: tuple[int, str]) -> tuple[int, bool, int]:
        i, kid = i_kid
        held = sum(1 for d in differing if d in waves.direct(kid))
        return held, bool(_DUT_NAME.search(kid.rsplit(".", 1)[-1])), -i

    return max(enumerate(kids), key=score)[1]


def default_rows(waves: Waves, scope: str, tb_top: str, differing: list[str]) -> tuple[list[Row], int]:
    """Pure: the rows shown without names, and how many signals were left out."""
    own = waves.direct(scope)
    order = sorted(own, key=lambda n: (not _CLOCK.search(n), not _RESET.search(n), n not in differing))
    keep = order[:DEFAULT_ROWS]
    left_out = len(order) - len(keep)
    keep = [n for n in own if n in keep]  # declaration order, as the design lists its ports
    keep.sort(key=lambda n: (not _CLOCK.search(n), not _RESET.search(n)))
    return _with_expected(waves, tb_top, [(n, own[n]) for n in keep], differing), left_out


def named_rows(waves: Waves, scope: str, tb_top: str, names: list[str], differing: list[str]) -> list[Row]:
    """Pure: the rows for signal names or globs, searched below the design, then the testbench top,
    then as full paths. Raises ``WaveError`` for a name that matches nothing."""
    spaces = [waves.under(scope), waves.direct(tb_top) if tb_top else {}, waves.signals]
    picked: dict[str, Wave] = {}
    for name in names:
        hits = next(([(k, w) for k, w in space.items() if fnmatch.fnmatchcase(k, name)]
                     for space in spaces if any(fnmatch.fnmatchcase(k, name) for k in space)), [])  # fmt: skip
        if not hits:
            some = ", ".join(list(waves.direct(scope))[:12])
            raise WaveError(f"no signal matches {name!r} in {scope or 'the waveform'} (signals: {some})")
        picked.update(hits)
    return _with_expected(waves, tb_top, list(picked.items()), differing)


def _with_expected(
    waves: Waves, tb_top: str, pairs: list[tuple[str, Wave]], differing: list[str]
) -> list[Row]:
    got = {n: w for n, w in pairs if n in differing}
    expected = find_expected(waves.direct(tb_top), got) if tb_top else {}
    rows = []
    for name, wave in pairs:
        rows.append(Row(name, wave))
        if name in expected:
            rows.append(Row(f"{name} (exp)", expected[name]))
    return rows


def wave_lines(waves: Waves, sim: Any, names: list[str], width: int = 100) -> list[str]:
    """Pure: the whole ``/wave`` text for ``sim`` (a ``SimulationInfo``) drawn from ``waves``."""
    differing = [str(d.get("signal", "")) for d in sim.differing]
    scope = dut_scope(waves, sim.tb_top, differing, sim.trace)
    if names:
        rows, left_out = named_rows(waves, scope, sim.tb_top, names, differing), 0
    else:
        rows, left_out = default_rows(waves, scope, sim.tb_top, differing)
    if not rows:
        raise WaveError(f"no signals under {scope or 'the top scope'} in {sim.vcd}")
    mark = sim.first_mismatch_time
    label = max(len(r.label) for r in rows)
    times = columns(rows, mark, BEFORE, AFTER)
    times = fit_columns(times, mark, max_columns(width, label, cell_width(rows, times)))
    out = [_headline(sim, scope)]
    out += [f"  {d.get('signal')}: got {d.get('got')}, expected {d.get('expected')}" for d in sim.differing]
    out += render(rows, times, mark, waves.timescale)
    if left_out:
        out.append(
            f"({left_out} more signals in {scope}: name them, e.g. /wave {' '.join(names or ['NAME'])})"
        )
    if waves.truncated:
        out.append("(the waveform file ends early: the simulation was stopped)")
    return out


def _headline(sim: Any, scope: str) -> str:
    verdict = "pass" if sim.passed else "FAIL"
    message = sim.message if sim.message.lower().startswith(verdict.lower()) else f"{verdict}: {sim.message}"
    return f"{sim.vcd} (design {scope}): testbench {sim.testbench} on {sim.design}: {message}"
