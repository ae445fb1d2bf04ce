"""The chipsmith command line: parse, call, print. Heavy imports happen inside commands.

Each command group lives in ``chipsmith.commands.<area>`` and exposes ``register(app)``.
"""

from __future__ import annotations

import importlib

import typer

from chipsmith import __version__

app = typer.Typer(
    name="chipsmith",
    help="LLM-agent hardware design assistant: RTL and kernels, sandboxed tools, PPA, benchmarks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command groups; each module imports only typer/rich at top level.
COMMAND_MODULES = (
    "doctor",
    "rtl",
    "ppa",
    "sandbox",
    "bench",
    "kb",
    "kernel",
    "tools",
    "prompts",
    "llm",
    "trace",
    "optimize",
    "run",
    "sessions",
    "chat",
    "serve",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chipsmith {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """chipsmith: design RTL and kernels with LLM agents, checked by real tools."""


for _name in COMMAND_MODULES:
    _mod = importlib.import_module(f"chipsmith.commands.{_name}")
    if hasattr(_mod, "register"):
        _mod.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
