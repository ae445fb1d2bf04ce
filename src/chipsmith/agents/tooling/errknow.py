"""Error knowledge beside a failing tool's message: the matching ``kind="error"`` entries.

Two sources. ``bundled`` (the default) is BM25 over the error entries of the bundled corpus,
indexed in memory in about a second the first time and looked up in about a millisecond: no vector
model and no Chroma store to open, which took seconds (see docs/agent-tools.md). ``store`` asks the
knowledge store's hybrid retrieval (``kind="error"``), so entries a user added with ``kb add`` count
too, at the cost of loading the embedding model once per process.

An entry is shown only when its BM25 score passes a floor and the error line shares enough words
with it; the floor was set on the recorded tool errors (tests/data/knowledge/errors) and a set of
lines that no entry describes. The added text is bounded.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Literal

from pydantic import BaseModel

MIN_SCORE = 2.5
"""BM25 score an entry needs (bundled source) to count as matching an error line."""
MIN_OVERLAP = 0.8
"""Share of the error line's known words that must occur in the entry. Known: words that occur in
some error entry; design names, file names and numbers are not, so they do not count."""
_FENCE = re.compile(r"```.*?```", re.S)
_CASE = re.compile(r"^Recorded case:.*$", re.M)
_LOCATION = re.compile(r"^\s*(?:%?\w+(?:-\w+)?:\s*)?[\w./-]+\.\w+[:(]\d+(?:[:,]\d+)?\)?:\s*")
_QUOTED = re.compile(r"[`'\"]+[^`'\"\s]{1,80}['\"]+|\d+")


def normalise(line: str) -> str:
    """Pure: an error line without its file:line prefix, quoted names and numbers (they differ per
    design; the message around them is what an entry quotes)."""
    return " ".join(_QUOTED.sub(" ", _LOCATION.sub("", line.strip()[:500])).split())


class ErrorEntry(BaseModel):
    title: str
    text: str
    """Cause and fix, without the quoted tool output."""
    source: str


_index: Any = None
_vocab: set[str] = set()
_lock = threading.Lock()


def bundled_index() -> Any:
    """A BM25 index over the bundled corpus's error entries (built once per process)."""
    global _index, _vocab
    with _lock:
        if _index is None:
            from chipsmith.knowledge.ingest import bundled_files, chunk_bytes
            from chipsmith.knowledge.retrieve import Bm25Index
            from chipsmith.knowledge.store import StoredChunk, chunk_id

            chunks = []
            for source, data in bundled_files():
                for i, c in enumerate(chunk_bytes(data, source)):
                    if c.kind == "error":
                        chunks.append(StoredChunk(id=chunk_id(source, i), source=source, **c.model_dump()))
            _index = Bm25Index(chunks)
            _vocab = {w for c in chunks for w in _words(f"{c.section}\n{c.text}")}
        return _index


def _words(text: str) -> set[str]:
    from chipsmith.knowledge.retrieve import tokenize

    return set(tokenize(text))


def overlap(line: str, entry_text: str) -> float:
    """Share of the known words of error ``line`` that occur in ``entry_text``."""
    bundled_index()
    entry = _words(entry_text)
    known = _words(normalise(line)) & (_vocab | entry)
    return len(known & entry) / len(known) if known else 0.0


def _entry(section: str, text: str, source: str) -> ErrorEntry:
    body = _CASE.sub("", _FENCE.sub("", text))
    lines = [ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return ErrorEntry(title=section, text=" ".join(" ".join(lines).split()), source=source)


class ErrorKnowledge:
    """Looks up error entries for failing tool output and formats a bounded block of them."""

    def __init__(
        self,
        source: Literal["bundled", "store"] = "bundled",
        *,
        max_entries: int = 2,
        max_entry_chars: int = 600,
        max_chars: int = 1400,
    ) -> None:
        self.source = source
        self.max_entries = max_entries
        self.max_entry_chars = max_entry_chars
        self.max_chars = max_chars

    def _search(self, line: str) -> list[ErrorEntry]:
        line = normalise(line)
        if self.source == "store":
            from chipsmith.knowledge.retrieve import retrieve

            hits = retrieve(line, k=3, kind="error")
            return [_entry(h.section, h.text, h.source) for h in hits if overlap(line, h.text) >= MIN_OVERLAP]
        found = bundled_index().search(line, 3)
        return [
            _entry(c.section, c.text, c.source)
            for c, score in found
            if score >= MIN_SCORE and overlap(line, f"{c.section}\n{c.text}") >= MIN_OVERLAP
        ]

    def lookup(self, error_lines: list[str]) -> list[ErrorEntry]:
        """The best entry for each distinct error line (first lines first), at most ``max_entries``."""
        out: list[ErrorEntry] = []
        for line in dict.fromkeys(ln.strip()[:500] for ln in error_lines if normalise(ln)):
            for entry in self._search(line)[:1]:
                if all(e.title != entry.title for e in out):
                    out.append(entry)
            if len(out) >= self.max_entries:
                break
        return out

    def annotate(self, error_lines: list[str]) -> str:
        """The block shown after the error text, or "" when nothing matches; at most ``max_chars``."""
        entries = self.lookup(error_lines[:8])
        if not entries:
            return ""
        parts = ["Error knowledge (known causes of messages like these; check that they apply):"]
        for e in entries:
            text = (
                e.text if len(e.text) <= self.max_entry_chars else e.text[: self.max_entry_chars - 3] + "..."
            )
            parts.append(f"- {e.title}: {text}")
        block = "\n".join(parts)
        return block if len(block) <= self.max_chars else block[: self.max_chars - 3] + "..."
