"""Two processes writing one embedded store at once: the writer lock keeps both correct."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("knowledge")]

WRITER = """
import sys
from pathlib import Path
from chipsmith.knowledge.store import Chunk, KnowledgeStore

store = KnowledgeStore(path=Path(sys.argv[1]))
tag = sys.argv[2]
vec = [1.0] + [0.0] * 383  # explicit vectors: this test is about locking, not the model
for i in range(15):
    chunks = [Chunk(text=f"{tag} chunk {i} {j}") for j in range(4)]
    store.replace_source(f"{tag}/{i}.md", f"h{i}", chunks, embeddings=[vec] * 4)
print("done", tag)
"""


def test_two_writer_processes_do_not_hang_or_lose_chunks(tmp_path: Path) -> None:
    from helpers import require_module

    require_module("chromadb")
    kb = tmp_path / "kb"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(kb), tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        assert out.startswith("done")
    from chipsmith.knowledge.store import KnowledgeStore

    store = KnowledgeStore(path=kb)
    assert store.count() == 2 * 15 * 4
    assert len(store.sources()) == 30
