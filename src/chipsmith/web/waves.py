"""Pure: the visible window of a waveform, decimated, with values in the chosen radix.

A signal is any sequence of ``(time, value)`` changes sorted by time (``pywellen.Signal`` indexes
its changes without materialising them), so a window costs ``O(buckets x log changes)`` however
long the simulation was: the view is cut into ``buckets`` time slices (about one per two pixels);
a slice with one change keeps it, a slice with more becomes part of a *busy* span (value ``None``)
followed by the value it settled to. Values arrive as pywellen gives them (an int, or a string
with ``x``/``z``) and leave as text in the radix asked for.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, Literal

from chipsmith.chat.wave import hex_value
from chipsmith.tools.trace._timeline import EXPECTED_PATTERNS
from chipsmith.tools.trace._waves import normalise

Radix = Literal["hex", "bin", "dec", "sdec"]
Change = tuple[int, Any]
MAX_BUCKETS = 4000
CLOCK = re.compile(r"(^|_)(clk|clock)\d*($|_)", re.I)
RESET = re.compile(r"(^|_)(rst|reset)n?(_n|_ni)?($|_)", re.I)


def bits(value: Any, width: int) -> str:
    """Pure: a pywellen value as exactly ``width`` bit characters (MSB first)."""
    if isinstance(value, int):
        return normalise(value, width)
    if isinstance(value, str):
        return normalise(value, width)
    return "x" * width


def fmt(value: Any, width: int, radix: Radix) -> str:
    """Pure: one value as text: 1-bit as its bit, wider ones in ``radix`` (x/z kept visible)."""
    if isinstance(value, float):
        return f"{value:g}"
    b = bits(value, width)
    if width == 1:
        return b
    if radix == "bin":
        return b
    if radix == "hex":
        return hex_value(b)
    if any(c in "xz" for c in b):
        return "x" if "x" in b else "z"
    n = int(b, 2)
    if radix == "sdec" and b[0] == "1":
        n -= 1 << width
    return str(n)


def _time(change: Change) -> int:
    return int(change[0])


def value_at(signal: Sequence[Change], t: int) -> Any:
    """Pure: the value holding at ``t`` (after every change at ``t``); None before the first change."""
    i = bisect_right(signal, t, key=_time) - 1
    return signal[i][1] if i >= 0 else None


def window(signal: Sequence[Change], t0: int, t1: int, buckets: int) -> list[tuple[int, Any]]:
    """Pure: the changes that draw ``[t0, t1]``: first the value holding at ``t0``, then each
    change, or ``(t, None)`` where a bucket holds several (busy until the next entry)."""
    buckets = max(1, min(buckets, MAX_BUCKETS))
    out: list[tuple[int, Any]] = [(t0, value_at(signal, t0))]
    j = bisect_right(signal, t0, key=_time)
    end = bisect_right(signal, t1, key=_time)
    if end - j <= buckets:
        return out + [(int(signal[k][0]), signal[k][1]) for k in range(j, end)]
    step = (t1 - t0) / buckets
    busy_until = None  # the time of the last change of the busy span in progress
    for b in range(1, buckets + 1):
        if j >= end:
            break
        edge = t1 if b == buckets else int(t0 + b * step)
        k = bisect_right(signal, edge, lo=j, hi=end, key=_time)
        if k - j == 1:
            out.append((int(signal[j][0]), signal[j][1]))
            busy_until = None
        elif k - j > 1:
            last = signal[k - 1]
            if busy_until is not None and out and out[-1][0] == busy_until:
                out.pop()  # the busy span goes on: drop the value it had settled to so far
            else:
                out.append((int(signal[j][0]), None))
            out.append((int(last[0]), last[1]))
            busy_until = int(last[0])
        else:
            busy_until = None
        j = k
    return out


def row(name: str, width: int, signal: Sequence[Change], t0: int, t1: int, buckets: int,
        radix: Radix) -> dict[str, Any]:  # fmt: skip
    """Pure: one signal's row for the page: its changes in the window as ``[time, text|null]``."""
    changes = window(signal, t0, t1, buckets)
    shown = [[t, None if v is None and i else fmt(v, width, radix)] for i, (t, v) in enumerate(changes)]
    return {"name": name, "width": width, "changes": shown}


def default_signals(
    names: dict[str, int], scopes: list[str], differing: list[str], limit: int = 16
) -> list[str]:
    """Pure: what the page shows first: the design instance's own signals (clock and reset first),
    each differing output followed by the testbench's expected value when it keeps one."""
    dut = _dut_scope(names, scopes, differing)
    own = [n for n in names if n.rsplit(".", 1)[0] == dut]
    own.sort(key=lambda n: (not CLOCK.search(n.rsplit(".", 1)[-1]), not RESET.search(n.rsplit(".", 1)[-1])))
    picked: list[str] = []
    tb = dut.rsplit(".", 1)[0] if "." in dut else dut
    for name in own[:limit]:
        picked.append(name)
        short = name.rsplit(".", 1)[-1]
        if short in differing:
            picked += [e for p in EXPECTED_PATTERNS if (e := f"{tb}.{p.format(short)}") in names][:1]
    return picked


def _dut_scope(names: dict[str, int], scopes: list[str], differing: list[str]) -> str:
    """Pure: the scope holding the most differing outputs, else the first one below the top."""

    def held(scope: str) -> int:
        return sum(1 for d in differing if f"{scope}.{d}" in names)

    below = [s for s in scopes if "." in s] or scopes
    if not below:
        return ""
    return max(below, key=lambda s: (held(s), -s.count("."), -below.index(s)))
