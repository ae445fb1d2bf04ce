"""Pure parts of retrieval: tokenizer, reciprocal rank fusion, metrics."""

from __future__ import annotations

import pytest

from chipsmith.knowledge.evaluate import Relevant, first_relevant_rank
from chipsmith.knowledge.retrieve import Hit, rrf, tokenize
from chipsmith.knowledge.store import StoredChunk

pytestmark = pytest.mark.unit


def chunk(cid: str) -> StoredChunk:
    return StoredChunk(id=cid, text=cid, source="s", section=cid, kind="doc", language="")


def test_tokenize_keeps_codes_drops_stop_words_and_plurals() -> None:
    toks = tokenize("%Warning-UNOPTFLAT: the latches of top.v:2:14 (0xc000 max)")
    assert toks == ["warning", "unoptflat", "latche", "top", "14", "0xc000", "max"]
    assert tokenize("Latches") == tokenize("latche") and tokenize("class") == ["class"]


def test_rrf_rewards_agreement_between_lists() -> None:
    a, b, c, d = chunk("a"), chunk("b"), chunk("c"), chunk("d")
    fused = rrf([[a, b, c], [c, d, b]])
    order = [x.id for x, _ in fused]
    assert order[0] in ("b", "c") and set(order[:2]) == {"b", "c"}
    assert order.index("a") < order.index("d")  # rank 1 in one list beats rank 2 in the other
    scores = dict((x.id, s) for x, s in fused)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)


def test_first_relevant_rank() -> None:
    hits = [
        Hit(text="", source="s", section=n, kind="doc", language="", score=0, id=n) for n in ("x", "y", "z")
    ]
    assert first_relevant_rank(hits, [Relevant(source="s", section="y")]) == 2
    assert first_relevant_rank(hits, [Relevant(source="other", section="y")]) is None
