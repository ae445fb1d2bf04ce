"""Pure, structure-aware chunkers: Markdown by heading, Python by def/class, Verilog by module.

Every chunker returns ``Chunk`` objects; a piece longer than ``MAX_CHARS`` is cut into overlapping
windows at line boundaries (MiniLM reads only the first ~256 word pieces of a text, and long chunks
dilute BM25 scores).
"""

from __future__ import annotations

import ast
import re

from chipsmith.knowledge.store import Chunk

MAX_CHARS = 1200
OVERLAP = 200

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADER_COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->")
_MODULE = re.compile(
    r"^[ \t]*(?:macromodule|module|interface|package)\s+(?:automatic\s+|static\s+)?([A-Za-z_][\w$]*)"
    r".*?^[ \t]*(?:endmodule|endinterface|endpackage)\b[^\n]*",
    re.MULTILINE | re.DOTALL,
)


def windows(text: str, max_chars: int = MAX_CHARS, overlap: int = OVERLAP) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_chars`` at line breaks, neighbours sharing ~``overlap``."""
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    cur: list[str] = []
    size = 0
    for line in lines:
        while len(line) > max_chars:  # a single huge line (minified text): hard cut
            lines_head, line = line[:max_chars], line[max_chars - overlap :]
            if cur:
                out.append("".join(cur))
                cur, size = [], 0
            out.append(lines_head)
        if size + len(line) > max_chars and cur:
            out.append("".join(cur))
            tail: list[str] = []
            kept = 0
            for prev in reversed(cur):  # carry the last lines over as overlap
                if kept + len(prev) > overlap:
                    break
                tail.insert(0, prev)
                kept += len(prev)
            cur, size = tail, kept
        cur.append(line)
        size += len(line)
    if cur:
        out.append("".join(cur))
    return [w.strip() for w in out if w.strip()]


def _split(text: str, section: str, kind: str, language: str) -> list[Chunk]:
    parts = windows(text)
    return [Chunk(text=p, section=section, kind=kind, language=language) for p in parts]


def header_options(text: str) -> dict[str, str]:
    """``<!-- kind: error; language: verilog -->`` on a Markdown file's first line sets its metadata."""
    m = _HEADER_COMMENT.match(text.lstrip())
    opts: dict[str, str] = {}
    if m:
        for item in m.group(1).split(";"):
            if ":" in item:
                k, v = item.split(":", 1)
                opts[k.strip().lower()] = v.strip()
    return opts


def chunk_markdown(text: str, kind: str = "doc", language: str = "markdown") -> list[Chunk]:
    """One chunk per heading section (heading line included); fenced code never splits a section."""
    opts = header_options(text)
    kind, language = opts.get("kind", kind), opts.get("language", language)
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m:
            sections.append((m.group(2).strip(), [line]))
        else:
            sections[-1][1].append(line)
    chunks: list[Chunk] = []
    for title, lines in sections:
        body = "\n".join(lines)
        body = _HEADER_COMMENT.sub("", body.lstrip(), count=1) if not title else body
        # A heading with nothing under it carries no knowledge of its own.
        if len(body.strip()) > len(title) + 8:
            chunks.extend(_split(body, title, kind, language))
    return chunks


def chunk_text(text: str, kind: str = "doc", language: str = "text") -> list[Chunk]:
    """Plain text: paragraphs packed into windows; sections are numbered parts."""
    parts = windows(text)
    return [Chunk(text=p, section=f"part {i + 1}", kind=kind, language=language) for i, p in enumerate(parts)]


def chunk_python(text: str) -> list[Chunk]:
    """One chunk per top-level function or class; the rest of the module is one more chunk."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return chunk_text(text, kind="code", language="python")
    lines = text.splitlines()
    used: set[int] = set()
    chunks: list[Chunk] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            end = node.end_lineno or node.lineno
            used.update(range(start, end))
            label = "class" if isinstance(node, ast.ClassDef) else "def"
            chunks.extend(_split("\n".join(lines[start:end]), f"{label} {node.name}", "code", "python"))
    rest = "\n".join(line for i, line in enumerate(lines) if i not in used)
    if rest.strip():
        chunks[:0] = _split(rest, "module", "code", "python")
    return chunks


def chunk_verilog(text: str, language: str = "verilog") -> list[Chunk]:
    """One chunk per module/interface/package...end; text without modules falls back to windows."""
    chunks: list[Chunk] = []
    for m in _MODULE.finditer(text):
        chunks.extend(_split(m.group(0), f"module {m.group(1)}", "code", language))
    return chunks or chunk_text(text, kind="code", language=language)
