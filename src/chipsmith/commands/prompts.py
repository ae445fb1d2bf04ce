"""CLI commands: `chipsmith prompts list|show NAME`: the prompt templates and where each comes from."""

from __future__ import annotations

from pathlib import Path

import typer

from chipsmith.commands._common import fail, print_json

prompts_app = typer.Typer(
    help="Prompt templates (Jinja): project, user, plugin and package ones, first match wins.",
    no_args_is_help=True,
)


def _record(name: str, origin: str, path: Path) -> dict[str, object]:
    import jinja2
    from jinja2 import meta

    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        variables = sorted(meta.find_undeclared_variables(jinja2.Environment().parse(text)))
    except jinja2.TemplateSyntaxError as exc:
        variables = [f"(template error: {exc.message})"]
    return {"name": name, "origin": origin, "path": str(path), "variables": variables, "text": text}


@prompts_app.command("list")
def list_prompts(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List every prompt with where it comes from (project, user, plugin:NAME, package)."""
    from chipsmith.prompts import origins

    found = origins()
    if as_json:
        print_json([{"name": n, "origin": o, "path": str(p)} for n, (o, p) in found.items()])
        return
    width = max((len(n) for n in found), default=4)
    owidth = max((len(o) for o, _ in found.values()), default=7)
    for name, (origin, path) in found.items():
        typer.echo(f"{name:<{width}}  {origin:<{owidth}}  {path}")


@prompts_app.command("show")
def show(
    name: str = typer.Argument(..., help="Prompt name, without .j2."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (origin, path, variables, text)."),
) -> None:
    """Print a prompt template (the file that would be rendered) and its variables."""
    from chipsmith.prompts import origins

    found = origins()
    if name not in found:
        fail(f"unknown prompt {name!r}; known: {', '.join(found) or 'none'}")
    origin, path = found[name]
    rec = _record(name, origin, path)
    if as_json:
        print_json(rec)
        return
    # A Jinja comment keeps the output a valid template.
    typer.echo(f"{{# {name}: {origin} ({path}); variables: {', '.join(rec['variables']) or 'none'} #}}")  # type: ignore[arg-type]
    typer.echo(str(rec["text"]), nl=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(prompts_app, name="prompts")
