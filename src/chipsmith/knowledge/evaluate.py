"""Retrieval quality metrics over a labelled query set (used by the benchmark script and tests)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from chipsmith.knowledge.retrieve import Hit, Mode, search_store
from chipsmith.knowledge.store import KnowledgeStore


class Relevant(BaseModel):
    source: str
    section: str


class LabelledQuery(BaseModel):
    query: str
    relevant: list[Relevant]


class Quality(BaseModel):
    """Recall@k and mean reciprocal rank of one retrieval mode."""

    mode: str
    k: int
    queries: int
    recall_at_k: float
    mrr: float
    misses: list[str]


def load_queries(path: Path) -> list[LabelledQuery]:
    data = json.loads(path.read_text())
    return [LabelledQuery.model_validate(q) for q in data["queries"]]


def first_relevant_rank(hits: list[Hit], relevant: list[Relevant]) -> int | None:
    """1-based rank of the first hit matching any relevant (source, section), or None."""
    wanted = {(r.source, r.section) for r in relevant}
    for rank, hit in enumerate(hits, start=1):
        if (hit.source, hit.section) in wanted:
            return rank
    return None


def evaluate(store: KnowledgeStore, queries: list[LabelledQuery], mode: Mode, k: int = 5) -> Quality:
    """Recall@k (share of queries with a relevant chunk in the top k) and MRR over the top k."""
    found = 0
    rr = 0.0
    misses = []
    for q in queries:
        rank = first_relevant_rank(search_store(store, q.query, k=k, mode=mode), q.relevant)
        if rank is None:
            misses.append(q.query)
        else:
            found += 1
            rr += 1.0 / rank
    n = max(len(queries), 1)
    return Quality(mode=mode, k=k, queries=len(queries), recall_at_k=found / n, mrr=rr / n, misses=misses)
