"""Pure: a VCD file read into per-signal value histories (pyvcd's tokenizer does the parsing).

Values are kept as bit strings, most significant bit first, one character per bit (``0``, ``1``,
``x``, ``z``), exactly ``width`` long, so comparing, slicing and printing need no further decoding.
A signal seen under several names (a port and the net it is connected to share one VCD id) is
stored once and reachable by every name. A file that ends early (a simulation killed by its
timeout) keeps what was read and says so in ``truncated``.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from dataclasses import dataclass, field


class VcdError(ValueError):
    """The bytes are not a VCD file the tracer can read."""


@dataclass
class Wave:
    """The value history of one signal: ``values[i]`` holds from ``times[i]`` on."""

    width: int
    times: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)

    def at(self, t: int) -> str:
        """The value after everything at time ``t`` has settled; all ``x`` before the first change."""
        i = bisect_right(self.times, t) - 1
        return self.values[i] if i >= 0 else "x" * self.width

    def set(self, t: int, value: str) -> None:
        if self.times and self.times[-1] == t:  # several changes in one time step: the last counts
            if len(self.values) > 1 and self.values[-2] == value:
                self.times.pop()
                self.values.pop()
            else:
                self.values[-1] = value
        elif not self.values or self.values[-1] != value:
            self.times.append(t)
            self.values.append(value)


@dataclass
class Waves:
    """Every signal of a VCD by dotted path (``tb.dut.q``), with the file's time unit."""

    signals: dict[str, Wave]
    scopes: dict[str, str]
    """Every scope path, in file order (``tb``, ``tb.dut``...) -> its kind (``module``, ``task``...)."""
    timescale: str
    end: int
    truncated: bool = False

    def under(self, scope: str) -> dict[str, Wave]:
        """Signals directly or indirectly under ``scope``, keyed by the path below it (``q``, ``u1.x``)."""
        prefix = scope + "."
        return {k[len(prefix) :]: w for k, w in self.signals.items() if k.startswith(prefix)}

    def direct(self, scope: str) -> dict[str, Wave]:
        """Signals declared in ``scope`` itself, keyed by their short name."""
        return {k: w for k, w in self.under(scope).items() if "." not in k}

    def children(self, scope: str, kind: str = "module") -> list[str]:
        """Scopes of ``kind`` directly below ``scope``."""
        depth = scope.count(".") + 1
        return [
            s
            for s, k in self.scopes.items()
            if k == kind and s.startswith(scope + ".") and s.count(".") == depth
        ]

    def times(self, scopes: list[str]) -> list[int]:
        """Pure: every time at which a signal under one of ``scopes`` changed, sorted."""
        seen: set[int] = set()
        for scope in scopes:
            for w in self.under(scope).values():
                seen.update(w.times)
        return sorted(seen)


def normalise(value: int | str, width: int) -> str:
    """Pure: a VCD vector or scalar value as exactly ``width`` bit characters (IEEE 1364 left-extension)."""
    if isinstance(value, int):
        return format(value, f"0{width}b")[-width:] if width > 0 else ""
    text = value.lower()
    if len(text) >= width:
        return text[-width:]
    pad = "0" if text[:1] == "1" else text[:1] or "x"
    return pad * (width - len(text)) + text


def read_vcd(data: bytes) -> Waves:
    """Pure: parse VCD ``data``; raises ``VcdError`` with one line when it is not a readable VCD."""
    from vcd.reader import TokenKind, VCDParseError, tokenize

    waves: dict[str, Wave] = {}
    by_id: dict[str, Wave] = {}
    scope: list[str] = []
    scopes: dict[str, str] = {}
    timescale, now, truncated, defined = "1s", 0, False, False
    try:
        for tok in tokenize(io.BytesIO(data)):
            kind = tok.kind
            if kind is TokenKind.CHANGE_SCALAR or kind is TokenKind.CHANGE_VECTOR:
                change = tok.data
                wave = by_id.get(change.id_code)  # type: ignore[union-attr]
                if wave is not None:
                    wave.set(now, normalise(change.value, wave.width))  # type: ignore[union-attr,arg-type]
            elif kind is TokenKind.CHANGE_TIME:
                now = tok.time_change
            elif kind is TokenKind.SCOPE:
                scope.append(tok.scope.ident)
                scopes[".".join(scope)] = tok.scope.type_.value
            elif kind is TokenKind.UPSCOPE and scope:
                scope.pop()
            elif kind is TokenKind.VAR:
                var = tok.var
                wave = by_id.setdefault(var.id_code, Wave(width=max(1, var.size)))
                waves[".".join([*scope, var.reference])] = wave
            elif kind is TokenKind.TIMESCALE:
                ts = tok.timescale
                timescale = f"{ts.magnitude}{ts.unit.value}"
            elif kind is TokenKind.ENDDEFINITIONS:
                defined = True
    except VCDParseError as exc:
        if not defined:
            raise VcdError(f"not a readable VCD file: {exc}") from None
        truncated = True
    except (EOFError, UnicodeDecodeError, ValueError) as exc:
        if not defined:
            raise VcdError(f"not a readable VCD file: {exc or type(exc).__name__}") from None
        truncated = True
    if not defined or not waves:
        raise VcdError("not a readable VCD file: no signal definitions found")
    return Waves(signals=waves, scopes=scopes, timescale=timescale, end=now, truncated=truncated)


def changed_between(wave: Wave, t0: int, t1: int) -> bool:
    """Pure: whether ``wave`` changed value at a time in (t0, t1]."""
    i = bisect_right(wave.times, t0)
    return i < len(wave.times) and wave.times[i] <= t1
