"""CLI commands: kb add / list / remove / search. Import only typer/rich here; heavy modules inside commands."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from chipsmith.commands._common import fail, print_json

kb_app = typer.Typer(
    help="Knowledge base: add documents and code, search them (hybrid BM25 + vectors).", no_args_is_help=True
)


def _store() -> Any:
    from chipsmith.knowledge.store import StoreError, open_store

    try:
        return open_store()
    except StoreError as exc:
        fail(str(exc))


@contextlib.contextmanager
def _store_errors() -> Iterator[None]:
    """A store failure mid-command (server gone, disk full) ends in one line, not a traceback."""
    try:
        yield
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:
        fail(f"knowledge store error: {type(exc).__name__}: {exc}")


@kb_app.command("add")
def add(
    paths: list[Path] = typer.Argument(
        ..., help="Files or directories (Markdown, text, PDF, Verilog/SV, Python)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ingestion report as JSON."),
) -> None:
    """Add files to the knowledge base; unchanged files are skipped, changed ones replaced."""
    from chipsmith.knowledge.ingest import ingest_paths

    with _store_errors():
        report = ingest_paths(_store(), paths)
    if as_json:
        print_json(report)
        return
    for name, reason in report.skipped.items():
        typer.echo(f"skipped {name}: {reason}")
    typer.echo(
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.unchanged)}, "
        f"skipped {len(report.skipped)} file(s); {report.chunks} chunk(s) written"
    )


@kb_app.command("list")
def list_sources(as_json: bool = typer.Option(False, "--json", help="Print sources as JSON.")) -> None:
    """List the sources in the knowledge base with their chunk counts."""
    with _store_errors():
        sources = _store().sources()
    if as_json:
        print_json([s.model_dump() for s in sources])
        return
    if not sources:
        typer.echo("knowledge base is empty (kb search adds the bundled corpus; kb add adds yours)")
    for s in sources:
        typer.echo(f"{s.chunks:5d}  {s.kind:5s}  {s.source}")


@kb_app.command("remove")
def remove(source: str = typer.Argument(..., help="A source name as `kb list` shows it.")) -> None:
    """Remove every chunk of one source."""
    with _store_errors():
        n = _store().remove(source)
    if n == 0:
        fail(f"no source named {source!r} in the knowledge base (see `chipsmith kb list`)")
    typer.echo(f"removed {source} ({n} chunk(s))")


@kb_app.command("search")
def search(
    query: str = typer.Argument(..., help="What to look for (an error message, a question, a name)."),
    k: int = typer.Option(5, "-k", min=1, max=100, help="Number of results."),
    kind: str | None = typer.Option(None, "--kind", help="Only this kind: doc, code or error."),
    language: str | None = typer.Option(
        None, "--language", help="Only this language (verilog, python, cuda, ...)."
    ),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, vector or bm25."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON, best first."),
) -> None:
    """Search the knowledge base; the bundled corpus is added on first use."""
    from chipsmith.knowledge.retrieve import retrieve

    if mode not in ("hybrid", "vector", "bm25"):
        fail(f"unknown mode {mode!r}; use hybrid, vector or bm25")
    with _store_errors():
        hits = retrieve(query, k=k, kind=kind, language=language, mode=mode, store=_store())  # type: ignore[arg-type]
    if as_json:
        print_json([h.model_dump() for h in hits])
        return
    if not hits:
        typer.echo("no results")
    for i, h in enumerate(hits, 1):
        typer.echo(f"{i}. [{h.score:.4f}] {h.source} :: {h.section}  ({h.kind}, {h.language})")
        snippet = " ".join(h.text.split())
        typer.echo(f"   {snippet[:240]}{'...' if len(snippet) > 240 else ''}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(kb_app, name="kb")
