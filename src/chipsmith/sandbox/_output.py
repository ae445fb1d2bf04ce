"""Bounded capture of a command's output: keep the first N bytes, count (but drop) the rest."""

from __future__ import annotations

import threading
from typing import IO

from chipsmith.sandbox.base import TRUNCATION_MARKER

CHUNK = 1 << 20


class OutputCap:
    """Accumulates at most ``limit`` bytes; everything past it is only counted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buf = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.buf)
        if room > 0:
            self.buf += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        """The kept output, with a visible marker when anything was dropped."""
        out = self.buf.decode("utf-8", errors="replace")
        return out + (TRUNCATION_MARKER.format(limit=self.limit) if self.dropped else "")


class CappedReader(threading.Thread):
    """Drains a pipe into an OutputCap so unbounded output costs bounded memory."""

    def __init__(self, pipe: IO[bytes], limit: int) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.cap = OutputCap(limit)

    def run(self) -> None:
        try:
            while chunk := self.pipe.read1(CHUNK):  # type: ignore[attr-defined]
                self.cap.feed(chunk)
        except (OSError, ValueError):  # pipe closed under us while the process was killed
            pass
        finally:
            self.pipe.close()
