"""Retrieval for every request: the user's own documents (``chipsmith kb add``), cited by source.

The bundled corpus is for the sub-agents (design notes, error knowledge); what the orchestrator
searches on every request is what the user added. When the user added nothing (no knowledge store,
or only the bundled corpus in it) this costs nothing: the embedding model is not loaded.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel

log = logging.getLogger(__name__)

MAX_CHARS = 1200


class Retrieved(BaseModel):
    source: str
    section: str = ""
    text: str
    score: float = 0.0


def has_store(settings: Any) -> bool:
    return bool(getattr(settings, "chroma_url", None)) or (Path(settings.home) / "kb").is_dir()


def user_documents(settings: Any, query: str, k: int = 3) -> list[Retrieved]:
    """The ``k`` best chunks of user-added documents for ``query`` (hybrid retrieval); [] on any problem."""
    if not query.strip() or not has_store(settings):
        return []
    try:
        from chipsmith.knowledge.ingest import BUNDLED_PREFIX
        from chipsmith.knowledge.retrieve import search_store
        from chipsmith.knowledge.store import open_store

        store = open_store(settings)
        mine = {s.source for s in store.sources() if not s.source.startswith(BUNDLED_PREFIX)}
        if not mine:
            return []
        hits = search_store(store, query, k=max(20, 4 * k))
    except Exception as exc:  # the knowledge extra missing, a broken store: the turn goes on without
        log.warning("knowledge retrieval skipped: %s", str(exc).splitlines()[0] if str(exc) else exc)
        return []
    out = [h for h in hits if h.source in mine][:k]
    return [
        Retrieved(source=h.source, section=h.section, text=h.text[:MAX_CHARS], score=h.score) for h in out
    ]
