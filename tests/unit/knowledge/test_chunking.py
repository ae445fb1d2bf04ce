"""Structure-aware chunkers and the file gatekeeper (no model, no store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.knowledge import chunking
from chipsmith.knowledge.ingest import SkipFile, chunk_bytes, iter_files
from helpers import require_module

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "data" / "knowledge"


def test_markdown_splits_by_heading_and_ignores_hashes_in_fences() -> None:
    chunks = chunk_bytes((DATA / "docs" / "fifo_notes.md").read_bytes(), "fifo_notes.md")
    assert [c.section for c in chunks] == ["FIFO notes", "Pointer widths", "Almost-full threshold"]
    assert "# A comment inside a fence" in chunks[1].text
    assert chunks[1].text.startswith("## Pointer widths")
    assert {c.kind for c in chunks} == {"doc"} and {c.language for c in chunks} == {"markdown"}


def test_markdown_header_comment_sets_kind_and_language() -> None:
    text = "<!-- kind: error; language: cuda -->\n# T\n\nbody of the title section\n\n## E1\n\nsome cause and fix\n"
    chunks = chunking.chunk_markdown(text)
    assert [(c.section, c.kind, c.language) for c in chunks] == [
        ("T", "error", "cuda"),
        ("E1", "error", "cuda"),
    ]
    assert "<!--" not in chunks[0].text


def test_long_section_is_windowed_with_overlap_under_the_limit() -> None:
    body = "\n".join(f"line {i} " + "x" * 50 for i in range(100))
    chunks = chunking.chunk_markdown(f"# Long\n\n{body}\n")
    assert len(chunks) > 3
    assert all(len(c.text) <= chunking.MAX_CHARS for c in chunks)
    assert {c.section for c in chunks} == {"Long"}
    last_line_of_first = chunks[0].text.splitlines()[-1]
    assert last_line_of_first in chunks[1].text  # overlap carries lines over
    joined = "\n".join(c.text for c in chunks)
    assert all(f"line {i} " in joined for i in range(100))


def test_single_huge_line_is_cut() -> None:
    parts = chunking.windows("y" * 5000)
    assert len(parts) >= 5 and all(len(p) <= chunking.MAX_CHARS for p in parts)


def test_python_one_chunk_per_top_level_def_and_class() -> None:
    chunks = chunk_bytes((DATA / "docs" / "helpers.py").read_bytes(), "helpers.py")
    assert [c.section for c in chunks] == ["module", "def popcount", "class Meter"]
    assert chunks[1].text.startswith("@functools.cache")  # decorators stay with their function
    assert "def tick" in chunks[2].text
    assert all(c.kind == "code" and c.language == "python" for c in chunks)


def test_python_with_syntax_error_falls_back_to_text_windows() -> None:
    chunks = chunking.chunk_python("def broken(:\n    pass\n")
    assert len(chunks) == 1 and chunks[0].section == "part 1" and chunks[0].language == "python"


def test_verilog_one_chunk_per_module() -> None:
    chunks = chunk_bytes((DATA / "docs" / "gray.sv").read_bytes(), "gray.sv")
    assert [c.section for c in chunks] == ["module bin2gray", "module gray2bin"]
    assert chunks[0].text.rstrip().endswith("endmodule") and "always_comb" in chunks[1].text
    assert {c.language for c in chunks} == {"systemverilog"}


def test_pdf_text_is_extracted() -> None:
    require_module("pypdf")
    chunks = chunk_bytes((DATA / "docs" / "cdc.pdf").read_bytes(), "cdc.pdf")
    assert len(chunks) == 1 and "two flop synchronizer" in chunks[0].text and chunks[0].language == "pdf"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.md", "empty file"),
        ("blob.v", "binary file"),
        ("broken.pdf", "unreadable PDF"),
        ("latin1.txt", "not UTF-8 text"),
    ],
)
def test_garbage_is_skipped_with_a_reason(name: str, reason: str) -> None:
    require_module("pypdf")
    with pytest.raises(SkipFile, match=reason):
        chunk_bytes((DATA / "garbage" / name).read_bytes(), name)


def test_unknown_suffix_and_missing_path() -> None:
    with pytest.raises(SkipFile, match="unsupported file type .bin"):
        chunk_bytes(b"abc", "x.bin")
    found = list(iter_files([DATA / "docs", DATA / "nope.md"]))
    assert (DATA / "nope.md", "no such file or directory") in found
    assert {p.name for p, _ in found if _ is None} == {
        "fifo_notes.md",
        "gray.sv",
        "helpers.py",
        "notes.txt",
        "cdc.pdf",
    }
