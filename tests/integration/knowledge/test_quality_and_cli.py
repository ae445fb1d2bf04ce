"""Retrieval quality on the labelled set, and the `chipsmith kb` commands, on the bundled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("knowledge")]

DATA = Path(__file__).resolve().parents[2] / "data" / "knowledge"


def test_hybrid_recall_at_5_meets_the_goal_and_beats_both_single_retrievers(corpus_home: Path) -> None:
    from chipsmith.knowledge.evaluate import evaluate, load_queries
    from chipsmith.knowledge.store import KnowledgeStore

    store = KnowledgeStore(path=corpus_home / "kb")
    queries = load_queries(DATA / "retrieval_queries.json")
    assert len(queries) >= 60
    hybrid = evaluate(store, queries, "hybrid")
    assert hybrid.recall_at_k >= 0.9, hybrid.misses
    for mode in ("vector", "bm25"):
        single = evaluate(store, queries, mode)
        assert hybrid.recall_at_k >= single.recall_at_k, (mode, single.recall_at_k, hybrid.recall_at_k)


def test_error_filter_returns_only_error_entries(corpus_home: Path) -> None:
    from chipsmith.knowledge.retrieve import search_store
    from chipsmith.knowledge.store import KnowledgeStore

    store = KnowledgeStore(path=corpus_home / "kb")
    hits = search_store(
        store, "latch inferred in combinational always", k=5, kind="error", language="verilog"
    )
    assert len(hits) == 5 and all(h.kind == "error" and h.language == "verilog" for h in hits)
    assert hits[0].section in (
        "verilator: LATCH Latch inferred for signal",
        "yosys: Latch inferred for signal (proc_dlatch)",
    )


@pytest.fixture
def cli(corpus_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from chipsmith.cli import app

    monkeypatch.setenv("CHIPSMITH_HOME", str(corpus_home))
    monkeypatch.delenv("CHIPSMITH_CHROMA_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["kb", *args])


def test_cli_search_json_best_first(cli) -> None:
    res = cli("search", "--json", "-k", "3", "%Error: cpu.v:9:4: Can't find definition of variable: 'rdata'")
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout)
    assert len(hits) == 3 and {"text", "source", "score", "section"} <= set(hits[0])
    assert hits[0]["section"] == "verilator: Can't find definition of variable"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_cli_add_list_remove_and_garbage(cli, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "note.md").write_text("# Parity\n\nEven parity is the XOR of all data bits.\n")
    (tmp_path / "mine" / "junk.pdf").write_bytes(b"\x00\x01garbage")
    res = cli("add", "mine", "nothere.v")
    assert res.exit_code == 0, res.output
    assert "skipped mine/junk.pdf: not a PDF (no %PDF header)" in res.stdout
    assert "skipped nothere.v: no such file or directory" in res.stdout
    assert "Traceback" not in res.output
    listed = cli("list", "--json")
    assert {"source": "mine/note.md", "chunks": 1} in [
        {k: s[k] for k in ("source", "chunks")} for s in json.loads(listed.stdout)
    ]
    top = json.loads(
        cli("search", "--json", "-k", "1", "--kind", "doc", "even parity xor of the data bits").stdout
    )
    assert top[0]["source"] == "mine/note.md"
    assert cli("remove", "mine/note.md").exit_code == 0
    gone = cli("remove", "mine/note.md")
    assert gone.exit_code == 2 and gone.output.count("\n") == 1 and "no source named" in gone.output
    assert cli("search", "--mode", "fuzzy", "x").exit_code == 2


def test_knowledge_search_tool_from_the_registry(corpus_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipsmith.registry import TOOLS

    monkeypatch.setenv("CHIPSMITH_HOME", str(corpus_home))
    monkeypatch.delenv("CHIPSMITH_CHROMA_URL", raising=False)
    hits = TOOLS.get("knowledge_search")("top.v:2: error: Unknown module type: inverter", k=3, kind="error")
    assert len(hits) == 3 and all(h["kind"] == "error" for h in hits)
    assert any(h["section"] == "iverilog: Unknown module type" for h in hits)
