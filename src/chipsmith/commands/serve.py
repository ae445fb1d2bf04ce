"""``chipsmith serve``: the local web app (docs/web.md). FastAPI and uvicorn load inside the command."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from chipsmith.web.config import WebConfig

from chipsmith.commands._common import fail

TOKEN_ENV = "CHIPSMITH_WEB_TOKEN"


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind; anything but loopback needs the token."
    ),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port."),
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace of sessions started in the browser (default: each its own).",
    ),
    model: str | None = typer.Option(None, "--model", help="Model of sessions started in the browser."),
    token: str | None = typer.Option(
        None, "--token", help=f"Access token (default: ${TOKEN_ENV}, else a new one when not on loopback)."
    ),
) -> None:
    """Serve the web app: sessions with streamed tool calls, files, waveforms, schematics, PPA, runs."""
    from chipsmith.config import load_settings
    from chipsmith.web.config import WebConfig, is_loopback, new_token

    if workspace is not None:
        if workspace.exists() and not workspace.is_dir():
            fail(f"--workspace {workspace} is not a directory")
        workspace = workspace.resolve()
    token = token or os.environ.get(TOKEN_ENV) or (None if is_loopback(host) else new_token())
    settings = load_settings(model=model)
    try:
        config = WebConfig(
            home=settings.home, host=host, port=port, workspace=workspace, model=model, token=token
        )
    except ValueError as exc:
        fail(str(exc).splitlines()[-1].removeprefix("  Value error, "))
    _run(config, settings)


def _run(config: WebConfig, settings: Any) -> None:
    import errno
    import socket

    import uvicorn

    from chipsmith.web.app import create_app

    app = create_app(config, settings)
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        why = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        fail(f"cannot listen on {config.host}:{config.port}: {why}")
    typer.echo(f"chipsmith serve: open {config.url()}")
    if config.token:
        typer.echo("every request needs this token (the link sets it in your browser)")
    if not config.loopback:
        typer.echo(
            "warning: not on loopback: anyone who can reach this address and has the token can run turns"
        )
    uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)).run(sockets=[sock])


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
