"""Open waveforms, kept between requests: a multi-megabyte VCD is read once, and each signal only
when the page first shows it.

pywellen (Rust) parses the file and loads signals lazily; a loaded signal is indexed by change, so
the window of ``waves.window`` never walks the whole history. Entries are keyed by the file's real
path, size and modification time: a waveform rewritten by a later simulation is read again.

One entry point, two parsers, on purpose (measured, docs/web.md): pywellen opens a 9 MB VCD in
0.2 s where the tracer's pure-Python reader (pyvcd's tokenizer) takes 12 s, but it refuses about one
file in ten cut short by a killed simulation and panics on a damaged body, while the tracer's reader
keeps what such files hold. So pywellen first, and the tracer's reader for what it refuses (up to
``FALLBACK_BYTES``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

KEEP = 4
"""Waveforms kept open (least recently used dropped first)."""
FALLBACK_BYTES = 32 * 2**20
"""Largest file read again by the tracer's (pure Python) reader when pywellen refuses it."""


class WaveError(ValueError):
    """A file that is not a waveform pywellen can read, or a signal it does not have (one line)."""


class WaveInfo(BaseModel):
    """A waveform's header: time unit, signals (full dotted name -> width), module scopes."""

    timescale: str
    signals: dict[str, int]
    scopes: list[str]


class _Changes:
    """A tracer ``Wave`` seen as pywellen's sequence of (time, value) changes."""

    def __init__(self, wave: Any) -> None:
        self.wave = wave

    def __len__(self) -> int:
        return len(self.wave.times)

    def __getitem__(self, i: int) -> tuple[int, str]:
        return self.wave.times[i], self.wave.values[i]


class OpenWave:
    """One parsed waveform and its loaded signals."""

    def __init__(self, path: Path) -> None:
        self.truncated = False
        self._signals: dict[str, Any] = {}
        self.lock = threading.Lock()
        try:
            self._open_fast(path)
        except BaseException as exc:  # noqa: BLE001 - pywellen's errors include Rust panics (see _refused)
            if not _refused(exc):
                raise
            if path.stat().st_size > FALLBACK_BYTES:
                raise WaveError(f"{path.name} is not a readable waveform: {_line(exc)}") from None
            self._open_tolerant(path)

    def _open_fast(self, path: Path) -> None:
        import pywellen

        wave = pywellen.Waveform(str(path))
        self.vars = {v.full_name: v for v in wave.all_vars()}
        if self.vars:  # the first signal makes pywellen read the body: a damaged one fails here
            first = next(iter(self.vars))
            self._signals[first] = self.vars[first].signal
        ts = wave.timescale
        self.info = WaveInfo(
            timescale=f"{ts.factor}{ts.unit}" if ts is not None else "",
            signals={name: int(v.bitwidth or 1) for name, v in self.vars.items()},
            scopes=[s.full_name for s in wave.all_scopes() if str(s.scope_type).lower() == "module"],
        )

    def _open_tolerant(self, path: Path) -> None:
        """The tracer's reader keeps what a file cut short by a killed simulation holds."""
        from chipsmith.tools.trace._waves import VcdError, read_vcd

        try:
            waves = read_vcd(path.read_bytes())
        except VcdError as exc:
            raise WaveError(f"{path.name}: {exc}") from None
        self.truncated = waves.truncated
        self.vars = dict(waves.signals)
        self._signals = {name: _Changes(w) for name, w in waves.signals.items()}
        self.info = WaveInfo(
            timescale=waves.timescale,
            signals={name: w.width for name, w in waves.signals.items()},
            scopes=[s for s, kind in waves.scopes.items() if kind == "module"],
        )

    def signal(self, name: str) -> Any:
        """The loaded changes of ``name`` (a sequence of (time, value))."""
        if name not in self.vars:
            raise WaveError(f"no signal {name!r} in this waveform")
        with self.lock:
            if name not in self._signals:
                try:
                    self._signals[name] = self.vars[name].signal
                except BaseException as exc:  # noqa: BLE001 - see _refused
                    if not _refused(exc):
                        raise
                    raise WaveError(f"signal {name} could not be read: {_line(exc)}") from None
            return self._signals[name]

    def end(self, names: list[str]) -> int:
        """The last change among ``names`` (the view's right edge when nothing else says)."""
        last = 0
        for name in names:
            sig = self.signal(name)
            if len(sig):
                last = max(last, int(sig[len(sig) - 1][0]))
        return last


class WaveStore:
    """Waveforms opened by the app (a few at a time)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._open: OrderedDict[tuple[str, int, int], OpenWave] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> OpenWave:
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        with self._lock:
            if key in self._open:
                self._open.move_to_end(key)
                return self._open[key]
        wave = OpenWave(path)
        with self._lock:
            self._open[key] = wave
            while len(self._open) > self.keep:
                self._open.popitem(last=False)
        return wave


def _refused(exc: BaseException) -> bool:
    """Whether pywellen gave up on the file: a RuntimeError, or a Rust panic on a damaged body (an
    unknown signal id, a garbled tail), which pyo3 raises as ``PanicException``, a BaseException."""
    return isinstance(exc, RuntimeError) or type(exc).__name__ == "PanicException"


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
