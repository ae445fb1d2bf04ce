"""Bounded capture of a command's output: keep the first N bytes, count (but drop) the rest.

``Capture`` reads a run's stdout and stderr pipes in the calling thread with a selector, until a
"done" descriptor becomes readable (a pidfd, or the worker's reply socket) or a deadline passes:
no reader threads and no timer thread per run.
"""

from __future__ import annotations

import os
import selectors
import time
from collections.abc import Callable

from chipsmith.sandbox.base import TRUNCATION_MARKER

CHUNK = 1 << 16


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


class Capture:
    """Drains two pipes (stdout, stderr) into OutputCaps; owns and closes their read ends."""

    def __init__(
        self, out_fd: int, err_fd: int, limit: int, on_overflow: Callable[[], None] | None = None
    ) -> None:
        self.caps = {out_fd: OutputCap(limit), err_fd: OutputCap(limit)}
        self.on_overflow = on_overflow
        """Called once, when a stream first passes the limit (to kill the run)."""
        self.stdout, self.stderr = self.caps[out_fd], self.caps[err_fd]
        self.sel = selectors.DefaultSelector()
        for fd in self.caps:
            os.set_blocking(fd, False)
            self.sel.register(fd, selectors.EVENT_READ)

    def _read(self, fd: int) -> None:
        try:
            chunk = os.read(fd, CHUNK)
        except BlockingIOError:
            return
        if chunk:
            self.caps[fd].feed(chunk)
            if self.on_overflow is not None and self.caps[fd].dropped:
                self.on_overflow()
                self.on_overflow = None
        else:  # EOF: every writer is gone
            self.sel.unregister(fd)
            os.close(fd)

    def pump_until(
        self, done_fd: int, deadline: float, on_deadline: Callable[[], None], grace: float
    ) -> bool:
        """Read output until ``done_fd`` is readable. At ``deadline`` call ``on_deadline`` once and
        wait ``grace`` more seconds. Returns True when ``done_fd`` became readable."""
        self.sel.register(done_fd, selectors.EVENT_READ)
        fired = False
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 and not fired:
                    fired = True
                    on_deadline()
                    deadline = time.monotonic() + grace
                    continue
                if left <= 0:
                    return False
                for key, _ in self.sel.select(left):
                    if key.fd == done_fd:
                        return True
                    self._read(key.fd)
        finally:
            self.sel.unregister(done_fd)

    def drain(self, seconds: float) -> None:
        """Read until both pipes reach EOF, for at most ``seconds``; then close what is left."""
        self.on_overflow = None  # the run is over: nothing left to kill
        end = time.monotonic() + seconds
        while self.sel.get_map() and (left := end - time.monotonic()) > 0:
            for key, _ in self.sel.select(left):
                self._read(key.fd)
        for key in list(self.sel.get_map().values()):
            self.sel.unregister(key.fd)
            os.close(key.fd)
        self.sel.close()

    @property
    def truncated(self) -> bool:
        return any(cap.dropped for cap in self.caps.values())
