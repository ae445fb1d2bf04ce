"""Demonstrations for the RTL agent's prompt: few-shot examples by category, notes from the knowledge base.

Few-shot examples come from ``prompts/examples/<category>__<name>.md`` (written for chipsmith, never
taken from a benchmark's hidden files); a user adds or overrides one by dropping a file with the same
naming into ``.chipsmith/prompts/examples/``. The task's category picks them; a suite whose
categories are not ours (VerilogEval, RTLLM) is mapped by name, else by words of the spec.

Design notes come from the bundled knowledge corpus (BM25 over its non-error chunks: fast, no
vector model) or from the knowledge store (hybrid retrieval, ``knowledge="store"``).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

log = logging.getLogger(__name__)

CATEGORIES = ("combinational", "arithmetic", "sequential", "fsm", "memory", "protocol", "accelerator")
_ALIASES = {"control": "fsm", "state machine": "fsm", "datapath": "arithmetic", "storage": "memory",
            "communication": "protocol", "interface": "protocol"}  # fmt: skip
_KEYWORDS = (
    ("fsm", r"\b(state machine|fsm|moore|mealy|next state|states?)\b"),
    ("memory", r"\b(fifo|ram|rom|memory|register file|regfile)\b"),
    ("protocol", r"\b(uart|spi|i2c|handshake|valid|ready|baud|serial)\b"),
    ("arithmetic", r"\b(add|adder|sum|subtract|multipl\w*|divid\w*|overflow|carry|signed)\b"),
    ("sequential", r"\b(clk|clock|posedge|flip-?flop|register|counter|shift)\b"),
)
Knowledge = Literal["bundled", "store", "none"]


class Example(BaseModel):
    name: str
    category: str
    text: str


class Note(BaseModel):
    source: str
    section: str = ""
    text: str


def example_dirs() -> list[Path]:
    """Project, user and plugin example dirs (``examples/`` beside their prompts), then the package's."""
    from chipsmith.prompts import search_path

    return [d / "examples" for d in search_path()]


def load_examples() -> list[Example]:
    """Every example file, a name found first in the search path winning."""
    found: dict[str, Example] = {}
    for directory in example_dirs():
        for path in sorted(directory.glob("*__*.md")) if directory.is_dir() else []:
            category, _, name = path.stem.partition("__")
            found.setdefault(
                path.stem, Example(name=name, category=category, text=path.read_text(encoding="utf-8"))
            )
    return list(found.values())


def category_of(category: str, spec: str) -> str:
    """Pure: one of ``CATEGORIES`` for a task's category, or from its spec's words."""
    low = category.strip().lower()
    if low in CATEGORIES:
        return low
    if low in _ALIASES:
        return _ALIASES[low]
    text = spec.lower()
    for name, pattern in _KEYWORDS:
        if re.search(pattern, text):
            return name
    return "combinational"


def pick_examples(category: str, spec: str, n: int = 2) -> list[Example]:
    """Up to ``n`` examples of the task's category (then of neighbouring ones), in a fixed order."""
    if n <= 0:
        return []
    cat = category_of(category, spec)
    pool = load_examples()
    same = [e for e in pool if e.category == cat]
    fallback = "sequential" if cat in ("fsm", "memory", "protocol", "accelerator") else "combinational"
    near = [e for e in pool if e.category == fallback and e not in same]
    return (same + near)[:n]


_index: Any = None
_lock = threading.Lock()


def _bundled_index() -> Any:
    """BM25 over the bundled corpus's design notes (not its error entries), built once per process."""
    global _index
    with _lock:
        if _index is None:
            from chipsmith.knowledge.ingest import bundled_files, chunk_bytes
            from chipsmith.knowledge.retrieve import Bm25Index
            from chipsmith.knowledge.store import StoredChunk, chunk_id

            chunks = [
                StoredChunk(id=chunk_id(source, i), source=source, **c.model_dump())
                for source, data in bundled_files()
                for i, c in enumerate(chunk_bytes(data, source))
                if c.kind != "error"
            ]
            _index = Bm25Index(chunks)
        return _index


def design_notes(query: str, source: Knowledge = "bundled", k: int = 2, max_chars: int = 700) -> list[Note]:
    """Up to ``k`` design notes for ``query``; none (with a warning) if the knowledge extra is missing."""
    if source == "none" or k <= 0:
        return []
    try:
        if source == "store":
            from chipsmith.knowledge.retrieve import retrieve

            hits = [(h.source, h.section, h.text) for h in retrieve(query, k=k) if h.kind != "error"]
        else:
            hits = [(c.source, c.section, c.text) for c, _ in _bundled_index().search(query[:2000], k)]
    except Exception as exc:  # a missing extra or an unreadable store: the agent works without notes
        log.warning("design notes unavailable: %s", exc)
        return []
    return [Note(source=s, section=sec, text=_cut(t, max_chars)) for s, sec, t in hits[:k]]


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 5].rstrip() + " [...]"
