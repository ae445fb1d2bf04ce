"""CLI commands: `chipsmith tools list`: the tools agents are offered, as the model sees them."""

from __future__ import annotations

import typer

from chipsmith.commands._common import fail, print_json

tools_app = typer.Typer(
    help="Tools offered to agents: names, descriptions, parameters.", no_args_is_help=True
)


def tool_records() -> list[dict[str, object]]:
    """Every registered tool: name, description and JSON parameters as a model sees them, or why not offered."""
    from chipsmith.agents.tooling.schema import build_specs, model_parameters

    specs, skipped = build_specs()
    records: list[dict[str, object]] = [
        {"name": n, "offered": True, "description": s.description, "parameters": model_parameters(s)}
        for n, s in specs.items()
    ]
    records += [{"name": n, "offered": False, "reason": why} for n, why in skipped.items()]
    return sorted(records, key=lambda r: str(r["name"]))


@tools_app.command("list")
def list_tools(as_json: bool = typer.Option(False, "--json", help="Print JSON (schemas included).")) -> None:
    """List the registered tools (plugins included) with the parameters a model sees."""
    try:
        records = tool_records()
    except ImportError as exc:
        fail(f"listing tool schemas needs the llm extra (pip install 'chipsmith[llm]'): {exc}")
    if as_json:
        print_json(records)
        return
    for rec in records:
        if not rec["offered"]:
            typer.echo(f"{rec['name']}  (not offered to agents: {rec['reason']})")
            continue
        params = rec["parameters"]
        assert isinstance(params, dict)
        required = set(params.get("required", []))
        names = [p if p in required else f"{p}?" for p in params.get("properties", {})]
        first = str(rec["description"]).splitlines()[0] if rec["description"] else ""
        typer.echo(f"{rec['name']}({', '.join(names)})\n    {first}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(tools_app, name="tools")
