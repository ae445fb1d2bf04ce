"""The knowledge store: one Chroma collection of chunks, embedded (on disk) or on a `chroma run` server.

Embedded mode keeps a ``PersistentClient`` under ``<settings.home>/kb``; when ``chroma_url`` is set
the same API goes to a server through ``HttpClient``. Writers take an exclusive file lock beside the
persist directory, because two processes writing one persist directory can hang. Every write bumps a
``generation`` stamp in the collection metadata, so in-process caches (the BM25 index) can tell
when the documents changed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel

COLLECTION = "chipsmith_kb"
_BATCH = 1000  # below chromadb's max batch size (5461 with the sqlite backend)


class Chunk(BaseModel):
    """One retrievable piece of a source file."""

    text: str
    section: str = ""
    kind: str = "doc"
    """doc, code or error."""
    language: str = ""


class SourceInfo(BaseModel):
    """One ingested source file as the store knows it."""

    source: str
    chunks: int
    file_hash: str
    kind: str


class StoredChunk(BaseModel):
    """A chunk read back from the store, with its id and metadata."""

    id: str
    text: str
    source: str
    section: str
    kind: str
    language: str


class StoreError(RuntimeError):
    """The store cannot be opened or reached (one line, for the CLI)."""


def chunk_id(source: str, index: int) -> str:
    return f"{hashlib.sha1(source.encode()).hexdigest()[:16]}-{index:05d}"


class KnowledgeStore:
    """The chunk collection plus the bookkeeping ingestion and retrieval need."""

    def __init__(
        self, path: Path | None = None, url: str | None = None, collection: str = COLLECTION
    ) -> None:
        if (path is None) == (url is None):
            raise ValueError("give exactly one of path (embedded) or url (server)")
        self.path = path
        self.url = url
        self.key = f"{url or path}#{collection}"
        from chipsmith.knowledge.embed import MiniLMEmbedding

        self.embedder = MiniLMEmbedding()
        # Two processes creating a new embedded store at once race in chromadb's schema set-up
        # ("table collections already exists"): opening takes the writers' lock too.
        with self.write_lock():
            self._client = _make_client(path, url)
            try:
                self._col: Any = self._client.get_or_create_collection(
                    collection, embedding_function=self.embedder
                )
            except Exception as exc:  # chromadb raises many types; the user needs one line
                raise StoreError(f"cannot open knowledge store at {url or path}: {exc}") from exc

    # ------------------------------------------------------------------ writes
    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Serialise writers across processes (embedded mode); the server serialises by itself."""
        if self.path is None:
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".write.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def replace_source(
        self,
        source: str,
        file_hash: str,
        chunks: list[Chunk],
        bundled: bool = False,
        embeddings: list[list[float]] | None = None,
    ) -> int:
        """Drop the source's old chunks and add the new ones; return how many were added.

        ``embeddings`` (one per chunk) skips the embedding model; the benchmark's filler uses it.
        """
        with self.write_lock():
            self._col.delete(where={"source": source})
            ids = [chunk_id(source, i) for i in range(len(chunks))]
            metas = [
                {
                    "source": source,
                    "section": c.section,
                    "kind": c.kind,
                    "language": c.language,
                    "file_hash": file_hash,
                    "bundled": bundled,
                    "index": i,
                }
                for i, c in enumerate(chunks)
            ]
            docs = [c.text for c in chunks]
            for lo in range(0, len(ids), _BATCH):
                hi = lo + _BATCH
                vecs = None if embeddings is None else embeddings[lo:hi]
                self._col.add(ids=ids[lo:hi], documents=docs[lo:hi], metadatas=metas[lo:hi], embeddings=vecs)  # type: ignore[arg-type]
            self._bump()
        return len(chunks)

    def remove(self, source: str) -> int:
        """Delete every chunk of ``source``; return how many there were."""
        with self.write_lock():
            n = len(self._col.get(where={"source": source}, include=[])["ids"])
            if n:
                self._col.delete(where={"source": source})
                self._bump()
        return n

    def _bump(self) -> None:
        self._col.modify(metadata={"generation": uuid.uuid4().hex})

    # ------------------------------------------------------------------ reads
    def generation(self) -> str:
        """Changes whenever the documents change (also when another process wrote)."""
        col = self._client.get_collection(self._col.name)
        return str((col.metadata or {}).get("generation", "0"))

    def count(self) -> int:
        return int(self._col.count())

    def file_hash(self, source: str) -> str | None:
        got = self._col.get(where={"source": source}, limit=1, include=["metadatas"])
        metas = got.get("metadatas") or []
        return str(metas[0]["file_hash"]) if metas else None

    def has_bundled(self) -> bool:
        """Whether any chunk of the bundled corpus is in the store."""
        return bool(self._col.get(where={"bundled": True}, limit=1, include=[])["ids"])

    def sources(self) -> list[SourceInfo]:
        """Every source with its chunk count, sorted by name."""
        got = self._col.get(include=["metadatas"])
        info: dict[str, SourceInfo] = {}
        for m in got.get("metadatas") or []:
            src = str(m["source"])
            if src not in info:
                info[src] = SourceInfo(
                    source=src, chunks=0, file_hash=str(m["file_hash"]), kind=str(m["kind"])
                )
            info[src].chunks += 1
        return sorted(info.values(), key=lambda s: s.source)

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk (for the BM25 index)."""
        got = self._col.get(include=["documents", "metadatas"])
        return [
            _stored(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        ]

    def query(self, text: str, n: int, where: dict[str, Any] | None) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks by embedding, with cosine similarity, best first."""
        if n <= 0:
            return []
        # chromadb returns fewer rows when fewer match; no count() round trip per query.
        res = self._col.query(
            query_texts=[text], n_results=n, where=where, include=["documents", "metadatas", "distances"]
        )
        rows = zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True)  # type: ignore[index]
        return [(_stored(i, d, m), 1.0 - float(dist)) for i, d, m, dist in rows]


def _stored(cid: str, doc: str | None, meta: Any) -> StoredChunk:
    return StoredChunk(
        id=cid,
        text=doc or "",
        source=str(meta["source"]),
        section=str(meta.get("section", "")),
        kind=str(meta.get("kind", "doc")),
        language=str(meta.get("language", "")),
    )


def _make_client(path: Path | None, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url is not None:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"cannot open knowledge store at {url or path}: {exc}") from exc


_stores: dict[str, KnowledgeStore] = {}


def open_store(settings: Any = None) -> KnowledgeStore:
    """The store the settings name (server if ``chroma_url`` is set, else ``<home>/kb``), cached."""
    if settings is None:
        from chipsmith.config import load_settings

        settings = load_settings()
    url = settings.chroma_url
    key = url or str(Path(settings.home).resolve() / "kb")
    if key not in _stores:
        _stores[key] = KnowledgeStore(url=url) if url else KnowledgeStore(path=Path(key))
    return _stores[key]
