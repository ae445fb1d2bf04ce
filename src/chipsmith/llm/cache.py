"""SQLite response cache: a ``langchain_core.caches.BaseCache`` shared by several processes.

Keyed by the model's parameters (LangChain's ``llm_string``: model, temperature, seed, bound
tools, ...) and the messages, with per-call noise removed (message ids, response metadata, usage),
so a rerun or a resumed bench run finds every reply it already paid for. The file is opened in
WAL mode with a busy timeout, one connection per process (a forked pool worker reconnects), which
makes concurrent readers and writers from a process pool safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.messages import message_to_dict, messages_from_dict
from langchain_core.outputs import ChatGeneration, Generation

from chipsmith.llm.errors import LLMError

_NOISE = ("id", "response_metadata", "usage_metadata")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)"
)


def _strip_noise(obj: Any) -> Any:
    """Drop per-call fields of serialized messages so the same conversation keys the same."""
    if isinstance(obj, list):
        return [_strip_noise(x) for x in obj]
    if isinstance(obj, dict):
        kwargs = obj.get("kwargs")
        if obj.get("lc") == 1 and isinstance(kwargs, dict):
            kwargs = {k: _strip_noise(v) for k, v in kwargs.items() if k not in _NOISE}
            return {**obj, "kwargs": kwargs}
        return {k: _strip_noise(v) for k, v in obj.items()}
    return obj


def cache_key(prompt: str, llm_string: str) -> str:
    """The row key for LangChain's (prompt, llm_string) pair."""
    # A prompt that is not a serialized message list is keyed as it is.
    with contextlib.suppress(ValueError):
        prompt = json.dumps(_strip_noise(json.loads(prompt)), sort_keys=True)
    return hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()


def _encode(generations: Sequence[Generation]) -> str:
    rows: list[dict[str, Any]] = []
    for gen in generations:
        if isinstance(gen, ChatGeneration):
            rows.append({"message": message_to_dict(gen.message), "info": gen.generation_info})
        else:
            rows.append({"text": gen.text, "info": gen.generation_info})
    return json.dumps(rows)


def _decode(value: str) -> list[Generation]:
    out: list[Generation] = []
    for row in json.loads(value):
        if "message" in row:
            msg = messages_from_dict([row["message"]])[0]
            out.append(ChatGeneration(message=msg, generation_info=row.get("info")))
        else:
            out.append(Generation(text=row["text"], generation_info=row.get("info")))
    return out


class SqliteCache(BaseCache):
    """Replies by (model parameters, messages) in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                conn.commit()
            except sqlite3.Error as exc:
                raise LLMError(
                    f"response cache {self.path} is unusable ({exc}); delete it or run with --no-cache"
                ) from None
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            conn = self._connection()
            try:
                rows = conn.execute(sql, args).fetchall()
                conn.commit()
            except sqlite3.Error as exc:
                raise LLMError(
                    f"response cache {self.path}: {exc}; delete it or run with --no-cache"
                ) from None
            return rows

    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        rows = self._run("SELECT value FROM replies WHERE key = ?", (cache_key(prompt, llm_string),))
        if not rows:
            return None
        try:
            return _decode(rows[0][0])
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable entry is a miss; the fresh reply overwrites it

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        key = cache_key(prompt, llm_string)
        self._run("INSERT OR REPLACE INTO replies VALUES (?, ?, ?)", (key, _encode(return_val), time.time()))

    def clear(self, **kwargs: Any) -> None:
        self._run("DELETE FROM replies")

    def entries(self) -> int:
        return int(self._run("SELECT COUNT(*) FROM replies")[0][0])
