"""Ingestion, listing, removal, filters and cache invalidation, in embedded and server mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chipsmith.knowledge.ingest import ingest_paths
from chipsmith.knowledge.retrieve import search_store

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("knowledge")]

DATA = Path(__file__).resolve().parents[2] / "data" / "knowledge"


def test_ingest_is_idempotent_and_replaces_changed_files(store, tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DATA / "docs", docs)
    monkeypatch.chdir(tmp_path)
    first = ingest_paths(store, [docs])
    assert sorted(first.added) == sorted(
        f"docs/{n}" for n in ("cdc.pdf", "fifo_notes.md", "gray.sv", "helpers.py", "notes.txt")
    )
    assert first.chunks == store.count() == 10
    again = ingest_paths(store, [docs])
    assert again.chunks == 0 and len(again.unchanged) == 5 and not again.added

    (docs / "fifo_notes.md").write_text(
        "# FIFO notes\n\nOnly one section now, about zebra-striped pointers.\n"
    )
    changed = ingest_paths(store, [docs])
    assert changed.replaced == ["docs/fifo_notes.md"] and changed.chunks == 1
    assert store.count() == 8
    hits = search_store(store, "zebra striped pointers", k=1, mode="bm25")  # cache saw the change
    assert hits[0].source == "docs/fifo_notes.md" and "zebra" in hits[0].text
    old = search_store(store, "almost-full threshold stop signal latency", k=10, mode="hybrid")
    assert old and all("Almost-full" not in h.text for h in old)  # the old sections are gone


def test_list_remove_and_garbage(store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(DATA)
    report = ingest_paths(store, [Path("docs/gray.sv"), Path("garbage"), Path("missing.md")])
    assert report.added == ["docs/gray.sv"]
    assert report.skipped == {
        "garbage/blob.v": "binary file",
        "garbage/broken.pdf": "unreadable PDF (PdfStreamError)",
        "garbage/empty.md": "empty file",
        "garbage/latin1.txt": "not UTF-8 text (byte 3)",
        "missing.md": "no such file or directory",
    }
    assert [(s.source, s.chunks, s.kind) for s in store.sources()] == [("docs/gray.sv", 2, "code")]
    assert store.remove("docs/gray.sv") == 2 and store.remove("docs/gray.sv") == 0
    assert store.count() == 0 and search_store(store, "gray code", mode="hybrid") == []


def test_filters_and_modes(store, monkeypatch) -> None:
    monkeypatch.chdir(DATA)
    ingest_paths(store, [Path("docs")])
    for mode in ("vector", "bm25", "hybrid"):
        hits = search_store(
            store, "gray code conversion module", k=3, mode=mode, kind="code", language="systemverilog"
        )
        assert hits, mode
        assert all(h.kind == "code" and h.language == "systemverilog" for h in hits)
        assert hits[0].section in ("module bin2gray", "module gray2bin")
    py = search_store(store, "count set bits popcount", k=2, language="python")
    assert py[0].section == "def popcount" and all(h.language == "python" for h in py)
    assert search_store(store, "metastability synchronizer", k=1, kind="doc")[0].source == "docs/cdc.pdf"
    scores = [h.score for h in search_store(store, "skid buffer credits", k=5)]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        search_store(store, "x", mode="fuzzy")  # type: ignore[arg-type]
