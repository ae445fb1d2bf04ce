"""Ingestion: files and directories -> chunks -> the store, idempotent by content hash.

A file whose hash matches what the store holds is left alone; a changed file has its old chunks
replaced. Files that cannot be read as knowledge (binary, empty, broken PDF, unknown type) are
reported as skipped with a reason, never raised.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from chipsmith.knowledge import chunking
from chipsmith.knowledge.store import Chunk, KnowledgeStore

SUFFIXES: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".rst": "text",
    ".log": "text",
    ".pdf": "pdf",
    ".v": "verilog",
    ".vh": "verilog",
    ".sv": "systemverilog",
    ".svh": "systemverilog",
    ".py": "python",
}
BUNDLED_PREFIX = "chipsmith:corpus/"
_SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".chipsmith", ".mypy_cache", ".ruff_cache"}


class SkipFile(Exception):
    """A file that holds no ingestible knowledge; the message is the reason."""


class IngestReport(BaseModel):
    """What one ingestion did, per source."""

    added: list[str] = Field(default_factory=list)
    replaced: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: dict[str, str] = Field(default_factory=dict)
    chunks: int = 0


def chunk_bytes(data: bytes, name: str) -> list[Chunk]:
    """Chunks of a file's content, by its suffix; raises SkipFile with a reason."""
    fmt = SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        raise SkipFile(f"unsupported file type {Path(name).suffix or '(none)'}")
    if not data.strip():
        raise SkipFile("empty file")
    if fmt == "pdf":
        return chunking.chunk_text(_pdf_text(data), kind="doc", language="pdf")
    if b"\x00" in data[:8192]:
        raise SkipFile("binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (byte {exc.start})") from None
    if fmt == "markdown":
        chunks = chunking.chunk_markdown(text)
    elif fmt == "python":
        chunks = chunking.chunk_python(text)
    elif fmt in ("verilog", "systemverilog"):
        chunks = chunking.chunk_verilog(text, language=fmt)
    else:
        chunks = chunking.chunk_text(text)
    if not chunks:
        raise SkipFile("no text to index")
    return chunks


def _pdf_text(data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise SkipFile("not a PDF (no %PDF header)")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise SkipFile(f"unreadable PDF ({type(exc).__name__})") from None
    # The page number is kept in the text so a reader can find the passage.
    text = "\n\n".join(f"[page {i + 1}]\n{p}" for i, p in enumerate(pages) if p)
    if not text:
        raise SkipFile("PDF has no extractable text")
    return text


def iter_files(paths: Iterable[Path]) -> Iterable[tuple[Path, str | None]]:
    """Files under ``paths`` (recursing into directories); a missing path yields a skip reason."""
    for path in paths:
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path).parts
                hidden = any(p in _SKIP_DIRS or p.startswith(".") for p in rel)
                if sub.is_file() and not hidden and sub.suffix.lower() in SUFFIXES:
                    yield sub, None
        elif path.is_file():
            yield path, None
        else:
            yield path, "no such file or directory"


def source_name(path: Path) -> str:
    """How a file is named in the store: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def ingest_one(
    store: KnowledgeStore, source: str, data: bytes, report: IngestReport, bundled: bool = False
) -> None:
    """Ingest one file's bytes under the name ``source``; record the outcome in ``report``."""
    digest = hashlib.sha256(data).hexdigest()
    old = store.file_hash(source)
    if old == digest:
        report.unchanged.append(source)
        return
    try:
        chunks = chunk_bytes(data, source)
    except SkipFile as exc:
        report.skipped[source] = str(exc)
        return
    report.chunks += store.replace_source(source, digest, chunks, bundled=bundled)
    (report.replaced if old else report.added).append(source)


def ingest_paths(store: KnowledgeStore, paths: Iterable[Path]) -> IngestReport:
    """Ingest files and directories (recursively, supported types only)."""
    report = IngestReport()
    for path, problem in iter_files(paths):
        name = source_name(path)
        if problem:
            report.skipped[name] = problem
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.skipped[name] = exc.strerror or "unreadable"
            continue
        ingest_one(store, name, data, report)
    return report


def bundled_files() -> list[tuple[str, bytes]]:
    """The corpus shipped in the package: (source name, bytes) for every Markdown file."""
    root = resources.files("chipsmith.knowledge") / "corpus"
    out: list[tuple[str, bytes]] = []

    def walk(node: object, rel: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):  # type: ignore[attr-defined]
            if child.is_dir():
                walk(child, f"{rel}{child.name}/")
            elif child.name.endswith(".md"):
                out.append((f"{BUNDLED_PREFIX}{rel}{child.name}", child.read_bytes()))

    walk(root, "")
    return out


def ingest_bundled(store: KnowledgeStore) -> IngestReport:
    """Add (or refresh) the bundled corpus."""
    report = IngestReport()
    for name, data in bundled_files():
        ingest_one(store, name, data, report, bundled=True)
    return report


_checked: set[str] = set()


def ensure_bundled(store: KnowledgeStore) -> IngestReport | None:
    """Once per process and store: add the bundled corpus on first use, refresh files that changed.

    Returns the report when it did the check, None when this process already had.
    """
    if store.key in _checked:
        return None
    report = ingest_bundled(store)  # idempotent: one hash lookup per unchanged file
    _checked.add(store.key)
    return report
