"""A small JSON cache keyed by content hash, safe for several processes writing at once.

Neutral ground: tools and benchmarks both use it (``chipsmith.benchmarks._cache`` re-exports it)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def content_key(*parts: object) -> str:
    """Pure: a stable sha256 of the given parts (bytes, strings, or JSON-able data)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode()
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode()
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def files_key(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """Pure: name -> content-hash pairs, sorted, for use inside ``content_key``."""
    return sorted((name, hashlib.sha256(data).hexdigest()) for name, data in files.items())


class JsonCache:
    """``<dir>/<key>.json`` entries; a write is a rename, so readers never see half a file."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.dir / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as fh:
            json.dump(value, fh)
        os.replace(tmp, self.dir / f"{key}.json")
