"""The knowledge-search tool: hybrid retrieval over the design-doc store, for agents.

A thin registry entry over ``chipsmith.knowledge.retrieve`` (chromadb and the embedding model are
imported only when the tool is called).
"""

from __future__ import annotations

from typing import Any

from chipsmith.registry import TOOLS


@TOOLS.register("knowledge_search")
def knowledge_search(
    query: str, k: int = 5, kind: str | None = None, language: str | None = None
) -> list[dict[str, Any]]:
    """Search design notes, code and tool-error knowledge; results best first (text, source, section, score).

    ``kind`` filters to doc, code or error; ``language`` to e.g. verilog, python, cuda.
    """
    from chipsmith.knowledge.retrieve import retrieve

    return [hit.model_dump() for hit in retrieve(query, k=k, kind=kind, language=language)]
