#!/usr/bin/env python3
"""Retrieval benchmark: quality of vector, BM25 and hybrid search; ingestion rate; latency at scale.

1. Ingest the bundled corpus into a fresh embedded store (chunks/s, model load excluded).
2. Recall@5 and MRR of each mode on tests/data/knowledge/retrieval_queries.json.
3. Add synthetic filler chunks up to --chunks (default 10,000), then time --latency-queries queries
   per mode (p50/p95, after one warm-up query that builds the BM25 index) and re-check quality.
   Filler vectors are random unit vectors unless --embed-filler is given: embedding 10,000 chunks
   with MiniLM takes tens of minutes on a shared 2-core machine, and search latency depends on the
   index size, not on what the vectors mean.

Usage: .venv/bin/python scripts/bench_retrieval.py [--chunks 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from chipsmith.knowledge.embed import load_model
from chipsmith.knowledge.evaluate import evaluate, load_queries
from chipsmith.knowledge.ingest import ingest_bundled
from chipsmith.knowledge.retrieve import search_store
from chipsmith.knowledge.store import Chunk, KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "knowledge" / "retrieval_queries.json"
MODES = ("vector", "bm25", "hybrid")
_WORDS = [
    "register",
    "pipeline",
    "clock",
    "reset",
    "signal",
    "module",
    "port",
    "width",
    "adder",
    "multiplier",
    "counter",
    "state",
    "machine",
    "memory",
    "cache",
    "buffer",
    "latency",
    "throughput",
    "bandwidth",
    "tile",
    "kernel",
    "thread",
    "block",
    "warp",
    "shared",
    "global",
    "timing",
    "slack",
    "area",
    "power",
    "leakage",
    "dynamic",
    "gate",
    "cell",
    "library",
    "netlist",
    "route",
    "place",
    "floorplan",
    "bus",
    "protocol",
    "packet",
    "header",
    "payload",
    "arbiter",
    "grant",
    "request",
    "interrupt",
    "controller",
    "decoder",
    "encoder",
    "parity",
    "checksum",
    "compression",
    "filter",
    "sample",
    "stream",
    "vector",
    "scalar",
    "float",
    "integer",
    "fixed",
    "point",
]


def filler_chunks(n: int, seed: int = 7) -> list[Chunk]:
    """Plausible-looking but unrelated hardware prose, so filler competes with the real corpus."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(40, 120))]
        out.append(
            Chunk(
                text=f"Note {i}. " + " ".join(words) + ".", section=f"note {i}", kind="doc", language="text"
            )
        )
    return out


def random_unit_vectors(n: int, dim: int = 384, seed: int = 11) -> list[list[float]]:
    import numpy as np

    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v.tolist()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=10_000, help="total chunks for the latency test")
    ap.add_argument("--latency-queries", type=int, default=100)
    ap.add_argument("--embed-filler", action="store_true", help="embed filler with the model (slow)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()

    queries = load_queries(QUERIES)
    load_model()
    results: dict[str, object] = {"queries": len(queries), "loadavg_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        store = KnowledgeStore(path=Path(tmp) / "kb")
        t0 = time.perf_counter()
        report = ingest_bundled(store)
        dt = time.perf_counter() - t0
        results["corpus_chunks"] = report.chunks
        results["ingest_chunks_per_s"] = round(report.chunks / dt, 1)
        results["quality"] = {m: evaluate(store, queries, m).model_dump() for m in MODES}

        filler = filler_chunks(max(0, args.chunks - store.count()))
        vectors = None if args.embed_filler else random_unit_vectors(len(filler))
        t0 = time.perf_counter()
        for lo in range(0, len(filler), 500):
            vecs = None if vectors is None else vectors[lo : lo + 500]
            store.replace_source(
                f"filler/{lo // 500:04d}.md", "filler", filler[lo : lo + 500], embeddings=vecs
            )
        dt = time.perf_counter() - t0
        results["filler_chunks"] = len(filler)
        results["filler_embedded"] = bool(args.embed_filler)
        results["filler_ingest_chunks_per_s"] = round(len(filler) / dt, 1) if filler else None
        results["store_chunks"] = store.count()

        latency: dict[str, dict[str, float]] = {}
        for mode in MODES:
            search_store(store, "warm up", mode=mode)  # builds the BM25 index once
            times = []
            for i in range(args.latency_queries):
                q = queries[i % len(queries)].query
                t0 = time.perf_counter()
                search_store(store, q, k=5, mode=mode)
                times.append((time.perf_counter() - t0) * 1000)
            latency[mode] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
            }
        embed = []
        for i in range(args.latency_queries):
            t0 = time.perf_counter()
            store.embedder([queries[i % len(queries)].query])
            embed.append((time.perf_counter() - t0) * 1000)
        latency["query_embedding_only"] = {
            "p50_ms": round(statistics.median(embed), 1),
            "p95_ms": round(percentile(embed, 95), 1),
        }
        results["latency_at_store_size"] = latency
        results["loadavg_at_end"] = os.getloadavg()
        results["quality_at_store_size"] = {
            m: {k: v for k, v in evaluate(store, queries, m).model_dump().items() if k != "misses"}
            for m in MODES
        }

    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
