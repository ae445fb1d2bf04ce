"""chipsmith.knowledge: the knowledge base (Chroma store, offline MiniLM embeddings, hybrid search).

Public entry points (import them from their modules; importing this package loads nothing):
``chipsmith.knowledge.retrieve.retrieve`` and ``Hit``, ``chipsmith.knowledge.store.open_store`` and
``KnowledgeStore``, ``chipsmith.knowledge.ingest.ingest_paths``.
"""
