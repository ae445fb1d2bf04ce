"""``chipsmith sessions list|show|export``: design sessions persisted under ``<home>/sessions``.

Reading a session needs no model: these commands open no model and start no server.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from chipsmith.commands._common import fail, print_json

sessions_app = typer.Typer(help="Design sessions: list, show, export as Markdown.", no_args_is_help=True)


def _manager() -> Any:
    from chipsmith.agents.session import SessionManager

    return SessionManager()


def _open(ref: str) -> Any:
    from chipsmith.agents.session import SessionError

    try:
        return _manager().open(ref)
    except SessionError as exc:
        fail(str(exc))


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


@sessions_app.command("list")
def list_sessions(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Sessions, most recent first: id, turns, last verdict, model, title."""
    infos = _manager().list()
    if as_json:
        print_json([i.model_dump(mode="json") for i in infos])
        return
    if not infos:
        typer.echo('no sessions yet (chipsmith run "..." starts one)')
        return
    for i in infos:
        status = i.last_status or "-"
        if i.status != "idle":
            status = f"{status}, {i.status}"
        typer.echo(
            f"{i.id}  {_when(i.updated)}  {i.turns:>3} turn(s)  {status:<12} {i.model[:40]:<40} {i.title[:50]}"
        )


@sessions_app.command("show")
def show(
    session_id: str = typer.Argument(..., help="Session id (a unique prefix, or 'last')."),
    as_json: bool = typer.Option(False, "--json", help="Print info, outcomes and files as JSON."),
) -> None:
    """A session's turns with their verdicts and checks, its usage and its files."""
    s = _open(session_id)
    outcomes, usage, files = s.outcomes(), s.usage(), s.files()
    if as_json:
        print_json({"info": s.info.model_dump(mode="json"), "usage": usage.model_dump(),
                    "outcomes": [o.model_dump(mode="json") for o in outcomes],
                    "files": [f.model_dump() for f in files]})  # fmt: skip
        return
    i = s.info
    typer.echo(f"session {i.id}: {i.title}\nmodel {i.model}; workspace {i.workspace}; status {i.status}")
    cost = "unknown" if usage.cost_usd is None else f"${usage.cost_usd:.4f}"
    typer.echo(f"usage: {usage.tokens} tokens, {usage.model_calls} model calls, {usage.tool_calls} tool calls, "
               f"cost {cost}, {usage.wall_s:.1f} s")  # fmt: skip
    for o in outcomes:
        typer.echo(f"\nturn {o.turn} [{o.status.upper()}] {o.request.strip().splitlines()[0][:100]}")
        for c in o.checks:
            typer.echo(f"  [{'pass' if c.passed else 'FAIL'}] {c.summary[:160]}")
        for r in o.reasons:
            typer.echo(f"  - {r[:160]}")
    if i.turns > len(outcomes):
        typer.echo(f"\nturn {i.turns}: no outcome (interrupted; the next turn continues the history)")
    typer.echo("\nfiles: " + (", ".join(f.path for f in files) or "none"))


@sessions_app.command("export")
def export(
    session_id: str = typer.Argument(..., help="Session id (a unique prefix, or 'last')."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file instead of stdout."),
) -> None:
    """The session as Markdown: each turn's request, tool calls, answer and checks; files; transcript."""
    text = _open(session_id).export_markdown()
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(sessions_app, name="sessions")
