"""``chipsmith chat``: the terminal REPL over a design session (docs/chat.md).

Imports only typer here; rich, readline and the session load inside the command, LangChain and the
model with the first request.
"""

from __future__ import annotations

from pathlib import Path

import typer

from chipsmith.commands._common import fail


def chat(
    model: str | None = typer.Option(
        None,
        "--model",
        help="Model spec (default: the configured one, else local); overrides a resumed session's.",
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help="Work in this directory (default: the session's own)."
    ),
    resume: str | None = typer.Option(
        None, "--resume", help="Continue session ID (an id or a unique prefix) with its history."
    ),
    last: bool = typer.Option(False, "--last", help="Continue the most recent session."),
) -> None:
    """Chat with the design assistant: streamed replies and tool calls, /files /show /diff /wave /ppa..."""
    from rich.console import Console

    from chipsmith.agents.session import SessionError, SessionManager
    from chipsmith.chat.actions import ChatState
    from chipsmith.chat.repl import Repl
    from chipsmith.config import load_settings
    from chipsmith.llm.errors import LLMError
    from chipsmith.llm.spec import parse_spec

    if resume and last:
        fail("--resume and --last both name a session: give one")
    if workspace is not None and (resume or last):
        fail("--workspace is for a new session; a resumed session keeps its own workspace")
    if workspace is not None and workspace.exists() and not workspace.is_dir():
        fail(f"--workspace {workspace} is not a directory")
    settings = load_settings(model=model)
    try:
        if model:
            model = parse_spec(model, default_base_url=settings.openai_base_url).text
        manager = SessionManager(settings=settings)
        session = manager.open(resume or "last", model=model) if (resume or last) else None
    except (SessionError, LLMError) as exc:
        fail(str(exc))
    state = ChatState(console=Console(highlight=False), manager=manager, session=session, model=model,
                      workspace=workspace)  # fmt: skip
    repl = Repl(state, history_file=settings.home / "chat_history")
    if session is not None:
        repl.banner(session, resumed=True)
        repl.printer.replay(session)
    else:
        state.console.print("chipsmith chat: type a design request, /help for commands, Ctrl-D to leave")
    raise typer.Exit(repl.run())


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
