"""Error knowledge beside a failing tool's message: the matching ``kind="error"`` entries.

Two sources. ``bundled`` (the default) is BM25 over the error entries of the bundled corpus,
indexed in memory in about a second the first time and looked up in about a millisecond: no vector
model and no Chroma store to open, which took seconds (see docs/agent-tools.md). ``store`` asks the
knowledge store's hybrid retrieval (``kind="error"``), so entries a user added with ``kb add`` count
too, at the cost of loading the embedding model once per process.

An entry is shown only when its BM25 score passes a floor and the error line shares enough words
with it; the floor was set on the recorded tool errors (tests/data/knowledge/errors) and a set of
lines that no entry describes. The added text is bounded.

An entry is also shown only for a tool it is about: each entry belongs to a family (the program
whose messages it explains: its file under ``errors/``, or the ``name:`` that starts its title),
and each tool has the families of the programs it runs (``tool_families``). Words alone are not
enough: Python's "'X' object has no attribute 'y'" matched the Triton entry on a simulator's
``AttributeError``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel

MIN_SCORE = 2.5
"""BM25 score an entry needs (bundled source) to count as matching an error line."""
MIN_OVERLAP = 0.8
"""Share of the error line's known words that must occur in the entry. Known: words that occur in
some error entry; design names, file names and numbers are not, so they do not count."""
HDL_SIM = frozenset({"iverilog", "vvp", "verilator"})
SYNTHESIS = frozenset({"yosys", "abc", "sta"})
KERNEL = frozenset({"nvcc", "ptxas", "triton", "g++", "gcc"})
TOOL_FAMILIES: dict[str, frozenset[str]] = {
    "lint": HDL_SIM,
    "simulate": HDL_SIM,
    "trace_mismatch": HDL_SIM,
    "synthesize": SYNTHESIS,
    "equivalence": SYNTHESIS,
    "optimize": SYNTHESIS,
    "check_kernel": KERNEL,
}
"""Families of error entries that can explain each built-in tool's failures. Another tool declares
its own with an ``error_families`` attribute on its function (e.g. ``KERNEL`` for a kernel tool)."""
_FENCE = re.compile(r"```.*?```", re.S)
_CASE = re.compile(r"^Recorded case:.*$", re.M)
_LOCATION = re.compile(r"^\s*(?:%?\w+(?:-\w+)?:\s*)?[\w./-]+\.\w+[:(]\d+(?:[:,]\d+)?\)?:\s*")
_QUOTED = re.compile(r"[`'\"]+[^`'\"\s]{1,80}['\"]+|\d+")


def normalise(line: str) -> str:
    """Pure: an error line without its file:line prefix, quoted names and numbers (they differ per
    design; the message around them is what an entry quotes)."""
    return " ".join(_QUOTED.sub(" ", _LOCATION.sub("", line.strip()[:500])).split())


def tool_families(name: str, func: Callable[..., Any] | None = None) -> frozenset[str]:
    """The entry families that apply to failures of tool ``name`` (none for a tool that runs no
    program with known messages: file tools, knowledge search, an unknown plugin)."""
    declared = getattr(func, "error_families", None)
    if declared is not None:
        return frozenset(str(f).lower() for f in declared)
    return TOOL_FAMILIES.get(name, frozenset())


def is_python_error(exc: BaseException) -> bool:
    """A built-in Python exception (AttributeError, KeyError, ...) is a bug in or around the tool, not
    a message of the program it runs: no entry explains it. Tool errors have their own classes."""
    return type(exc).__module__ == "builtins"


def entry_families(section: str, source: str) -> set[str]:
    """Pure: the families an entry belongs to: its file's stem and the name its title starts with
    (``iverilog: ...`` in errors/iverilog.md; ``vvp: ...``; ``nvcc fatal: ...`` -> nvcc)."""
    out = {PurePosixPath(source).stem.lower()}
    head, colon, _ = section.partition(":")
    if colon and head.strip():
        out.add(head.split()[0].lower())
    return out


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

    def _search(self, line: str, families: Collection[str] | None) -> list[ErrorEntry]:
        line = normalise(line)
        if self.source == "store":
            from chipsmith.knowledge.retrieve import retrieve

            hits = retrieve(line, k=3, kind="error")
            found = [(h.section, h.text, h.source) for h in hits if overlap(line, h.text) >= MIN_OVERLAP]
        else:
            found = [
                (c.section, c.text, c.source)
                for c, score in bundled_index().search(line, 3)
                if score >= MIN_SCORE and overlap(line, f"{c.section}\n{c.text}") >= MIN_OVERLAP
            ]
        return [
            _entry(section, text, source)
            for section, text, source in found
            if families is None or entry_families(section, source) & set(families)
        ]

    def lookup(self, error_lines: list[str], families: Collection[str] | None = None) -> list[ErrorEntry]:
        """The best entry for each distinct error line (first lines first), at most ``max_entries``.

        ``families``: only entries of these families (``tool_families`` of the failing tool); None
        means every entry (measuring the matcher itself), an empty set none."""
        out: list[ErrorEntry] = []
        if families is not None and not families:
            return out
        for line in dict.fromkeys(ln.strip()[:500] for ln in error_lines if normalise(ln)):
            for entry in self._search(line, families)[:1]:
                if all(e.title != entry.title for e in out):
                    out.append(entry)
            if len(out) >= self.max_entries:
                break
        return out

    def annotate(self, error_lines: list[str], families: Collection[str] | None = None) -> str:
        """The block shown after the error text, or "" when nothing matches; at most ``max_chars``."""
        entries = self.lookup(error_lines[:8], families)
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
