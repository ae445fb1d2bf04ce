"""The channel between the trusted supervisor and a candidate worker: pipes and shared memory.

Messages are length-prefixed JSON on two pipes the supervisor creates (requests in, replies out);
array data travels through one shared-memory file (a memfd) the supervisor sizes and seals against
resizing, so a worker can neither grow nor shrink it under the supervisor. The worker sees only the
inputs of the call at hand and an output area; it never sees seeds, reference outputs or the plan.

Imported by both sides; no torch here.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

MAX_MESSAGE = 1 << 20
"""Largest message accepted from a worker: anything bigger is a broken or hostile worker."""
ALIGN = 64
GUARD = 4096
"""Canary bytes after every input in shared memory (out-of-bounds writes past an input)."""
CANARY = 0x5C


class ChannelError(RuntimeError):
    """The other side closed the channel, timed out or sent something malformed."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def send(fd: int, obj: dict[str, Any]) -> None:
    data = json.dumps(obj, separators=(",", ":")).encode()
    payload = struct.pack("<I", len(data)) + data
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChannelError("timeout", "no reply before the deadline")
        chunk = os.read(fd, n - got)
        if not chunk:
            raise ChannelError("closed", "the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(fd: int, deadline: float | None = None) -> dict[str, Any]:
    """One message; ``ChannelError`` on EOF, timeout, an oversized or a malformed message."""
    (size,) = struct.unpack("<I", _read_exact(fd, 4, deadline))
    if size > MAX_MESSAGE:
        raise ChannelError("protocol", f"message of {size} bytes exceeds {MAX_MESSAGE}")
    try:
        obj = json.loads(_read_exact(fd, size, deadline))
    except ValueError as exc:
        raise ChannelError("protocol", f"malformed message: {exc}") from exc
    if not isinstance(obj, dict):
        raise ChannelError("protocol", "message is not an object")
    return obj


def aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def layout(sizes: list[int], start: int = 0) -> list[tuple[int, int]]:
    """Pure: (offset, nbytes) for consecutive blocks, each followed by a canary guard."""
    out, off = [], start
    for n in sizes:
        out.append((off, n))
        off = aligned(off + n + GUARD)
    return out


def end_of(blocks: list[tuple[int, int]], start: int = 0) -> int:
    return aligned(blocks[-1][0] + blocks[-1][1] + GUARD) if blocks else start


def sign(key: bytes, result: bytes) -> str:
    """The supervisor's signature over its result (HMAC-SHA256 with the run's key). The key reaches
    only the supervisor, which is not dumpable: a candidate cannot forge a result."""
    import hashlib
    import hmac

    return hmac.new(key, result, hashlib.sha256).hexdigest()


def signed_ok(key: bytes, result: bytes, sig: bytes) -> bool:
    import hmac

    return hmac.compare_digest(sign(key, result).encode(), sig.strip())
